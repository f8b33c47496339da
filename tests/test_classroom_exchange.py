"""The classroom's rules between students, and its answers to bad input, through nbgrader's real exchange.

One throw-away class for the module (Unix accounts, exchange, the instructor's course with 01 and 02
generated): each test acts as the accounts do, with nbgrader run as that account, and checks the file system.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import stat
from pathlib import Path

import pytest
from throwaway import A01, throwaway_class

pytestmark = pytest.mark.hub

A02 = "02_padding_stride"
NB01, NB02 = "convolution.ipynb", "padding_stride.ipynb"


@pytest.fixture(scope="module")
def klass():
    with throwaway_class(assignments=(A01, A02)) as k:
        for a in (A01, A02):
            proc = k.instructor("release_assignment", a)
            assert proc.returncode == 0, proc.stdout + proc.stderr
        for user in k.students:
            proc = k.student(user, "fetch_assignment", A01)
            assert proc.returncode == 0, proc.stdout + proc.stderr
        yield k


def home(k, user: str) -> Path:
    return k.dep.homes / user


def inbound(k) -> Path:
    return k.dep.exchange_course("inbound")


def submissions(k, user: str, assignment: str = A01) -> list[Path]:
    return sorted(p for p in inbound(k).iterdir() if p.name.startswith(f"{user}+{assignment}+"))


def can(k, user: str, test: str, path: Path) -> bool:
    """``test -r/-w/-x PATH`` as ``user`` (the kernel's access check for that account)."""
    return k.shell(user, f"test {test} '{path}'").returncode == 0


def submit(k, user: str, assignment: str = A01, *extra: str):
    return k.student(user, "submit", assignment, *extra)


def test_modes_of_the_layout(klass):
    k, dep = klass, klass.dep
    teacher = pwd.getpwnam(k.teacher)
    expect = {dep.exchange: (0, 0o1777), dep.exchange_course(): (teacher.pw_uid, 0o755),
              dep.exchange_course("outbound"): (teacher.pw_uid, 0o755),
              dep.exchange_course("inbound"): (teacher.pw_uid, 0o3733),
              dep.exchange_course("feedback"): (teacher.pw_uid, 0o711),
              dep.course_dir: (teacher.pw_uid, 0o700), dep.grader: (0, 0o750), dep.state: (0, 0o700)}
    for user in [k.teacher, *k.students]:
        expect[home(k, user)] = (pwd.getpwnam(user).pw_uid, 0o700)
    for path, (uid, mode) in expect.items():
        st = path.stat()
        assert (st.st_uid, oct(st.st_mode & 0o7777)) == (uid, oct(mode)), path
    assert dep.grader.stat().st_gid == teacher.pw_gid


def test_students_cannot_reach_what_is_not_theirs(klass):
    k = klass
    a, b = k.students
    secret = [k.dep.course_dir / "source" / A01 / NB01, k.dep.course_dir / "gradebook.db", home(k, b) / A01 / NB01,
              k.dep.grader / "bin" / "cnn-grade", k.dep.state / "deployment.json"]
    for path in secret:
        assert path.exists(), path
        assert not can(k, a, "-r", path), f"{a} can read {path}"
    assert not can(k, a, "-r", inbound(k)), "a student can list inbound/"
    assert not can(k, a, "-r", k.dep.exchange_course("feedback")), "a student can list the released feedback"
    # the environment every server runs has the course's packages, never the grader (it holds solutions)
    py = str(k.dep.venv / "bin" / "python")
    ok = k.shell(a, f"{py} -c 'import course, nbgrader, classroom.exchange'")
    assert ok.returncode == 0, ok.stderr
    leak = k.shell(a, f"{py} -c 'import autograder'")
    assert leak.returncode != 0 and "No module named 'autograder'" in leak.stderr
    assert k.shell(k.teacher, f"{k.dep.grader / 'bin' / 'python'} -c 'import autograder'").returncode == 0


def test_a_submission_is_closed_to_other_students(klass):
    k = klass
    a, b = k.students
    for user in (a, b):
        proc = submit(k, user)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    (mine,) = submissions(k, a)[-1:]
    st = mine.stat()
    assert stat.S_IMODE(st.st_mode) == 0o770 and st.st_gid == pwd.getpwnam(k.teacher).pw_gid
    nb = mine / NB01
    # even knowing the unguessable name, the other student can neither read, replace nor delete
    assert not can(k, b, "-r", nb) and not can(k, b, "-w", nb) and not can(k, b, "-x", mine)
    assert k.shell(b, f"rm -rf '{mine}'").returncode != 0 and nb.exists()
    assert k.shell(b, f"mv '{mine}' '{inbound(k)}/{b}+stolen'").returncode != 0 and mine.exists()
    assert can(k, k.teacher, "-r", nb)


def test_submitting_as_someone_else_is_refused_and_never_collected(klass):
    k = klass
    a, b = k.students
    assert submit(k, b).returncode == 0
    proc = submit(k, a, A01, f"--student={b}")
    assert proc.returncode != 0 and f"You can only submit as yourself ({a}), not as {b}" in proc.stdout + proc.stderr
    # a forged folder written straight into inbound/ (newest of all) and junk names: skipped, the rest collected
    forged = inbound(k) / f"{b}+{A01}+2099-01-01 00:00:00.000000 UTC+forged"
    script = (f"mkdir '{forged}' && echo '{{}}' > '{forged}/{NB01}' && echo '2099-01-01 00:00:00.000000 UTC' > "
              f"'{forged}/timestamp.txt' && mkdir '{inbound(k)}/{a}+{A01}+not-a-time' && "
              f"ln -s /etc '{inbound(k)}/{a}+{A01}+2098-01-01 00:00:00.000000 UTC+link'")
    assert k.shell(a, script).returncode == 0
    proc = k.instructor("collect", "--update", A01)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert f"claims to be {b}'s submission but belongs to {a}" in out and "not a submission name" in out
    assert "not a folder" in out
    collected = k.dep.course_dir / "submitted" / b / A01
    assert (collected / "timestamp.txt").read_text() < "2099" and json.loads((collected / NB01).read_text())["cells"]
    for junk in inbound(k).glob(f"*+{A01}+*"):
        if "forged" in junk.name or "not-a-time" in junk.name or junk.is_symlink():
            junk.unlink() if junk.is_symlink() else shutil.rmtree(junk)


def test_links_in_a_submission_are_not_followed(klass):
    k = klass
    a = k.students[0]
    assert submit(k, a).returncode == 0
    mine = submissions(k, a)[-1]
    target = k.dep.course_dir / "source" / A01 / NB01  # hidden tests: the instructor can read them, not a
    script = f"rm '{mine}/{NB01}' && ln -s '{target}' '{mine}/{NB01}' && ln -s /etc/shadow '{mine}/extra.txt'"
    assert k.shell(a, script).returncode == 0
    proc = k.instructor("collect", "--update", A01)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    collected = k.dep.course_dir / "submitted" / a / A01
    assert "links are not followed" in proc.stdout + proc.stderr
    assert (collected / "timestamp.txt").exists() and not (collected / NB01).exists()
    assert not (collected / "extra.txt").exists()
    shutil.rmtree(mine)


def test_a_notebook_of_another_assignment_is_refused(klass, tmp_path):
    k = klass
    a = k.students[0]
    folder = home(k, a) / A01
    before = submissions(k, a)
    released02 = k.dep.exchange_course("outbound") / A02 / NB02
    # 1. the notebook of 02 dropped into the 01 folder
    shutil.copy(released02, folder / NB02)
    os.chown(folder / NB02, *_ids(folder))
    proc = submit(k, a)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert f"{NB02} is not a notebook of {A01}" in out and f"it belongs to {A02}" in out, out
    assert "Nothing was submitted now" in out and submissions(k, a) == before
    (folder / NB02).unlink()
    # 2. the notebook of 02 saved under the name of 01's notebook
    original = (folder / NB01).read_bytes()
    shutil.copy(released02, folder / NB01)
    proc = submit(k, a)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and f"{NB01} does not hold the exercises of {A01}/{NB01}" in out, out
    assert f"it looks like {A02}/{NB02}" in out and submissions(k, a) == before
    (folder / NB01).write_bytes(original)
    assert submit(k, a).returncode == 0 and len(submissions(k, a)) == len(before) + 1


def test_a_submission_after_collection_is_refused_and_nothing_is_lost(klass):
    k = klass
    b = k.students[1]
    assert submit(k, b).returncode == 0
    last = submissions(k, b)[-1]
    for step in (("list", "--remove", A01), ("collect", "--update", A01)):  # what `cnn-grade cycle` does first
        proc = k.instructor(*step)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    late = submit(k, b)
    out = late.stdout + late.stderr
    assert late.returncode != 0 and f"{A01} is closed: your instructor has collected it" in out, out
    assert "is kept and is the one graded" in out and submissions(k, b)[-1] == last
    collected = k.dep.course_dir / "submitted" / b / A01
    assert (collected / "timestamp.txt").read_text() == (last / "timestamp.txt").read_text()
    assert (home(k, b) / A01 / NB01).exists()
    # reopened (released again): the next submission is taken, and the newest counts at the next collection
    assert k.instructor("release_assignment", A01, "--force").returncode == 0
    assert submit(k, b).returncode == 0
    newest = submissions(k, b)[-1]
    assert newest != last
    assert k.instructor("collect", "--update", A01).returncode == 0
    assert (collected / "timestamp.txt").read_text() == (newest / "timestamp.txt").read_text()


def _ids(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_uid, st.st_gid
