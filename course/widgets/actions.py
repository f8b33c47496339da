"""Scripted interactions: the changes a user makes to a widget, as data that tests and benchmarks replay.

Each widget module defines ``interactions(size) -> (widget, [Action, ...])``: a widget at input size ``size``
and the changes a user would make, one control each. An :class:`Action` is a callable (``action()`` makes the
change in Python, for headless tests and ``bench/widget_latency.py``) and has a :meth:`~Action.spec`: the same
change as JSON, which ``bench/browser_latency.py`` replays in the page, on the control's model, as the
control's view does when a person uses it. Kinds:

* :func:`cycle` / :func:`toggle` / :func:`choose` -- set the value that follows the current one in a list;
* :func:`step` -- move a slider (or a dropdown's index) by one step, back at the end (or wrapping around);
* :func:`click` -- press a button;
* :func:`call` -- run Python in the kernel (a training loop feeding a monitor): no control to touch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets


def option_values(control: widgets.Widget) -> list:
    """The values of a selection widget's options (``options`` may hold ``(label, value)`` pairs)."""
    return [o[1] if isinstance(o, tuple) and len(o) == 2 else o for o in control.options]


def _selection(control: widgets.Widget) -> bool:
    return isinstance(control, widgets.widget_selection._Selection)


@dataclass(frozen=True)
class Action:
    """One change a user makes. Build it with :func:`cycle`, :func:`step`, :func:`click` or :func:`call`."""

    name: str
    kind: str
    control: widgets.Widget | None = None
    values: tuple = ()
    delta: float = 0
    wrap: bool = False
    run: Callable[[], None] | None = field(default=None, repr=False)

    @property
    def __name__(self) -> str:  # reads like a function in test messages
        return self.name

    def __call__(self) -> None:
        if self.kind == "cycle":
            self.control.value = _after(self.control.value, self.values)
        elif self.kind == "step":
            self._step()
        elif self.kind == "click":
            self.control.click()
        else:
            self.run()

    def _step(self) -> None:
        c = self.control
        if _selection(c):
            c.index = _stepped(c.index, self.delta, 0, len(c.options) - 1, self.wrap)
        else:
            c.value = _stepped(c.value, self.delta, c.min, c.max, self.wrap)

    def spec(self) -> dict[str, Any]:
        """The change as JSON for the browser: the control's model id, the synced trait and what to set it to
        (selection widgets sync ``index``, so their values become indices)."""
        out: dict[str, Any] = {"name": self.name, "kind": self.kind}
        if self.control is None:
            return out
        out["model_id"] = self.control.model_id
        selection = _selection(self.control)
        out["trait"] = "index" if selection else "value"
        if self.kind == "cycle":
            out["values"] = [option_values(self.control).index(v) for v in self.values] if selection \
                else list(self.values)
        elif self.kind == "step":
            out.update(delta=self.delta, wrap=self.wrap, selection=selection)
        return out


def _after(current: Any, values: Sequence) -> Any:
    """The value after ``current`` in ``values`` (wrapping), or the first if ``current`` is not among them."""
    return values[(values.index(current) + 1) % len(values)] if current in values else values[0]


def _stepped(value: float, delta: float, lo: float, hi: float, wrap: bool) -> float:
    """``value + delta``; past ``hi`` it goes back (``value - delta``) or, with ``wrap``, to ``lo``."""
    if value + delta <= hi:
        return value + delta
    return lo if wrap else value - delta


def cycle(control: widgets.Widget, values: Sequence, name: str | None = None) -> Action:
    """Set ``control`` to the value after its current one in ``values`` (the first if it holds another)."""
    if not values:
        raise ValueError("cycle needs at least one value")
    return Action(name or f"cycle_{_label(control)}", "cycle", control, values=tuple(values))


def toggle(control: widgets.Widget, a: Any, b: Any, name: str | None = None) -> Action:
    """Set ``control`` to ``b`` if it holds ``a``, else to ``a``: every call is a change."""
    return Action(name or f"toggle_{_label(control)}", "cycle", control, values=(a, b))


def choose(control: widgets.Widget, value: Any, name: str | None = None) -> Action:
    """Set ``control`` to ``value`` (a change only if it holds another value)."""
    return Action(name or f"choose_{value}", "cycle", control, values=(value,))


def step(control: widgets.Widget, delta: float | None = None, wrap: bool = False, name: str | None = None) -> Action:
    """Move a slider by ``delta`` (default: its step), or back by ``delta`` at the end of its range (with
    ``wrap``: to its start); on a dropdown, move the selected index."""
    if delta is None:
        delta = 1 if _selection(control) else (getattr(control, "step", None) or 1)
    return Action(name or f"step_{_label(control)}", "step", control, delta=delta, wrap=wrap)


def click(button: widgets.Button, name: str | None = None) -> Action:
    """Press ``button``."""
    return Action(name or f"click_{_label(button)}", "click", button)


def call(run: Callable[[], None], name: str) -> Action:
    """Run ``run()`` in the kernel: a change that does not come from a control (a training loop's callback)."""
    return Action(name, "call", run=run)


def _label(control: widgets.Widget) -> str:
    text = getattr(control, "description", "") or type(control).__name__
    return text.split()[0] if text.split() else type(control).__name__
