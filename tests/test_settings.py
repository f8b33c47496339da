"""One home for the grader's settings: limits from flags, the environment variables, --verbose logging."""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import time

import pytest
from traitlets.config import Config

from autograder import settings
from autograder.cli import _parser
from autograder.sandbox import Limits


def test_limits_come_from_the_flags_and_default_to_limits():
    args = _parser().parse_args(["check", "nb.ipynb"])
    assert settings.limits_from(args) == Limits()
    args = _parser().parse_args(["check", "nb.ipynb", "--cell-timeout", "5", "--limit", "memory_bytes=2e9",
                                 "--limit", "cpus=0.5"])
    got = settings.limits_from(args)
    assert (got.cell_seconds, got.memory_bytes, got.cpus, got.notebook_seconds) == (5.0, 2_000_000_000, 0.5, 600.0)
    assert type(got.memory_bytes) is int


def test_nbgrader_config_sets_limits_and_flags_win_over_it():
    config = Config()
    config.CnnGrade.limits = {"cell_seconds": 7, "memory_bytes": 1.5e9, "cpus": 0.5}
    got = settings.limits_from(_parser().parse_args(["check", "nb.ipynb"]), config)
    assert (got.cell_seconds, got.memory_bytes, got.cpus, got.notebook_seconds) == (7.0, 1_500_000_000, 0.5, 600.0)
    got = settings.limits_from(_parser().parse_args(["check", "nb.ipynb", "--cell-timeout", "3",
                                                     "--limit", "cpus=1"]), config)
    assert (got.cell_seconds, got.memory_bytes, got.cpus) == (3.0, 1_500_000_000, 1.0)


@pytest.mark.parametrize(("limits", "says"), [({"cel_seconds": 7}, r"CnnGrade.limits\['cel_seconds'\]: no such limit"),
                                              ({"cpus": "many"}, "not a number"), ({"cpus": 0}, "positive"),
                                              ([("cpus", 1)], "must be a dict")])
def test_a_wrong_configured_limit_names_the_file(limits, says):
    config = Config()
    config.CnnGrade.limits = limits
    with pytest.raises(SystemExit, match=says) as err:
        settings.limits_from(_parser().parse_args(["check", "nb.ipynb"]), config)
    assert "nbgrader_config.py" in str(err.value)


@pytest.mark.parametrize(("flag", "says"), [("nonsense=1", "no such limit"), ("cpus=lots", "not a number")])
def test_a_wrong_limit_flag_says_what_is_wrong(flag, says):
    args = argparse.Namespace(cell_timeout=60.0, notebook_timeout=600.0, limit=[flag])
    with pytest.raises(SystemExit, match=says):
        settings.limits_from(args)


def test_every_environment_variable_is_documented():
    from autograder.course_layout import REPO_ROOT

    text = (REPO_ROOT / "docs" / "GRADING.md").read_text()
    for name in settings.ENVIRONMENT:
        assert f"`{name}`" in text, f"{name} is not in the settings table of docs/GRADING.md"


def test_verbose_logs_the_grader_at_debug_level(monkeypatch):
    monkeypatch.delenv(settings.DEBUG_ENV, raising=False)
    root_handlers = list(logging.getLogger().handlers)
    try:
        settings.configure_logging(True)
        assert logging.getLogger("autograder.pipeline.grade").isEnabledFor(logging.DEBUG)
        assert os.environ[settings.DEBUG_ENV] == "1"
        from autograder.sandbox.settings import debug

        assert debug()
    finally:
        settings.configure_logging(False)
        os.environ.pop(settings.DEBUG_ENV, None)
    assert not logging.getLogger("autograder.pipeline.grade").isEnabledFor(logging.DEBUG)
    assert logging.getLogger().handlers == root_handlers, "other libraries' logging (Dask's INFO) must not change"


@pytest.mark.slow
def test_check_takes_the_cell_timeout_from_the_courses_nbgrader_config(tmp_path, capsys):
    """A course-wide limit in nbgrader_config.py reaches the sandbox: a 2 s cell limit stops a 60 s cell."""
    import nbformat
    from conftest import ROOT

    from autograder.cli import main
    from autograder.mutation import honest_submission
    from autograder.notebook_cells import nbmeta

    course = tmp_path / "course"
    shutil.copytree(ROOT / "source" / "01_convolution", course / "source" / "01_convolution")
    (course / "nbgrader_config.py").write_text('c = get_config()\nc.CnnGrade.limits = {"cell_seconds": 2}\n')
    name, nb = honest_submission("01_convolution")
    for cell in nb.cells:
        if nbmeta(cell).get("grade_id") == "corr2d":
            cell.source = "import time\ntime.sleep(60)\n" + cell.source
    notebook = tmp_path / "01_convolution" / name
    notebook.parent.mkdir()
    nbformat.write(nb, notebook)
    started = time.monotonic()
    assert main(["--course", str(course), "check", str(notebook)]) == 0
    assert time.monotonic() - started < 45, "the configured 2 s limit did not stop the 60 s cell"
    assert "no answer within 2 s" in capsys.readouterr().out
