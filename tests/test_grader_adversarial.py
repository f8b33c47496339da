"""Submissions that try to fool, crash or slow down the grader, all graded in one `cnn-grade grade` batch.

Each case is a student of assignment 01 whose notebook is the released one with the reference answers pasted
in (an honest, full-marks submission) plus one attack. After the batch every case must have the right status,
no point it did not earn, and the gradebook must be intact.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from nbformat.v4 import new_code_cell

from autograder.cli import MARKER, main
from autograder.gradebook_io import integrity_ok
from autograder.mutation import honest_submission
from autograder.notebook_cells import nbmeta
from autograder.release import generate_elsewhere
from autograder.sandbox import strong_isolation_available

A = "01_convolution"
NB = "convolution.ipynb"
CORR2D_TESTS = ("test_corr2d_lecture", "test_corr2d_torch", "test_corr2d_errors")
WRONG_CORR2D = "def corr2d(X, K):\n    import numpy as np\n    return np.zeros((1, 1))\n"


def honest() -> nbformat.NotebookNode:
    """The released notebook with the reference solutions pasted into the answer cells."""
    return honest_submission(A)[1]


def with_cell(nb, code: str, after: str | None = None) -> nbformat.NotebookNode:
    """``nb`` plus a code cell (after the cell with grade id ``after``, or at the end)."""
    nb = copy.deepcopy(nb)
    index = len(nb.cells)
    if after:
        index = next(i for i, c in enumerate(nb.cells) if nbmeta(c).get("grade_id") == after) + 1
    nb.cells.insert(index, new_code_cell(code))
    return nb


def replace_answer(nb, grade_id: str, code: str) -> nbformat.NotebookNode:
    nb = copy.deepcopy(nb)
    for c in nb.cells:
        if nbmeta(c).get("grade_id") == grade_id:
            c.source = code
    return nb


def cases(course: Path) -> dict[str, object]:
    """student id -> notebook (or raw bytes for broken files)."""
    good = honest()
    source_path = str(course / "source" / A / NB)
    gradebook = str(course / "gradebook.db")
    other = ROOT / "release" / "02_padding_stride"
    foreign = next(other.glob("*.ipynb"), None) if other.exists() else None
    huge = copy.deepcopy(good)
    huge.cells.append(nbformat.v4.new_raw_cell("x" * (100 * 2**20)))
    edited = copy.deepcopy(good)
    for c in edited.cells:
        if nbmeta(c).get("grade_id") == "test_corr2d_torch":
            c.source = "pass"
    deleted = copy.deepcopy(good)
    deleted.cells = [c for c in deleted.cells if nbmeta(c).get("grade_id") != "test_corr2d_torch"]
    out = {
        "honest": good,
        "patch_allclose": with_cell(replace_answer(good, "corr2d", WRONG_CORR2D),
                                    "import numpy as np\nnp.allclose = lambda *a, **k: True\n"
                                    "np.testing.assert_allclose = lambda *a, **k: None\n"
                                    "np.array_equal = lambda *a, **k: True", after="corr2d"),
        "wrap_run_cell": with_cell(replace_answer(good, "corr2d", WRONG_CORR2D),
                                   "from IPython.core.interactiveshell import InteractiveShell\n"
                                   "_orig = InteractiveShell.run_cell\n"
                                   "def _quiet(self, *a, **k):\n    r = _orig(self, *a, **k)\n"
                                   "    r.error_in_exec = None\n    return r\n"
                                   "InteractiveShell.run_cell = _quiet", after="corr2d"),
        "loop_after_def": replace_answer(good, "corr2d", good_source("corr2d") + "\nwhile True:\n    pass\n"),
        "os_exit": with_cell(good, "import os\nos._exit(3)", after="corr2d"),
        "ignore_sigint": with_cell(good, "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                         "signal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True:\n    pass",
                                   after="sobel_magnitude"),
        "invalid_json": b'{"cells": [ this is not json',
        "stderr_warning": with_cell(good, "import sys, warnings\nwarnings.warn('careful')\n"
                                          "print('a note on stderr', file=sys.stderr)", after="corr2d"),
        "fork_bomb": with_cell(good, "import os\nwhile True:\n    try:\n        os.fork()\n"
                                     "    except OSError:\n        pass", after="learn_kernel"),
        "memory_growth": with_cell(good, "hog = []\nwhile True:\n    hog.append(bytearray(256 * 2**20))",
                                   after="corr2d"),
        "huge_file": with_cell(good, "with open('big.bin', 'wb') as f:\n    for _ in range(400):\n"
                                     "        f.write(b'0' * 2**20)", after="corr2d"),
        "read_source": with_cell(replace_answer(good, "corr2d", WRONG_CORR2D),
                                 f"import json, re\nnb = json.load(open({source_path!r}))\n"
                                 "code = [''.join(c['source']) for c in nb['cells'] "
                                 "if 'def corr2d(' in ''.join(c['source'])][0]\nexec(code)", after="corr2d"),
        "read_gradebook": with_cell(good, f"import sqlite3\ncon = sqlite3.connect({gradebook!r})\n"
                                          "con.execute('update grade set auto_score = 99')\ncon.commit()",
                                    after="corr2d"),
        "swap_numpy": with_cell(replace_answer(good, "corr2d", WRONG_CORR2D),
                                "import sys, types, numpy\nfake = types.ModuleType('numpy')\n"
                                "fake.__dict__.update(numpy.__dict__)\nfake.allclose = lambda *a, **k: True\n"
                                "sys.modules['numpy'] = fake", after="corr2d"),
        "redefine_builtins": with_cell(replace_answer(good, "corr2d", WRONG_CORR2D),
                                       "import builtins\nclass AssertionError(Exception):\n    pass\n"
                                       "builtins.AssertionError = AssertionError\n"
                                       "builtins.isinstance = lambda *a: True", after="corr2d"),
        "output_flood": with_cell(good, "import os, sys\nfor _ in range(200000):\n    print('spam' * 50)\n"
                                        "os.write(1, b'x' * 2**20)", after="corr2d"),
        # notebooks shorten their work under autograde (06 trains 1 epoch, not 20): the variable must reach them
        "autograde_env": with_cell(good, "import os\nif os.environ.get('NBGRADER_EXECUTION') != 'autograde':\n"
                                         "    " + WRONG_CORR2D.replace("\n", "\n    "), after="corr2d"),
        "huge_notebook": huge,
        "edited_test": edited,
        "deleted_test": deleted,
    }
    if foreign is not None:
        out["other_assignment"] = nbformat.read(foreign, as_version=4)
    return out


def good_source(grade_id: str) -> str:
    source = nbformat.read(ROOT / "source" / A / NB, as_version=4)
    return next(c.source for c in source.cells if nbmeta(c).get("grade_id") == grade_id)


# status, whether corr2d's tests may score, and whether everything else must score as for an honest notebook
EXPECTED = {
    "honest": ("graded", True),
    "patch_allclose": ("tampering detected", False),
    "wrap_run_cell": ("tampering detected", False),
    "loop_after_def": ("timed out", False),
    "os_exit": ("crashed", True),
    "ignore_sigint": ("timed out", True),
    "invalid_json": ("invalid notebook", False),
    "stderr_warning": ("graded", True),
    "fork_bomb": ("timed out", True),
    "memory_growth": ("crashed", True),
    "huge_file": ("crashed", True),
    "read_source": ("graded", False),
    "read_gradebook": ("graded", True),
    "swap_numpy": ("tampering detected", False),
    "redefine_builtins": ("tampering detected", False),
    "output_flood": ("graded", True),
    "autograde_env": ("graded", True),
    "huge_notebook": ("invalid notebook", False),
    "edited_test": ("tampering detected", True),
    "deleted_test": ("cells missing", True),
    "other_assignment": ("invalid notebook", False),
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    generate_elsewhere(A, course)
    shutil.copytree(ROOT / "release" / A, course / "release" / A, dirs_exist_ok=True)
    for student, nb in cases(course).items():
        dest = course / "submitted" / student / A
        dest.mkdir(parents=True)
        if isinstance(nb, bytes):
            (dest / NB).write_bytes(nb)
        else:
            nbformat.write(nb, dest / NB)
    t0 = time.monotonic()
    code = main(["--course", str(course), "grade", A, "--jobs", "2", "--quiet", "--cell-timeout", "30",
                 "--notebook-timeout", "300"])
    elapsed = time.monotonic() - t0
    assert code == 0
    results = {}
    for student in EXPECTED:
        marker = course / "autograded" / student / A / MARKER
        if marker.exists():
            results[student] = json.loads(marker.read_text())["results"]["convolution"]
    return course, results, elapsed


def points(result: dict) -> dict[str, float]:
    return {t["grade_id"]: t["points"] for t in result["tests"] if t["points"] is not None}


@pytest.mark.slow
@pytest.mark.parametrize("student", list(EXPECTED))
def test_case_status_and_points(batch, student):
    course, results, _ = batch
    if student == "other_assignment" and student not in results:
        pytest.fail("notebook 02's release is missing: the other-assignment case cannot be built")
    assert student in results, f"{student} was not graded: the batch is incomplete"
    status, corr2d_may_score = EXPECTED[student]
    r = results[student]
    assert r["status"] == status, f"{student}: status {r['status']!r} ({r['reasons']}), expected {status!r}"
    assert status == "graded" or r["reasons"], "a status other than graded must say why"
    honest_points = points(results["honest"])
    mine = points(r)
    for gid, p in mine.items():
        assert p <= honest_points[gid], f"{student}: more points than an honest submission on {gid}"
    if not corr2d_may_score:
        earned = {g: mine[g] for g in CORR2D_TESTS if mine.get(g)}
        assert not earned, f"{student}: unearned points on corr2d's tests {earned}"
    if status in ("graded", "cells missing", "tampering detected") and corr2d_may_score:
        assert mine == honest_points, f"{student}: an honest answer lost points: " + str(
            {g: (mine[g], honest_points[g]) for g in mine if mine[g] != honest_points[g]})


@pytest.mark.slow
def test_honest_submission_gets_every_autograded_point(batch):
    _, results, _ = batch
    r = results["honest"]
    lost = [t["grade_id"] for t in r["tests"] if t["passed"] is False and t["message"] != "no answer given"]
    assert not lost and r["score"] > 0, f"the honest submission loses points on {lost}"


@pytest.mark.slow
def test_gradebook_intact_and_complete(batch):
    course, results, _ = batch
    from nbgrader.api import Gradebook

    assert integrity_ok(course / "gradebook.db")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        graded = {s.student_id for s in gb.find_assignment(A).submissions}
        assert {s for s in EXPECTED if s in results} - {"invalid_json", "huge_notebook"} <= graded
        for s in graded:
            for g in gb.find_submission_notebook("convolution", A, s).grades:
                assert g.auto_score is None or g.auto_score <= g.max_score


@pytest.mark.slow
def test_feedback_hides_hidden_tests(batch):
    course, _, _ = batch
    from autograder.nbgrader_cli import nbgrader

    nbgrader("generate_feedback", A, "--student=honest", course_root=course, timeout=300)
    html = (course / "feedback" / "honest" / A / "convolution.html").read_text()
    source = nbformat.read(ROOT / "source" / A / NB, as_version=4)
    for c in source.cells:
        if "### BEGIN HIDDEN TESTS" in c.source:
            hidden = c.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
            for line in hidden.splitlines():
                if len(line.strip()) > 30 and line.strip() not in c.source.split("### BEGIN HIDDEN TESTS")[0]:
                    assert line.strip() not in html, f"hidden test line in feedback: {line.strip()}"
    assert "passed: 2 / 2 points" in html


@pytest.mark.slow
@pytest.mark.skipif(not strong_isolation_available(), reason="needs root on Linux (namespaces)")
def test_no_sandbox_process_survives(batch):
    course, _, _ = batch
    out = subprocess.run(["pgrep", "-f", str(course)], capture_output=True, text=True).stdout
    assert not out.strip(), f"sandbox workers still running: {out}"


@pytest.mark.slow
def test_killed_grader_resumes_and_grades_each_submission_once(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    generate_elsewhere(A, course)
    shutil.copytree(ROOT / "release" / A, course / "release" / A, dirs_exist_ok=True)
    students = [f"s{i}" for i in range(4)]
    for s in students:
        (course / "submitted" / s / A).mkdir(parents=True)
        nbformat.write(honest(), course / "submitted" / s / A / NB)
    cmd = [sys.executable, "-m", "autograder.cli", "--course", str(course), "grade", A, "--jobs", "1", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and not list(course.glob(f"autograded/*/{A}/{MARKER}")):
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = {p.parent.parent.name for p in course.glob(f"autograded/*/{A}/{MARKER}")}
    assert 1 <= len(done_before) < len(students), f"kill came too late or too early: {done_before}"
    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(students) - len(done_before)} to grade, {len(done_before)} already graded" in rerun.stdout
    from nbgrader.api import Gradebook

    assert integrity_ok(course / "gradebook.db")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        subs = gb.find_assignment(A).submissions
        assert sorted(s.student_id for s in subs) == students
        assert all(s.score == subs[0].score > 0 for s in subs)


@pytest.mark.slow
def test_report_gives_status_and_reason_per_submission(batch):
    import csv

    course, results, _ = batch
    assert main(["--course", str(course), "report", A]) == 0
    out = course / "reports" / A
    with open(out / "grades.csv", newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    for student, r in results.items():
        assert rows[student]["status"] == r["status"], student
        assert r["status"] == "graded" or rows[student]["reason"], f"{student}: no reason in the CSV"
    for png in ("score_distribution.png", "pass_rate.png"):
        assert (out / png).read_bytes()[:4] == b"\x89PNG", png


@pytest.mark.slow
def test_check_prints_a_table_and_writes_feedback(tmp_path, capsys):
    notebook = tmp_path / A / NB
    notebook.parent.mkdir()
    nbformat.write(replace_answer(honest(), "corr2d", WRONG_CORR2D), notebook)
    assert main(["--course", str(ROOT), "check", str(notebook)]) == 0
    out = capsys.readouterr().out
    assert "test_corr2d_torch" in out and "FAIL" in out and "pass" in out
    page = notebook.with_suffix(".feedback.html").read_text()
    assert "test_corr2d_lecture" in page and "BEGIN HIDDEN" not in page and "default_rng(2024)" not in page
