"""Prepare the sandbox (mounts, limits, privileges) and exec the worker. Runs as the sandbox's first process.

Invoked by :class:`autograder.sandbox.Sandbox` as ``python -m autograder.jail CONFIG_JSON``, inside fresh
namespaces when the grader is root (strong mode), directly otherwise.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

SKIP_REMOUNT = ("/proc", "/sys", "/dev")


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


def _mountpoints() -> list[str]:
    points = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            mp = line.split()[4].replace("\\040", " ")
            if not any(mp == s or mp.startswith(s + "/") for s in SKIP_REMOUNT):
                points.append(mp)
    return points


def _tasks_of(uid: int) -> int:
    """Tasks (threads) the kernel counts against ``uid`` for RLIMIT_NPROC."""
    n = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            if os.stat(f"/proc/{pid}").st_uid == uid:
                n += len(os.listdir(f"/proc/{pid}/task"))
        except OSError:
            continue
    return n


CGROUP_ROOT = Path("/sys/fs/cgroup")


def join_cgroups(name: str, pids: int, cpus: float) -> bool:
    """Put this process (and so every child) in cgroups capping its task count and CPU share (cgroup v1)."""
    try:
        for controller, settings in (("pids", {"pids.max": str(pids)}),
                                     ("cpu", {"cpu.cfs_period_us": "100000",
                                              "cpu.cfs_quota_us": str(int(100000 * cpus))})):
            group = CGROUP_ROOT / controller / "cnn-grade" / name
            group.mkdir(parents=True, exist_ok=True)
            for key, value in settings.items():
                (group / key).write_text(value)
            (group / "cgroup.procs").write_text(str(os.getpid()))
        return True
    except OSError:
        return False


def in_own_mount_namespace() -> bool:
    """True in a mount namespace of our own (never remount the host's file systems)."""
    host = os.environ.get("CNN_GRADE_HOST_MNT")  # the grader's namespace, set by whoever started us
    try:
        return bool(host) and os.readlink("/proc/self/ns/mnt") != host
    except OSError:
        return False


def host_mount_namespace() -> str:
    """This process's mount namespace id, to hand to a jail started in a new one."""
    return os.readlink("/proc/self/ns/mnt")


def read_only_and_hidden(hide: list[str]) -> None:
    """Every mount read-only, every secret path covered (an empty tmpfs, or /dev/null for a file)."""
    if not in_own_mount_namespace():
        raise SystemExit("jail: refusing to remount file systems outside a private mount namespace")
    for mp in sorted(_mountpoints(), key=len):
        _mount("-o", "remount,bind,ro", mp)
    for path in hide:
        p = Path(path)
        if p.is_dir():
            _mount("-t", "tmpfs", "-o", "ro,size=4k,mode=000", "hidden", str(p))
        elif p.exists():
            _mount("--bind", "/dev/null", str(p))


def give_scratch(scratch: Path) -> Path:
    """Hide every sandbox's scratch directory but this one; return where this one is now (writable).

    The scratch directories share a parent only the grader uses. An empty tmpfs goes over that parent and
    this sandbox's own directory is bound back into it as ``work`` (through an fd opened before hiding).
    """
    from autograder import privileges

    base = scratch.parent
    fd = os.open(scratch, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if not _mount("-t", "tmpfs", "-o", "size=16k,mode=755", "sandboxes", str(base)):
            raise SystemExit("jail: could not hide the other sandboxes")
        work = base / "work"
        work.mkdir()
        privileges.bind_mount(f"/proc/self/fd/{fd}", str(work))
        privileges.remount_writable(str(work))
    finally:
        os.close(fd)
    _mount("-t", "tmpfs", "-o", "size=64m,nosuid,nodev", "shm", "/dev/shm")
    return work


def lock_down_filesystem(scratch: Path, hide: list[str]) -> Path:
    """Read-only everything, hide the secrets and the other sandboxes; return the writable scratch dir."""
    read_only_and_hidden(hide)
    return give_scratch(scratch)


def apply_limits(cfg: dict, uid: int) -> None:
    """rlimits, and the pids/cpu cgroups when the machine lets us (then RLIMIT_NPROC is not needed)."""
    limits = dict(cfg["rlimits"])
    if cfg.get("cgroup") and join_cgroups(cfg["cgroup"], int(limits["NPROC"]), float(cfg.get("cpus", 1.0))):
        del limits["NPROC"]  # the pids cgroup counts this sandbox's tasks alone
    else:
        # RLIMIT_NPROC counts every task of this user on the machine: allow what exists plus the budget.
        limits["NPROC"] = _tasks_of(uid) + int(limits["NPROC"])
    for name, value in limits.items():
        res = getattr(resource, "RLIMIT_" + name)
        soft, hard = resource.getrlimit(res)
        value = int(value) if hard == resource.RLIM_INFINITY else min(int(value), hard)
        resource.setrlimit(res, (value, value))


def main() -> None:
    cfg = json.loads(sys.argv[1])
    scratch = Path(cfg["scratch"])
    uid = os.getuid()
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writing past the size limit fails with EFBIG, no kill
    if cfg["strong"]:
        work = lock_down_filesystem(scratch, cfg["hide"])
        os.chdir(work)
        os.environ.update({"TMPDIR": str(work), "HOME": str(work), "MPLCONFIGDIR": str(work / ".mpl")})
    os.nice(5)  # the grader's own process keeps priority over any submission
    apply_limits(cfg, uid)
    worker = [cfg["python"], "-m", "autograder.sandbox_worker"]
    if cfg["strong"]:
        worker = ["setpriv", "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all",
                  "--securebits=+noroot,+noroot_locked,+no_setuid_fixup,+no_setuid_fixup_locked,+keep_caps_locked",
                  *worker]
    os.execvp(worker[0], worker)


if __name__ == "__main__":
    main()
