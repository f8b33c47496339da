"""A warm sandbox factory: imports numpy, torch and matplotlib once, then forks one sandbox per submission.

Starting Python and importing torch costs about 1.5 s of CPU per submission; a fork costs milliseconds.
The zygote runs in the sandbox namespaces (read-only file system, secrets hidden, no network) but keeps its
capabilities, because each child needs them to set itself up: its own mount and PID namespace, its scratch
directory, a fresh ``/proc``, its cgroups and rlimits. The child then drops every capability and
only then serves the grader (it runs student code; the zygote never does). Root mode only.

Protocol (JSON lines on fds 3 and 4, file descriptors over the Unix socket on fd 5):
``{"op": "spawn", ...sandbox config}`` -> ``{"pid": P}`` plus the grader's two pipe ends;
``{"op": "kill", "pid": P}`` -> ``{"code": exit status}``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from autograder import jail, privileges
from autograder.sandbox import OPENMP_ENV

_ERR = None if os.environ.get("CNN_GRADE_DEBUG") else subprocess.DEVNULL
_children: dict[int, int] = {}   # intermediate pid -> grandchild pid (PID 1 of the submission's namespace)


def _grandchild(cfg: dict, req_r: int, rep_w: int) -> None:
    privileges.die_with_parent()
    jail._mount("--make-rprivate", "/")
    jail._mount("-t", "proc", "-o", "nosuid,nodev,noexec", "proc", "/proc")
    work = jail.give_scratch(Path(cfg["scratch"]))
    os.chdir(work)
    os.environ.update({"TMPDIR": str(work), "HOME": str(work), "MPLCONFIGDIR": str(work / ".mpl")})
    os.environ.update({str(k): str(v) for k, v in cfg.get("env", {}).items()})
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(int(os.environ.get("CNN_GRADE_THREADS", "1")))
    jail.apply_limits(cfg, os.getuid())
    os.dup2(req_r, 3)
    os.dup2(rep_w, 4)
    os.closerange(5, 65536)
    privileges.drop_all_capabilities()
    from autograder.sandbox_worker import Worker

    Worker(3, 4).serve()


def spawn(cfg: dict) -> tuple[int, int, int]:
    """Fork a sandbox; returns (pid, grader's write end, grader's read end)."""
    req_r, req_w = os.pipe()
    rep_r, rep_w = os.pipe()
    info_r, info_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # intermediate: new namespaces, then the grandchild lives in them
        code = 99
        try:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            privileges.die_with_parent()
            os.close(req_w)
            os.close(rep_r)
            os.close(info_r)
            os.setsid()
            privileges.unshare(privileges.CLONE_NEWNS | privileges.CLONE_NEWPID)
            gpid = os.fork()
            if gpid == 0:
                try:
                    os.close(info_w)
                    _grandchild(cfg, req_r, rep_w)
                finally:
                    os._exit(0)
            os.close(req_r)
            os.close(rep_w)
            os.write(info_w, str(gpid).encode())
            os.close(info_w)
            _, status = os.waitpid(gpid, 0)
            code = os.waitstatus_to_exitcode(status)
            code = 128 - code if code < 0 else code
        finally:
            os._exit(code & 0xFF)
    os.close(req_r)
    os.close(rep_w)
    os.close(info_w)
    data = os.read(info_r, 32)
    os.close(info_r)
    _children[pid] = int(data) if data else -1
    return pid, req_w, rep_r


def kill(pid: int) -> int:
    gpid = _children.pop(pid, -1)
    for target in (gpid, pid):
        if target > 0:
            try:
                os.kill(target, signal.SIGKILL)
            except ProcessLookupError:
                pass
    try:
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)
    except ChildProcessError:
        return -9


def status(pid: int) -> int | None:
    try:
        done, st = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return -9
    if done == 0:
        return None
    _children.pop(pid, None)
    return os.waitstatus_to_exitcode(st)


def main() -> None:
    cfg = json.loads(sys.argv[1])
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    jail.read_only_and_hidden(cfg["hide"])
    jail._mount("-t", "tmpfs", "-o", "size=64m,nosuid,nodev", "shm", "/dev/shm")  # matplotlib's cache, warm-up only
    os.environ.update({"MPLBACKEND": "Agg", "MPLCONFIGDIR": "/dev/shm/mpl", "HOME": "/dev/shm", "TMPDIR": "/dev/shm"})
    os.nice(5)
    import matplotlib

    matplotlib.use("Agg")
    import IPython.core.interactiveshell  # noqa: F401
    import IPython.display  # noqa: F401
    import matplotlib.pyplot  # noqa: F401
    import numpy  # noqa: F401
    import torch
    import torch._dynamo  # noqa: F401  (imported by the first optimizer step; it rebinds torch.manual_seed)

    torch.set_num_threads(int(os.environ.get("CNN_GRADE_THREADS", "1")))
    import autograder.sandbox_worker  # noqa: F401
    import autograder.wire  # noqa: F401

    rin = os.fdopen(3, "r", encoding="utf-8")
    wout = os.fdopen(4, "w", encoding="utf-8")
    sock = socket.socket(fileno=5)
    wout.write(json.dumps({"ready": True}) + "\n")
    wout.flush()
    for line in rin:
        req = json.loads(line)
        try:
            if req["op"] == "spawn":
                try:
                    pid, wfd, rfd = spawn(req["cfg"])
                except Exception:
                    socket.send_fds(sock, [b"e"], [])
                    raise
                socket.send_fds(sock, [b"f"], [wfd, rfd])
                os.close(wfd)
                os.close(rfd)
                reply = {"pid": pid}
            elif req["op"] == "kill":
                reply = {"code": kill(int(req["pid"]))}
            elif req["op"] == "status":
                reply = {"code": status(int(req["pid"]))}
            else:
                reply = {"error": f"unknown op {req['op']!r}"}
        except Exception as exc:  # noqa: BLE001 - report and keep serving
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        wout.write(json.dumps(reply) + "\n")
        wout.flush()


class Zygote:
    """Grader-side handle on one zygote process (start lazily, one per grading process)."""

    def __init__(self, hide: list[Path]) -> None:
        from autograder.nbgrader_cli import tool_env
        from autograder.sandbox import PACKAGE_ROOT

        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        parent_sock, child_sock = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        child_fd = child_sock.fileno()

        def _fds() -> None:
            import fcntl

            fds = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (req_r, rep_w, child_fd)]
            for target, fd in zip((3, 4, 5), fds, strict=True):
                os.dup2(fd, target)
            privileges.die_with_parent()

        cfg = {"hide": [str(p) for p in hide]}
        env = tool_env({"PYTHONPATH": str(PACKAGE_ROOT), "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1",
                        "CNN_GRADE_HOST_MNT": jail.host_mount_namespace(), **OPENMP_ENV})
        self.proc = subprocess.Popen(
            ["unshare", "--mount", "--net", "--ipc", "--uts", "--fork", "--kill-child", "--propagation", "private",
             sys.executable, "-m", "autograder.zygote", json.dumps(cfg)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=_ERR, env=env,
            start_new_session=True, preexec_fn=_fds, pass_fds=(3, 4, 5), close_fds=True)
        for fd in (req_r, rep_w):
            os.close(fd)
        child_sock.close()
        self.sock = parent_sock
        self.wout = os.fdopen(req_w, "w", encoding="utf-8")
        self.rin = os.fdopen(rep_r, "r", encoding="utf-8")
        hello = self._read()
        if not hello.get("ready"):
            raise RuntimeError(f"the zygote did not start: {hello}")

    def _read(self) -> dict:
        line = self.rin.readline()
        if not line:
            raise RuntimeError("the zygote stopped")
        return json.loads(line)

    def ask(self, op: str, **fields) -> dict:
        self.wout.write(json.dumps({"op": op, **fields}) + "\n")
        self.wout.flush()
        reply = self._read()
        if "error" in reply:
            raise RuntimeError(f"zygote: {reply['error']}")
        return reply

    def spawn(self, cfg: dict) -> tuple[int, int, int]:
        self.wout.write(json.dumps({"op": "spawn", "cfg": cfg}) + "\n")
        self.wout.flush()
        _, fds, _, _ = socket.recv_fds(self.sock, 16, 2)
        reply = self._read()
        if "error" in reply:
            for fd in fds:
                os.close(fd)
            raise RuntimeError(f"zygote: {reply['error']}")
        return int(reply["pid"]), fds[0], fds[1]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()


if __name__ == "__main__":
    main()
