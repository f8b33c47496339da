"""Kernel side of bench/browser_latency.py: its source is the first cell of the notebook the benchmark opens.

``_bench = Probe(module, size)`` builds a widget from its module's scripted interactions, displays it and
timestamps (``time.time()``, to line up with the browser's clock) each message the kernel starts handling
(``comm_msg`` from a control, ``execute_request`` for a kernel-side action) and the start and end of each timed
update of the widget (``CourseWidget.timed``).
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

    def __init__(self, module: str, size: int) -> None:
        mod = importlib.import_module(f"course.widgets.{module}")
        self.widget, self.actions = mod.interactions(size)
        self.events: list[tuple[str, float]] = []
        kernel = get_ipython().kernel
        for name in ("comm_msg", "execute_request"):
            kernel.shell_handlers[name] = self._stamped(name, kernel.shell_handlers[name])
        timed = self.widget.timed

        @contextmanager
        def stamped_timed():
            self.events.append(("update_start", time.time()))
            with timed():
                yield
            self.events.append(("update_end", time.time()))

        self.widget.timed = stamped_timed
        display(self.widget)

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
