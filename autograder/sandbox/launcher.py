"""Start sandbox processes, cold (a new process) or warm (a fork of the zygote), behind one interface.

Every started sandbox is a :class:`Process` with ``poll`` / ``kill`` / ``wait`` and a pidfd to watch, and comes
with the grader's end of its :class:`~autograder.sandbox.channel.Channel`.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from autograder.sandbox import privileges as priv
from autograder.sandbox.channel import Channel, ChannelError
from autograder.sandbox.settings import debug


def _exit_status(code: int) -> int:
    """bubblewrap and the zygote report 'killed by signal N' as 128 + N: make it -N, as Popen does."""
    return -(code - 128) if code > 128 else code


class Process:
    """A started sandbox: ``poll()`` (exit status or None), ``kill()`` (all of its processes), ``wait(seconds)``."""

    pidfd: int
    host_pid: int

    def poll(self) -> int | None:
        raise NotImplementedError

    def kill(self) -> None:
        try:
            signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
        except (ProcessLookupError, OSError):
            pass

    def wait(self, seconds: float) -> int | None:
        end = time.monotonic() + seconds
        while (code := self.poll()) is None and time.monotonic() < end:
            select.select([self.pidfd], [], [], max(0.0, min(0.2, end - time.monotonic())))
        return code

    def close(self) -> None:
        os.close(self.pidfd)


class ColdProcess(Process):
    """A new process (bubblewrap, or Python itself without isolation); its channel end becomes its fd 3."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: str, sock, out_fd: int,
                 cgroup_procs: list[Path]) -> None:
        cg_fds = [os.open(p, os.O_WRONLY) for p in cgroup_procs]
        high = fcntl.fcntl(sock.fileno(), fcntl.F_DUPFD_CLOEXEC, 10)

        def child() -> None:   # between fork and exec: join the cgroups first, so every descendant is in them
            for fd in cg_fds:
                os.write(fd, b"0")
            os.dup2(high, 3)
            priv.die_with_parent()

        try:
            self.popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out_fd, stderr=out_fd, env=env,
                                          cwd=cwd, start_new_session=True, preexec_fn=child, pass_fds=(3,), umask=0o022,
                                          close_fds=True)
        finally:
            for fd in [*cg_fds, high]:
                os.close(fd)
        self.host_pid = self.popen.pid
        self.pidfd = os.pidfd_open(self.popen.pid)

    def poll(self) -> int | None:
        code = self.popen.poll()
        return None if code is None else _exit_status(code)

    def kill(self) -> None:
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        super().kill()


class WarmProcess(Process):
    """A fork of the zygote; its exit status comes from the zygote (its parent)."""

    def __init__(self, zygote: Zygote, pid: int, pidfd: int) -> None:
        self.zygote, self.pid, self.pidfd = zygote, pid, pidfd
        self.code: int | None = None
        self.host_pid = _pid_of(pidfd)

    def poll(self) -> int | None:
        if self.code is None and select.select([self.pidfd], [], [], 0)[0]:
            code = self.zygote.exit_code(self.pid, 5.0)
            self.code = -9 if code is None else _exit_status(code)
        return self.code


def _pid_of(pidfd: int) -> int:
    """The process id (in this PID namespace) a pidfd refers to."""
    for line in Path(f"/proc/self/fdinfo/{pidfd}").read_text().splitlines():
        if line.startswith("Pid:"):
            return int(line.split()[1])
    raise OSError("no Pid in the pidfd's fdinfo")


class Zygote:
    """The grader's handle on one zygote (one per grading process and view); thread-safe."""

    def __init__(self, argv: list[str], env: dict[str, str], program: str, start_seconds: float) -> None:
        self.lock = threading.Lock()
        self.channel, theirs = Channel.pair(accept_fds=True)
        cmd = [*argv, sys.executable, "-m", "autograder.sandbox.zygote", json.dumps({"program": program})]
        err = None if debug() else subprocess.DEVNULL
        out = os.open(os.devnull, os.O_WRONLY) if err is not None else 2
        try:
            self.proc = ColdProcess(cmd, env, "/", theirs, out, [])
        finally:
            theirs.close()
            if out != 2:
                os.close(out)
        try:
            hello = self.channel.recv(time.monotonic() + start_seconds, alive=self.alive)
        except ChannelError as exc:
            self.close()
            raise RuntimeError(f"the zygote did not start ({exc})") from None
        if not hello.get("ready"):
            self.close()
            raise RuntimeError(f"the zygote did not start: {hello}")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def _ask(self, request: dict, fds: list[int], seconds: float) -> tuple[dict, list[int]]:
        deadline = time.monotonic() + seconds
        with self.lock:
            self.channel.send(request, fds, deadline)
            reply = self.channel.recv(deadline, alive=self.alive)
            got = self.channel.take_fds()
        if "error" in reply:
            for fd in got:
                os.close(fd)
            raise RuntimeError(f"zygote: {reply['error']}")
        return reply, got

    def spawn(self, cfg: dict, out_fd: int, seconds: float = 30.0):
        """A forked sandbox: (its Process, the grader's end of its channel as a socket)."""
        import socket

        reply, fds = self._ask({"op": "spawn", "cfg": cfg}, [out_fd], seconds)
        if len(fds) != 2:
            for fd in fds:
                os.close(fd)
            raise RuntimeError("zygote: the sandbox's descriptors did not arrive")
        return WarmProcess(self, int(reply["pid"]), fds[1]), socket.socket(fileno=fds[0])

    def exit_code(self, pid: int, seconds: float) -> int | None:
        try:
            return self._ask({"op": "wait", "pid": pid, "seconds": seconds}, [], seconds + 5)[0].get("code")
        except (ChannelError, RuntimeError):
            return None

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait(5)
        self.proc.close()
        self.channel.close()
