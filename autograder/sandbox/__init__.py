"""Run a program on untrusted input in a sandbox that shows it nothing but what it needs.

The package knows nothing about grading: it starts a program (a module with ``warm()`` and ``serve(channel)``)
in an allow-listed, read-only view of the host built by bubblewrap (:mod:`.allowlist`), in fresh namespaces,
without privileges, capped by cgroups and rlimits, and talks to it over one JSON-lines channel with deadlines
(:mod:`.channel`). Sandboxes start cold or as forks of a warm zygote (:mod:`.launcher`, :mod:`.zygote`), both
through the same setup (:mod:`.inside`). :func:`isolation` says what this host gives; see docs/GRADING.md.
"""

from __future__ import annotations

from autograder.sandbox.box import Sandbox, warm_up
from autograder.sandbox.isolation import Isolation, allow_no_isolation, isolation
from autograder.sandbox.limits import Limits, SandboxError

__all__ = ["Isolation", "Limits", "Sandbox", "SandboxError", "allow_no_isolation", "isolation",
           "strong_isolation_available", "warm_up"]


def strong_isolation_available() -> bool:
    """True when sandboxes run isolated: root or a user namespace (see :func:`isolation`)."""
    return isolation().isolated
