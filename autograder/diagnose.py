"""Name the student's mistake: replay the calls the tests made against every catalogued wrong implementation.

While the test cells run, every call to a student function is recorded with its arguments and what came back.
When a function's tests fail, each misconception of that function in ``autograder.misconceptions`` is run (in
the grader: it is our code) on the same arguments; one that reproduces *every* recorded outcome names the
mistake.
"""

from __future__ import annotations

import contextlib
import copy
import io
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograder.misconceptions import Misconception

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


def same(a: Any, b: Any) -> bool:
    """Outcomes equal as data: arrays and tensors closely with the same shape, containers item by item,
    torch modules by structure (classes, settings, parameter shapes)."""
    from autograder.remote import Remote, describe

    if type(a) is Remote or type(b) is Remote or _is_module(a) or _is_module(b):
        da, db = describe(a), describe(b)
        return da is not None and da == db
    try:
        import torch

        if isinstance(a, torch.Tensor):
            a = a.detach().numpy()
        if isinstance(b, torch.Tensor):
            b = b.detach().numpy()
    except ImportError:
        pass
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        try:
            a, b = np.asarray(a), np.asarray(b)
            if a.shape != b.shape or a.dtype.kind not in "biuf" or b.dtype.kind not in "biuf":
                return False
            return bool(np.allclose(a, b, rtol=1e-4, atol=1e-6, equal_nan=True))
        except (TypeError, ValueError):
            return False
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (int, np.integer)) and isinstance(b, (int, np.integer)):
        return int(a) == int(b)   # counts are exact: 2,635,389,075 is not 2,635,380,000
    if isinstance(a, (int, float, np.number)) and isinstance(b, (int, float, np.number)):
        return bool(np.isclose(float(a), float(b), rtol=1e-4, atol=1e-6, equal_nan=True))
    if type(a).__module__ == "builtins" and type(b).__module__ == "builtins":
        return type(a) is type(b) and a == b
    return False


def _is_module(x: Any) -> bool:
    try:
        import torch
    except ImportError:
        return False
    return isinstance(x, torch.nn.Module)


def replay(mistake: Misconception, calls: list[Call], namespace: dict) -> bool:
    """True when ``mistake``'s implementation reproduces every recorded outcome (value, exception, and what it
    did to array arguments)."""
    ns = namespace.fork() if hasattr(namespace, "fork") else dict(namespace)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            exec(compile(mistake.code(), f"<misconception {mistake.name}>", "exec"), ns)
    except Exception:  # noqa: BLE001 - a catalogue entry that cannot be built names nothing
        return False
    fn = ns.get(mistake.function)
    if not callable(fn):
        return False
    for call in calls:
        try:
            args, kwargs = copy.deepcopy((call.args, call.kwargs))
        except Exception:  # noqa: BLE001
            return False
        _set_threads(call.threads or 1)
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                value = fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001
            if call.error is None or type(exc).__name__ != call.error:
                return False
            continue
        if call.error is not None or not same(value, call.value):
            return False
        if _returned_argument(value, args, kwargs) != call.same_as:
            return False
        for key, want in (call.after or {}).items():
            if not _left_alike(args[key] if isinstance(key, int) else kwargs.get(key), want):
                return False
    return True


def _set_threads(n: int) -> None:
    """As many torch threads as the sandbox used for the call, so a replayed training run gives the same numbers."""
    import torch

    if torch.get_num_threads() != n:
        torch.set_num_threads(max(1, min(int(n), 64)))


def _returned_argument(value: Any, args: tuple, kwargs: dict) -> int | str | None:
    """Which argument ``value`` is (by identity), for arrays, tensors and modules; None if none."""
    if isinstance(value, (int, float, str, bool, type(None))):
        return None
    return next((k for k, a in [*enumerate(args), *kwargs.items()] if a is value), None)


def _left_alike(got: Any, want: Any) -> bool:
    """The replayed call left an argument as the student's call did (see ``remote._after``)."""
    if isinstance(want, np.ndarray):
        return isinstance(got, np.ndarray) and got.shape == want.shape and np.array_equal(got, want, equal_nan=True)
    if isinstance(want, dict) and _is_module(got):
        from autograder.wire import module_state

        return module_state(got, with_weights=False) == want
    return True


def evidence(function: str, calls: list[Call], failed_cells: set[str]) -> list[Call]:
    """The calls of ``function`` to replay: those made by failed test cells first (they hold the evidence), then
    the others (they rule out mistakes that would have failed there too), at most ``MAX_CALLS``."""
    mine = [c for c in calls if c.function == function]
    return ([c for c in mine if c.cell in failed_cells] + [c for c in mine if c.cell not in failed_cells])[:MAX_CALLS]


def name_mistakes(function: str, calls: list[Call], catalogue: list[Misconception],
                  namespace: dict, failed_cells: set[str] = frozenset()) -> list[Misconception]:
    """The catalogued misconceptions of ``function`` that explain all of ``calls``.

    When every call raised, an exception alone is weak evidence: a mistake is named only if it is the one
    catalogued mistake that explains them.
    """
    mine = evidence(function, calls, set(failed_cells))
    if not mine:
        return []
    import torch

    threads = torch.get_num_threads()
    try:
        named = [m for m in catalogue if m.function == function and replay(m, mine, namespace)]
    finally:
        torch.set_num_threads(threads)
    if all(c.error is not None for c in mine) and len(named) != 1:
        return []
    return named
