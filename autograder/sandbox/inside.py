"""The first code of every sandbox, cold or forked from the zygote: the one setup path, then the program.

Cold: bubblewrap starts ``python -m autograder.sandbox.inside CONFIG`` in the allow-listed view. Warm: a fork of
the zygote (which runs in the same view) enters fresh mount and PID namespaces and calls :func:`enter` too.
Either way, before any student code runs: its own ``/tmp``, ``/dev/shm`` and ``/proc``, the environment of
the allow-list only, rlimits, lower priority, every privilege gone (root mode: uid ``nobody``), and no way
to make a user namespace of its own (a seccomp filter).
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import signal
import sys

from autograder.sandbox import privileges as priv
from autograder.sandbox.channel import Channel

CHANNEL_FD = 3


def _mount_private_dirs(cfg: dict) -> None:
    uid, gid = cfg["user"] or (os.getuid(), os.getgid())
    flags = priv.MS_NOSUID | priv.MS_NODEV
    priv.make_private()
    priv.mount("tmpfs", "/tmp", "tmpfs", flags, f"size={cfg['tmp_bytes']},mode=0700,uid={uid},gid={gid}")
    priv.mount("tmpfs", "/dev/shm", "tmpfs", flags, f"size={cfg['shm_bytes']},mode=1777")
    priv.mount("proc", "/proc", "proc", flags | priv.MS_NOEXEC)


def set_rlimits(limits: dict[str, int]) -> None:
    for name, value in limits.items():
        res = getattr(resource, "RLIMIT_" + name)
        _, hard = resource.getrlimit(res)
        value = int(value) if hard == resource.RLIM_INFINITY else min(int(value), hard)
        resource.setrlimit(res, (value, value))


def enter(cfg: dict) -> None:
    """Set this process up as a sandbox (see the module docstring). Raises if any step fails."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writing past the size limit fails with EFBIG, no kill
    if cfg["isolated"]:
        _mount_private_dirs(cfg)
    os.chdir(cfg["cwd"])
    os.environ.clear()
    os.environ.update(cfg["env"])
    os.nice(5)  # the grader keeps priority over any submission
    set_rlimits(cfg["rlimits"])
    if cfg["isolated"]:
        priv.drop_bounding_set()
        if cfg["user"]:
            priv.become(*cfg["user"])
        priv.clear_capabilities()
        if any(priv.capabilities().get(s) for s in ("CapEff", "CapPrm", "CapInh", "CapAmb")):
            raise OSError("capabilities left after dropping them")
        priv.forbid_user_namespaces()


def run(cfg: dict) -> None:
    """Warm the program up (a no-op in a zygote's fork) and let it serve the grader on the channel."""
    program = importlib.import_module(cfg["program"])
    program.warm()
    program.serve(Channel.from_fd(CHANNEL_FD))


def main() -> None:
    cfg = json.loads(sys.argv[1])
    os.closerange(CHANNEL_FD + 1, 65536)
    try:
        enter(cfg)
    except Exception as exc:  # noqa: BLE001 - tell the grader why, never run the program half set up
        Channel.from_fd(CHANNEL_FD).send({"ready": False, "error": f"sandbox setup failed: {exc}"})
        os._exit(70)
    run(cfg)


if __name__ == "__main__":
    main()
