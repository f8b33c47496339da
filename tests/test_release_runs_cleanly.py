"""Every released notebook, untouched, runs top to bottom as a student's *Run All* would, and fails only where
it should: in the graded checks of what the student has not done yet.

An answer cell may raise only its stub's ``NotImplementedError``; a test cell may fail only with that
``NotImplementedError`` or its own ``AssertionError``. A demo cell (a figure, a lecture number, a widget) must not
fail at all while the graded functions are unanswered: it says what to implement instead of crashing with a
misleading error (an IndexError from the stub's empty message, a stale variable a test cell left behind).
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, assignments
from nbclient import NotebookClient

from autograder.grading import nbmeta

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
