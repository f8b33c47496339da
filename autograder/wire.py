"""The data that crosses the sandbox boundary: JSON with tagged arrays, tensors and remote references.

Values coming *out* of the sandbox are decoded into plain data only (numbers, strings, containers, numpy
arrays, torch tensors) or into opaque references; nothing the student wrote can run in the grader because
of decoding. Values going *in* may also be pickled (unpickling happens on the untrusted side, which is safe
for the grader).
"""

from __future__ import annotations

import base64
import builtins
import math
import pickle
from collections.abc import Callable
from typing import Any

import numpy as np

MAX_DEPTH = 12
MAX_ITEMS = 100_000
_NUMERIC_KINDS = set("biufc")

#: modules a reference to which the grader may resolve by importing them itself
TRUSTED_MODULE_ROOTS = {
    "numpy", "torch", "math", "matplotlib", "sklearn", "itertools", "functools", "collections", "statistics",
    "random", "time", "os", "sys", "course", "ipywidgets", "IPython", "tqdm", "textwrap", "re", "string",
}


def is_scalar(x: Any) -> bool:
    """A plain scalar (None, bool, int, float, str): immutable, so sending a copy is the same as the object."""
    return x is None or isinstance(x, (bool, int, float, str))


class WireError(ValueError):
    """A message that does not follow the protocol."""


def _array_payload(a: np.ndarray) -> dict:
    a = np.asarray(a, order="C")  # (np.ascontiguousarray would turn a 0-d array into a 1-d one)
    return {"dtype": a.dtype.str, "shape": list(a.shape), "data": base64.b64encode(a.tobytes()).decode("ascii")}


def _array_from(payload: dict) -> np.ndarray:
    dtype = np.dtype(payload["dtype"])
    if dtype.kind not in _NUMERIC_KINDS:
        raise WireError(f"array of dtype {dtype} is not plain data")
    shape = tuple(int(s) for s in payload["shape"])
    data = base64.b64decode(payload["data"])
    if len(data) != dtype.itemsize * math.prod(shape):
        raise WireError("array payload has the wrong size")
    return np.frombuffer(data, dtype=dtype).reshape(shape).copy()


def encode(value: Any, ref: Callable[[Any], dict], *, allow_pickle: bool = False, _depth: int = 0) -> Any:
    """Encode ``value``; anything that is not plain data becomes ``ref(value)`` (or a pickle when allowed)."""
    if _depth > MAX_DEPTH:
        return ref(value)
    t = type(value)
    if value is None or t is bool or t is str:
        return value
    if t is int:
        return value if abs(value) < 2**53 else {"__int__": str(value)}
    if t is float:
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if t is complex:
        return {"__complex__": [encode(value.real, ref), encode(value.imag, ref)]}
    if t is bytes:
        return {"__bytes__": base64.b64encode(value).decode("ascii")}
    if t in (list, tuple, set, frozenset):
        if len(value) > MAX_ITEMS:
            return ref(value)
        items = [encode(v, ref, allow_pickle=allow_pickle, _depth=_depth + 1) for v in value]
        return items if t is list else {f"__{t.__name__}__": items}
    if t is dict:
        if len(value) > MAX_ITEMS:
            return ref(value)
        return {"__dict__": [[encode(k, ref, allow_pickle=allow_pickle, _depth=_depth + 1),
                              encode(v, ref, allow_pickle=allow_pickle, _depth=_depth + 1)] for k, v in value.items()]}
    if t is np.ndarray and value.dtype.kind in _NUMERIC_KINDS:
        return {"__nd__": _array_payload(value)}
    if isinstance(value, np.generic) and type(value).__module__ == "numpy" and value.dtype.kind in _NUMERIC_KINDS:
        return {"__np__": _array_payload(np.asarray(value))}
    if t is slice:
        return {"__slice__": [encode(value.start, ref), encode(value.stop, ref), encode(value.step, ref)]}
    torch = _torch()
    if torch is not None:
        if t in (torch.Tensor, torch.nn.Parameter) and value.dtype != torch.bfloat16 and not value.is_complex():
            arr = value.detach().cpu().numpy()
            return {"__tensor__": _array_payload(arr), "param": t is torch.nn.Parameter,
                    "requires_grad": bool(value.requires_grad)}
        if t is torch.Size:
            return {"__size__": [int(v) for v in value]}
        if t is torch.dtype:
            return {"__torch_dtype__": str(value).removeprefix("torch.")}
    if t is type(math) and value.__name__.split(".")[0] in TRUSTED_MODULE_ROOTS:
        return {"__modref__": value.__name__}
    if allow_pickle:
        try:
            return {"__pickle__": base64.b64encode(pickle.dumps(value)).decode("ascii")}
        except Exception:  # noqa: BLE001 - fall back to a reference
            pass
    return ref(value)


#: tags whose value decodes alone: tag -> f(value, decode of a nested value)
_PLAIN_TAGS: dict[str, Callable[[Any, Callable[[Any], Any]], Any]] = {
    "__int__": lambda v, sub: int(v),
    "__float__": lambda v, sub: float(v),
    "__complex__": lambda v, sub: complex(sub(v[0]), sub(v[1])),
    "__bytes__": lambda v, sub: base64.b64decode(v),
    "__tuple__": lambda v, sub: tuple(sub(x) for x in v),
    "__set__": lambda v, sub: {sub(x) for x in v},
    "__frozenset__": lambda v, sub: frozenset(sub(x) for x in v),
    "__dict__": lambda v, sub: {sub(k): sub(x) for k, x in v},
    "__nd__": lambda v, sub: _array_from(v),
    "__np__": lambda v, sub: _array_from(v)[()],
    "__slice__": lambda v, sub: slice(*(sub(x) for x in v)),
}


def decode(obj: Any, resolve: Callable[[dict], Any], *, allow_pickle: bool = False, _depth: int = 0) -> Any:
    """Decode what :func:`encode` produced; ``resolve`` turns a reference dict into an object."""
    if _depth > MAX_DEPTH + 2:
        raise WireError("message nested too deeply")
    if is_scalar(obj):
        return obj
    if isinstance(obj, list):
        return [decode(v, resolve, allow_pickle=allow_pickle, _depth=_depth + 1) for v in obj]
    if not isinstance(obj, dict) or len(obj) == 0:
        raise WireError(f"unexpected {type(obj).__name__} in message")
    key = next(iter(obj))

    def sub(v):
        return decode(v, resolve, allow_pickle=allow_pickle, _depth=_depth + 1)

    if key in _PLAIN_TAGS:
        return _PLAIN_TAGS[key](obj[key], sub)
    if key in ("__tensor__", "__size__", "__torch_dtype__"):
        return _decode_torch(key, obj)
    if key == "__modref__":
        name = str(obj[key])
        if name.split(".")[0] not in TRUSTED_MODULE_ROOTS:
            raise WireError(f"module {name!r} is not trusted")
        import importlib

        return importlib.import_module(name)
    if key == "__pickle__":
        if not allow_pickle:
            raise WireError("pickled data is not accepted from this side")
        return pickle.loads(base64.b64decode(obj[key]))
    if key == "__ref__":
        return resolve(obj)
    raise WireError(f"unknown tag {key!r}")


def _decode_torch(key: str, obj: dict) -> Any:
    """A tensor (or parameter), a ``torch.Size`` or a torch dtype."""
    import torch

    if key == "__tensor__":
        t = torch.from_numpy(_array_from(obj[key]))
        if obj.get("param"):
            return torch.nn.Parameter(t, requires_grad=bool(obj.get("requires_grad")))
        return t.requires_grad_(bool(obj.get("requires_grad")) and t.is_floating_point())
    if key == "__size__":
        return torch.Size(int(v) for v in obj[key])
    dt = getattr(torch, str(obj[key]), None)
    if not isinstance(dt, torch.dtype):
        raise WireError(f"unknown torch dtype {obj[key]!r}")
    return dt


def describe_module(module) -> list:
    """A torch module's structure as plain data: [class, settings, parameter shapes] for each submodule."""
    import torch

    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"not a torch module: {type(module).__name__}")
    return [[f"{type(m).__module__}.{type(m).__qualname__}", m.extra_repr(),
             [list(p.shape) for p in m.parameters(recurse=False)]] for m in module.modules()]


def _torch():
    import sys

    return sys.modules.get("torch")


BUILTIN_NAMES = frozenset(dir(builtins))


def hook_left_behind(*args: Any) -> None:
    """A no-op forward hook: stands in, on the grader's copy of a module, for a hook the student's code left on it."""
    return None


def module_state(module: Any, with_weights: bool = True) -> dict:
    """What a function may change on a module it was given: each submodule's mode and hook counts, and (for
    modules under 5M parameters) the weights and buffers as arrays."""
    subs = [m for _, m in module.named_modules()]
    state = {"modes": [bool(m.training) for m in subs],
             "hooks": [[len(m._forward_hooks), len(m._forward_pre_hooks), len(m._backward_hooks)] for m in subs]}
    tensors = module.state_dict()
    if with_weights and sum(t.numel() for t in tensors.values()) <= 5_000_000:
        state["weights"] = {k: t.detach().cpu().numpy().copy() for k, t in tensors.items()}
    return state


def array_unchanged(a, before) -> bool:
    """An array or tensor argument is as it was before the call (shape and values, NaNs equal)."""
    if a.shape != before.shape:
        return False
    try:
        if type(a) is not np.ndarray:
            a, before = a.detach().numpy(), before.numpy()
        return bool(np.array_equal(a, before, equal_nan=True))
    except (TypeError, RuntimeError):   # a dtype numpy cannot hold: not sent back
        return True


def same_module_state(a: dict, b: dict) -> bool:
    """Two :func:`module_state` results agree: modes, hooks and weights."""
    if a["modes"] != b["modes"] or a["hooks"] != b["hooks"] or a.keys() != b.keys():
        return False
    wa, wb = a.get("weights", {}), b.get("weights", {})
    return wa.keys() == wb.keys() and all(np.array_equal(wa[k], wb[k]) for k in wa)
