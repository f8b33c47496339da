"""Grade one submitted notebook against its source: student code in a sandbox, verdicts in the grader.

The student's cells (everything but the test cells) run in a :class:`~autograder.sandbox.Sandbox`. The test
cells are taken from the *source* notebook (visible and hidden parts; whatever the submission did to its copy
of them is ignored) and run in the grader's own process, where the student's functions and variables are
:class:`~autograder.remote.Remote` stand-ins or plain data. So patching numpy, builtins or IPython in the
submission changes nothing in the verdict, and hidden inputs never enter the sandbox except as arguments.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from autograder.partial_credit import points_from, run_cell
from autograder.remote import Remote, RemoteError, SandboxLost, Session
from autograder.sandbox import Limits, Sandbox, SandboxError

MAX_NOTEBOOK_BYTES = 20 * 2**20
AUTOGRADE_ENV = {"NBGRADER_EXECUTION": "autograde"}   # notebooks shorten long demos under autograde, as in nbgrader
MAX_RESTARTS = 3
HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*\n?", re.S | re.M)

# Status of a graded submission, most serious first.
INVALID, TAMPERING, CRASHED, TIMED_OUT, MISSING, GRADED = (
    "invalid notebook", "tampering detected", "crashed", "timed out", "cells missing", "graded")
SEVERITY = [INVALID, TAMPERING, CRASHED, TIMED_OUT, MISSING, GRADED]


@dataclass
class TestResult:
    grade_id: str
    max_points: float
    points: float | None          # None: graded by hand
    passed: bool | None
    message: str = ""
    seconds: float = 0.0          # wall time of the test cell (student calls included)


@dataclass
class NotebookResult:
    notebook: str
    status: str = GRADED
    reasons: list[str] = field(default_factory=list)
    tests: list[TestResult] = field(default_factory=list)
    cells: dict[int, dict] = field(default_factory=dict)   # index in the submission -> outcome of running it
    timings: dict[str, float] = field(default_factory=dict)  # seconds: start, cells, tests, diagnose

    @property
    def score(self) -> float:
        return sum(t.points or 0 for t in self.tests)

    @property
    def max_score(self) -> float:
        return sum(t.max_points for t in self.tests)

    def flag(self, status: str, reason: str) -> None:
        if SEVERITY.index(status) < SEVERITY.index(self.status):
            self.status = status
        if reason not in self.reasons:
            self.reasons.append(reason)

    def to_json(self) -> dict:
        d = asdict(self)
        d["cells"] = {str(k): v for k, v in self.cells.items()}
        d.update(score=self.score, max_score=self.max_score)
        return d


def nbmeta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def is_test_cell(cell) -> bool:
    m = nbmeta(cell)
    return cell.get("cell_type") == "code" and bool(m.get("grade")) and not m.get("solution")


def visible_part(source: str) -> str:
    """A test cell as the student sees it: hidden tests removed."""
    return HIDDEN.sub("", source)


def _digest(text: str) -> str:
    return hashlib.sha256(text.strip().encode()).hexdigest()


def read_submission(path: Path) -> nbformat.NotebookNode:
    """Read a submitted notebook or raise ValueError saying why it cannot be graded."""
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"the notebook is {size / 2**20:.0f} MB; the limit is {MAX_NOTEBOOK_BYTES // 2**20} MB")
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # noqa: BLE001 - any parse failure is the submission's problem
        raise ValueError(f"not a readable notebook ({type(exc).__name__}: {str(exc)[:200]})") from None
    if not isinstance(nb.get("cells"), list):
        raise ValueError("the notebook has no list of cells")
    return nb


def _student_cells(sub, test_ids: set[str]) -> list[tuple[int, str]]:
    cells = []
    for i, cell in enumerate(sub.cells):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if not isinstance(source, str):
            source = "".join(source)
        gid = nbmeta(cell).get("grade_id")
        if gid in test_ids or is_test_cell(cell) or not source.strip():
            continue
        cells.append((i, source))
    return cells


def _short(source: str) -> str:
    first = next((ln.strip() for ln in source.splitlines() if ln.strip()), "")
    return first[:60]


class _Run:
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
                self.result.flag(CRASHED, "the submission's code was restarted too often; the rest is not graded")
                return False
            self.restarts += 1
            t0 = time.perf_counter()
            self.sandbox = Sandbox(limits=self.limits, hidden=self.hide, env=AUTOGRADE_ENV)
            try:
                self.sandbox.start()
            except SandboxError as exc:
                self.result.flag(CRASHED, f"the sandbox did not start: {exc}")
                return False
            t1 = time.perf_counter()
            ok = self._run_cells()
            t2 = time.perf_counter()
            timings = self.result.timings
            timings["start"] = timings.get("start", 0.0) + t1 - t0
            timings["cells"] = timings.get("cells", 0.0) + t2 - t1
            if ok:
                return True

    def _run_cells(self) -> bool:
        for index, source in self.cells:
            if index in self.bad:
                continue
            try:
                reply = self.sandbox.request("exec", source=source, cell=index)
            except SandboxError as exc:
                self.bad.add(index)
                status = TIMED_OUT if exc.kind == "timeout" else CRASHED
                self.result.flag(status, f"cell {index} ({_short(source)!r}): {exc}; it was skipped")
                self.result.cells[index] = {"ok": False, "ename": status, "evalue": str(exc)}
                return False
            self.result.cells[index] = {k: reply.get(k) for k in ("ok", "ename", "evalue", "stdout", "stderr")}
            if reply.get("ename") == "MemoryError":
                self.result.flag(CRASHED, f"cell {index} ({_short(source)!r}) ran out of memory "
                                          f"(limit {self.limits.memory_bytes / 2**30:g} GB)")
            elif "File too large" in str(reply.get("evalue", "")):
                self.result.flag(CRASHED, f"cell {index} ({_short(source)!r}) wrote a file over the size limit "
                                          f"({self.limits.file_bytes / 2**20:g} MB)")
        return True

    def close(self) -> None:
        if self.sandbox is not None:
            self.sandbox.close()
            self.sandbox = None


def _import_in_background() -> threading.Thread:
    """Import what the test cells need (torch above all, ~2 s cold) in a thread; a no-op once imported."""
    def work() -> None:
        with contextlib.suppress(Exception):
            import torch.nn.functional  # noqa: F401

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


class StudentNamespace(dict):
    """The test cells' globals: trusted imports, plus the student's names fetched on first use.

    A value is fetched from the sandbox only when a test reads it (a dict subclass's ``__missing__`` is
    honoured by ``exec`` for global and name lookups), so large arrays a test never touches never travel.
    """

    def __init__(self, session: Session, names: set[str]) -> None:
        super().__init__()
        self.session, self.names = session, names

    def __missing__(self, key: str):
        if key not in self.names:
            raise KeyError(key)
        value = self.session.ask("get", name=key)
        if isinstance(value, Remote):
            object.__getattribute__(value, "_info")["name"] = key
        self[key] = value
        return value

    def fork(self) -> StudentNamespace:
        other = StudentNamespace(self.session, self.names)
        other.update(self)
        return other


def _namespace(session: Session) -> StudentNamespace:
    """The student's globals as the grader may see them, plus trusted imports the tests rely on."""
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    try:
        reply = session.sandbox.request("names")
    except SandboxError as exc:
        raise SandboxLost(exc) from None
    names = reply.get("names")
    if not isinstance(names, list):
        raise SandboxLost(SandboxError("protocol", "bad answer to 'names'"))
    ns = StudentNamespace(session, {n for n in names if isinstance(n, str) and n.isidentifier()})
    ns.update({"__name__": "__main__", "np": np, "torch": torch, "nn": nn, "F": F})
    return ns


def _message(exc: BaseException) -> str:
    if isinstance(exc, AssertionError):
        return str(exc) or "a check failed"
    if isinstance(exc, NotImplementedError):
        return "not implemented yet (NotImplementedError)"
    if isinstance(exc, RemoteError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"[:500]


def grade_notebook(source_path: Path, submission_path: Path, limits: Limits | None = None,
                   hide: list[Path] | None = None, assignment: str | None = None) -> NotebookResult:
    """Grade ``submission_path`` against the trusted ``source_path``. Never raises for a bad submission.

    Failed tests of a function are diagnosed against the misconception catalogue of ``assignment``
    (default: the source notebook's folder name).
    """
    limits = limits or Limits()
    source = nbformat.read(source_path, as_version=4)
    result = NotebookResult(notebook=source_path.name)
    tests = [c for c in source.cells if is_test_cell(c)]
    manual = [c for c in source.cells if nbmeta(c).get("grade") and nbmeta(c).get("solution")]
    test_ids = {nbmeta(c)["grade_id"] for c in tests}

    def zero_all(message: str) -> NotebookResult:
        result.tests = [TestResult(nbmeta(c)["grade_id"], float(nbmeta(c).get("points", 0)), 0.0, False, message)
                        for c in tests]
        result.tests += [TestResult(nbmeta(c)["grade_id"], float(nbmeta(c).get("points", 0)), None, None,
                                    "graded by hand") for c in manual]
        return result

    try:
        sub = read_submission(submission_path)
    except (ValueError, OSError) as exc:
        result.flag(INVALID, str(exc))
        return zero_all("the notebook could not be read")

    sub_cells = {nbmeta(c).get("grade_id"): c for c in sub.cells if nbmeta(c).get("grade_id")}
    source_ids = {nbmeta(c)["grade_id"] for c in source.cells if nbmeta(c).get("grade_id")}
    if not (source_ids & set(sub_cells)):
        result.flag(INVALID, f"none of the graded cells of {source_path.name} is in this notebook "
                             "(a notebook of another assignment?)")
        return zero_all("not a notebook of this assignment")
    for c in tests:
        gid = nbmeta(c)["grade_id"]
        mine = sub_cells.get(gid)
        if mine is None:
            result.flag(MISSING, f"test cell {gid} was deleted (the original was used)")
        elif _digest(visible_part(c.source)) != _digest(visible_part("".join(mine.get("source", "")))):
            result.flag(TAMPERING, f"test cell {gid} was edited (the original was used)")
    for c in source.cells:
        m = nbmeta(c)
        if m.get("solution") and m.get("grade_id") not in sub_cells:
            result.flag(MISSING, f"answer cell {m['grade_id']} is missing")

    run = _Run(_student_cells(sub, test_ids), result, limits, hide or [])
    warm = _import_in_background()   # the tests' imports, while the sandbox starts and runs the student's cells
    try:
        ready = run.start()
        warm.join()
        ns: dict = {}
        session: Session | None = None
        if ready:
            try:
                session = Session(run.sandbox)
                ns = _namespace(session)
            except SandboxLost as exc:
                result.flag(CRASHED, f"reading the submission's names failed: {exc}")
                ready = False
        t_tests = time.perf_counter()
        for cell in tests:
            gid, pts = nbmeta(cell)["grade_id"], float(nbmeta(cell).get("points", 0))
            if not ready:
                result.tests.append(TestResult(gid, pts, 0.0, False, "not run: the submission's code did not run"))
                continue
            session.cell = gid
            t_cell = time.perf_counter()
            try:
                out = io.StringIO()
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
                    value = run_cell(cell.source, ns, f"<test {gid}>")
                got = points_from(value, pts)
                message = "" if got >= pts else f"partial credit: {got:g} of {pts:g}\n{out.getvalue().strip()[-800:]}"
                result.tests.append(TestResult(gid, pts, got, got >= pts, message))
            except SandboxLost as exc:
                status = TIMED_OUT if exc.kind == "timeout" else CRASHED
                result.flag(status, f"{gid}: the submission's code {'ran too long' if status == TIMED_OUT else 'died'}"
                                    f" ({exc})")
                result.tests.append(TestResult(gid, pts, 0.0, False,
                                               "your code did not finish in time" if status == TIMED_OUT
                                               else f"your code crashed: {exc}"))
                ready = run.start()
                if ready:
                    try:
                        session = Session(run.sandbox)
                        fresh = _namespace(session)
                    except SandboxLost:
                        ready = False
                    else:
                        kept = {k: v for k, v in ns.items() if k not in ns.names}  # what the tests made
                        ns = fresh
                        ns.update(kept)
            except Exception as exc:  # noqa: BLE001 - a failing test is a result
                result.tests.append(TestResult(gid, pts, 0.0, False, _message(exc)))
            result.tests[-1].seconds = round(time.perf_counter() - t_cell, 3)
        t_diag = time.perf_counter()
        result.timings["tests"] = t_diag - t_tests
        if ready and session is not None and run.sandbox is not None and run.sandbox.alive():
            _diagnose(result, session, ns, assignment or source_path.parent.name, source)
        result.timings["diagnose"] = time.perf_counter() - t_diag
        if ready and run.sandbox is not None and run.sandbox.alive():
            try:
                changed = Session(run.sandbox).ask("integrity")
            except (SandboxLost, Exception):  # noqa: BLE001
                changed = ["(integrity check did not answer)"]
            if changed:
                result.flag(TAMPERING, "the submission changed library or interpreter internals: "
                                       + ", ".join(map(str, changed[:8])))
    finally:
        run.close()
    for c in manual:
        gid, pts = nbmeta(c)["grade_id"], float(nbmeta(c).get("points", 0))
        if _unanswered(sub_cells.get(gid)):   # as nbgrader does: an untouched answer scores 0 automatically
            result.tests.append(TestResult(gid, pts, 0.0, False, "no answer given"))
        else:
            result.tests.append(TestResult(gid, pts, None, None, "graded by hand"))
    return result


def _unanswered(cell) -> bool:
    """True for a missing answer cell or one still equal to the released version (nbgrader's checksum)."""
    if cell is None:
        return True
    from nbgrader.utils import compute_checksum

    try:
        return nbmeta(cell).get("checksum") == compute_checksum(cell)
    except Exception:  # noqa: BLE001 - malformed cell: leave it to the human grader
        return False


def _diagnose(result: NotebookResult, session: Session, ns: dict, assignment: str, source=None) -> None:
    """Add diagnosis lines to failed tests (see :mod:`autograder.diagnosis`): the mistake, a question about the
    result, or the function the failure comes from."""
    from autograder.diagnosis import explain

    failed = [t.grade_id for t in result.tests if t.passed is False]
    if not failed:
        return
    session.recording = False
    try:
        lines = explain(failed, session.calls, ns, assignment, source, session)
    except SandboxLost:
        return
    except Exception:  # noqa: BLE001 - a broken catalogue must not break grading
        return
    finally:
        session.recording = True
    for t in result.tests:
        for line in lines.get(t.grade_id, []):
            t.message = f"{t.message}\n{line}" if t.message else line
