"""Late submissions exactly as stock ``nbgrader autograde`` handles them: the submission's ``timestamp.txt``
goes into the gradebook, which knows the due date (and any extension), and nbgrader's own
``AssignLatePenalties`` with the configured plugin (``LateSubmissionPlugin.penalty_method``, or
``AssignLatePenalties.plugin_class``) decides each notebook's penalty."""

from __future__ import annotations

import datetime
import logging
import sys
from pathlib import Path

from traitlets.config import Config


def read_timestamp(submission_dir: Path) -> datetime.datetime | None:
    """The submission's ``timestamp.txt`` as nbgrader reads it (None when absent or empty)."""
    path = submission_dir / "timestamp.txt"
    if not path.exists():
        return None
    text = path.read_text().strip()
    if not text:
        return None
    from nbgrader.utils import parse_utc  # only now: importing nbgrader takes about a second

    try:
        return parse_utc(text)
    except ValueError:
        raise ValueError(f"invalid timestamp in {path}: {text[:60]!r}") from None


class LatePolicy:
    """nbgrader's late-penalty preprocessor and plugin, built once from the course configuration."""

    def __init__(self, config: Config, course: Path | None = None) -> None:
        from nbgrader.preprocessors import AssignLatePenalties

        # stock nbgrader runs in the course directory: a plugin class may live in a module there
        sys.path.insert(0, str(course or Path.cwd()))
        try:
            self.pp = AssignLatePenalties(config=config)
            self.pp.init_plugin()
        finally:
            sys.path.pop(0)
        for log in (self.pp.log, self.pp.plugin_inst.log):
            log.setLevel(logging.ERROR)    # they warn about every late notebook; our report says it once

    def apply(self, gb, assignment: str, student: str, notebooks: list[str]) -> dict:
        """Set the penalty of each graded notebook as AssignLatePenalties.preprocess does (no commit)."""
        submission = gb.find_submission(assignment, student)
        seconds_late = submission.total_seconds_late
        penalties: dict[str, float] = {}
        for name in notebooks:
            notebook = gb.find_submission_notebook(name, assignment, student)
            notebook.late_submission_penalty = None
            if seconds_late > 0:
                penalty = self.pp.plugin_inst.late_submission_penalty(student, notebook.score, seconds_late)
                if penalty is not None:
                    penalty = self.pp._check_late_penalty(notebook, penalty)
                    notebook.late_submission_penalty = penalty
            penalties[name] = notebook.late_submission_penalty or 0.0
        stamp = submission.timestamp
        return {"timestamp": stamp.isoformat() if stamp else None, "seconds_late": seconds_late,
                "penalty": penalties}
