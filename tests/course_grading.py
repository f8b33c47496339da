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


def make_course(dest: Path, assignments: list[str], submissions: dict[str, dict[str, object]],
                config: str = "") -> Path:
    """A scratch course in ``dest``: the repo's nbgrader_config.py plus ``config`` lines, the sources of
    ``assignments`` generated (release and gradebook), and ``submissions`` (assignment -> student -> notebook,
    or raw bytes) under submitted/."""
    import nbformat

    from autograder.release import ROOT, generate

    dest.mkdir(parents=True, exist_ok=True)
    (dest / "nbgrader_config.py").write_text((ROOT / "nbgrader_config.py").read_text() + "\n" + config)
    for assignment in assignments:
        shutil.copytree(ROOT / "source" / assignment, dest / "source" / assignment)
        generate(assignment, dest)
        (name,) = [p.name for p in (dest / "release" / assignment).glob("*.ipynb")]
        for student, nb in submissions.get(assignment, {}).items():
            folder = dest / "submitted" / student / assignment
            folder.mkdir(parents=True, exist_ok=True)
            if isinstance(nb, bytes):
                (folder / name).write_bytes(nb)
            else:
                nbformat.write(nb, folder / name)
    return dest


def read_during(proc, db_url: str, assignment: str) -> tuple[int, list[str]]:
    """Read the gradebook as the formgrader's submission list does until ``proc`` ends: (reads, errors)."""
    import time

    reads, errors = 0, []
    while proc.poll() is None:
        try:
            with Gradebook(db_url) as gb:
                gb.submission_dicts(assignment)
                [s.score for s in gb.find_assignment(assignment).submissions]
            reads += 1
        except Exception as exc:  # noqa: BLE001 - every failed read is reported
            errors.append(repr(exc))
        time.sleep(0.3)
    return reads, errors
