"""Names for mistakes the catalogue does not hold: how the student's results relate to a correct implementation's.

The failing function's recorded calls are run again on the source notebook's solution (trusted code). A
relation is reported only when it explains every recorded call (a call where both raised says nothing; a call
where only the correct version raised is reported as a missing check) and changes at least one result.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograder.diagnosis.calls import Call
from autograder.diagnosis.compare import kind, same, type_name
from autograder.diagnosis.replay import outcome
from autograder.diagnosis.transforms import (
    Transform,
    _array,
    argument_transforms,
    output_transforms,
    scale_transforms,
)


@dataclass(frozen=True)
class Finding:
    """A relation that explains every recorded call, or a fact about one call (``example``)."""

    kind: str
    fields: tuple = ()

    def get(self, key: str, default: str = "") -> str:
        return str(dict(self.fields).get(key, default))


class _Deadline(Exception):
    pass


class Relations:
    """The recorded calls of one function next to what its trusted solution gives on the same arguments."""

    def __init__(self, calls: list[Call], correct: Callable, seconds: float = 5.0) -> None:
        self.calls, self.correct, self.seconds = calls, correct, seconds
        self.deadline = 0.0
        self.ref: list[tuple[Any, str | None, tuple]] = []
        try:
            self.signature: inspect.Signature | None = inspect.signature(correct)
        except (TypeError, ValueError):
            self.signature = None

    def applicable(self) -> bool:
        """Some call returned what relations compare: an array, a number, a tuple of numbers (not a model, a
        dict of histories or a list of rows: running the solution again would cost much and say little)."""
        return any(c.error is None and _comparable(c.value) for c in self.calls)

    def _run(self, args: tuple, kwargs: dict, call: Call) -> tuple[Any, str | None, tuple]:
        if time.monotonic() > self.deadline:
            raise _Deadline
        return outcome(self.correct, args, kwargs, call.threads)

    def find(self) -> list[Finding]:
        """The findings that explain every call: facts when the values agree, else the relations (a missing
        check comes along as a fact)."""
        self.deadline = time.monotonic() + self.seconds
        try:
            self.ref = [self._run(c.args, c.kwargs, c) for c in self.calls]
            facts = self._facts()
            if facts is not None:
                return facts
            found = []
            for t in self._candidates():
                notes = self._explains(t)
                if notes is not None:
                    found.append([Finding(t.kind, t.fields), *notes])
            if len(found) > 1:   # a constant factor is the least specific relation
                found = [f for f in found if f[0].kind != "scaled"]
            return found[0] if len(found) == 1 else []
        except _Deadline:
            return []

    # -------------------------------------------------------------------------------------------------- facts
    def _facts(self) -> list[Finding] | None:
        """Findings when every returned value is right: wrong type, a missing check, an unexpected exception, an
        argument changed in place. None when some value differs."""
        facts: dict[str, Finding] = {}
        for call, (value, error, after) in zip(self.calls, self.ref, strict=True):
            if call.error and error:
                continue
            if call.error:
                facts.setdefault("raises", Finding("raises", (("error", call.error), ("example", self._show(call)))))
            elif error:
                facts.setdefault("no error", Finding("no error", (("error", error), ("example", self._show(call)))))
            elif not same(call.value, value) and not _same_items(call.value, value):
                return None
            elif kind(call.value) != kind(value):
                facts.setdefault("type", Finding("type", (("got", type_name(call.value)), ("want", type_name(value)))))
            for name in self._changed(call, after):
                facts.setdefault(f"changes {name}", Finding("changes argument", (("arg", name),)))
        return list(facts.values())

    def _changed(self, call: Call, after: tuple) -> list[str]:
        """Array arguments the student's call changed and the correct one left alone."""
        changed = []
        for key, left in (call.after or {}).items():
            before = call.args[key] if isinstance(key, int) and key < len(call.args) else call.kwargs.get(key)
            mine = after[0][key] if isinstance(key, int) and key < len(after[0]) else after[1].get(key)
            if isinstance(left, np.ndarray) and isinstance(before, np.ndarray) and before.shape == left.shape \
                    and not np.array_equal(before, left, equal_nan=True) \
                    and isinstance(mine, np.ndarray) and np.array_equal(before, mine, equal_nan=True):
                changed.append(self._name(key))
        return changed

    # ---------------------------------------------------------------------------------------------- relations
    def _candidates(self) -> list[Transform]:
        ndim = max((np.ndim(v) for v, e, _ in self.ref if e is None and _array(v) is not None), default=0)
        ts = output_transforms(min(ndim, 4))
        scale = self._scale()
        if scale is not None:
            ts.insert(0, scale)
        first = self.calls[0] if self.calls else None
        arrays = [(k, self._name(k)) for k, a in [*enumerate(first.args), *first.kwargs.items()]
                  if _array(a) is not None] if first else []
        ts += scale_transforms(arrays)
        if self.signature is not None and self.calls:
            ts += argument_transforms(*self._parameters())
        return ts

    def _parameters(self) -> tuple[list[str], set[int], dict[str, Any], list[str]]:
        """(array parameters, the lengths of their first two axes, parameters with a default, positional
        parameters without one) of the solution."""
        arrays, defaults, positional, lengths = [], {}, [], set()
        bound = [self._bind(c) for c in self.calls]
        for name, p in self.signature.parameters.items():
            values = [b[name] for b in bound if b is not None and name in b]
            if values and all(_array(v) is not None for v in values):
                arrays.append(name)
                lengths |= {n for v in values for n in np.shape(v)[:2] if n > 1}
            elif p.default is not inspect.Parameter.empty:
                defaults[name] = p.default
            elif values and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
                positional.append(name)
        return arrays, lengths, defaults, positional

    def _scale(self) -> Transform | None:
        """The student's values as one constant multiple of the correct ones (from the first call that differs)."""
        for call, (value, error, _) in zip(self.calls, self.ref, strict=True):
            a, b = _array(call.value), _array(value)
            if call.error or error or a is None or b is None or a.shape != b.shape or same(a, b):
                continue
            denominator = float(np.sum(b * b))
            if not denominator:
                return None
            c = float(np.sum(a * b)) / denominator
            if not np.isfinite(c) or abs(c) < 1e-9 or np.isclose(abs(c), 1.0):
                return None
            return Transform("scaled", lambda v, _call, c=c: None if _array(v) is None else c * _array(v),
                             (("factor", f"{c:.4g}"),))
        return None

    def _explains(self, t: Transform) -> list[Finding] | None:
        """Facts that come with ``t`` when ``t`` explains every call and changes some result; None otherwise."""
        notes: list[Finding] = []
        informative = False
        for i in self._order():
            call, (value, error, _) = self.calls[i], self.ref[i]
            if call.error and error:
                continue
            if call.error:
                return None
            if error:
                if not notes:
                    notes.append(Finding("no error", (("error", error), ("example", self._show(call)))))
                continue
            expected = self._expected(t, i)
            if expected is None or not _matches(call.value, expected):
                return None
            informative = informative or not same(call.value, value)
        return notes if informative else None

    def _expected(self, t: Transform, i: int) -> Any:
        call, (value, _, _) = self.calls[i], self.ref[i]
        if not t.on_arguments:
            return t.apply(value, call)
        bound = self._bind(call)
        changed = t.apply(bound) if bound is not None else None
        if changed is None:
            return value
        new, error, _ = self._run((), changed, call)
        return None if error else new

    def _order(self) -> list[int]:
        """Calls whose value differs from the correct one first: most candidates fail on the first."""
        differs = [i for i, (c, (v, e, _)) in enumerate(zip(self.calls, self.ref, strict=True))
                   if not c.error and not e and not same(c.value, v)]
        return differs + [i for i in range(len(self.calls)) if i not in differs]

    def _bind(self, call: Call) -> dict | None:
        try:
            return dict(self.signature.bind(*call.args, **call.kwargs).arguments)
        except (TypeError, AttributeError):
            return None

    def _name(self, key: int | str) -> str:
        if isinstance(key, str) or self.signature is None:
            return str(key)
        names = list(self.signature.parameters)
        return names[key] if key < len(names) else str(key)

    def _show(self, call: Call) -> str:
        parts = [_short(a) for a in call.args] + [f"{k}={_short(v)}" for k, v in call.kwargs.items()]
        return f"{call.function}({', '.join(parts)})"


def _comparable(x: Any) -> bool:
    if _array(x) is not None or isinstance(x, (int, float, np.number)):
        return True
    return isinstance(x, tuple) and 0 < len(x) <= 8 and all(isinstance(v, (int, float, np.number)) for v in x)


def _short(x: Any) -> str:
    a = _array(x)
    if a is not None or isinstance(x, np.ndarray):
        return f"an array of shape {tuple(np.shape(x))}"
    text = repr(x)
    return text if len(text) <= 30 else type(x).__name__


def _same_items(a: Any, b: Any) -> bool:
    """A list and a tuple with the same items."""
    return isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and same(list(a), list(b))


def _matches(value: Any, expected: Any) -> bool:
    """``value`` is ``expected``, where a NaN in an expected array leaves the entry open (at most half open)."""
    e = expected if isinstance(expected, np.ndarray) else None
    if e is None or not np.isnan(e).any():
        return same(value, expected)
    a = _array(value)
    if a is None or a.shape != e.shape:
        return False
    known = ~np.isnan(e)
    return bool(known.sum() * 2 >= known.size and np.allclose(a[known], e[known], rtol=1e-4, atol=1e-6))
