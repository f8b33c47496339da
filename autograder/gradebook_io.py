"""Write grading results into nbgrader's gradebook, as ``nbgrader autograde`` would."""

from __future__ import annotations

import warnings
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from autograder.grading import NotebookResult


def save(db_url: str, assignment: str, student: str, results: dict[str, NotebookResult]) -> None:
    """Record one submission (all its notebooks) in one transaction; earlier manual scores are kept."""
    with warnings.catch_warnings(), Gradebook(db_url) as gb:
        warnings.simplefilter("ignore")  # nbgrader's own SQLAlchemy autoflush warnings
        gb.update_or_create_student(student)
        gb.update_or_create_submission(assignment, student)
        try:
            for notebook, result in results.items():
                for t in result.tests:
                    grade = gb.find_grade(t.grade_id, notebook, assignment, student)
                    grade.auto_score = t.points
                    grade.needs_manual_grade = grade.manual_score is not None or t.points is None
                for comment in gb.find_submission_notebook(notebook, assignment, student).comments:
                    comment.auto_comment = None
            gb.db.commit()
        except Exception:
            gb.db.rollback()
            raise


def known_notebooks(db_url: str, assignment: str) -> list[str]:
    """Notebook names nbgrader knows for ``assignment`` (set by generate_assignment)."""
    with Gradebook(db_url) as gb:
        try:
            return [nb.name for nb in gb.find_assignment(assignment).notebooks]
        except MissingEntry:
            return []


def integrity_ok(db_path: Path) -> bool:
    import sqlite3

    con = sqlite3.connect(db_path)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()
