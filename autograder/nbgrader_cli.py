"""Run nbgrader's command line from Python, with this interpreter's tools on PATH."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def tool_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment with this interpreter's bin folder first on PATH (nbgrader shells out to alembic)."""
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    env.update(extra or {})
    return env


def nbgrader(*args: str, course_root: Path, timeout: float | None = None,
             check: bool = True) -> subprocess.CompletedProcess:
    """``nbgrader ARGS --CourseDirectory.root=course_root``, run in ``course_root``; raise on failure if ``check``."""
    cmd = [sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={course_root}"]
    proc = subprocess.run(cmd, cwd=course_root, capture_output=True, text=True, env=tool_env(), timeout=timeout)
    if check and proc.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc
