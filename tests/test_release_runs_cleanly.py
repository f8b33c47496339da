"""Every released notebook, untouched, runs top to bottom as a student's *Run All* would, and fails only where
it should: in the graded checks of what the student has not done yet. And every source notebook (the reference
answers) runs top to bottom without any error, so that each number a demo cell computes and asserts (the
lecture's, and the corrections') is checked with working functions too.

An answer cell may raise only its stub's ``NotImplementedError``; a test cell may fail only with that
``NotImplementedError`` or its own ``AssertionError``. A demo cell (a figure, a lecture number, a widget) must not
fail at all while the graded functions are unanswered: it says what to implement instead of crashing with a
misleading error (an IndexError from the stub's empty message, a stale variable a test cell left behind).
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, assignments, source_notebook
from nbclient import NotebookClient

from autograder.nbrun import without_magics
from autograder.notebook_cells import nbmeta
from autograder.partial_credit import run_cell

ALLOWED_IN_TESTS = {"NotImplementedError", "AssertionError"}


def released(assignment: str) -> Path:
    (nb,) = sorted((ROOT / "release" / assignment).glob("*.ipynb"))
    return nb


def run_release(path: Path) -> nbformat.NotebookNode:
    """Execute ``path`` in a fresh kernel, as a student does (``NBGRADER_EXECUTION`` unset), errors allowed."""
    nb = nbformat.read(path, as_version=4)
    env = {k: v for k, v in os.environ.items() if k != "NBGRADER_EXECUTION"}
    client = NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute(env=env)
    return nb


def unexpected_errors(nb: nbformat.NotebookNode) -> list[str]:
    """One line per error a student should not see: any error of a demo cell, a misleading error of a test cell."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        meta = nbmeta(cell)
        is_test = bool(meta.get("grade")) and not meta.get("solution")
        allowed = ALLOWED_IN_TESTS if is_test else {"NotImplementedError"} if meta.get("solution") else set()
        for out in cell.get("outputs", []):
            if out.get("output_type") != "error" or out["ename"] in allowed:
                continue
            where = meta.get("grade_id") or f"cell {index}"
            first = cell.source.strip().splitlines()[0][:60] if cell.source.strip() else ""
            found.append(f"{where} ({first!r}): {out['ename']}: {out['evalue'][:200]}")
    return found


@pytest.mark.slow
@pytest.mark.parametrize("assignment", assignments())
def test_untouched_release_runs_without_misleading_errors(assignment):
    nb = run_release(released(assignment))
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    assert all(c.execution_count is not None for c in code), "some cells never ran"
    errors = unexpected_errors(nb)
    assert not errors, f"{assignment}: errors outside the graded checks:\n" + "\n".join(errors)


def source_errors(path: Path) -> list[str]:
    """Run every code cell of a source notebook in one namespace, in-process, as graded (NBGRADER_EXECUTION set);
    one line per cell that raised."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    nb = nbformat.read(path, as_version=4)
    namespace: dict = {"__name__": "__main__"}
    errors, old_cwd, old_env = [], os.getcwd(), os.environ.get("NBGRADER_EXECUTION")
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    os.chdir(path.parent)
    try:
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            try:
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                    run_cell(without_magics(cell.source), namespace, f"<cell {index}>")
            except Exception as exc:  # noqa: BLE001 - every failure is reported
                errors.append(f"{nbmeta(cell).get('grade_id') or f'cell {index}'}: {type(exc).__name__}: {exc}"[:300])
            plt.close("all")
    finally:
        os.chdir(old_cwd)
        if old_env is None:
            os.environ.pop("NBGRADER_EXECUTION", None)
        else:
            os.environ["NBGRADER_EXECUTION"] = old_env
    return errors


@pytest.mark.slow
@pytest.mark.parametrize("assignment", assignments())
def test_source_runs_without_any_error(assignment):
    errors = source_errors(source_notebook(assignment))
    assert not errors, f"{assignment}: cells of the reference notebook raised:\n" + "\n".join(errors)
