"""Reading a submission and comparing it with the source: the untrusted notebook, its test cells, its code."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import nbformat

from autograder.notebook_cells import cell_text, grade_id, is_test_cell
from autograder.settings import MAX_NOTEBOOK_BYTES

HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*\n?", re.S | re.M)


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


def visible_part(source: str) -> str:
    """A test cell as the student sees it: hidden tests removed."""
    return HIDDEN.sub("", source)


def same_visible_text(original: str, submitted: str) -> bool:
    """The submitted test cell shows what the original shows (whitespace at either end aside)."""
    return _digest(visible_part(original)) == _digest(visible_part(submitted))


def _digest(text: str) -> str:
    return hashlib.sha256(text.strip().encode()).hexdigest()


def student_cells(sub: nbformat.NotebookNode, test_ids: set[str]) -> list[tuple[int, str]]:
    """(index, source) of the submission's non-empty code cells that are not test cells."""
    cells = []
    for i, cell in enumerate(sub.cells):
        if cell.get("cell_type") != "code":
            continue
        source = cell_text(cell)
        if grade_id(cell) in test_ids or is_test_cell(cell) or not source.strip():
            continue
        cells.append((i, source))
    return cells


def short(source: str) -> str:
    """The first non-blank line of a cell, for messages."""
    first = next((ln.strip() for ln in source.splitlines() if ln.strip()), "")
    return first[:60]
