"""The student's code in a sandbox: started, its cells run, restarted without the cells that killed it."""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path

from autograder.pipeline.results import NotebookResult, Status
from autograder.pipeline.submission import short
from autograder.sandbox import Limits, Sandbox, SandboxError
from autograder.settings import AUTOGRADE_ENV, MAX_RESTARTS

__all__ = ["AUTOGRADE_ENV", "MAX_RESTARTS", "StudentRun", "import_in_background"]


class StudentRun:
    """The sandbox of one submission, restarted without the offending cells when it dies."""

    def __init__(self, cells: list[tuple[int, str]], result: NotebookResult, limits: Limits,
                 hide: list[Path]) -> None:
        self.cells, self.result, self.limits, self.hide = cells, result, limits, hide
        self.bad: set[int] = set()
        self.sandbox: Sandbox | None = None
        self.restarts = 0

    def start(self) -> bool:
        """(Re)start the sandbox and run the student's cells; False when no usable sandbox is left."""
        while True:
            self.close()
            if self.restarts > MAX_RESTARTS:
                self.result.flag(Status.CRASHED,
                                 "the submission's code was restarted too often; the rest is not graded")
                return False
            self.restarts += 1
            t0 = time.perf_counter()
            self.sandbox = Sandbox(limits=self.limits, hidden=self.hide, env=AUTOGRADE_ENV)
            try:
                self.sandbox.start()
            except SandboxError as exc:
                self.result.flag(Status.CRASHED, f"the sandbox did not start: {exc}")
                return False
            t1 = time.perf_counter()
            ok = self._run_cells()
            t2 = time.perf_counter()
            timings = self.result.timings
            timings["start"] = timings.get("start", 0.0) + t1 - t0
            timings["cells"] = timings.get("cells", 0.0) + t2 - t1
            if ok:
                return True

    def alive(self) -> bool:
        return self.sandbox is not None and self.sandbox.alive()

    def _run_cells(self) -> bool:
        for index, source in self.cells:
            if index in self.bad:
                continue
            try:
                reply = self.sandbox.request("exec", source=source, cell=index)
            except SandboxError as exc:
                self.bad.add(index)
                status = Status.TIMED_OUT if exc.kind == "timeout" else Status.CRASHED
                self.result.flag(status, f"cell {index} ({short(source)!r}): {exc}; it was skipped")
                self.result.cells[index] = {"ok": False, "ename": str(status), "evalue": str(exc)}
                return False
            self.result.cells[index] = {k: reply.get(k) for k in ("ok", "ename", "evalue", "stdout", "stderr")}
            self._flag_limits(index, source, reply)
        return True

    def _flag_limits(self, index: int, source: str, reply: dict) -> None:
        if reply.get("ename") == "MemoryError":
            self.result.flag(Status.CRASHED, f"cell {index} ({short(source)!r}) ran out of memory "
                                             f"(limit {self.limits.memory_bytes / 2**30:g} GB)")
        elif "File too large" in str(reply.get("evalue", "")):
            self.result.flag(Status.CRASHED, f"cell {index} ({short(source)!r}) wrote a file over the size limit "
                                             f"({self.limits.file_bytes / 2**20:g} MB)")

    def close(self) -> None:
        if self.sandbox is not None:
            self.sandbox.close()
            self.sandbox = None


def import_in_background() -> threading.Thread:
    """Import what the test cells need (torch above all, ~2 s cold) in a thread; a no-op once imported."""
    def work() -> None:
        from autograder.pipeline.namespace import trusted_imports

        with contextlib.suppress(Exception):
            trusted_imports()

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread
