"""One home for the grader's settings: limits from flags, the environment variables, --verbose logging."""

from __future__ import annotations

import argparse
import logging
import os

import pytest

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
