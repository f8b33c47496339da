"""A grading process that dies takes only its own submission with it; a grader error never counts as graded.

Black-box: ``cnn-grade grade`` runs as a subprocess on a temporary course, and only its output, gradebook and
resume markers are checked (whatever runs the grading processes). A notebook can kill its grading process only
without isolation, so the batch is graded with ``--no-isolation``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import nbformat
import pytest
from conftest import ROOT
from nbformat.v4 import new_code_cell

from autograder.cli import MARKER
from autograder.gradebook_io import integrity_ok
from autograder.grading import nbmeta
from autograder.mutation import honest_submission
from autograder.release import generate_elsewhere

A, NB = "01_convolution", "convolution.ipynb"
HONEST = ["h0", "h1", "h2"]
KILL_GRADER = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"


def grade(course, *extra: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "autograder.cli", "--course", str(course), "grade", A, "--jobs", "2", "--quiet",
           "--no-isolation", "--cell-timeout", "60", *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=1200)


def marker(course, student) -> dict | None:
    path = course / "autograded" / student / A / MARKER
    return json.loads(path.read_text())["results"]["convolution"] if path.exists() else None


@pytest.mark.slow
def test_a_dying_grading_process_takes_only_its_own_submission(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    generate_elsewhere(A, course)
    shutil.copytree(ROOT / "release" / A, course / "release" / A, dirs_exist_ok=True)
    honest = honest_submission(A)[1]
    killer = nbformat.from_dict(json.loads(nbformat.writes(honest)))
    at = next(i for i, c in enumerate(killer.cells) if nbmeta(c).get("grade_id") == "corr2d") + 1
    killer.cells.insert(at, new_code_cell(KILL_GRADER))
    for student, nb in [*((s, honest) for s in HONEST), ("killer", killer), ("broken", honest)]:
        (course / "submitted" / student / A).mkdir(parents=True)
        nbformat.write(nb, course / "submitted" / student / A / NB)
    (course / "autograded").mkdir()
    (course / "autograded" / "broken").write_text("a file where the grader needs a directory")  # a grader error

    first = grade(course)
    assert "WARNING: --no-isolation" in first.stderr
    assert first.returncode == 1, "a grader error must make the run fail"
    assert "broken" in first.stdout and "GRADER ERROR" in first.stdout, first.stdout
    scores = {s: marker(course, s) for s in HONEST}
    assert all(r is not None and r["status"] == "graded" for r in scores.values()), {
        s: r and (r["status"], r["reasons"]) for s, r in scores.items()}
    assert len({r["score"] for r in scores.values()}) == 1 and scores["h0"]["score"] > 0
    dead = marker(course, "killer")
    assert dead is not None and dead["status"] == "crashed", dead
    assert "grading process died" in "; ".join(dead["reasons"]) and dead["score"] == 0
    assert marker(course, "broken") is None, "a grader error wrote a resume marker"

    (course / "autograded" / "broken").unlink()
    second = grade(course)
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"1 to grade, {len(HONEST) + 1} already graded" in second.stdout, second.stdout
    assert marker(course, "broken")["score"] == scores["h0"]["score"]
    assert integrity_ok(course / "gradebook.db")
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        graded = {s.student_id: s.score for s in gb.find_assignment(A).submissions}
    assert set(graded) == {*HONEST, "killer", "broken"} and graded["killer"] == 0
    assert os.path.exists(course / "autograded" / "killer" / A / NB), "the crashed submission has no feedback copy"
