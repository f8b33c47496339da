"""Without root: the adversarial batch graded by a non-root user this test creates, in the same allow-listed
sandbox (an unprivileged user namespace instead of root): every submission gets the status it gets as root, and
student code sees nothing outside the allow-list, not even what the grading user may read."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from nbformat.v4 import new_code_cell
from test_grader_adversarial import CORR2D_TESTS, EXPECTED, NB, A, cases, honest, points
from test_sandbox_isolation import ALLOWED, OWN, PROBE, WALK

from autograder.cli import MARKER
from autograder.release import generate_elsewhere

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(os.geteuid() != 0, reason="creating the grading user needs root"),
              pytest.mark.skipif(shutil.which("useradd") is None, reason="no useradd on this host")]
AS_USER = Path(__file__).with_name("as_user.py")


@pytest.fixture(scope="module")
def user():
    name = f"cnngrade{os.getpid() % 100000}"
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name], check=True)
    try:
        yield pwd.getpwnam(name)
    finally:
        subprocess.run(["userdel", name], check=False)


def as_user(user, home: Path, *command: str, timeout: float = 1800) -> subprocess.CompletedProcess:
    reach = json.dumps([str(ROOT), sys.base_prefix, sys.prefix])
    env = {**os.environ, "HOME": str(home), "TMPDIR": "/tmp"}
    cmd = ["unshare", "--mount", "--propagation", "private", sys.executable, str(AS_USER), str(user.pw_uid),
           str(user.pw_gid), reach, "--", *command]
    return subprocess.run(cmd, env=env, cwd=home, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def batch(user):
    probe = as_user(user, Path("/tmp"), "unshare", "--user", "--map-root-user", "true", timeout=60)
    if probe.returncode != 0:
        pytest.skip(f"unprivileged user namespaces are not available on this host: {probe.stderr.strip()}")
    base = Path(tempfile.mkdtemp(prefix="cnn-grade-nonroot-", dir="/tmp"))
    base.chmod(0o755)
    course, home, copy = base / "course", base / "home", base / "copy"
    course.mkdir()
    home.mkdir()
    generate_elsewhere(A, course)
    shutil.copytree(ROOT / "release" / A, course / "release" / A, dirs_exist_ok=True)
    shutil.copytree(ROOT / "source" / A, copy / "source" / A)   # readable by the grading user, not by its sandbox
    secrets = [str(p) for p in copy.rglob("*.ipynb")] + [str(course / "source"), str(course / "gradebook.db")]
    snoop = honest()
    snoop.cells += [new_code_cell(WALK.format(allowed=ALLOWED, own=OWN)), new_code_cell(PROBE.format(paths=secrets))]
    for student, nb in [*cases(course).items(), ("snoop", snoop)]:
        dest = course / "submitted" / student / A
        dest.mkdir(parents=True)
        (dest / NB).write_bytes(nb) if isinstance(nb, bytes) else nbformat.write(nb, dest / NB)
    subprocess.run(["chown", "-R", f"{user.pw_uid}:{user.pw_gid}", str(course), str(home)], check=True)
    grade = [sys.executable, "-m", "autograder.cli", "--course", str(course), "grade", A, "--jobs", "2", "--quiet"]
    runs = [as_user(user, home, *grade, "--cell-timeout", "20", "--notebook-timeout", "300", "--student", *EXPECTED),
            as_user(user, home, *grade, "--cell-timeout", "300", "--student", "snoop")]
    results = {}
    for marker in course.glob(f"autograded/*/{A}/{MARKER}"):
        results[marker.parent.parent.name] = json.loads(marker.read_text())["results"]["convolution"]
    yield runs, results, secrets, len(snoop.cells)
    shutil.rmtree(base)


def test_every_submission_gets_its_status_as_with_root(batch):
    runs, results, _, _ = batch
    for run in runs:
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
        assert "sandbox: isolated (user namespace)" in run.stdout, run.stdout[:500]
    honest_points = points(results["honest"])
    assert results["honest"]["status"] == "graded" and results["honest"]["score"] > 0
    for student, (status, corr2d_may_score) in EXPECTED.items():
        assert student in results, f"{student} was not graded"
        r = results[student]
        assert r["status"] == status, f"{student}: {r['status']} ({r['reasons']}), expected {status}"
        mine = points(r)
        assert all(p <= honest_points[g] for g, p in mine.items()), f"{student} earned more than honest"
        if not corr2d_may_score:
            assert not any(mine.get(g) for g in CORR2D_TESTS), f"{student}: unearned points on corr2d"


def test_student_code_sees_only_the_allow_list_without_root(batch):
    _, results, secrets, n_cells = batch
    cells = results["snoop"]["cells"]
    walk = json.loads(cells[str(n_cells - 2)]["stdout"])
    assert walk["readable"] > 1000 and walk["n_outside"] == 0, walk["outside"]
    assert walk["writable"] == [], walk["writable"]
    found = json.loads(cells[str(n_cells - 1)]["stdout"])["found"]
    assert all(found[p][0] == "denied" for p in secrets), {p: found[p] for p in secrets}
