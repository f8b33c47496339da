"""General ways a result can differ from the correct one, as functions of the correct result (output transforms)
or of the arguments a correct implementation is given (argument transforms).

An output transform maps (correct value, call) to the value the student's function would return under that
relation, or None where the relation says nothing; an argument transform maps the call's bound arguments to the
ones a correct implementation must be given to return what the student's did. NaN in an expected array marks an
entry the relation leaves open (what a shift brings in at the border).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograder.diagnosis.calls import Call


@dataclass(frozen=True)
class Transform:
    kind: str                  # names the relation in feedback (see ``messages.QUESTIONS``)
    apply: Callable            # (correct value, call) -> expected value | None, or bound arguments -> new ones
    fields: tuple = ()         # what the question is filled with, e.g. (("arg", "K"),)
    on_arguments: bool = False


def _array(x: Any) -> np.ndarray | None:
    if isinstance(x, np.ndarray) and x.dtype.kind in "biuf":
        return x
    if type(x).__module__.startswith("torch") and hasattr(x, "detach"):
        return x.detach().numpy()
    if isinstance(x, list) and x and (all(isinstance(r, list) for r in x) or all(_number(v) for v in x)):
        try:
            return np.asarray(x, dtype=np.float64)
        except (TypeError, ValueError):
            return None
    return None


def _number(x: Any) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))


def _integer(x: Any) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


# ---------------------------------------------------------------------------------------------- output transforms
def _on_array(f: Callable, ndim: int = 1) -> Callable:
    def apply(value: Any, call: Call) -> Any:
        a = _array(value)
        return f(a) if a is not None and a.ndim >= ndim else None
    return apply


def _shifted(dr: int, dc: int) -> Callable:
    def f(a: np.ndarray) -> np.ndarray | None:
        out = np.full(a.shape, np.nan)
        rows, cols = a.shape[-2] if a.ndim >= 2 else 1, a.shape[-1]
        if (rows - abs(dr)) * (cols - abs(dc)) * 2 < rows * cols:
            return None
        src = a.astype(np.float64).reshape(-1, rows, cols)
        dst = out.reshape(-1, rows, cols)
        dst[:, max(dr, 0):rows + min(dr, 0), max(dc, 0):cols + min(dc, 0)] = \
            src[:, max(-dr, 0):rows + min(-dr, 0), max(-dc, 0):cols + min(-dc, 0)]
        return out
    return f


def _cropped(dr: int, dc: int, at_end: bool) -> Callable:
    """The correct array with ``dr`` rows and ``dc`` columns fewer (negative: more, left open), the change made at
    the end (bottom, right) or at the start."""
    def f(a: np.ndarray) -> np.ndarray | None:
        if a.ndim < 2 and dr:
            return None
        shape = (*a.shape[:-2], a.shape[-2] - dr, a.shape[-1] - dc) if a.ndim >= 2 else (a.shape[0] - dc,)
        if min(shape) < 1:
            return None
        out = np.full(shape, np.nan)
        sizes = [min(s, t) for s, t in zip(shape, a.shape, strict=True)]
        keep = tuple(slice(0, n) if at_end else slice(-n, None) for n in sizes)
        out[keep] = a.astype(np.float64)[keep]
        return out
    return f


def _scalar_shift(d: int) -> Callable:
    def apply(value: Any, call: Call) -> Any:
        return value + d if _integer(value) else None
    return apply


def _reversed(value: Any, call: Call) -> Any:
    if isinstance(value, (tuple, list)) and len(value) > 1 and all(_integer(v) for v in value):
        return type(value)(reversed(value))
    a = _array(value) if not isinstance(value, (tuple, list)) else None
    return a[::-1] if a is not None and a.ndim == 1 else None


def _truncated(value: Any, call: Call) -> Any:
    a = _array(value)
    if a is not None and a.dtype.kind == "f":
        return np.trunc(a)
    return int(value) if isinstance(value, (float, np.floating)) and np.isfinite(value) else None


def _first_only(axis: int, keep: bool) -> Callable:
    def f(a: np.ndarray) -> np.ndarray | None:
        return a.take([0] if keep else 0, axis=axis) if a.ndim > axis + 1 and a.shape[axis] > 1 else None
    return f


def _permuted(perm: tuple[int, ...]) -> Callable:
    def apply(value: Any, call: Call) -> Any:
        a = _array(value)
        if a is not None and a.ndim == len(perm):
            return a.transpose(perm)
        if isinstance(value, tuple) and len(value) == len(perm) and all(_integer(v) for v in value):
            return tuple(value[p] for p in perm)
        return None
    return apply


def _divided_by_size(position: int | str, axis: int | None) -> Callable:
    """The correct value divided by the number of entries of an array argument (``axis``: along one axis)."""
    def apply(value: Any, call: Call) -> Any:
        arg = call.kwargs.get(position) if isinstance(position, str) else \
            (call.args[position] if position < len(call.args) else None)
        a, x = _array(value), _array(arg) if not isinstance(arg, np.ndarray) else arg
        if a is None or x is None or x.size < 2 or (axis is not None and (x.ndim < 2 or x.shape[axis] < 2)):
            return None
        return a / (x.size if axis is None else x.shape[axis])
    return apply


def output_transforms(max_ndim: int) -> list[Transform]:
    """Relations of the student's value to the correct value, most specific first."""
    ts = [Transform("sign", _on_array(lambda a: -a, 1)),
          Transform("transposed", _on_array(lambda a: np.swapaxes(a, -1, -2), 2)),
          Transform("flipped", _on_array(lambda a: a[..., ::-1, ::-1], 2), (("axes", "both axes"),)),
          Transform("flipped", _on_array(lambda a: a[..., ::-1, :], 2), (("axes", "its rows (upside down)"),)),
          Transform("flipped", _on_array(lambda a: a[..., ::-1], 2), (("axes", "its columns (left-right)"),)),
          Transform("reversed", _reversed),
          Transform("truncated", _truncated),
          Transform("one less", _scalar_shift(-1)), Transform("one more", _scalar_shift(1))]
    for dr, dc in [(1, 1), (1, 0), (0, 1)]:
        for at_end in (True, False):
            ts.append(Transform("short", _on_array(_cropped(dr, dc, at_end), 1), (("what", _rows_cols(dr, dc)),)))
            ts.append(Transform("long", _on_array(_cropped(-dr, -dc, at_end), 1), (("what", _rows_cols(dr, dc)),)))
    for axis, keep in itertools.product((0, 1), (True, False)):
        ts.append(Transform("first only", _on_array(_first_only(axis, keep), axis + 2), (("axis", str(axis)),)))
    for dr, dc in itertools.product(range(-2, 3), repeat=2):
        if (dr, dc) != (0, 0):
            ts.append(Transform("shifted", _on_array(_shifted(dr, dc), 1 if dr == 0 else 2),
                                (("rows", str(dr)), ("cols", str(dc)))))
    for n in range(3, max_ndim + 1):
        for perm in itertools.permutations(range(n)):
            if perm != tuple(range(n)) and perm != (*range(n - 2), n - 1, n - 2):
                ts.append(Transform("axes order", _permuted(perm), (("order", str(perm)),)))
    return ts


def scale_transforms(arrays: list[tuple[int | str, str]]) -> list[Transform]:
    """The correct value divided by the size of an array argument, or by the length of its first axis
    (``arrays``: (position or keyword, name) of the array arguments)."""
    return [Transform("divided by size", _divided_by_size(p, None), (("arg", n),)) for p, n in arrays] + \
           [Transform("divided by length", _divided_by_size(p, 0), (("arg", n),)) for p, n in arrays]


def _rows_cols(dr: int, dc: int) -> str:
    return "one row and one column" if dr and dc else ("one row" if dr else "one column")


# -------------------------------------------------------------------------------------------- argument transforms
def _with(name: str, f: Callable) -> Callable:
    def apply(arguments: dict) -> dict | None:
        if name not in arguments:
            return None
        new = f(arguments[name])
        return None if new is None else {**arguments, name: new}
    return apply


def _array_op(op: Callable) -> Callable:
    def f(x: Any) -> Any:
        a = _array(x) if not isinstance(x, np.ndarray) else x
        return None if a is None or a.ndim < 2 else np.ascontiguousarray(op(a))
    return f


def _one_of(names: list[str], length: int, last: bool) -> Callable:
    """Every array argument in ``names`` cut to its first (``last``: last) entry along its first axis (of the
    first two) that is ``length`` long: one sample or one channel of several arrays that share that axis."""
    def apply(arguments: dict) -> dict | None:
        new, cut = dict(arguments), 0
        for name in names:
            a = arguments.get(name)
            a = a if isinstance(a, np.ndarray) else _array(a)
            axis = next((ax for ax in (0, 1) if a is not None and a.ndim > ax + 1 and a.shape[ax] == length), None)
            if axis is not None:
                new[name], cut = a.take([-1 if last else 0], axis=axis), cut + 1
        return new if cut else None
    return apply


def _pair(f: Callable) -> Callable:
    def g(x: Any) -> Any:
        if isinstance(x, (tuple, list)) and len(x) == 2 and all(_integer(v) for v in x) and x[0] != x[1]:
            return type(x)(f(x))
        return None
    return g


def _reversed_sequence(x: Any) -> Any:
    """A list (or tuple) of several items in reverse order (a pair of ints is a pair: see "pair swapped")."""
    if isinstance(x, (list, tuple)) and len(x) > 1 and not (len(x) == 2 and all(_integer(v) for v in x)):
        return type(x)(reversed(x))
    return None


def _swapped(p: str, q: str) -> Callable:
    def apply(arguments: dict) -> dict | None:
        if p not in arguments or q not in arguments:
            return None
        return {**arguments, p: arguments[q], q: arguments[p]}
    return apply


def argument_transforms(arrays: list[str], lengths: set[int], defaults: dict[str, Any],
                        positional: list[str]) -> list[Transform]:
    """Relations of the student's value to a correct implementation's on changed arguments: an array argument
    flipped or transposed, only the first (or last) sample or channel of the arrays (``lengths``: the lengths of
    their first two axes), an argument left at its default, a pair argument's entries swapped or the first used
    for both, two arguments swapped."""
    ts = []
    for name in arrays:
        for what, op in [("flipped on both axes", lambda a: a[..., ::-1, ::-1]),
                         ("flipped upside down", lambda a: a[..., ::-1, :]),
                         ("mirrored left-right", lambda a: a[..., ::-1]),
                         ("transposed", lambda a: np.swapaxes(a, -1, -2)),
                         ("turned by 90 degrees", lambda a: np.rot90(a, 1, axes=(-2, -1))),
                         ("turned by -90 degrees", lambda a: np.rot90(a, -1, axes=(-2, -1)))]:
            ts.append(Transform("argument changed", _with(name, _array_op(op)), (("arg", name), ("how", what)), True))
    for length in sorted(lengths):
        for last in (False, True):
            which = (("which", "last" if last else "first"), ("length", str(length)))
            for name in arrays:
                ts.append(Transform("one of argument", _one_of([name], length, last), (("arg", name), *which), True))
            if len(arrays) > 1:
                ts.append(Transform("one of arguments", _one_of(arrays, length, last),
                                    (("args", " and ".join(f"`{n}`" for n in arrays)), *which), True))
    for name, default in defaults.items():
        ts.append(Transform("argument ignored", _with(name, lambda _x, d=default: d),
                            (("arg", name), ("default", repr(default))), True))
    for name in [*defaults, *positional]:
        ts.append(Transform("pair swapped", _with(name, _pair(lambda x: (x[1], x[0]))), (("arg", name),), True))
        ts.append(Transform("pair first", _with(name, _pair(lambda x: (x[0], x[0]))), (("arg", name),), True))
        ts.append(Transform("argument negated", _with(name, lambda x: -x if _integer(x) and x else None),
                            (("arg", name),), True))
        ts.append(Transform("argument reversed", _with(name, _reversed_sequence), (("arg", name),), True))
    for p, q in itertools.combinations(positional, 2):
        ts.append(Transform("arguments swapped", _swapped(p, q), (("arg", p), ("other", q)), True))
    return ts
