"""Run a source notebook in-process, cell by cell, with some solution cells swapped out.

Fast enough to try dozens of wrong implementations per notebook (no kernel start per run). Used by the
mutation tests; the real grading path is nbgrader's, in a separate kernel.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.notebook_cells import grade_id, is_answer, is_graded
from autograder.notebook_cells import points as cell_points
from autograder.partial_credit import points_from, run_cell
from autograder.sandbox_worker import without_magics

__all__ = ["CellResult", "run_notebook", "solution_cell_for", "without_magics"]


@dataclass
class CellResult:
    grade_id: str
    passed: bool
    error: str = ""
    points: float = 0.0


def solution_cell_for(nb, function: str):
    """The solution cell that defines ``function`` (``def function(``)."""
    pattern = re.compile(rf"^def {re.escape(function)}\(", re.M)
    for cell in nb.cells:
        if cell.cell_type == "code" and is_answer(cell) and pattern.search(cell.source):
            return cell
    raise LookupError(f"no solution cell defines {function}()")


def _last_cell(nb: nbformat.NotebookNode, until: str | None) -> int:
    """How many cells to run: all, or up to the last graded cell whose id starts with ``until``."""
    if until is None:
        return len(nb.cells)
    hits = [i for i, c in enumerate(nb.cells) if (grade_id(c) or "").startswith(until)]
    if not hits:
        raise LookupError(f"no graded cell id starts with {until!r}")
    return hits[-1] + 1


@contextlib.contextmanager
def _environment(env: dict[str, str], cwd: Path):
    """Run with ``env`` added to the environment and ``cwd`` as the working directory; restore both after."""
    old_env = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    old_cwd = os.getcwd()
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(old_cwd)
        for k, v in old_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _run_code_cell(cell, index: int, namespace: dict) -> CellResult:
    """Run one code cell in ``namespace`` and score it as nbgrader would (output swallowed)."""
    gid = grade_id(cell) or f"cell-{index}"
    max_points = cell_points(cell)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            value = run_cell(without_magics(cell.source), namespace, f"<cell {gid}>")
    except Exception as exc:  # noqa: BLE001 - any failure of student code is a result
        return CellResult(gid, False, f"{type(exc).__name__}: {exc}", 0.0)
    points = points_from(value, max_points)
    ok = points >= max_points
    return CellResult(gid, ok, "" if ok else f"partial credit {points:g}: " + out.getvalue().strip()[-300:], points)


def run_notebook(path: Path | str, replace: dict[str, str] | None = None,
                 env: dict[str, str] | None = None, until: str | None = None) -> dict[str, CellResult]:
    """Execute every code cell of ``path`` in one namespace; return the outcome of each graded test cell.

    ``replace`` maps a function name to the code that replaces the solution cell defining it.
    Output is swallowed; an error in an ungraded cell is recorded under its index and execution goes on,
    as nbgrader's autograde does. ``until`` (a grade-id prefix) stops after the last graded cell whose id
    starts with it, to save time when only those cells matter.
    """
    from autograder.misconceptions import replace_function

    nb = nbformat.read(path, as_version=4)
    last = _last_cell(nb, until)
    for function, code in (replace or {}).items():
        cell = solution_cell_for(nb, function)
        cell.source = replace_function(cell.source, function, code)
    results: dict[str, CellResult] = {}
    namespace: dict = {"__name__": "__main__"}
    with _environment(env or {}, Path(path).parent):
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        for index, cell in enumerate(nb.cells[:last]):
            if cell.cell_type != "code":
                continue
            outcome = _run_code_cell(cell, index, namespace)
            if is_graded(cell):
                results[outcome.grade_id] = outcome
            plt.close("all")
    return results
