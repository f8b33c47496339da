"""A grading process that dies takes only its own submission with it; neither that nor a grader error ever
counts as graded.

Black-box: ``cnn-grade grade`` runs as a subprocess on a temporary course, and only its output, gradebook and
resume markers are checked (whatever runs the grading processes). A notebook can kill its grading process only
without isolation, so the batch is graded with ``--no-isolation``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import nbformat
import pytest
from conftest import ROOT
from nbformat.v4 import new_code_cell

from autograder.batch import ERROR_MARKER
from autograder.cli import MARKER
from autograder.gradebook_io import integrity_ok
from autograder.mutation import honest_submission
from autograder.notebook_cells import nbmeta
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
    assert first.returncode == 1, "a submission left ungraded must make the run fail"
    assert "broken" in first.stdout and "GRADER ERROR" in first.stdout, first.stdout
    scores = {s: marker(course, s) for s in HONEST}
    assert all(r is not None and r["status"] == "graded" for r in scores.values()), {
        s: r and (r["status"], r["reasons"]) for s, r in scores.items()}
    assert len({r["score"] for r in scores.values()}) == 1 and scores["h0"]["score"] > 0
    assert marker(course, "killer") is None, "a submission that was never graded got a resume marker"
    error = json.loads((course / "autograded" / "killer" / A / ERROR_MARKER).read_text())["results"]["_error"]
    assert error["status"] == "crashed" and "died on each of 2 tries" in error["reasons"][0], error
    assert "killer" in first.stdout and "died on each of 2 tries" in first.stdout, first.stdout
    assert marker(course, "broken") is None, "a grader error wrote a resume marker"

    (course / "autograded" / "broken").unlink()
    second = grade(course)
    assert second.returncode == 1, "the killer is still not graded"
    assert f"2 to grade, {len(HONEST)} already graded" in second.stdout, second.stdout
    assert marker(course, "broken")["score"] == scores["h0"]["score"]
    assert integrity_ok(course / "gradebook.db")
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        graded = {s.student_id: s.score for s in gb.find_assignment(A).submissions}
    assert set(graded) == {*HONEST, "broken"}, "an ungraded submission reached the gradebook"
    assert all(graded[s] == graded["h0"] > 0 for s in [*HONEST, "broken"])
