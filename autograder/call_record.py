"""What the grader's session records of each call the tests make to a named student function.

A leaf module: the session (:mod:`autograder.remote`) writes these records through its ``on_call`` hook and the
diagnosis (:mod:`autograder.diagnosis`) reads them, so neither imports the other to share them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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
