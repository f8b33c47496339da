"""Where no isolation is possible, student code runs only when asked for explicitly, and the grader says what
that risks; ``cnn-grade doctor`` says what this host gives."""

from __future__ import annotations

import importlib

import pytest

from autograder.cli import main
from autograder.sandbox import Sandbox, SandboxError, isolation
from autograder.sandbox.doctor import report
from autograder.sandbox.isolation import NO_ISOLATION_ENV


@pytest.fixture()
def no_bubblewrap(monkeypatch):
    module = importlib.import_module("autograder.sandbox.isolation")   # (the package exports the function too)
    monkeypatch.setattr(module, "find_bwrap", lambda: None)
    monkeypatch.delenv(NO_ISOLATION_ENV, raising=False)


def test_without_isolation_nothing_runs_and_grade_says_what_it_would_risk(no_bubblewrap, tmp_path, capsys):
    iso = isolation()
    assert not iso.isolated and "bubblewrap" in iso.summary
    with pytest.raises(SandboxError) as err:
        Sandbox().start()
    assert err.value.kind == "isolation"
    assert main(["--course", str(tmp_path), "grade", "01_convolution"]) == 2
    said = capsys.readouterr().err
    assert "--no-isolation" in said and "read every file you can read" in said and "network" in said


def test_the_explicit_flag_runs_student_code_with_the_graders_rights(no_bubblewrap, monkeypatch, tmp_path):
    monkeypatch.setenv(NO_ISOLATION_ENV, "1")
    assert isolation().mode == "none" and isolation().requested_off
    (tmp_path / "visible.txt").write_text("the grader's file")
    with Sandbox() as box:
        reply = box.request("exec", source=f"print(open({str(tmp_path / 'visible.txt')!r}).read())", cell=0)
    assert reply["stdout"].strip() == "the grader's file"


def test_doctor_reports_the_mode_its_reasons_and_the_allow_list(no_bubblewrap):
    text, isolated = report()
    assert not isolated and "NOT isolated" in text and "refuses to run here unless given --no-isolation" in text


@pytest.mark.skipif(not isolation().isolated, reason="no isolation on this host")
def test_doctor_on_this_host_prints_the_allow_list_and_the_limits(capsys):
    assert main(["doctor"]) == 0
    text = capsys.readouterr().out
    assert f"isolated ({isolation().mode})" in text
    for path in ("/usr", "/tmp", "/proc", "autograder/sandbox_worker.py", "/course"):
        assert path in text, path
    assert "source" not in text.split("what student code sees")[1].split("environment")[0]
    assert "NBGRADER_EXECUTION" in text and "RLIMIT_FSIZE" in text
