"""Regenerate student versions: ``nbgrader generate_assignment`` for every folder in ``source/``.

Run as ``python -m autograder.release [ASSIGNMENT ...]``.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from autograder.course_layout import REPO_ROOT as ROOT
from autograder.course_layout import assignments
from autograder.nbgrader_cli import nbgrader

__all__ = ["ROOT", "assignments", "generate", "generate_elsewhere"]


def generate(assignment: str, course_root: Path = ROOT) -> Path:
    """Run ``nbgrader generate_assignment`` in ``course_root``; return the release folder it wrote."""
    nbgrader("generate_assignment", assignment, "--force", course_root=course_root)
    return course_root / "release" / assignment


def generate_elsewhere(assignment: str, workdir: Path, course_root: Path = ROOT) -> Path:
    """Generate the release of ``assignment`` in a copy of the course under ``workdir`` (repo untouched)."""
    shutil.copy2(course_root / "nbgrader_config.py", workdir / "nbgrader_config.py")
    shutil.copytree(course_root / "source" / assignment, workdir / "source" / assignment)
    return generate(assignment, workdir)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="*", help="default: every assignment in source/")
    args = parser.parse_args(argv)
    for name in args.assignment or assignments():
        # In the course itself, so the gradebook learns the graded cells that autograde will need.
        generate(name)
        print(f"release/{name}: regenerated")

if __name__ == "__main__":
    main()
