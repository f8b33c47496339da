"""Start a sandboxed worker for one submission and talk to it.

Limits always applied (any Unix user): own process group and session, wall-time limit per request,
address-space, CPU-time, file-size, open-file and process-count rlimits, a private scratch directory as
working directory and TMPDIR, output captured and bounded.

When the grader runs as root on Linux it also puts the worker in fresh mount, network, PID, IPC and UTS
namespaces (``unshare``): no network, the file system read-only except the submission's own scratch
directory (every other sandbox's is hidden), the course's ``source/``, ``submitted/``, ``autograded/``,
``feedback/``, ``.git`` and the gradebook hidden, every capability dropped (``setpriv``), and every process
of the submission killed with the worker. See ``docs/GRADING.md`` for the threat model.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder.jail import host_mount_namespace
from autograder.nbgrader_cli import tool_env

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
CGROUPS = Path("/sys/fs/cgroup/pids")


@dataclass
class Limits:
    """Resource limits for one submission."""

    cell_seconds: float = 60.0          # wall time per cell / per call
    notebook_seconds: float = 600.0     # wall time for the whole submission
    memory_bytes: int = 4 * 2**30       # address space (torch needs about 1 GB of it to start)
    cpu_seconds: int = 900
    file_bytes: int = 64 * 2**20        # largest file the submission may write
    open_files: int = 512
    processes: int = 64                 # tasks: threads count too
    cpus: float = 1.0                   # CPU share (cgroup quota, root mode)
    start_seconds: float = 90.0         # worker start-up (imports)

    def rlimits(self) -> dict[str, int]:
        return {"AS": self.memory_bytes, "CPU": self.cpu_seconds, "FSIZE": self.file_bytes,
                "NOFILE": self.open_files, "NPROC": self.processes, "CORE": 0}


class SandboxError(RuntimeError):
    """The sandbox stopped answering: ``kind`` is 'timeout', 'crash' or 'protocol'."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def strong_isolation_available() -> bool:
    """Namespaces and capability dropping need root on Linux and the util-linux tools."""
    return (sys.platform.startswith("linux") and os.geteuid() == 0
            and shutil.which("unshare") is not None and shutil.which("setpriv") is not None
            and os.environ.get("CNN_GRADE_WEAK_SANDBOX") != "1")


# OpenMP threads that wait sleep instead of spinning: a notebook that asks for 2 torch threads in a sandbox held
# to one CPU (cgroup quota) next to another sandbox would otherwise spend its quota spinning (10-50x slower).
OPENMP_ENV = {"OMP_WAIT_POLICY": "PASSIVE"}


@dataclass
class Sandbox:
    """One worker process; use as a context manager. ``hide`` lists paths the student must not see."""

    limits: Limits = field(default_factory=Limits)
    hide: list[Path] = field(default_factory=list)
    threads: int = 1
    proc: subprocess.Popen | None = None
    scratch: Path | None = None
    strong: bool = False
    zygote: object | None = None        # autograder.zygote.Zygote: fork a warm sandbox instead of starting one
    _buf: bytes = b""
    _zpid: int | None = None

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- life cycle ---------------------------------------------------------
    def start(self) -> None:
        base = Path(tempfile.gettempdir()) / f"cnn-grade-sandboxes-{os.getuid()}"
        base.mkdir(mode=0o700, exist_ok=True)
        self.scratch = Path(tempfile.mkdtemp(prefix="box-", dir=base))
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        env = tool_env({
            "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(self.scratch / ".mpl"), "TMPDIR": str(self.scratch),
            "HOME": str(self.scratch), "PYTHONDONTWRITEBYTECODE": "1", "CNN_GRADE_THREADS": str(self.threads),
            "OMP_NUM_THREADS": str(self.threads), "MKL_NUM_THREADS": str(self.threads),
            "NBGRADER_EXECUTION": "autograde", "PYTHONPATH": str(PACKAGE_ROOT),
            "CNN_GRADE_HOST_MNT": host_mount_namespace(), **OPENMP_ENV,
        })
        self.strong = strong_isolation_available()
        jail_cfg = {
            "rlimits": self.limits.rlimits(), "scratch": str(self.scratch), "strong": self.strong,
            "hide": [str(p) for p in self.hide], "python": sys.executable,
            "cgroup": self.scratch.name if self.strong and os.access(CGROUPS, os.W_OK) else None,
            "cpus": self.limits.cpus,
            # a sandbox forked by the zygote inherits the zygote's environment: these must reach it too
            "env": {k: env[k] for k in ("NBGRADER_EXECUTION", "CNN_GRADE_THREADS", "OMP_NUM_THREADS",
                                        "MKL_NUM_THREADS")},
        }
        self._deadline = time.monotonic() + self.limits.notebook_seconds
        if self.zygote is not None and self.strong:
            self._zpid, self._wfd, self._rfd = self.zygote.spawn(jail_cfg)
            hello = self._read(self.limits.start_seconds)
            if not hello.get("ready"):
                raise SandboxError("protocol", f"the sandbox did not start: {hello}")
            return
        cmd = [sys.executable, "-m", "autograder.jail", json.dumps(jail_cfg)]
        if self.strong:
            cmd = ["unshare", "--mount", "--net", "--pid", "--ipc", "--uts", "--fork", "--kill-child",
                   "--propagation", "private", *cmd]
        # fds 3 and 4 in the child: requests in, replies out.
        def _fds() -> None:
            high_r, high_w = fcntl.fcntl(req_r, fcntl.F_DUPFD, 10), fcntl.fcntl(rep_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self._out = open(self.scratch.parent / (self.scratch.name + ".out"), "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._out, stderr=subprocess.STDOUT,
                                     env=env, cwd=self.scratch, start_new_session=True, preexec_fn=_fds,
                                     pass_fds=(3, 4), close_fds=True)
        os.close(req_r)
        os.close(rep_w)
        self._wfd, self._rfd = req_w, rep_r
        self._deadline = time.monotonic() + self.limits.notebook_seconds
        hello = self._read(self.limits.start_seconds)
        if not hello.get("ready"):
            raise SandboxError("protocol", f"the sandbox did not start: {hello}")

    def close(self) -> None:
        if self._zpid is not None:
            try:
                self.zygote.ask("kill", pid=self._zpid)
            except Exception:  # noqa: BLE001 - a dead zygote took its children with it
                pass
            self._zpid = None
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            self.proc = None
        for fd in ("_wfd", "_rfd"):
            if getattr(self, fd, None) is not None:
                try:
                    os.close(getattr(self, fd))
                except OSError:
                    pass
                setattr(self, fd, None)
        if getattr(self, "_out", None) is not None:
            self._out.close()
            Path(self._out.name).unlink(missing_ok=True)
            self._out = None
        if self.scratch is not None:
            for controller in ("pids", "cpu"):
                group = CGROUPS.parent / controller / "cnn-grade" / self.scratch.name
                for _ in range(50):
                    try:
                        group.rmdir()
                        break
                    except FileNotFoundError:
                        break
                    except OSError:  # tasks still exiting
                        time.sleep(0.05)
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    def alive(self) -> bool:
        if self._zpid is not None:
            try:
                return self.zygote.ask("status", pid=self._zpid)["code"] is None
            except Exception:  # noqa: BLE001
                return False
        return self.proc is not None and self.proc.poll() is None

    # -- requests -----------------------------------------------------------
    def request(self, op: str, timeout: float | None = None, **fields) -> dict:
        """Send one request and wait for its reply (at most ``timeout`` or the cell limit)."""
        if not self.alive():
            raise SandboxError("crash", self._death_reason())
        msg = (json.dumps({"op": op, **fields}) + "\n").encode()
        try:
            view = memoryview(msg)
            while view:
                n = os.write(self._wfd, view)
                view = view[n:]
        except (BrokenPipeError, OSError):
            raise SandboxError("crash", self._death_reason()) from None
        return self._read(timeout or self.limits.cell_seconds)

    def _read(self, timeout: float) -> dict:
        limit = min(time.monotonic() + timeout, self._deadline)
        while b"\n" not in self._buf:
            remaining = limit - time.monotonic()
            if remaining <= 0:
                whole = limit >= self._deadline
                self.close()
                raise SandboxError("timeout", "the whole notebook ran over its time limit" if whole
                                   else f"no answer within {timeout:.0f} s")
            ready, _, _ = select.select([self._rfd], [], [], min(remaining, 1.0))
            if not ready:
                if not self.alive():
                    raise SandboxError("crash", self._death_reason())
                continue
            chunk = os.read(self._rfd, 1 << 20)
            if not chunk:
                raise SandboxError("crash", self._death_reason())
            self._buf += chunk
            if len(self._buf) > 512 * 2**20:
                self.close()
                raise SandboxError("protocol", "the sandbox sent more than 512 MB in one answer")
        line, self._buf = self._buf.split(b"\n", 1)
        try:
            reply = json.loads(line)
        except ValueError:
            self.close()
            raise SandboxError("protocol", "the sandbox sent something that is not JSON") from None
        if not isinstance(reply, dict):
            raise SandboxError("protocol", "the sandbox sent a reply that is not an object")
        return reply

    def _death_reason(self) -> str:
        if self._zpid is not None:
            code = None
            for _ in range(50):
                try:
                    code = self.zygote.ask("status", pid=self._zpid)["code"]
                except Exception:  # noqa: BLE001
                    return "the sandbox stopped answering"
                if code is not None:
                    break
                time.sleep(0.1)
            if code is None:
                return "the sandbox stopped answering"
            self._zpid = None  # reaped by the zygote; a code over 128 means killed by signal code - 128
        elif self.proc is None:
            return "the sandbox was stopped"
        else:
            try:
                code = self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                return "the sandbox stopped answering"
        if code < 0 or code > 128:
            sig = -code if code < 0 else code - 128
            name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
            return f"the process was killed by signal {name}" + self._output_tail()
        return f"the process exited with code {code}" + self._output_tail()

    def _output_tail(self, n: int = 300) -> str:
        try:
            self._out.flush()
            data = Path(self._out.name).read_bytes()[-n:].decode("utf-8", "replace").strip()
        except (OSError, AttributeError, ValueError):
            return ""
        return f" (last output: {data!r})" if data else ""
