"""More evidence when the recorded calls are few: the student's function called again, in the sandbox, on the
recorded arguments with every array redrawn at random (same shape, same kind of numbers) and every size a
little larger. Only calls whose arguments are plain data are varied (no models, no data loaders).

Two mistakes (or a mistake and a relation) can agree on the one call a failing test made before it stopped; on
random inputs of the same shapes they rarely do, and :meth:`Prober.telling_apart` looks for inputs where they
do not.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.diagnosis.calls import Call
from autograder.diagnosis.compare import same
from autograder.diagnosis.replay import outcome

#: probes per function (the recorded calls taken in turn), variations tried to tell candidates apart, and the
#: largest array (entries) a probe redraws
PROBES, TRIES, MAX_ENTRIES = 4, 16, 10_000


def _redraw(x: Any, rng: np.random.Generator) -> tuple[Any, bool]:
    """``x`` with new random numbers (True) or as it is (False): arrays, tensors, lists of lists of numbers;
    an int moves a little (see :func:`_resize`), a tuple of ints entry by entry."""
    if _is_int(x):
        return _resize(x, rng), True
    if isinstance(x, tuple) and x and all(_is_int(v) for v in x):
        return tuple(_resize(v, rng) for v in x), True
    if isinstance(x, list) and x and all(isinstance(t, tuple) and t and all(_is_int(v) for v in t) for t in x):
        return [tuple(_resize(v, rng) for v in t) for t in x], True      # e.g. layers [(k, s, d), ...]
    if isinstance(x, np.ndarray) and x.dtype.kind in "iuf" and 1 < x.size <= MAX_ENTRIES:
        if x.dtype.kind == "f":
            return rng.standard_normal(x.shape).astype(x.dtype), True
        return rng.integers(-9, 10, size=x.shape).astype(x.dtype), True
    if _is_tensor(x) and x.is_floating_point() and 1 < x.numel() <= MAX_ENTRIES:
        import torch

        return torch.from_numpy(rng.standard_normal(tuple(x.shape))).to(x.dtype), True
    if isinstance(x, list) and x and all(isinstance(r, list) and r for r in x):
        flat = [v for r in x for v in r]
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in flat) and len(flat) <= MAX_ENTRIES:
            ints = all(isinstance(v, int) for v in flat)
            return [[int(rng.integers(-9, 10)) if ints else float(rng.standard_normal()) for _ in r] for r in x], True
    return x, False


def _resize(v: int, rng: np.random.Generator) -> int:
    """A size, stride or padding moved a little: -1 to +2 from 2 up (a stride of 2 may become 1), 0 to +2
    below (0 and 1 stay valid paddings and sizes)."""
    return type(v)(v + int(rng.integers(-1 if v >= 2 else 0, 3)))


def _is_int(x: Any) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def _plain(x: Any, depth: int = 0) -> bool:
    """Data a probe may vary without running anything costly: numbers, strings, arrays, containers of them."""
    if x is None or isinstance(x, (bool, int, float, str, np.number, np.ndarray)) or _is_tensor(x):
        return True
    if isinstance(x, (list, tuple)) and depth < 3:
        return all(_plain(v, depth + 1) for v in x)
    return False


def _agree(outcomes: list[tuple]) -> bool:
    """The same exception, or the same value, from every implementation."""
    (value, error, _), rest = outcomes[0], outcomes[1:]
    return all(e == error and (error is not None or same(v, value)) for v, e, _ in rest)


def _is_tensor(x: Any) -> bool:
    import sys

    torch = sys.modules.get("torch")
    return torch is not None and isinstance(x, torch.Tensor)


class Prober:
    """Calls a student function once more through the grading session, recording the call as the tests' are."""

    def __init__(self, session, namespace: dict, seed: int = 0) -> None:
        self.session, self.namespace = session, namespace
        self.rng = np.random.default_rng(seed)
        self.made: dict[str, list[Call]] = {}

    def calls(self, function: str, recorded: list[Call]) -> list[Call]:
        """Up to :data:`PROBES` new calls of ``function`` (the same for every question about it)."""
        if function not in self.made:
            self.made[function] = self._probe(function, recorded)
        return self.made[function]

    def _probe(self, function: str, recorded: list[Call]) -> list[Call]:
        made: list[Call] = []
        for args, kwargs in self._variations(recorded, PROBES):
            probe = self._call(function, args, kwargs)
            if probe is not None:
                made.append(probe)
        return made

    def telling_apart(self, function: str, recorded: list[Call], candidates: list[Callable]) -> list[Call]:
        """Up to two new calls of ``function`` on variations of the recorded arguments where the ``candidates``
        (implementations in the grader) disagree: the student's outcome there says which one, if any, it is."""
        made: list[Call] = []
        for args, kwargs in self._variations(recorded, TRIES):
            if _agree([outcome(fn, args, kwargs) for fn in candidates]):
                continue
            probe = self._call(function, args, kwargs)
            if probe is not None:
                made.append(probe)
            if len(made) == 2:
                break
        return made

    def _variations(self, recorded: list[Call], n: int):
        """``n`` (args, kwargs) made from the recorded calls in turn, each with its plain data redrawn."""
        plain = [c for c in recorded if c.error is None and all(_plain(a) for a in [*c.args, *c.kwargs.values()])]
        for call in (plain * n)[:n]:
            args = [_redraw(a, self.rng) for a in call.args]
            kwargs = {k: _redraw(v, self.rng) for k, v in call.kwargs.items()}
            if any(new for _, new in [*args, *kwargs.values()]):
                yield tuple(a for a, _ in args), {k: v for k, (v, _) in kwargs.items()}

    def seconds(self, function: str, call: Call) -> float | None:
        """How long the student's function takes on ``call``'s arguments, in the sandbox (None if it failed)."""
        start = time.perf_counter()
        again = self._call(function, call.args, call.kwargs)
        return time.perf_counter() - start if again is not None and again.error is None else None

    def _call(self, function: str, args: tuple, kwargs: dict) -> Call | None:
        try:
            fn = self.namespace[function]
        except KeyError:
            return None
        if not callable(fn) or self.session is None:
            return None
        before = len(self.session.calls)
        self.session.recording, self.session.cell = True, "(probe)"
        try:
            fn(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        except Exception:  # noqa: BLE001 - the call is recorded with its exception
            pass
        finally:
            self.session.recording = False
        new = self.session.calls[before:]
        del self.session.calls[before:]
        return new[0] if len(new) == 1 else None
