"""Shared fixtures: the course root and the assignments found in source/."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

from autograder.course_layout import REPO_ROOT as ROOT
from autograder.course_layout import assignments

SYLLABUS = ROOT.parent / "shared" / "SYLLABUS.md"
__all__ = ["ROOT", "SYLLABUS", "assignments", "source_notebook"]


def source_notebook(assignment: str) -> Path:
    (nb,) = sorted((ROOT / "source" / assignment).glob("*.ipynb"))
    return nb
