"""What a submission's sandbox must never see: sources, other submissions, grades, history."""

from __future__ import annotations

from pathlib import Path

from autograder.course_layout import REPO_ROOT as PACKAGE_ROOT

SECRET_NAMES = ["source", "submitted", "autograded", "feedback", "gradebook.db", ".git", "reports"]


def secret_paths(course: Path) -> list[Path]:
    """The course's and this checkout's secrets that exist on this machine."""
    paths = {(root / n) for root in {course, PACKAGE_ROOT} for n in SECRET_NAMES}
    return sorted(p for p in paths if p.exists())


def local_secrets() -> list[Path]:
    """This checkout's secrets (a worker host that holds no course still has the repository's sources)."""
    return secret_paths(PACKAGE_ROOT)
