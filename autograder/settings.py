"""Every limit and setting of the grader in one place (the table: docs/GRADING.md, "Settings").

Per-sandbox resource limits are :class:`~autograder.sandbox.Limits` (defaults below, each settable with
``--limit NAME=VALUE``; ``--cell-timeout``/``--notebook-timeout`` set the two timeouts); the sandbox's environment
variables are read in :mod:`autograder.sandbox.settings` (student code's view holds only that package) and
re-exported here.
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import fields, replace

from autograder.sandbox.limits import Limits
from autograder.sandbox.settings import CGROUP_ENV, DEBUG_ENV, NO_ISOLATION_ENV, THREADS_ENV, ZYGOTE_ENV

DEFAULT_LIMITS = Limits()
MAX_NOTEBOOK_BYTES = 20 * 2**20     # a larger submission is rejected unread (invalid notebook)
MAX_RESTARTS = 3                    # restarts of a submission's sandbox after its code killed it
MAX_RECORDED_CALLS = 2000           # calls to named student functions the session keeps for the diagnosis
AUTOGRADE_ENV = {"NBGRADER_EXECUTION": "autograde"}   # notebooks shorten long demos under autograde, as nbgrader

ENVIRONMENT = {NO_ISOLATION_ENV: "1: run student code without isolation (set by --no-isolation)",
               ZYGOTE_ENV: "0: start every sandbox cold, never from a warm zygote",
               THREADS_ENV: "torch threads inside a sandbox (set by the grader, default 1)",
               CGROUP_ENV: "a delegated cgroup v2 folder for the sandboxes' groups (grading without root)",
               DEBUG_ENV: "1: sandbox start-up output reaches the grader's stderr (set by --verbose)"}


def limits_from(args: argparse.Namespace) -> Limits:
    """The limits a command's flags ask for: ``--cell-timeout``, ``--notebook-timeout``, ``--limit NAME=VALUE``."""
    limits = replace(DEFAULT_LIMITS, cell_seconds=args.cell_timeout, notebook_seconds=args.notebook_timeout)
    types = {f.name: type(getattr(DEFAULT_LIMITS, f.name)) for f in fields(Limits)}
    for item in getattr(args, "limit", None) or []:
        name, _, value = item.partition("=")
        if name not in types:
            raise SystemExit(f"error: --limit {item}: no such limit; one of {', '.join(types)}")
        try:
            limits = replace(limits, **{name: types[name](float(value)) if types[name] is int else float(value)})
        except ValueError:
            raise SystemExit(f"error: --limit {item}: {value!r} is not a number") from None
    return limits


def add_limit_options(p: argparse.ArgumentParser) -> None:
    """The flags :func:`limits_from` reads."""
    p.add_argument("--cell-timeout", type=float, default=DEFAULT_LIMITS.cell_seconds,
                   help=f"seconds per cell or call (default {DEFAULT_LIMITS.cell_seconds:g})")
    p.add_argument("--notebook-timeout", type=float, default=DEFAULT_LIMITS.notebook_seconds,
                   help=f"seconds per notebook (default {DEFAULT_LIMITS.notebook_seconds:g})")
    p.add_argument("--limit", action="append", metavar="NAME=VALUE",
                   help="any other sandbox limit, e.g. memory_bytes=2e9 (see docs/GRADING.md)")


class _GraderHandler(logging.StreamHandler):
    """The grader's own stderr handler (added once per process)."""


def configure_logging(verbose: bool) -> None:
    """The grader's diagnostics (logger ``autograder`` only; other libraries' logging is left as it is) on
    stderr: DEBUG with ``--verbose``, else warnings."""
    logger = logging.getLogger("autograder")
    if not any(isinstance(h, _GraderHandler) for h in logger.handlers):
        handler = _GraderHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(logging.DEBUG if verbose else logging.WARNING)
    if verbose:
        import os

        os.environ[DEBUG_ENV] = "1"   # grading processes started from here log their sandboxes' start-up too
