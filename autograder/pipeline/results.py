"""What grading one notebook produces: a status, reasons, one :class:`TestResult` per graded cell.

To and from JSON side by side (a grading process sends results to the coordinator as JSON).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Status(StrEnum):
    """Status of a graded submission, most serious first. A ``str``: compares and serialises as its text."""

    INVALID = "invalid notebook"
    TAMPERING = "tampering detected"
    CRASHED = "crashed"
    TIMED_OUT = "timed out"
    MISSING = "cells missing"
    GRADED = "graded"


SEVERITY = list(Status)


@dataclass
class TestResult:
    __test__ = False              # not a pytest test class

    grade_id: str
    max_points: float
    points: float | None          # None: graded by hand
    passed: bool | None
    message: str = ""
    seconds: float = 0.0          # wall time of the test cell (student calls included)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict) -> TestResult:
        return cls(**d)


@dataclass
class NotebookResult:
    notebook: str
    status: Status = Status.GRADED
    reasons: list[str] = field(default_factory=list)
    tests: list[TestResult] = field(default_factory=list)
    cells: dict[int, dict] = field(default_factory=dict)   # index in the submission -> outcome of running it
    timings: dict[str, float] = field(default_factory=dict)  # seconds: start, cells, tests, diagnose

    @property
    def score(self) -> float:
        return sum(t.points or 0 for t in self.tests)

    @property
    def max_score(self) -> float:
        return sum(t.max_points for t in self.tests)

    def flag(self, status: Status, reason: str) -> None:
        """Record ``reason``; the status becomes ``status`` if that is more serious than the current one."""
        if SEVERITY.index(status) < SEVERITY.index(self.status):
            self.status = Status(status)
        if reason not in self.reasons:
            self.reasons.append(reason)

    def to_json(self) -> dict:
        d = asdict(self)
        d["status"] = str(self.status)
        d["cells"] = {str(k): v for k, v in self.cells.items()}
        d.update(score=self.score, max_score=self.max_score)
        return d

    @classmethod
    def from_json(cls, d: dict) -> NotebookResult:
        """The result :meth:`to_json` wrote (the per-cell outcomes are not carried back)."""
        r = cls(notebook=d["notebook"], status=Status(d["status"]), reasons=list(d["reasons"]),
                timings=dict(d.get("timings", {})))
        r.tests = [TestResult.from_json(t) for t in d["tests"]]
        return r
