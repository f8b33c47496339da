"""Write grading results into nbgrader's gradebook, as ``nbgrader autograde`` would.

One :class:`GradebookSession` per batch (not one per submission). SQLite databases are switched to WAL mode
so the formgrader reads while a batch writes; any SQLAlchemy URL nbgrader accepts works (PostgreSQL:
``postgresql://user@host/db``). Writes that collide with another ``grade`` command (the same new student
created by both, a locked SQLite file) are rolled back and tried again.
"""

from __future__ import annotations

import datetime
import logging
import os
import sys
import time
import warnings
from pathlib import Path

from nbgrader.api import Gradebook, InvalidEntry, MissingEntry
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from autograder.pipeline.results import NotebookResult

RETRIES = 8
log = logging.getLogger(__name__)


def with_busy_timeout(db_url: str, seconds: int = 60) -> str:
    """A SQLite URL waits for a lock up to ``seconds`` instead of failing at once; other URLs unchanged."""
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite" or "timeout" in url.query:
        return db_url
    return url.update_query_dict({"timeout": str(seconds)}).render_as_string(hide_password=False)


def _gradebook(db_url: str, course_id: str) -> Gradebook:
    """nbgrader's Gradebook; a new database gets its schema (nbgrader shells out to ``alembic`` for that)."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Gradebook(with_busy_timeout(db_url), course_id)


def open_gradebook(db_url: str, course_id: str = "default_course") -> Gradebook:
    """nbgrader's Gradebook (creating the schema if the database is new); SQLite in WAL mode."""
    gb = _gradebook(db_url, course_id)
    if gb.engine.dialect.name == "sqlite":
        with gb.engine.connect() as con:
            con.exec_driver_sql("PRAGMA journal_mode=WAL")
    return gb


def known_notebooks(db_url: str, assignment: str, course_id: str = "default_course") -> list[str]:
    """Notebook names nbgrader knows for ``assignment`` (set by generate_assignment); creates the schema."""
    with _gradebook(db_url, course_id) as gb:
        try:
            return [nb.name for nb in gb.find_assignment(assignment).notebooks]
        except MissingEntry:
            return []


class GradebookSession:
    """The batch's one connection to the gradebook; ``late`` applies nbgrader's late-penalty settings."""

    def __init__(self, db_url: str, course_id: str, assignment: str, late) -> None:
        self.gb = open_gradebook(db_url, course_id)
        self.assignment, self.late = assignment, late

    def __enter__(self) -> GradebookSession:
        return self

    def __exit__(self, *exc) -> None:
        self.gb.close()

    def save(self, student: str, results: dict[str, NotebookResult], submitted: list[str],
             timestamp: datetime.datetime | None) -> dict:
        """Record one submission (earlier manual scores kept) and its late penalties; return the late info."""
        for attempt in range(RETRIES):
            try:
                return self._save(student, results, submitted, timestamp)
            except (InvalidEntry, DBAPIError) as exc:
                log.warning("%s: gradebook write collided (try %d of %d): %s", student, attempt + 1, RETRIES,
                            str(exc).splitlines()[0][:200])
                self.gb.db.rollback()
                if attempt == RETRIES - 1:
                    raise
                time.sleep(0.1 * 2 ** attempt)
        raise AssertionError("unreachable")

    def _save(self, student: str, results: dict[str, NotebookResult], submitted: list[str],
              timestamp: datetime.datetime | None) -> dict:
        gb, assignment = self.gb, self.assignment
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # nbgrader's own SQLAlchemy autoflush warnings
            gb.update_or_create_student(student)
            gb.update_or_create_submission(assignment, student, **({"timestamp": timestamp} if timestamp else {}))
            for notebook, result in results.items():
                for t in result.tests:
                    grade = gb.find_grade(t.grade_id, notebook, assignment, student)
                    grade.auto_score = t.points
                    grade.needs_manual_grade = grade.manual_score is not None or t.points is None
                for comment in gb.find_submission_notebook(notebook, assignment, student).comments:
                    comment.auto_comment = None
            gb.db.commit()
            late = self.late.apply(gb, assignment, student, submitted)
            gb.db.commit()
        return late


def journal_mode(db_url: str) -> str:
    """SQLite's journal mode of ``db_url`` (for tests and diagnostics)."""
    with Gradebook(db_url) as gb, gb.engine.connect() as con:
        return con.execute(text("PRAGMA journal_mode")).scalar()


def integrity_ok(db_path: Path) -> bool:
    import sqlite3

    con = sqlite3.connect(db_path)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()
