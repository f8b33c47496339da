"""A sandboxed process running one program for the grader: start it, send it requests, stop it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from autograder.sandbox.cgroups import Cgroup, sweep
from autograder.sandbox.channel import Channel, ChannelError
from autograder.sandbox.command import bwrap_argv, environment, state_dir
from autograder.sandbox.isolation import Isolation, isolation
from autograder.sandbox.launcher import ColdProcess, Process, Zygote
from autograder.sandbox.limits import Limits, SandboxError
from autograder.sandbox.settings import zygote_enabled

DEFAULT_PROGRAM = "autograder.sandbox_worker"


_swept = False
_zygotes: dict[tuple, Zygote] = {}
_zygotes_lock = threading.Lock()
_no_zygote: set[tuple] = set()   # views whose zygote would not start in this process: cold starts only


def zygote_for(iso: Isolation, program: str, hidden: Sequence[Path], start_seconds: float) -> Zygote | None:
    """This process's warm zygote for that view (started on first use), or None if it cannot start."""
    argv = bwrap_argv(iso, hidden)
    key = (program, tuple(argv))
    with _zygotes_lock:
        zygote = _zygotes.get(key)
        if zygote is not None and zygote.alive():
            return zygote
        if zygote is not None:
            zygote.close()
        if key in _no_zygote:
            return None
        try:
            zygote = Zygote(argv, environment("/tmp"), program, start_seconds)
        except (RuntimeError, OSError):
            _zygotes.pop(key, None)
            _no_zygote.add(key)
            return None
        _zygotes[key] = zygote
        return zygote


def forget(zygote: Zygote) -> None:
    with _zygotes_lock:
        for key in [k for k, z in _zygotes.items() if z is zygote]:
            del _zygotes[key]
    zygote.close()


def warm_up(hidden: Sequence[Path] = (), program: str = DEFAULT_PROGRAM) -> bool:
    """Start this process's zygote now (e.g. once per grading worker), so the first sandbox starts warm.

    A zygote dies with the thread that started it (its parent-death signal): call this from a long-lived thread.
    """
    iso = isolation()
    return iso.isolated and zygote_for(iso, program, hidden, Limits().start_seconds) is not None


@dataclass
class Sandbox:
    """One sandboxed process running ``program`` (its ``warm()``, then ``serve(channel)``); a context manager.

    ``hidden``: paths never shown even if an allow-listed directory holds them. ``env``: values for variables of
    the environment allow-list. ``warm``: fork from this process's zygote (``CNN_GRADE_ZYGOTE=0``: never).
    """

    limits: Limits = field(default_factory=Limits)
    hidden: Sequence[Path] = ()
    program: str = DEFAULT_PROGRAM
    env: Mapping[str, str] = field(default_factory=dict)
    warm: bool = True
    isolation: Isolation | None = None
    proc: Process | None = None

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        iso = self.isolation = isolation()
        if not iso.isolated and not iso.requested_off:
            raise SandboxError("isolation", iso.refusal())
        self._deadline = time.monotonic() + self.limits.notebook_seconds
        self._out = tempfile.TemporaryFile(dir=state_dir())  # noqa: SIM115 - closed in close()
        self._scratch = None if iso.isolated else tempfile.mkdtemp(prefix="box-", dir=state_dir())
        self._cgroup = self._make_cgroup(iso)
        cfg = self._config(iso)
        try:
            sock = self._launch(iso, cfg)
        except (OSError, RuntimeError, ChannelError, subprocess.SubprocessError) as exc:
            self.close()
            raise SandboxError("crash", f"the sandbox did not start: {exc}") from None
        self._channel = Channel(sock)
        hello = self._read(self.limits.start_seconds)
        if not hello.get("ready"):
            self.close()
            raise SandboxError("protocol", f"the sandbox did not start: {hello.get('error', hello)}")

    def _make_cgroup(self, iso: Isolation) -> Cgroup | None:
        if iso.cgroups is None:
            return None
        global _swept
        if not _swept:
            _swept = True
            sweep(iso.cgroups)
        group = Cgroup(iso.cgroups, f"box-{os.getpid()}-{id(self):x}-{time.monotonic_ns() % 10**9}")
        try:
            group.create(self.limits)
        except OSError:
            group.remove()
            return None
        return group

    def _config(self, iso: Isolation) -> dict:
        home = "/tmp" if iso.isolated else self._scratch
        rlimits = self.limits.rlimits()
        if self._cgroup is not None and "pids" in self._cgroup.dirs:
            del rlimits["NPROC"]   # the pids cgroup counts this sandbox's tasks alone
        else:                      # RLIMIT_NPROC counts every task of the user: allow what exists plus the budget
            rlimits["NPROC"] += _tasks_of(iso.uid if iso.uid is not None else os.getuid())
        user = [iso.uid, iso.gid] if iso.mode == "root" else None
        return {"program": self.program, "isolated": iso.isolated, "user": user, "cwd": home,
                "env": environment(home, extra=self.env), "rlimits": rlimits,
                "tmp_bytes": self.limits.scratch_bytes, "shm_bytes": 64 * 2**20}

    def _launch(self, iso: Isolation, cfg: dict) -> socket.socket:
        out = self._out.fileno()
        zygote = None
        if iso.isolated and self.warm and zygote_enabled():
            zygote = zygote_for(iso, self.program, self.hidden, self.limits.start_seconds)
        if zygote is not None:
            try:
                self.proc, sock = zygote.spawn(cfg, out)
            except (ChannelError, RuntimeError, OSError):
                forget(zygote)   # it died: this sandbox starts cold, the next one gets a new zygote
            else:
                if self._cgroup is not None:
                    self._cgroup.add(self.proc.host_pid)
                return sock
        import json

        program = [sys.executable, "-m", "autograder.sandbox.inside", json.dumps(cfg)]
        argv = [*bwrap_argv(iso, self.hidden), *program] if iso.isolated else program
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.proc = ColdProcess(argv, cfg["env"], cfg["cwd"] if not iso.isolated else "/", theirs, out,
                                    self._cgroup.procs_files() if self._cgroup else [])
        except BaseException:
            mine.close()
            raise
        finally:
            theirs.close()
        return mine

    def close(self) -> None:
        if self.proc is not None:
            self.proc.kill()
        if getattr(self, "_cgroup", None) is not None:
            self._cgroup.kill()
        if self.proc is not None:
            self.proc.wait(10)
            self.proc.close()
            self.proc = None
        if getattr(self, "_cgroup", None) is not None:
            self._cgroup.remove()
            self._cgroup = None
        if getattr(self, "_channel", None) is not None:
            self._channel.close()
            self._channel = None
        if getattr(self, "_out", None) is not None:
            self._out.close()
            self._out = None
        if getattr(self, "_scratch", None):
            import shutil

            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # -- requests -----------------------------------------------------------
    def request(self, op: str, timeout: float | None = None, **fields) -> dict:
        """Send one request and wait for its reply (at most ``timeout`` or the cell limit)."""
        if not self.alive():
            raise SandboxError("crash", self._death_reason())
        try:
            self._channel.send({"op": op, **fields}, deadline=min(time.monotonic() + 60, self._deadline))
        except ChannelError as exc:
            if exc.kind == "timeout":
                self.close()
                raise SandboxError("timeout", "the sandbox stopped reading requests") from None
            raise SandboxError("crash", self._death_reason()) from None
        return self._read(timeout or self.limits.cell_seconds)

    def _read(self, timeout: float) -> dict:
        limit = min(time.monotonic() + timeout, self._deadline)
        try:
            return self._channel.recv(limit, alive=self.alive, watch=self.proc.pidfd)
        except ChannelError as exc:
            if exc.kind == "closed":
                raise SandboxError("crash", self._death_reason()) from None
            whole = limit >= self._deadline
            self.close()
            if exc.kind == "timeout":
                raise SandboxError("timeout", "the whole notebook ran over its time limit" if whole
                                   else f"no answer within {timeout:.0f} s") from None
            raise SandboxError("protocol", f"the sandbox sent {str(exc).removeprefix('a ')}") from None

    def _death_reason(self) -> str:
        if self.proc is None:
            return "the sandbox was stopped"
        code = self.proc.wait(5)
        if code is None:
            return "the sandbox stopped answering"
        if self._cgroup is not None and self._cgroup.oom_killed():
            return (f"the submission ran out of memory (its processes together may use "
                    f"{self.limits.total_memory_bytes / 2**30:g} GB)" + self._output_tail())
        if code < 0:
            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
            return f"the process was killed by signal {name}" + self._output_tail()
        return f"the process exited with code {code}" + self._output_tail()

    def _output_tail(self, n: int = 300) -> str:
        try:
            size = os.fstat(self._out.fileno()).st_size
            data = os.pread(self._out.fileno(), n, max(0, size - n)).decode("utf-8", "replace").strip()
        except (OSError, AttributeError, ValueError):
            return ""
        return f" (last output: {data!r})" if data else ""


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
