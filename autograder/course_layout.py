"""Where things are: this repository (itself a course folder), the course folder a command works on, and the
assignments a course holds."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def course_dir(arg: str | None) -> Path:
    """The course folder: ``arg`` if given, else the working directory if it holds ``nbgrader_config.py``, else
    this repository."""
    if arg:
        return Path(arg).resolve()
    here = Path.cwd()
    return here if (here / "nbgrader_config.py").exists() else REPO_ROOT


def assignments(course_root: Path = REPO_ROOT) -> list[str]:
    """Names of the assignments in ``source/`` (folders holding a notebook), sorted."""
    return sorted(p.name for p in (course_root / "source").iterdir() if any(p.glob("*.ipynb")))
