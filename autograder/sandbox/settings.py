"""The sandbox's environment variables, read here only (the table of every setting: docs/GRADING.md).

They live in the sandbox package because student code's view of autograder/ holds only this package,
``sandbox_worker.py`` and ``wire.py``; the grader's other settings are in :mod:`autograder.settings`.
"""

from __future__ import annotations

import logging
import os

NO_ISOLATION_ENV = "CNN_GRADE_NO_ISOLATION"   # "1": run student code without isolation (set by --no-isolation)
ZYGOTE_ENV = "CNN_GRADE_ZYGOTE"               # "0": start every sandbox cold, never from a warm zygote
THREADS_ENV = "CNN_GRADE_THREADS"             # torch threads inside a sandbox (set by the grader; default 1)
CGROUP_ENV = "CNN_GRADE_CGROUP"               # a delegated cgroup v2 folder for sandbox groups (non-root)
DEBUG_ENV = "CNN_GRADE_DEBUG"                 # "1": zygotes' stderr reaches the grader's (set by --verbose)


def no_isolation() -> bool:
    return os.environ.get(NO_ISOLATION_ENV) == "1"


def zygote_enabled() -> bool:
    return os.environ.get(ZYGOTE_ENV) != "0"


def sandbox_threads() -> int:
    return int(os.environ.get(THREADS_ENV, "1"))


def delegated_cgroup() -> str | None:
    return os.environ.get(CGROUP_ENV)


def debug() -> bool:
    """Show what sandboxes print on their own stderr: ``--verbose`` (logging at DEBUG) or ``CNN_GRADE_DEBUG``."""
    return bool(os.environ.get(DEBUG_ENV)) or logging.getLogger("autograder").isEnabledFor(logging.DEBUG)
