"""Decide, for each function whose tests failed, what the feedback may truthfully say about it.

1. A correct version of ``f`` (the source notebook's solution, the catalogue's alternatives), run on the
   recorded arguments with the student's other functions, reproduces every recorded outcome, types included:
   ``f`` is right, and the failure comes from a function it calls or its test compares with, which failed too
   -> "not own" (unless a catalogued mistake seen only in time, a slow loop, explains a failed speed test and
   the student's function, timed again, is as slow as it and far slower than a correct version).
2. Else the catalogued mistakes of ``f`` that reproduce every outcome (types included when a correct version
   reproduces the values), and also the outcomes of a few probe calls (:mod:`.probes`) -> "named", when that
   is one mistake (or mistakes declared equivalent): two different ones would make one of the names false.
3. Else, when a function ``f``'s solution calls fails its own tests -> "fix first" (comparing ``f`` with a
   correct result would mix the two mistakes up).
4. Else general relations to the solution's results on the same calls and the probes (trusted code)
   -> "relations".
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from autograder.diagnosis import messages
from autograder.diagnosis.calls import Call, evidence
from autograder.diagnosis.probes import Prober
from autograder.diagnosis.reference import Reference
from autograder.diagnosis.relations import Finding, Relations
from autograder.diagnosis.replay import build, outcome, reproduces, threads_kept
from autograder.misconceptions import Alternative, Misconception

#: seconds the relations of one function, and of all functions of one submission, may take (replays of the
#: solution on changed arguments)
RELATION_SECONDS, ALL_RELATION_SECONDS = 5.0, 20.0
#: CPU seconds (of the grading process: a busy machine does not shorten it) the whole diagnosis of one submission
#: may take; past it, what is not decided yet names nothing (a replay is not interrupted: a catalogued mistake of
#: a training loop trains once per recorded call)
DIAGNOSIS_SECONDS = 60.0
#: a mistake seen only in time is named when the student's function is this many times slower than a correct one
SLOWER = 5.0


class OutOfTime(Exception):
    """The submission's diagnosis used its time (:data:`DIAGNOSIS_SECONDS`)."""


@dataclass
class Verdict:
    kind: str                                   # "not own", "named", "fix first", "relations" or "unknown"
    culprits: list[str] = field(default_factory=list)
    compared: list[str] = field(default_factory=list)   # "not own": culprits its tests compare it with
    mistakes: list[Misconception] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def lines(self, function: str) -> list[str]:
        if self.kind == "not own":
            calls = [c for c in self.culprits if c not in self.compared]
            return [messages.not_own(function, calls, [c for c in self.culprits if c in self.compared])]
        if self.kind == "named":
            return [messages.MISTAKE + m.message for m in self.mistakes[:2]]
        if self.kind == "fix first":
            return [messages.fix_first(function, self.culprits)]
        return [messages.question(function, f) for f in self.findings]


class Diagnosis:
    """The verdicts on the failing functions of one graded submission."""

    def __init__(self, calls: list[Call], namespace: dict, failed: dict[str, set[str]],
                 mistakes: list[Misconception], alternatives: list[Alternative], reference: Reference | None,
                 prober: Prober | None = None, untouched: set[str] = frozenset()) -> None:
        self.calls, self.namespace, self.failed = calls, namespace, failed
        self.untouched = untouched          # functions still as released (the stub): nothing to say about them
        self.mistakes, self.alternatives, self.reference = mistakes, alternatives, reference
        self.prober = prober
        self.verdicts: dict[str, Verdict] = {}
        self.pending: set[str] = set()
        self.relations_left = ALL_RELATION_SECONDS
        self.deadline = time.process_time() + DIAGNOSIS_SECONDS

    def verdict(self, function: str) -> Verdict:
        """What may be said about ``function``; "unknown" once the submission's diagnosis is out of time (a verdict
        that needed another function's undecided one is then unknown too)."""
        if function not in self.verdicts:
            top = not self.pending
            self.pending.add(function)
            try:
                with threads_kept():
                    self.verdicts[function] = self._decide(function)
            except OutOfTime:
                if not top:
                    raise
                self.verdicts[function] = Verdict("unknown")
            finally:
                self.pending.discard(function)
        return self.verdicts[function]

    def _in_time(self) -> None:
        if time.process_time() > self.deadline:
            raise OutOfTime

    def _decide(self, function: str) -> Verdict:
        mine = evidence(function, self.calls, self.failed.get(function, set()))
        if not mine or function in self.untouched:
            return Verdict("unknown")
        correct = self._correct(function, mine)
        if correct == "exactly":
            slow = [m for m in self._mistakes(function, "time") if set(m.cells) & self.failed.get(function, set())
                    and self._explains(m.code(), function, mine) and self._slow(m, mine)]
            return Verdict("named", mistakes=slow) if slow else self._not_own(function)
        # a mistake that returns the right values can only be told from a correct version by their types
        named = [m for m in self._mistakes(function, "results")
                 if self._explains(m.code(), function, mine, exact=correct == "as data")]
        if all(c.error is not None for c in mine):   # an exception alone is weak evidence
            return Verdict("named", mistakes=named) if len(named) == 1 else Verdict("unknown")
        exact = correct == "as data"
        more = mine + self._probes(function, mine) if named else mine
        named = [m for m in named if more is mine or self._explains(m.code(), function, more, exact)]
        if len(named) > 1 and self.prober is not None:   # look for inputs on which they differ
            built = [build(m.code(), function, self.namespace, f"replay of {function}") for m in named]
            apart = self.prober.telling_apart(function, mine, [fn for fn in built if fn is not None])
            named = [m for m in named if not apart or self._explains(m.code(), function, apart, exact)]
        if named and all(n.name in m.equivalent for m in named for n in named if n is not m):
            return Verdict("named", mistakes=named)   # one mistake, or several that behave alike
        culprits = self._culprits(function, self.reference.uses(function) if self.reference else [])
        if culprits:
            return Verdict("fix first", culprits=culprits)
        trusted = self.reference.trusted(function) if self.reference else None
        if trusted is None:
            return Verdict("unknown")
        if not Relations(mine, trusted).applicable():
            return Verdict("unknown")
        start, seconds = time.monotonic(), min(RELATION_SECONDS, self.relations_left)
        findings = Relations(mine + self._probes(function, mine), trusted, seconds).find() if seconds > 0 else []
        self.relations_left -= time.monotonic() - start
        return Verdict("relations", findings=findings) if findings else Verdict("unknown")

    def _slow(self, mistake: Misconception, calls: list[Call]) -> bool:
        """The student's function is as slow as ``mistake`` and far slower than a correct version, timed now on a
        call of the failed speed test (so a busy machine slows all three alike)."""
        call = next((c for c in calls if c.cell in mistake.cells and c.error is None), None)
        correct = self.reference.solution(mistake.function) if self.reference else None
        if call is None or correct is None or self.prober is None:
            return False
        student = self.prober.seconds(mistake.function, call)
        if student is None:
            return False
        times = {}
        for label, code in (("correct", correct), ("mistake", mistake.code())):
            fn = build(code, mistake.function, self.namespace, f"timing of {mistake.function}")
            start = time.perf_counter()
            if fn is None or outcome(fn, call.args, call.kwargs, call.threads)[1] is not None:
                return False
            times[label] = time.perf_counter() - start
        return student >= SLOWER * times["correct"] and student * 3 >= times["mistake"]

    def _mistakes(self, function: str, seen_in: str) -> list[Misconception]:
        return [m for m in self.mistakes if m.function == function and m.seen_in == seen_in]

    def _probes(self, function: str, calls: list[Call]) -> list[Call]:
        self._in_time()
        return self.prober.calls(function, calls) if self.prober is not None else []

    def _not_own(self, function: str) -> Verdict:
        calls = self._culprits(function, self.reference.uses(function) if self.reference else [])
        tests = self.reference.compared_with(self.failed.get(function, set())) if self.reference else []
        compared = [c for c in self._culprits(function, tests) if c not in calls]
        return Verdict("not own", culprits=calls + compared, compared=compared)

    def _correct(self, function: str, calls: list[Call]) -> str | None:
        """"exactly" when a correct version reproduces every outcome, types included; "as data" when one
        reproduces the values only; else None."""
        codes = [self.reference.solution(function)] if self.reference else []
        codes += [a.code() for a in self.alternatives if a.function == function]
        found = None
        for code in filter(None, codes):
            self._in_time()
            fn = build(code, function, self.namespace, f"replay of {function}")
            if fn is not None and reproduces(fn, calls):
                if reproduces(fn, calls, exact=True):
                    return "exactly"
                found = "as data"
        return found

    def _explains(self, code: str, function: str, calls: list[Call], exact: bool = False) -> bool:
        self._in_time()
        fn = build(code, function, self.namespace, f"replay of {function}")
        return fn is not None and reproduces(fn, calls, exact)

    def _culprits(self, function: str, candidates: list[str]) -> list[str]:
        """The failing functions among ``candidates``, each replaced by the functions it fails because of when it
        is right itself."""
        found: list[str] = []
        for d in dict.fromkeys(candidates):
            if d == function or d in self.pending or not self.failed.get(d):
                continue
            v = self.verdict(d)
            for c in (v.culprits if v.kind == "not own" else [d]):
                if c not in found and c != function:
                    found.append(c)
        return found
