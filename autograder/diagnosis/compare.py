"""When two outcomes of a call count as the same: as data (:func:`same`), or also in type (:func:`same_exactly`)."""

from __future__ import annotations

from typing import Any

import numpy as np


def same(a: Any, b: Any) -> bool:
    """Outcomes equal as data: arrays and tensors closely with the same shape, containers item by item,
    torch modules by structure (classes, settings, parameter shapes)."""
    from autograder.remote import Remote, describe

    if type(a) is Remote or type(b) is Remote or is_module(a) or is_module(b):
        da, db = describe(a), describe(b)
        return da is not None and da == db
    a, b = _numpy(a), _numpy(b)
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


def same_exactly(a: Any, b: Any) -> bool:
    """:func:`same`, and of the same kind too: array against array (or tensor against tensor) of the same dtype,
    int against int, float against float, containers item by item. What "a correct implementation gives the
    same" means: a float32 result or a float where an int belongs is not the same."""
    if not same(a, b):
        return False
    return kind(a) == kind(b)


def kind(x: Any) -> Any:
    """The type of an outcome as far as tests tell them apart (nested for containers)."""
    if isinstance(x, np.ndarray):
        return ("ndarray", x.dtype.kind if x.dtype.kind in "iu" else str(x.dtype))
    if _is_tensor(x):
        return ("tensor", str(x.dtype))
    if isinstance(x, (bool, np.bool_)):
        return "bool"
    if isinstance(x, (int, np.integer)):
        return "int"
    if isinstance(x, (float, np.floating)):
        return "float"
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, tuple(kind(v) for v in x))
    if isinstance(x, dict):
        return ("dict", tuple((k, kind(v)) for k, v in x.items() if isinstance(k, (str, int))))
    return type(x).__name__


def type_name(x: Any) -> str:
    """How a student would name the type of ``x``: ``float64 array``, ``int``, ``float32 tensor``."""
    if isinstance(x, np.ndarray):
        return f"{x.dtype} array"
    if _is_tensor(x):
        return f"{str(x.dtype).replace('torch.', '')} tensor"
    if isinstance(x, (np.integer, np.floating)):
        return f"numpy {x.dtype}"
    return type(x).__name__


def is_module(x: Any) -> bool:
    try:
        import torch
    except ImportError:
        return False
    return isinstance(x, torch.nn.Module)


def _is_tensor(x: Any) -> bool:
    import sys

    torch = sys.modules.get("torch")
    return torch is not None and isinstance(x, torch.Tensor)


def _numpy(x: Any) -> Any:
    return x.detach().numpy() if _is_tensor(x) else x


def returned_argument(value: Any, args: tuple, kwargs: dict) -> int | str | None:
    """Which argument ``value`` is (by identity), for arrays, tensors and modules; None if none."""
    from autograder.wire import is_scalar

    if is_scalar(value):
        return None
    return next((k for k, a in [*enumerate(args), *kwargs.items()] if a is value), None)


def left_alike(got: Any, want: Any) -> bool:
    """The replayed call left an argument as the student's call did (see ``Call.after``)."""
    if isinstance(want, np.ndarray):
        return isinstance(got, np.ndarray) and got.shape == want.shape and np.array_equal(got, want, equal_nan=True)
    if isinstance(want, dict) and is_module(got):
        from autograder.wire import module_state

        return module_state(got, with_weights=False) == want
    return True
