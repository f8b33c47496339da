"""Shared fixtures: the course root and the assignments found in source/."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent.parent
SYLLABUS = ROOT.parent / "shared" / "SYLLABUS.md"


def assignments() -> list[str]:
    return sorted(p.name for p in (ROOT / "source").iterdir() if any(p.glob("*.ipynb")))


def source_notebook(assignment: str) -> Path:
    (nb,) = sorted((ROOT / "source" / assignment).glob("*.ipynb"))
    return nb
