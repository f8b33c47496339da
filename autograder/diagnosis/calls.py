"""What the grader records of each call the tests make to a student function, and which calls to replay."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: at most this many calls of one function are replayed
MAX_CALLS = 60


@dataclass
class Call:
    function: str
    args: tuple
    kwargs: dict
    value: Any = None
    error: str | None = None      # exception type name, when the call raised
    cell: str | None = None       # the test cell that made the call
    after: dict | None = None     # argument position or name -> the array argument after the call
    same_as: int | str | None = None  # the argument the call returned itself (not a copy), if any
    threads: int | None = None    # torch's thread count in the sandbox (sums over threads round differently)


def evidence(function: str, calls: list[Call], failed_cells: set[str]) -> list[Call]:
    """The calls of ``function`` to replay: those made by failed test cells first (they hold the evidence), then
    the others (they rule out mistakes that would have failed there too), at most ``MAX_CALLS``."""
    mine = [c for c in calls if c.function == function]
    return ([c for c in mine if c.cell in failed_cells] + [c for c in mine if c.cell not in failed_cells])[:MAX_CALLS]
