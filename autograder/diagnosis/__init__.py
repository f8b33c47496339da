"""Diagnosis: say what is wrong when a function's tests fail, and never blame a function that is right.

While the tests run, every call to a student function is recorded (:mod:`.calls`). For each function whose
tests failed, :mod:`.verdict` decides what the feedback may say: that the function is right and the failure
comes from another one, a catalogued mistake, a function to fix first, or a general relation of its results
to a correct implementation's (:mod:`.relations`); :mod:`.messages` writes (and reads back) the lines.
"""

from __future__ import annotations

from autograder.diagnosis.calls import Call
from autograder.diagnosis.compare import same
from autograder.diagnosis.probes import Prober
from autograder.diagnosis.reference import Reference
from autograder.diagnosis.verdict import Diagnosis, Verdict
from autograder.misconceptions import alternatives, catalogue, function_of

__all__ = ["Call", "Diagnosis", "Verdict", "explain", "same"]


def explain(failed_tests: list[str], calls: list[Call], namespace: dict, assignment: str,
            source=None, session=None, untouched_cells: set[str] = frozenset()) -> dict[str, list[str]]:
    """Feedback lines for each failed test cell (grade id -> lines), from the recorded ``calls``, the student's
    ``namespace`` and the trusted ``source`` notebook of ``assignment``; ``session`` (the grading session, to
    call the student's functions again): probes. The functions of ``untouched_cells`` (answer cells left as
    released) are not diagnosed: there is no code of the student's to say anything about."""
    mistakes, alts = catalogue(assignment), alternatives(assignment)
    functions = {m.function for m in mistakes} | {a.function for a in alts}
    reference = Reference(source, namespace, functions) if source is not None else None
    if reference is not None:
        functions |= {f for f in reference.answers
                      if any(function_of(t, {f}) for t in reference.tests)}
        reference.functions = functions
    failed: dict[str, set[str]] = {}
    for gid in failed_tests:
        f = function_of(gid, functions)
        if f is not None:
            failed.setdefault(f, set()).add(gid)
    prober = Prober(session, namespace) if session is not None else None
    untouched = {f for f, gid in reference.answer_cell.items() if gid in untouched_cells} if reference else set()
    diagnosis = Diagnosis(calls, namespace, failed, mistakes, alts, reference, prober, untouched)
    lines: dict[str, list[str]] = {}
    for function in sorted(failed):
        found = diagnosis.verdict(function).lines(function)
        for gid in failed[function]:
            lines[gid] = found
    return lines
