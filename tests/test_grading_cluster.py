"""`cnn-grade grade` on Dask: a real `dask scheduler` and two workers started as separate commands on 127.0.0.1
(TLS, as separate hosts would be) grade a class exactly as the embedded cluster does; and the fault cases — a
worker SIGKILLed mid-batch, a scheduler that cannot be reached, a submission that kills its grading process
on every try."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from course_grading import make_course, read_during
from servers import free_port, start_cluster, stop_cluster

from autograder.batch import MARKER
from autograder.gradebook_io import journal_mode
from autograder.misconceptions import catalogue
from autograder.mutation import honest_submission, with_mistake
from autograder.release import ROOT

A = "04_parameter_sharing"   # fast to grade, and no wall-clock test whose points depend on load
NB = "parameter_sharing"


def class_of(assignment: str) -> dict[str, object]:
    """Two honest submissions, two with different catalogued mistakes, two untouched releases."""
    _, honest = honest_submission(assignment)
    (released,) = (ROOT / "release" / assignment).glob("*.ipynb")
    import nbformat

    untouched = nbformat.read(released, as_version=4)
    mistakes = catalogue(assignment)
    return {"h1": honest, "h2": honest, "m1": with_mistake(honest, mistakes[0]),
            "m2": with_mistake(honest, mistakes[-1]), "u1": untouched, "u2": untouched}


def grade_cmd(course: Path, *flags: str, assignment: str = A) -> list[str]:
    return [sys.executable, "-m", "autograder.cli", "--course", str(course), "grade", assignment, "--quiet", *flags]


def outcomes(course: Path, assignment: str = A) -> dict[str, dict]:
    """student -> notebook -> (status, {grade id: points}) from the resume markers."""
    out = {}
    for marker in course.glob(f"autograded/*/{assignment}/{MARKER}"):
        results = json.loads(marker.read_text())["results"]
        out[marker.parent.parent.name] = {nb: (r["status"], {t["grade_id"]: t["points"] for t in r["tests"]})
                                          for nb, r in results.items()}
    return out


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    cluster = start_cluster(tmp_path_factory.mktemp("cluster"))
    yield cluster
    stop_cluster(cluster)


@pytest.fixture(scope="module")
def classes(tmp_path_factory):
    """The same class graded locally (embedded cluster) and, in a copy, on the running cluster."""
    local = make_course(tmp_path_factory.mktemp("local") / "course", [A], {A: class_of(A)})
    remote = tmp_path_factory.mktemp("remote") / "course"
    shutil.copytree(local, remote)
    done = subprocess.run(grade_cmd(local, "--jobs", "2"), capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    return local, remote


@pytest.fixture(scope="module")
def cluster_run(cluster, classes):
    _, remote = classes
    proc = subprocess.Popen(grade_cmd(remote, *cluster.grade_flags()), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    reads, errors = read_during(proc, f"sqlite:///{remote / 'gradebook.db'}", A)
    out, err = proc.communicate(timeout=900)
    return proc.returncode, out, err, reads, errors


@pytest.mark.slow
def test_cluster_grades_exactly_as_a_local_run(classes, cluster_run):
    local, remote = classes
    code, out, err, _, _ = cluster_run
    assert code == 0, err
    assert "6 to grade, 0 already graded, 2 in parallel (tls://127.0.0.1:" in out
    ours, theirs = outcomes(local), outcomes(remote)
    assert sorted(theirs) == ["h1", "h2", "m1", "m2", "u1", "u2"]
    assert theirs == ours
    assert ours["h1"][NB][0] == "graded" and ours["m1"] != ours["h1"]
    workers = {json.loads(m.read_text())["worker"] for m in remote.glob(f"autograded/*/{A}/{MARKER}")}
    assert len(workers) == 2, f"one worker graded everything: {workers}"
    rerun = subprocess.run(grade_cmd(remote, "--scheduler", "tls://127.0.0.1:1"), capture_output=True, text=True)
    assert rerun.returncode == 0 and "0 to grade, 6 already graded" in rerun.stdout, "nothing left, no cluster"


@pytest.mark.slow
def test_formgrader_reads_while_the_cluster_writes_sqlite_in_wal_mode(classes, cluster_run):
    _, remote = classes
    _, _, _, reads, errors = cluster_run
    assert reads >= 1 and not errors, errors[:3]
    assert journal_mode(f"sqlite:///{remote / 'gradebook.db'}") == "wal"


@pytest.mark.slow
def test_worker_killed_mid_batch_others_regrade_each_once(cluster, classes, tmp_path):
    local, _ = classes
    honest = class_of(A)["h1"]
    students = [f"k{i}" for i in range(6)]
    course = make_course(tmp_path / "course", [A], {A: dict.fromkeys(students, honest)})
    proc = subprocess.Popen(grade_cmd(course, *cluster.grade_flags()), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    with cluster.client() as client:
        victim = None
        deadline = time.monotonic() + 300
        while victim is None and time.monotonic() < deadline and proc.poll() is None:
            busy = [w for w, keys in client.processing().items() if keys]
            if busy and list(course.glob(f"autograded/*/{A}/{MARKER}")):
                victim = busy[0]
            time.sleep(0.1)
        assert victim is not None, "the batch ended before a worker could be killed mid-batch"
        os.kill(client.run(os.getpid, workers=[victim])[victim], signal.SIGKILL)
    out, err = proc.communicate(timeout=900)
    assert proc.returncode == 0, err
    graded = outcomes(course)
    assert sorted(graded) == students, f"not all graded: {sorted(graded)}\n{out}"
    assert all(r == outcomes(local)["h1"] for r in graded.values())
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        subs = gb.find_assignment(A).submissions
        assert sorted(s.student_id for s in subs) == students
        cells = len(gb.find_notebook(NB, A).grade_cells)
        assert all(len(s.notebooks) == 1 and len(s.notebooks[0].grades) == cells for s in subs)


@pytest.mark.slow
def test_unreachable_scheduler_names_the_address_and_writes_nothing(classes, tmp_path):
    local, _ = classes
    course = tmp_path / "course"
    shutil.copytree(local, course)
    for marker in course.glob(f"autograded/*/{A}/{MARKER}"):
        marker.unlink()                                  # work left to do
    before = {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in course.rglob("*")}
    address = f"tcp://127.0.0.1:{free_port()}"
    done = subprocess.run(grade_cmd(course, "--scheduler", address, "--connect-timeout", "3"),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert f"cannot reach the Dask scheduler at {address}" in done.stderr, done.stderr
    assert {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in course.rglob("*")} == before


def test_cnn_grade_worker_refuses_a_host_that_cannot_isolate_unless_allowed(monkeypatch, capsys):
    import importlib

    from autograder.cli import main
    from autograder.sandbox.isolation import NO_ISOLATION_ENV

    monkeypatch.setattr(importlib.import_module("autograder.sandbox.isolation"), "find_bwrap", lambda: None)
    monkeypatch.delenv(NO_ISOLATION_ENV, raising=False)
    assert main(["worker", "tcp://127.0.0.1:1"]) == 2
    said = capsys.readouterr().err
    assert "cannot isolate student code" in said and "bubblewrap" in said and "--no-isolation" in said


def test_worker_command_carries_tls_and_the_preload():
    from autograder.grading_worker import worker_command

    cmd = worker_command("tls://10.0.0.1:8786", 2, True, {"ca": "ca.pem", "cert": "c.pem", "key": "k.pem"},
                         ["--host", "127.0.0.1"])
    assert cmd[1:4] == ["-m", "distributed.cli.dask_worker", "tls://10.0.0.1:8786"]
    assert cmd[cmd.index("--preload") + 1] == "autograder.grading_worker"
    assert cmd[cmd.index("--tls-ca-file") + 1] == "ca.pem" and cmd[cmd.index("--nworkers") + 1] == "2"
    assert cmd[-1] == "--no-isolation" and cmd.index("--host") > cmd.index("--preload")

