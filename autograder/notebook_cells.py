"""A notebook cell's nbgrader metadata, read the same way by the grader, the mutation run, release and the tests.

A submission is hostile: its metadata may be missing, ``null`` or of the wrong type, so :func:`nbmeta` never
raises. ``nbgrader.utils.is_grade``/``is_solution`` do the same job on well-formed cells but raise on
malformed ones (``cell.metadata['nbgrader']`` of ``None``), so they are not used on submissions;
``nbgrader.utils.compute_checksum`` is reused as is (:func:`unanswered`).
"""

from __future__ import annotations

from typing import Any


def nbmeta(cell: Any) -> dict:
    """The cell's ``metadata.nbgrader`` dict; ``{}`` when it has none or it is malformed."""
    meta = cell.get("metadata", {}) if isinstance(cell, dict) else {}
    found = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
    return found if isinstance(found, dict) else {}


def grade_id(cell: Any) -> str | None:
    """The cell's nbgrader ``grade_id`` (None for an ordinary cell)."""
    return nbmeta(cell).get("grade_id")


def points(cell: Any) -> float:
    """The points the cell is worth (0 when it is not graded)."""
    return float(nbmeta(cell).get("points", 0))


def is_graded(cell: Any) -> bool:
    """An autograded test or a manually graded answer."""
    return bool(nbmeta(cell).get("grade"))


def is_answer(cell: Any) -> bool:
    """A cell the student writes in (nbgrader's solution cell)."""
    return bool(nbmeta(cell).get("solution"))


def is_test_cell(cell: Any) -> bool:
    """An autograded test cell: graded code that is not an answer."""
    return cell.get("cell_type") == "code" and is_graded(cell) and not is_answer(cell)


def is_manual_cell(cell: Any) -> bool:
    """An answer graded by hand (graded and a solution cell)."""
    return is_graded(cell) and is_answer(cell)


def cell_text(cell: Any) -> str:
    """The cell's source as one string (nbformat allows a list of lines)."""
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def unanswered(cell: Any) -> bool:
    """True for a missing answer cell or one still equal to the released version (nbgrader's checksum)."""
    if cell is None:
        return True
    from nbgrader.utils import compute_checksum

    try:
        return nbmeta(cell).get("checksum") == compute_checksum(cell)
    except Exception:  # noqa: BLE001 - malformed cell: leave it to the human grader
        return False
