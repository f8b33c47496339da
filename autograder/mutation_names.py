"""Judge every name the feedback of a mutation-run submission gives: true, or false.

A submission holds known wrong implementations (``mistaken``: function -> the entry). A line naming a mistake
or a relation of function ``f`` is true when ``f`` is mistaken and the name is one its entry accepts (the
catalogued mistake's own name or a declared equivalent; a kept-out mistake's ``accepts``). A line saying ``f``
is right and fails because of ``d`` is true when ``f`` is not mistaken and ``d`` is; "fix ``d`` first" when
``d`` is mistaken. A fact about one call (it raised, it did not, its type, an argument changed in place) is
true of a mistaken function. Anything else is a false name.
"""

from __future__ import annotations

from dataclasses import dataclass

from autograder.diagnosis.messages import FACTS, read
from autograder.misconceptions import Alternative, KeptOut, Misconception, function_of


@dataclass(frozen=True)
class Name:
    student: str
    grade_id: str
    kind: str                   # "mistake", "relation", "not own", "fix first"
    function: str               # the function the line is about
    what: tuple[str, ...]       # the mistake's name, the relation's id, or the functions blamed
    true: bool
    entries: tuple[str, ...]    # the submission's entries that may have caused it

    def __str__(self) -> str:
        return f"{self.grade_id}: {self.kind} of {self.function}: {', '.join(self.what) or '-'}"


def accepted(entry: Misconception | KeptOut | Alternative) -> set[str]:
    """The names that are true of ``entry``."""
    if isinstance(entry, KeptOut):
        return set(entry.accepts)
    if isinstance(entry, Misconception):
        return {entry.name, *entry.equivalent}
    return set()


def judge(student: str, result: dict, batch: dict[str, Misconception | KeptOut | Alternative],
          tested: dict[str, set[str]], messages: dict[str, tuple[str, str]]) -> list[Name]:
    """Every name in ``result``'s feedback (a graded notebook's JSON), judged against ``batch`` (entry key ->
    entry) of the submission. ``tested``: function -> the functions its test cells depend on."""
    mistaken = {e.function: key for key, e in batch.items() if not isinstance(e, Alternative)}
    functions = set(tested) | set(mistaken)
    names = []
    for test in result.get("tests", []):
        g = function_of(test["grade_id"], functions)
        for kind, function, what in read(test.get("message") or "", messages):
            names.append(Name(student, test["grade_id"], kind, function, what,
                              _true(kind, function, what, mistaken, batch),
                              _responsible(g or function, mistaken, tested, batch)))
    return names


def _true(kind: str, function: str, what: tuple[str, ...], mistaken: dict[str, str], batch: dict) -> bool:
    if kind == "relation" and what[0].split("(")[0] in FACTS:   # what a call did: true of a mistaken function
        return function in mistaken
    if kind in ("mistake", "relation"):
        return function in mistaken and what[0] in accepted(batch[mistaken[function]])
    if kind == "not own":
        return function not in mistaken and all(d in mistaken for d in what)
    return bool(what) and all(d in mistaken for d in what)


def _responsible(function: str, mistaken: dict[str, str], tested: dict[str, set[str]], batch: dict) -> tuple[str, ...]:
    """The entries of the submission whose function the test's outcome depends on (all, when none does)."""
    deps = tested.get(function, set()) | {function}
    mine = tuple(key for f, key in mistaken.items() if f in deps)
    return mine or tuple(batch)
