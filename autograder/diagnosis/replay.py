"""Replay recorded calls against an implementation we trust to be what it says (a catalogued mistake, a correct
version): in the grader, on copies of the recorded arguments, in a namespace holding the student's other
functions (as sandbox stand-ins)."""

from __future__ import annotations

import contextlib
import copy
import io
import sys
from collections.abc import Callable
from typing import Any

from autograder.diagnosis.calls import Call
from autograder.diagnosis.compare import left_alike, returned_argument, same, same_exactly


def build(code: str, function: str, namespace: dict, label: str) -> Callable | None:
    """``function`` as defined by ``code`` run in a copy of ``namespace``; None if it cannot be built."""
    ns = namespace.fork() if hasattr(namespace, "fork") else dict(namespace)
    try:
        with quiet():
            exec(compile(code, f"<{label}>", "exec"), ns)
    except Exception:  # noqa: BLE001 - an implementation that cannot be built explains nothing
        return None
    fn = ns.get(function)
    return fn if callable(fn) else None


def quiet():
    """Swallow what replayed code prints."""
    stack = contextlib.ExitStack()
    stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
    stack.enter_context(contextlib.redirect_stderr(io.StringIO()))
    return stack


def reproduces(fn: Callable, calls: list[Call], exact: bool = False) -> bool:
    """True when ``fn`` reproduces every recorded outcome: value (``exact``: of the same type too) or exception
    type, the argument returned as itself, and what the call did to array and module arguments."""
    equal = same_exactly if exact else same
    for call in calls:
        try:
            args, kwargs = copy.deepcopy((call.args, call.kwargs))
        except Exception:  # noqa: BLE001
            return False
        set_threads(call.threads or 1)
        try:
            with quiet():
                value = fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001
            if call.error is None or type(exc).__name__ != call.error:
                return False
            continue
        if call.error is not None or not equal(value, call.value):
            return False
        if returned_argument(value, args, kwargs) != call.same_as:
            return False
        for key, want in (call.after or {}).items():
            if not left_alike(args[key] if isinstance(key, int) else kwargs.get(key), want):
                return False
    return True


def set_threads(n: int) -> None:
    """As many torch threads as the sandbox used for the call, so a replayed training run gives the same numbers."""
    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() != n:
        torch.set_num_threads(max(1, min(int(n), 64)))


@contextlib.contextmanager
def threads_kept():
    """Restore the grader's torch thread count after replays changed it."""
    torch = sys.modules.get("torch")
    n = torch.get_num_threads() if torch is not None else None
    try:
        yield
    finally:
        if n is not None:
            torch.set_num_threads(n)


def outcome(fn: Callable, args: tuple, kwargs: dict, threads: int | None = None) -> tuple[Any, str | None, tuple]:
    """(value, exception type name or None, the arguments as the call left them) of ``fn`` on copies of the
    arguments."""
    try:
        args, kwargs = copy.deepcopy((args, kwargs))
    except Exception as exc:  # noqa: BLE001
        return None, type(exc).__name__, ((), {})
    set_threads(threads or 1)
    try:
        with quiet():
            return fn(*args, **kwargs), None, (args, kwargs)
    except Exception as exc:  # noqa: BLE001
        return None, type(exc).__name__, (args, kwargs)
