"""Kernel side of bench/browser_latency.py: its source is the first cell of the notebook the benchmark opens.

``_bench = Probe(module, size)`` builds a widget from its module's scripted interactions, displays it and
timestamps (``time.time()``, to line up with the browser's clock) each message the kernel starts handling
(``comm_msg`` from a control, ``execute_request`` for a kernel-side action) and the start and end of each timed
update of the widget (``CourseWidget.timed``).

``Probe(module, size, baseline="course_before")`` builds the same script on the widget classes of an earlier
version of the course, imported as the package ``course_before`` (written by the benchmark); those widgets
have no ``timed``, so their ``update`` (and the arithmetic explorer's ``_draw``) are timestamped instead.
"""

from __future__ import annotations

import importlib
import inspect
import json
import time
from contextlib import contextmanager

from IPython import get_ipython
from IPython.display import display


class Probe:
    """A widget built by ``course.widgets.<module>.interactions(size)``, displayed, with timestamps."""

    def __init__(self, module: str, size: int, baseline: str | None = None) -> None:
        mod = importlib.import_module(f"course.widgets.{module}")
        if baseline is None:
            self.widget, self.actions = mod.interactions(size)
        else:
            self.widget, self.actions = self._on_baseline(mod, importlib.import_module(f"{baseline}.widgets.{module}"),
                                                          size)
        self.events: list[tuple[str, float]] = []
        kernel = get_ipython().kernel
        for name in ("comm_msg", "execute_request"):
            kernel.shell_handlers[name] = self._stamped(name, kernel.shell_handlers[name])
        if hasattr(self.widget, "timed"):
            self._stamp_context("timed")
        else:
            for name in ("update", "_draw"):
                if hasattr(self.widget, name):
                    self._stamp_method(name)
        display(self.widget)

    @staticmethod
    def _on_baseline(mod, old, size: int):
        """``mod.interactions(size)`` with ``mod``'s widget classes swapped for those of ``old``."""
        classes = {name: getattr(old, name) for name, v in vars(mod).items()
                   if isinstance(v, type) and v.__module__ == mod.__name__ and hasattr(old, name)}
        saved = {name: getattr(mod, name) for name in classes}
        vars(mod).update(classes)
        try:
            return mod.interactions(size)
        finally:
            vars(mod).update(saved)

    def _stamp_context(self, name: str) -> None:
        original = getattr(self.widget, name)

        @contextmanager
        def stamped():
            self.events.append(("update_start", time.time()))
            with original():
                yield
            self.events.append(("update_end", time.time()))

        setattr(self.widget, name, stamped)

    def _stamp_method(self, name: str) -> None:
        original = getattr(self.widget, name)

        def stamped(*args, **kwargs):
            self.events.append(("update_start", time.time()))
            try:
                return original(*args, **kwargs)
            finally:
                self.events.append(("update_end", time.time()))

        setattr(self.widget, name, stamped)

    def _stamped(self, name, handler):
        async def handle(*args, **kwargs):
            self.events.append((name, time.time()))
            result = handler(*args, **kwargs)
            if inspect.isawaitable(result):
                result = await result
            return result
        return handle

    def specs(self) -> str:
        """The scripted actions as JSON, for the page."""
        return json.dumps([a.spec() for a in self.actions])

    def run(self, index: int) -> None:
        """Run action ``index`` in the kernel (actions that touch no control: a training loop's callback)."""
        self.actions[index]()

    def take(self) -> str:
        """The events recorded so far, as JSON (and forget them)."""
        events, self.events = self.events, []
        return json.dumps(events)
