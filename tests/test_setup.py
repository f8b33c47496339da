"""The notebooks' set-up helper (course/setup.py)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from course.setup import GRADING_VARIABLE, autograding, setup_notebook


@pytest.fixture
def restore_globals():
    threads, options = torch.get_num_threads(), np.get_printoptions()
    yield
    torch.set_num_threads(threads)
    np.set_printoptions(**options)


def test_sets_threads_and_print_options(restore_globals, monkeypatch):
    monkeypatch.delenv(GRADING_VARIABLE, raising=False)
    np.set_printoptions(precision=8, suppress=False)
    assert setup_notebook(threads=1) is False
    assert torch.get_num_threads() == 1
    options = np.get_printoptions()
    assert options["precision"] == 3 and options["suppress"] is True
    assert np.array2string(np.array([1 / 3, 1e-9])) == "[0.333 0.   ]"


def test_default_is_two_threads(restore_globals):
    setup_notebook()
    assert torch.get_num_threads() == 2


@pytest.mark.parametrize(("value", "expected"), [(None, False), ("", False), ("1", True), ("yes", True)])
def test_autograding_flag_follows_nbgrader(restore_globals, monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv(GRADING_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(GRADING_VARIABLE, value)
    assert autograding() is expected
    assert setup_notebook(threads=1) is expected


def test_bad_thread_count_is_refused(restore_globals):
    with pytest.raises(ValueError, match="threads"):
        setup_notebook(threads=0)
