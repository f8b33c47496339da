"""Grade notebooks the stock nbgrader way in a scratch copy of the course (the repo is never touched)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook

from autograder.nbgrader_cli import nbgrader
from autograder.release import generate_elsewhere


@dataclass
class CellGrade:
    grade_id: str
    score: float | None
    max_score: float
    auto: bool


def autograde(assignment: str, workdir: Path, submissions: dict[str, Path]) -> dict[str, dict[str, CellGrade]]:
    """Generate ``assignment`` in ``workdir``, submit each notebook under its student id, autograde them all.

    Returns student id -> grade id -> grade, read from the scratch gradebook.
    """
    release = generate_elsewhere(assignment, workdir)
    (nb_name,) = [p.name for p in release.glob("*.ipynb")]
    for student, notebook in submissions.items():
        dest = workdir / "submitted" / student / assignment
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy2(notebook, dest / nb_name)
    nbgrader("autograde", assignment, "--create", course_root=workdir, timeout=900)
    out: dict[str, dict[str, CellGrade]] = {}
    with Gradebook(f"sqlite:///{workdir / 'gradebook.db'}") as gb:
        for student in submissions:
            sub = gb.find_submission_notebook(Path(nb_name).stem, assignment, student)
            out[student] = {
                g.name: CellGrade(g.name, g.score, g.max_score, g.auto_score is not None) for g in sub.grades
            }
    return out
