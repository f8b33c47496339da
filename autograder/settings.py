"""Every limit and setting of the grader in one place (the table: docs/GRADING.md, "Settings").

Per-sandbox resource limits are :class:`~autograder.sandbox.Limits` (defaults below; a course sets any of them in
``nbgrader_config.py`` as ``c.CnnGrade.limits = {NAME: VALUE}``, a command with ``--limit NAME=VALUE``, and
``--cell-timeout``/``--notebook-timeout`` set the two timeouts; flags win over the file); the sandbox's environment
variables are read in :mod:`autograder.sandbox.settings` (student code's view holds only that package) and
re-exported here.
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import fields, replace
from typing import TYPE_CHECKING

from autograder.sandbox.limits import Limits
from autograder.sandbox.settings import CGROUP_ENV, DEBUG_ENV, NO_ISOLATION_ENV, THREADS_ENV, ZYGOTE_ENV

if TYPE_CHECKING:
    from traitlets.config import Config

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


CONFIG_SECTION = "CnnGrade"   # nbgrader_config.py: c.CnnGrade.limits = {"cell_seconds": 30, ...}


def limits_from(args: argparse.Namespace, config: Config | None = None) -> Limits:
    """The limits of a command: the defaults, then ``c.CnnGrade.limits`` from the course's ``nbgrader_config.py``
    (``config``), then the flags (``--cell-timeout``, ``--notebook-timeout``, ``--limit NAME=VALUE``)."""
    limits = DEFAULT_LIMITS
    configured = config[CONFIG_SECTION].get("limits", {}) if config is not None and CONFIG_SECTION in config else {}
    if not isinstance(configured, dict):
        raise SystemExit(f"error: nbgrader_config.py: {CONFIG_SECTION}.limits must be a dict of limit names to "
                         f"numbers, not {type(configured).__name__}")
    for name, value in configured.items():
        limits = _with(limits, name, value, f"nbgrader_config.py: {CONFIG_SECTION}.limits[{name!r}]")
    for name, flag in (("cell_seconds", "cell_timeout"), ("notebook_seconds", "notebook_timeout")):
        if getattr(args, flag, None) is not None:
            limits = replace(limits, **{name: float(getattr(args, flag))})
    for item in getattr(args, "limit", None) or []:
        name, _, value = item.partition("=")
        limits = _with(limits, name, value, f"--limit {item}")
    return limits


def _with(limits: Limits, name: str, value: object, where: str) -> Limits:
    """``limits`` with one field set from a number or a number's text; a clear error names ``where``."""
    types = {f.name: type(getattr(DEFAULT_LIMITS, f.name)) for f in fields(Limits)}
    if name not in types:
        raise SystemExit(f"error: {where}: no such limit; one of {', '.join(types)}")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise SystemExit(f"error: {where}: {value!r} is not a number") from None
    if not number > 0:
        raise SystemExit(f"error: {where}: {value!r} must be a positive number")
    return replace(limits, **{name: int(number) if types[name] is int else number})


def add_limit_options(p: argparse.ArgumentParser) -> None:
    """The flags :func:`limits_from` reads (unset flags leave the configured or default value)."""
    p.add_argument("--cell-timeout", type=float, default=None,
                   help=f"seconds per cell or call (default {DEFAULT_LIMITS.cell_seconds:g}, or "
                        f"{CONFIG_SECTION}.limits['cell_seconds'] in nbgrader_config.py)")
    p.add_argument("--notebook-timeout", type=float, default=None,
                   help=f"seconds per notebook (default {DEFAULT_LIMITS.notebook_seconds:g}, or "
                        f"{CONFIG_SECTION}.limits['notebook_seconds'])")
    p.add_argument("--limit", action="append", metavar="NAME=VALUE",
                   help="any other sandbox limit, e.g. memory_bytes=2e9 (see docs/GRADING.md); "
                        f"course-wide: {CONFIG_SECTION}.limits in nbgrader_config.py")


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
