"""The gradebook on a real PostgreSQL 15 server the test starts (Debian's package, installed when missing):
`CourseDirectory.db_url` from nbgrader_config.py, `--db` overriding it, two `grade` commands on different
assignments at once with the formgrader's reads in between, and the retry when both create the same student."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from course_grading import make_course, read_during
from servers import postgres

from autograder.gradebook_io import GradebookSession
from autograder.mutation import honest_submission
from autograder.pipeline import results as grading
from autograder.release import ROOT

A1, A2 = "04_parameter_sharing", "02_padding_stride"   # the two fastest to grade
STUDENTS = ["p1", "p2", "p3"]


@pytest.fixture(scope="module")
def pg_course(tmp_path_factory):
    """A course whose nbgrader_config.py points CourseDirectory.db_url at a fresh PostgreSQL database."""
    with postgres() as create_database:
        url = create_database("course")
        course = make_course(tmp_path_factory.mktemp("pg") / "course", [A1, A2],
                             {a: submissions(a) for a in (A1, A2)}, config=f"c.CourseDirectory.db_url = {url!r}\n")
        yield url, course


def grade(course: Path, assignment: str, *flags: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "autograder.cli", "--course", str(course), "grade", assignment,
                             "--quiet", "--jobs", "1", *flags], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def submissions(assignment: str) -> dict[str, object]:
    _, honest = honest_submission(assignment)
    (released,) = (ROOT / "release" / assignment).glob("*.ipynb")
    return {"p1": honest, "p2": honest, "p3": nbformat.read(released, as_version=4)}


@pytest.mark.slow
def test_two_concurrent_grades_on_postgres_leave_every_row(pg_course):
    from nbgrader.api import Gradebook

    url, course = pg_course
    first, second = grade(course, A1), grade(course, A2, "--db", url)
    reads, errors = read_during(first, url, A1)
    outs = [p.communicate(timeout=900) for p in (first, second)]
    for proc, (out, err) in zip((first, second), outs, strict=True):
        assert proc.returncode == 0, err
        assert "IntegrityError" not in out + err and "3 to grade" in out
    assert reads >= 1 and not errors, errors[:3]
    assert not (course / "gradebook.db").exists(), "the default SQLite gradebook was used, not db_url"
    with Gradebook(url, "cnn-course") as gb:
        for assignment in (A1, A2):
            subs = {s.student_id: s for s in gb.find_assignment(assignment).submissions if s.student_id in STUDENTS}
            assert sorted(subs) == STUDENTS, assignment
            for s in subs.values():
                (nb,) = s.notebooks
                assert len(nb.grades) == len(nb.notebook.grade_cells)
            assert subs["p1"].score == subs["p2"].score > 0 and subs["p3"].code_score == 0


@pytest.mark.slow
def test_db_option_overrides_the_configured_url(pg_course, tmp_path):
    _, course = pg_course
    other = f"sqlite:///{tmp_path / 'other.db'}"
    proc = grade(course, A1, "--db", other)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2 and f"not in the gradebook ({other})" in err


class _Late:
    def apply(self, gb, assignment, student, notebooks):
        return {"penalty": {}}


@pytest.mark.slow
def test_student_created_by_another_command_meanwhile_is_retried_not_an_error(pg_course):
    """Two sessions both see a new student as missing; the second one's insert collides and is retried."""
    from nbgrader.api import Gradebook, MissingEntry

    url, _ = pg_course
    with Gradebook(url, "cnn-course") as gb:
        cells = [(c.name, c.max_score) for c in gb.find_notebook("parameter_sharing", A1).grade_cells]
    result = grading.NotebookResult("parameter_sharing.ipynb",
                                    tests=[grading.TestResult(g, m, 0.0, False) for g, m in cells])
    with GradebookSession(url, "cnn-course", A1, _Late()) as one, GradebookSession(url, "cnn-course", A1,
                                                                                   _Late()) as two:
        real_find, calls = two.gb.find_student, []

        def stale_find(student_id):     # what the second command saw before the first one committed
            calls.append(student_id)
            if len(calls) == 1:
                raise MissingEntry(student_id)
            return real_find(student_id)

        two.gb.find_student = stale_find
        one.save("racer", {"parameter_sharing": result}, [], None)
        two.save("racer", {"parameter_sharing": result}, [], None)
        assert len(calls) >= 2, "the collision was not retried"
    with Gradebook(url, "cnn-course") as gb:
        assert [s.student_id for s in gb.find_assignment(A1).submissions].count("racer") == 1
        assert gb.find_student("racer").id == "racer"
