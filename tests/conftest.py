"""Shared fixtures: the course root and the assignments found in source/."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

from autograder.course_layout import REPO_ROOT as ROOT
from autograder.course_layout import assignments

SYLLABUS = ROOT.parent / "shared" / "SYLLABUS.md"
__all__ = ["ROOT", "SYLLABUS", "assignments", "source_notebook"]


def source_notebook(assignment: str) -> Path:
    (nb,) = sorted((ROOT / "source" / assignment).glob("*.ipynb"))
    return nb


# test_misconceptions.py checks every catalogued mistake and alternative twice: in-process against the source
# notebook (the quick subset's check: no sandbox, no kernel) and through cnn-grade in sandboxes (the
# real grading path, marked slow). What the fast check asserts (the mistake loses points on its function's
# tests; the alternative loses none) the slow one asserts too, through the path students are graded by, so a run
# that selects both keeps only the slow one for each entry and reports the fast one as deselected.
STAND_INS = {  # fast in-process test -> the cnn-grade tests that assert the same of the same entries
    "test_mistake_loses_points_in_process": ("test_mistake_is_caught_and_named_by_cnn_grade",
                                             "test_kept_out_mistake_is_caught_and_never_named_falsely"),
    "test_alternative_passes_in_process": ("test_other_correct_version_earns_full_marks_from_cnn_grade",),
}


@pytest.hookimpl(trylast=True)   # after -m and -k have deselected what they deselect
def pytest_collection_modifyitems(config, items) -> None:
    """Deselect each fast stand-in whose cnn-grade counterpart (same entry) runs in this session."""
    selected = {(item.originalname, item.callspec.id) for item in items if hasattr(item, "callspec")}
    covered = [item for item in items if item.originalname in STAND_INS and hasattr(item, "callspec")
               and any((slow, item.callspec.id) in selected for slow in STAND_INS[item.originalname])]
    if covered:
        config.hook.pytest_deselected(items=covered)
        dropped = {id(item) for item in covered}
        items[:] = [item for item in items if id(item) not in dropped]
