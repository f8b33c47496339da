"""Grader-side stand-ins for objects that live in the sandbox.

A :class:`Remote` forwards calls, attribute reads, iteration, ``len`` and indexing to the sandbox and
decodes the answers into plain data. It never runs student code in the grader: comparing a Remote with
``==`` is identity, its truth value is always True, and ``isinstance`` only recognises trusted torch classes.
"""

from __future__ import annotations

import builtins
import copy
import importlib
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.argument_changes import apply_module_state, copy_back
from autograder.call_record import Call
from autograder.sandbox import Sandbox, SandboxError
from autograder.settings import MAX_RECORDED_CALLS
from autograder.wire import decode, encode

#: roots of the class names that ``isinstance`` may map a remote object to
TRUSTED_CLASS_ROOTS = ("torch.",)


class RemoteError(Exception):
    """An exception raised by student code whose type is not a built-in exception."""


class SandboxLost(BaseException):
    """The sandbox died or timed out while the grader was waiting for student code.

    A ``BaseException``, so a test cell's ``except Exception`` (partial credit counts failing cases) cannot
    swallow it: the grader restarts the sandbox and flags the submission.
    """

    def __init__(self, error: SandboxError) -> None:
        super().__init__(str(error))
        self.kind = error.kind


def _trusted_class(mro: list[str]) -> type | None:
    for qualified in mro:
        if not qualified.startswith(TRUSTED_CLASS_ROOTS):
            continue
        module, _, name = qualified.rpartition(".")
        try:
            cls = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError, ValueError):
            continue
        if isinstance(cls, type):
            return cls
    return None


def _after(value: Any) -> Any:
    """What a call may have changed in an argument, for the diagnosis: an array's values, a module's modes and
    hooks (modules the test built; a student's own model stays in the sandbox as a reference)."""
    if isinstance(value, np.ndarray):
        return np.array(value)
    if type(value) is not Remote and "torch" in sys.modules:
        import torch

        if isinstance(value, torch.nn.Module):
            from autograder.wire import module_state

            return module_state(value, with_weights=False)
    return None


class Session:
    """Talks to one sandbox on behalf of the grader's test code."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.calls: list[Call] = []    # calls to named student functions, the diagnosis's evidence
        self.on_call: Callable[[Call], None] = self.calls.append   # the hook each record goes through
        self.recording = True
        self.cell: str | None = None   # grade id of the test cell running now

    def ask(self, op: str, _reply: dict | None = None, **fields) -> Any:
        try:
            reply = self.sandbox.request(op, **fields)
        except SandboxError as exc:
            raise SandboxLost(exc) from None
        if "error" in reply:
            err = reply["error"]
            raise _exception(str(err.get("ename", "Error")), str(err.get("evalue", "")))
        if _reply is not None:
            _reply.update(reply)
        return self.dec(reply.get("value"))

    def _call(self, target: dict, args: tuple, kwargs: dict, payload: dict, reply: dict | None = None) -> Any:
        reply = {} if reply is None else reply
        value = self.ask("call", _reply=reply, **target, **payload)
        for key, new in reply.get("changed", []) if isinstance(reply.get("changed"), list) else []:
            original = args[key] if isinstance(key, int) and 0 <= key < len(args) else kwargs.get(key)
            try:
                new = self.dec(new)
                copy_back(original, new)
            except Exception:  # noqa: BLE001 - a malformed change is ignored
                continue
        changes = reply.get("module_changes")
        for key, state in changes if isinstance(changes, list) else []:
            original = args[key] if isinstance(key, int) and 0 <= key < len(args) else kwargs.get(key)
            try:
                apply_module_state(original, self.dec(state))
            except Exception:  # noqa: BLE001 - a malformed change is ignored
                continue
        key = reply.get("same_as")
        if isinstance(key, int) and 0 <= key < len(args):
            return args[key]
        if isinstance(key, str) and key in kwargs:
            return kwargs[key]
        return value

    def dec(self, value: Any) -> Any:
        return decode(value, self._remote)

    def enc(self, value: Any) -> Any:
        return encode(value, self._cannot_send, allow_pickle=True)

    def _remote(self, info: dict) -> Remote:
        if "__ref__" not in info or not isinstance(info["__ref__"], int):
            raise ValueError("malformed reference from the sandbox")
        return Remote(self, info)

    def _cannot_send(self, value: Any) -> dict:
        if isinstance(value, Remote):
            return {"__ref__": object.__getattribute__(value, "_info")["__ref__"]}
        raise TypeError(f"the grader cannot pass a {type(value).__name__} into the sandbox")

    def call(self, target: dict, args: tuple, kwargs: dict, name: str | None = None) -> Any:
        payload = {"args": [self.enc(a) for a in args], "kwargs": self.enc(dict(kwargs))}
        torch = sys.modules.get("torch")
        if torch is not None:   # the call runs as under the test's torch.no_grad() (or not)
            payload["grad"] = bool(torch.is_grad_enabled())
        if not (name and self.recording) or len(self.calls) > MAX_RECORDED_CALLS:
            return self._call(target, args, kwargs, payload)
        try:
            saved = copy.deepcopy((args, kwargs))
        except Exception:  # noqa: BLE001 - arguments that cannot be copied are not replayed
            return self._call(target, args, kwargs, payload)
        record = Call(name, saved[0], saved[1], cell=self.cell)
        reply: dict = {}
        try:
            value = record.value = self._call(target, args, kwargs, payload, reply)
        except SandboxLost:
            raise
        except Exception as exc:
            record.error = type(exc).__name__
            self.on_call(record)
            raise
        # the arrays passed in, as the call left them (a function may change its arguments in place)
        record.after = {k: _after(a) for k, a in [*enumerate(args), *kwargs.items()] if _after(a) is not None}
        record.same_as = reply.get("same_as")
        record.threads = reply.get("threads") if isinstance(reply.get("threads"), int) else None
        if isinstance(value, np.ndarray):   # as returned: the test may change it afterwards
            record.value = value.copy()
        self.on_call(record)
        return value


def _exception(ename: str, evalue: str) -> BaseException:
    cls = getattr(builtins, ename, None)
    if isinstance(cls, type) and issubclass(cls, Exception) and cls.__module__ == "builtins":
        try:
            return cls(evalue)
        except Exception:  # noqa: BLE001 - exotic constructors
            pass
    return RemoteError(f"{ename}: {evalue}")


def describe(obj) -> list | None:
    """The structure of a torch module, local or in the sandbox (None for anything else)."""
    from autograder.wire import describe_module

    if isinstance(obj, Remote) and type(obj) is Remote:
        session = object.__getattribute__(obj, "_session")
        try:
            return session.ask("describe", ref=object.__getattribute__(obj, "_info")["__ref__"])
        except Exception:  # noqa: BLE001 - not a module
            return None
    try:
        return describe_module(obj)
    except TypeError:
        return None


def name_remote(obj: Remote, name: str) -> None:
    """Record the student's name for ``obj`` (calls to a named function are recorded for the diagnosis)."""
    object.__getattribute__(obj, "_info")["name"] = name


class Remote:
    """A reference to an object in the sandbox (see the module docstring)."""

    __slots__ = ("_session", "_info")

    def __init__(self, session: Session, info: dict) -> None:
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_info", info)

    def _target(self) -> dict:
        return {"ref": object.__getattribute__(self, "_info")["__ref__"]}

    @property
    def __class__(self):  # noqa: D105 - lets isinstance() see trusted torch classes
        cls = _trusted_class(object.__getattribute__(self, "_info").get("mro", []))
        return cls if cls is not None else Remote

    def __call__(self, *args, **kwargs):
        s = object.__getattribute__(self, "_session")
        return s.call(self._target(), args, kwargs, object.__getattribute__(self, "_info").get("name"))

    def __getattr__(self, name: str):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        s = object.__getattribute__(self, "_session")
        return s.ask("getattr", **self._target(), attr=name)

    def __setattr__(self, name: str, value) -> None:
        raise TypeError("objects from the sandbox are read-only in the grader")

    def __iter__(self):
        s = object.__getattribute__(self, "_session")
        return iter(s.ask("iter", **self._target()))

    def __len__(self) -> int:
        s = object.__getattribute__(self, "_session")
        n = s.ask("len", **self._target())
        if type(n) is not int:
            raise TypeError("len() of a sandbox object did not give an int")
        return n

    def __getitem__(self, key):
        s = object.__getattribute__(self, "_session")
        return s.ask("getitem", **self._target(), key=s.enc(key))

    def __eq__(self, other) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        info = object.__getattribute__(self, "_info")
        return f"<{info.get('type', '?')} from the submission>"
