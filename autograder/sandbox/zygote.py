"""The warm path: a process in the sandbox view that has imported the program's libraries once and forks one
sandbox per request (milliseconds instead of the ~1.5 s of CPU a fresh Python spends importing torch).

The zygote runs in the same bubblewrap view and namespaces as a cold sandbox and never runs student code. Each
fork enters fresh mount and PID namespaces and then goes through the same :func:`~autograder.sandbox.inside.enter`
as a cold sandbox. Requests on the channel (fd 3):
``{"op": "spawn", "cfg": ...}`` + the output fd -> ``{"pid": P}`` + the sandbox's channel end and its pidfd;
``{"op": "wait", "pid": P, "seconds": s}`` -> ``{"code": exit status or None}``.
"""

from __future__ import annotations

import importlib
import json
import os
import socket
import sys
import time

from autograder.sandbox import inside
from autograder.sandbox import privileges as priv
from autograder.sandbox.channel import Channel
from autograder.sandbox.settings import sandbox_threads

_codes: dict[int, int] = {}     # exit statuses of reaped forks, until asked for


def _grandchild(cfg: dict, sock: socket.socket, out_fd: int) -> None:
    """PID 1 of the sandbox's own PID namespace."""
    priv.die_with_parent()
    os.dup2(sock.fileno(), inside.CHANNEL_FD)
    os.dup2(out_fd, 1)
    os.dup2(out_fd, 2)
    sock.detach()   # its descriptor is closed just below; the object must not close a reused number later
    os.closerange(inside.CHANNEL_FD + 1, 65536)
    try:
        inside.enter(cfg)
    except Exception as exc:  # noqa: BLE001 - tell the grader, never run the program half set up
        Channel.from_fd(inside.CHANNEL_FD).send({"ready": False, "error": f"sandbox setup failed: {exc}"})
        os._exit(70)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(sandbox_threads())
    inside.run(cfg)


def spawn(cfg: dict, out_fd: int) -> tuple[int, socket.socket, int]:
    """Fork a sandbox: (pid of its parent here, the grader's end of its channel, a pidfd of the sandbox)."""
    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    info_r, info_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the intermediate: new namespaces; the grandchild lives in them, this one reports its end
        code = 99
        try:
            priv.die_with_parent()
            os.close(info_r)
            mine.close()
            os.setsid()
            priv.unshare(priv.CLONE_NEWNS | priv.CLONE_NEWPID)
            gpid = os.fork()
            if gpid == 0:
                try:
                    os.close(info_w)
                    _grandchild(cfg, theirs, out_fd)
                finally:
                    os._exit(0)
            theirs.close()
            os.close(out_fd)
            os.write(info_w, str(gpid).encode())
            os.close(info_w)
            _, status = os.waitpid(gpid, 0)
            code = os.waitstatus_to_exitcode(status)
            code = 128 - code if code < 0 else code
        finally:
            os._exit(code & 0xFF)
    theirs.close()
    os.close(info_w)
    data = os.read(info_r, 32)
    os.close(info_r)
    if not data:
        mine.close()
        raise RuntimeError("the sandbox fork died before it started")
    return pid, mine, os.pidfd_open(int(data))


def _reap() -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _codes[pid] = os.waitstatus_to_exitcode(status)


def wait(pid: int, seconds: float) -> int | None:
    end = time.monotonic() + min(seconds, 10.0)
    while True:
        _reap()
        if pid in _codes:
            return _codes.pop(pid)
        if time.monotonic() >= end:
            return None
        time.sleep(0.01)


def serve(channel: Channel) -> None:
    while True:
        request = channel.recv()
        fds = channel.take_fds()
        out: list[int] = []
        try:
            if request.get("op") == "spawn" and len(fds) == 1:
                pid, sock, pidfd = spawn(request["cfg"], fds[0])
                reply, out = {"pid": pid}, [sock.detach(), pidfd]
            elif request.get("op") == "wait":
                reply = {"code": wait(int(request["pid"]), float(request.get("seconds", 0)))}
            else:
                reply = {"error": f"unknown request {request.get('op')!r}"}
        except Exception as exc:  # noqa: BLE001 - report and keep serving
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        finally:
            for fd in fds:
                os.close(fd)
        try:
            channel.send(reply, out)
        finally:
            for fd in out:
                os.close(fd)
        _reap()


def main() -> None:
    cfg = json.loads(sys.argv[1])
    os.closerange(inside.CHANNEL_FD + 1, 65536)
    os.chdir("/tmp")
    os.nice(5)
    channel = Channel.from_fd(inside.CHANNEL_FD, accept_fds=True)
    importlib.import_module(cfg["program"]).warm()
    channel.send({"ready": True})
    try:
        serve(channel)
    except Exception:  # noqa: BLE001 - the grader is gone: so is the zygote
        os._exit(0)


if __name__ == "__main__":
    main()
