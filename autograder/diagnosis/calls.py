"""What the grader records of each call the tests make to a student function, and which calls to replay."""

from __future__ import annotations

from autograder.call_record import Call

__all__ = ["MAX_CALLS", "Call", "evidence"]

#: at most this many calls of one function are replayed
MAX_CALLS = 60


def evidence(function: str, calls: list[Call], failed_cells: set[str]) -> list[Call]:
    """The calls of ``function`` to replay: those made by failed test cells first (they hold the evidence), then
    the others (they rule out mistakes that would have failed there too), at most ``MAX_CALLS``."""
    mine = [c for c in calls if c.function == function]
    return ([c for c in mine if c.cell in failed_cells] + [c for c in mine if c.cell not in failed_cells])[:MAX_CALLS]
