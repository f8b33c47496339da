"""The grading steps, in the order :data:`autograder.pipeline.grade.STEPS` runs them; each takes the context.

The test cells are taken from the *source* notebook and run in the grader's own process, where the student's
functions and variables are :class:`~autograder.remote.Remote` stand-ins or plain data; the student's own
cells run in the sandbox (:mod:`autograder.pipeline.student_code`).
"""

from __future__ import annotations

import contextlib
import io
import time

from autograder.notebook_cells import cell_text, grade_id, is_answer, points, unanswered
from autograder.partial_credit import points_from, run_cell
from autograder.pipeline.context import GradingContext
from autograder.pipeline.namespace import student_namespace
from autograder.pipeline.results import Status, TestResult
from autograder.pipeline.student_code import StudentRun, import_in_background
from autograder.pipeline.submission import read_submission as _read
from autograder.pipeline.submission import same_visible_text, student_cells
from autograder.remote import RemoteError, SandboxLost, Session


def _zero_all(ctx: GradingContext, message: str) -> None:
    """End grading: every test 0 with ``message``, the manual cells left to the grader."""
    ctx.result.tests = [TestResult(grade_id(c), points(c), 0.0, False, message) for c in ctx.tests]
    ctx.result.tests += [TestResult(grade_id(c), points(c), None, None, "graded by hand") for c in ctx.manual]
    ctx.finished = True


def read_submission(ctx: GradingContext) -> None:
    """Read the submitted notebook; an unreadable one scores 0 everywhere."""
    try:
        ctx.submission = _read(ctx.submission_path)
    except (ValueError, OSError) as exc:
        ctx.result.flag(Status.INVALID, str(exc))
        _zero_all(ctx, "the notebook could not be read")
        return
    ctx.submitted_cells = {grade_id(c): c for c in ctx.submission.cells if grade_id(c)}


def check_assignment(ctx: GradingContext) -> None:
    """A notebook that has none of the source's graded cells belongs to another assignment: 0 everywhere."""
    source_ids = {grade_id(c) for c in ctx.source.cells if grade_id(c)}
    if not (source_ids & set(ctx.submitted_cells)):
        ctx.result.flag(Status.INVALID, f"none of the graded cells of {ctx.source_path.name} is in this notebook "
                                        "(a notebook of another assignment?)")
        _zero_all(ctx, "not a notebook of this assignment")


def compare_cells(ctx: GradingContext) -> None:
    """Flag deleted or edited test cells (the originals are used anyway) and missing answer cells."""
    for c in ctx.tests:
        gid = grade_id(c)
        mine = ctx.submitted_cells.get(gid)
        if mine is None:
            ctx.result.flag(Status.MISSING, f"test cell {gid} was deleted (the original was used)")
        elif not same_visible_text(c.source, cell_text(mine)):
            ctx.result.flag(Status.TAMPERING, f"test cell {gid} was edited (the original was used)")
    for c in ctx.source.cells:
        if is_answer(c) and grade_id(c) not in ctx.submitted_cells:
            ctx.result.flag(Status.MISSING, f"answer cell {grade_id(c)} is missing")


def _open_session(ctx: GradingContext) -> None:
    """A session on the running sandbox and the namespace the tests see; ``ctx.ready`` False if it fails."""
    ctx.session = Session(ctx.run.sandbox)
    ctx.namespace = student_namespace(ctx.session)


def run_student_cells(ctx: GradingContext) -> None:
    """Start the sandbox and run the student's cells, importing the tests' libraries meanwhile."""
    ctx.run = StudentRun(student_cells(ctx.submission, ctx.test_ids), ctx.result, ctx.limits, ctx.hide)
    warm = import_in_background()
    ctx.ready = ctx.run.start()
    warm.join()
    if ctx.ready:
        try:
            _open_session(ctx)
        except SandboxLost as exc:
            ctx.result.flag(Status.CRASHED, f"reading the submission's names failed: {exc}")
            ctx.ready = False


def failure_message(exc: BaseException) -> str:
    """What a student reads for a test that raised ``exc``."""
    if isinstance(exc, AssertionError):
        return str(exc) or "a check failed"
    if isinstance(exc, NotImplementedError):
        return "not implemented yet (NotImplementedError)"
    if isinstance(exc, RemoteError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"[:500]


def score_test(gid: str, max_points: float, value, printed: str) -> TestResult:
    """The result of a test cell that ran without error and whose last expression is ``value``."""
    got = points_from(value, max_points)
    message = "" if got >= max_points else f"partial credit: {got:g} of {max_points:g}\n{printed.strip()[-800:]}"
    return TestResult(gid, max_points, got, got >= max_points, message)


def _restart(ctx: GradingContext) -> None:
    """Restart the student's code after it was lost; keep what the tests defined so far."""
    ctx.ready = ctx.run.start()
    if not ctx.ready:
        return
    old = ctx.namespace
    try:
        _open_session(ctx)
    except SandboxLost:
        ctx.ready = False
        return
    ctx.namespace.update({k: v for k, v in old.items() if k not in old.names})


def _lost(ctx: GradingContext, gid: str, max_points: float, exc: SandboxLost) -> TestResult:
    status = Status.TIMED_OUT if exc.kind == "timeout" else Status.CRASHED
    what = "ran too long" if status == Status.TIMED_OUT else "died"
    ctx.result.flag(status, f"{gid}: the submission's code {what} ({exc})")
    message = "your code did not finish in time" if status == Status.TIMED_OUT else f"your code crashed: {exc}"
    _restart(ctx)
    return TestResult(gid, max_points, 0.0, False, message)


def run_test(ctx: GradingContext, cell) -> TestResult:
    """Run one test cell of the source against the student's namespace."""
    gid, pts = grade_id(cell), points(cell)
    if not ctx.ready:
        return TestResult(gid, pts, 0.0, False, "not run: the submission's code did not run")
    ctx.session.cell = gid
    started = time.perf_counter()
    try:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            value = run_cell(cell.source, ctx.namespace, f"<test {gid}>")
        result = score_test(gid, pts, value, out.getvalue())
    except SandboxLost as exc:
        result = _lost(ctx, gid, pts, exc)
    except Exception as exc:  # noqa: BLE001 - a failing test is a result
        result = TestResult(gid, pts, 0.0, False, failure_message(exc))
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def run_tests(ctx: GradingContext) -> None:
    """Run every test cell of the source, in order."""
    started = time.perf_counter()
    for cell in ctx.tests:
        ctx.result.tests.append(run_test(ctx, cell))
    ctx.result.timings["tests"] = time.perf_counter() - started


def diagnose(ctx: GradingContext) -> None:
    """Add diagnosis lines to failed tests (see :mod:`autograder.diagnosis`): the mistake, a question about the
    result, or the function the failure comes from."""
    started = time.perf_counter()
    if ctx.ready and ctx.session is not None and ctx.run.alive():
        _explain_failures(ctx)
    ctx.result.timings["diagnose"] = time.perf_counter() - started


def _explain_failures(ctx: GradingContext) -> None:
    from autograder.diagnosis import explain

    failed = [t.grade_id for t in ctx.result.tests if t.passed is False]
    if not failed:
        return
    session = ctx.session
    session.recording = False
    try:
        untouched = {grade_id(c) for c in ctx.source.cells
                     if is_answer(c) and unanswered(ctx.submitted_cells.get(grade_id(c)))}
        lines = explain(failed, session.calls, ctx.namespace, ctx.assignment, ctx.source, session, untouched)
    except SandboxLost:
        return
    except Exception:  # noqa: BLE001 - a broken catalogue must not break grading
        return
    finally:
        session.recording = True
    for t in ctx.result.tests:
        for line in lines.get(t.grade_id, []):
            t.message = f"{t.message}\n{line}" if t.message else line


def check_integrity(ctx: GradingContext) -> None:
    """Flag a submission that changed library or interpreter internals in its sandbox."""
    if not (ctx.ready and ctx.run.alive()):
        return
    try:
        changed = Session(ctx.run.sandbox).ask("integrity")
    except (SandboxLost, Exception):  # noqa: BLE001
        changed = ["(integrity check did not answer)"]
    if changed:
        ctx.result.flag(Status.TAMPERING, "the submission changed library or interpreter internals: "
                                          + ", ".join(map(str, changed[:8])))


def grade_manual_cells(ctx: GradingContext) -> None:
    """Answers graded by hand: an untouched answer scores 0 automatically (as nbgrader does), others wait."""
    for c in ctx.manual:
        gid, pts = grade_id(c), points(c)
        if unanswered(ctx.submitted_cells.get(gid)):
            ctx.result.tests.append(TestResult(gid, pts, 0.0, False, "no answer given"))
        else:
            ctx.result.tests.append(TestResult(gid, pts, None, None, "graded by hand"))
