"""Grade one submitted notebook against its source: :data:`STEPS` run in order over one :class:`GradingContext`.

The student's cells run in a sandbox; the test cells come from the *source* notebook (whatever the submission
did to its copy of them is ignored) and run in the grader's own process against stand-ins for the student's
objects, so patching numpy, builtins or IPython in the submission changes nothing in the verdict, and hidden
inputs never enter the sandbox except as arguments.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from autograder.pipeline import steps
from autograder.pipeline.context import GradingContext
from autograder.pipeline.results import NotebookResult
from autograder.sandbox import Limits

log = logging.getLogger(__name__)

STEPS: list[Callable[[GradingContext], None]] = [
    steps.read_submission,
    steps.check_assignment,
    steps.compare_cells,
    steps.run_student_cells,
    steps.run_tests,
    steps.diagnose,
    steps.check_integrity,
    steps.grade_manual_cells,
]


def run_steps(ctx: GradingContext, pipeline: list[Callable[[GradingContext], None]] = STEPS) -> NotebookResult:
    """Run ``pipeline`` over ``ctx`` until a step finishes it; the sandbox is always stopped."""
    try:
        for step in pipeline:
            if ctx.finished:
                break
            started = time.perf_counter()
            step(ctx)
            log.debug("%s: %s took %.3f s (status %s)", ctx.submission_path.name, step.__name__,
                      time.perf_counter() - started, ctx.result.status)
    finally:
        ctx.close()
    return ctx.result


def grade_notebook(source_path: Path, submission_path: Path, limits: Limits | None = None,
                   hide: list[Path] | None = None, assignment: str | None = None) -> NotebookResult:
    """Grade ``submission_path`` against the trusted ``source_path``. Never raises for a bad submission.

    Failed tests of a function are diagnosed against the misconception catalogue of ``assignment``
    (default: the source notebook's folder name).
    """
    return run_steps(GradingContext.open(source_path, submission_path, limits, hide, assignment))
