"""Deadlines side by side with stock `nbgrader autograde` (timestamp.txt, due date, an extension, a late-penalty
plugin configured in nbgrader_config.py), the penalty in the report and the feedback; then the grades out:
`cnn-grade export --format long|canvas`."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys

import nbformat
import pytest
from course_grading import make_course

from autograder.mutation import honest_submission
from autograder.nbgrader_cli import nbgrader
from autograder.release import ROOT

A, NB = "04_parameter_sharing", "parameter_sharing"
DUE = "2026-03-01 12:00:00 UTC"
STAMPS = {"ontime": "2026-03-01 11:00:00.000000 UTC", "late90m": "2026-03-01 13:30:00.000000 UTC",
          "verylate": "2026-03-05 12:00:00.000000 UTC", "extended": "2026-03-01 14:00:00.000000 UTC",
          "untouched_late": "2026-03-02 12:00:00.000000 UTC", "nostamp": None}
PLUGIN = '''import math
from nbgrader.plugins import LateSubmissionPlugin


class PointPerHour(LateSubmissionPlugin):
    """One point per started hour late."""

    def late_submission_penalty(self, student_id, score, total_seconds_late):
        return float(math.ceil(total_seconds_late / 3600))
'''


def late_course(dest):
    _, honest = honest_submission(A)
    (released,) = (ROOT / "release" / A).glob("*.ipynb")
    subs = {s: (nbformat.read(released, as_version=4) if s.startswith("untouched") else honest) for s in STAMPS}
    config = 'c.AssignLatePenalties.plugin_class = "late_plugin.PointPerHour"\n'
    course = make_course(dest, [A], {A: subs}, config=config)
    (course / "late_plugin.py").write_text(PLUGIN)
    for student, stamp in STAMPS.items():
        if stamp:
            (course / "submitted" / student / A / "timestamp.txt").write_text(stamp)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "cnn-course") as gb:
        gb.update_or_create_assignment(A, duedate=DUE)
        for student in STAMPS:
            gb.update_or_create_student(student, first_name=student.title(), last_name="Doe")
        gb.update_or_create_student("ontime", lms_user_id="9001")
        gb.update_or_create_submission(A, "extended")
        gb.grant_extension(A, "extended", hours=3)
    return course


def late_facts(course) -> dict[str, tuple]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "cnn-course") as gb:
        out = {}
        for s in gb.find_assignment(A).submissions:
            nb = gb.find_submission_notebook(NB, A, s.student_id)
            out[s.student_id] = (s.timestamp, s.total_seconds_late, nb.late_submission_penalty, nb.score)
        return out


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    stock = late_course(tmp_path_factory.mktemp("stock") / "course")
    ours = tmp_path_factory.mktemp("ours") / "course"
    shutil.copytree(stock, ours)
    nbgrader("autograde", A, course_root=stock, timeout=900)
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "--course", str(ours), "grade", A, "--quiet",
                           "--jobs", "2"], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    return stock, ours, done.stdout


@pytest.mark.slow
def test_late_penalties_equal_stock_nbgrader(graded):
    stock, ours, _ = graded
    theirs, mine = late_facts(stock), late_facts(ours)
    assert mine == theirs
    assert mine["late90m"][2] == 2.0 and mine["ontime"][2] is None and mine["nostamp"][2] is None
    assert mine["extended"][1] == 0 and mine["extended"][2] is None            # the extension covers it
    assert 0 < mine["verylate"][2] == mine["verylate"][3] < 96                  # capped at the score
    assert mine["untouched_late"][2] == 0                                       # nothing to take away


@pytest.mark.slow
def test_the_submissions_own_files_lie_beside_the_graded_notebook_as_stock_leaves_them(graded):
    """timestamp.txt (and submission_secret.txt, when the exchange wrote one) are copied as `nbgrader autograde`
    copies them: feedback needs them. With --verbose the batch, the pool and the grading steps log."""
    stock, ours, _ = graded
    (ours / "submitted" / "ontime" / A / "submission_secret.txt").write_text("s3cret")
    (ours / "submitted" / "late90m" / A / "submission_secret.txt").symlink_to(ours / "gradebook.db")
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "--course", str(ours), "--verbose", "grade", A,
                           "--quiet", "--student", "ontime", "late90m", "--force"], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    for logged in ("autograder.batch DEBUG: ontime: to grade (forced)", "autograder.grading_pool DEBUG: embedded",
                   "autograder.pipeline.grade DEBUG: parameter_sharing.ipynb: run_tests took",
                   "autograder.batch DEBUG: ontime: recorded"):
        assert logged in done.stderr, f"--verbose did not log {logged!r}:\n{done.stderr[-3000:]}"
    for student, stamp in STAMPS.items():
        theirs, mine = stock / "autograded" / student / A, ours / "autograded" / student / A
        assert (mine / "timestamp.txt").exists() == (theirs / "timestamp.txt").exists() == bool(stamp), student
        if stamp:
            assert (mine / "timestamp.txt").read_text() == stamp
    assert (ours / "autograded" / "ontime" / A / "submission_secret.txt").read_text() == "s3cret"
    assert not (ours / "autograded" / "late90m" / A / "submission_secret.txt").exists(), "a link is not followed"


@pytest.mark.slow
def test_penalty_shown_in_the_report_and_the_feedback(graded):
    _, ours, out = graded
    assert "late90m" in out and "late penalty -2" in out
    assert subprocess.run([sys.executable, "-m", "autograder.cli", "--course", str(ours), "report", A],
                          capture_output=True).returncode == 0
    with open(ours / "reports" / A / "grades.csv", newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert float(rows["late90m"]["late_penalty"]) == 2 and float(rows["ontime"]["late_penalty"]) == 0
    nbgrader("generate_feedback", A, "--student=late90m", course_root=ours, timeout=300)
    html = (ours / "feedback" / "late90m" / A / f"{NB}.html").read_text()
    assert "Late submission penalty (Score: -2.0)" in html


def export(course, *flags: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder.cli", "--course", str(course), "export", *flags],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_export_long_has_score_status_reason_and_penalty(graded, tmp_path):
    _, ours, _ = graded
    facts = late_facts(ours)
    done = export(ours, "--format", "long", "--out", str(tmp_path / "long.csv"))
    assert done.returncode == 0, done.stderr
    with open(tmp_path / "long.csv", newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f) if r["assignment"] == A}
    assert set(rows) == set(STAMPS)
    late = rows["late90m"]
    assert float(late["late_penalty"]) == 2 and float(late["raw_score"]) == facts["late90m"][3]
    assert float(late["score"]) == facts["late90m"][3] - 2 and late["status"] == "graded"
    assert rows["untouched_late"]["status"] == "graded" and float(rows["untouched_late"]["score"]) == 0


@pytest.mark.slow
def test_export_canvas_matches_by_login_or_canvas_id_and_lists_the_rest(graded, tmp_path):
    _, ours, _ = graded
    roster = tmp_path / "canvas.csv"
    roster.write_text("Student,ID,SIS User ID,SIS Login ID,Section,Old quiz (12)\n"
                      "    Points Possible,,,,,10\n"
                      "\"Doe, Ontime\",9001,,,A,7\n"
                      "\"Doe, Late\",42,,late90m,A,8\n"
                      "\"Ghost, Nobody\",77,S77,ghost,B,9\n")
    done = export(ours, "--format", "canvas", "--roster", str(roster), "--out", str(tmp_path / "import.csv"))
    assert done.returncode == 0, done.stderr
    with open(tmp_path / "import.csv", newline="") as f:
        table = list(csv.reader(f))
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", A]
    assert table[1][0] == "Points Possible" and float(table[1][5]) > 0
    body = {r[0]: r for r in table[2:]}
    facts = late_facts(ours)
    assert float(body["Doe, Ontime"][5]) == facts["ontime"][3]
    assert float(body["Doe, Late"][5]) == facts["late90m"][3] - 2
    assert body["Ghost, Nobody"][5] == "", "a student not in the gradebook must not get a guessed grade"
    assert "ghost" in done.stdout and "not in the gradebook" in done.stdout
    for unknown in ("verylate", "nostamp", "extended", "untouched_late"):
        assert unknown in done.stdout, f"{unknown} is not listed as missing from the roster"
    no_roster = export(ours, "--format", "canvas", "--out", str(tmp_path / "all.csv"))
    with open(tmp_path / "all.csv", newline="") as f:
        logins = {r[3] for r in list(csv.reader(f))[2:]}
    assert no_roster.returncode == 0 and logins == set(STAMPS)
