"""The base of every course widget: a timed update, one way to show errors, a re-entrancy guard, pictures
sent as data: URLs (:class:`PngImage`).

A widget subclasses :class:`CourseWidget`, builds its controls after ``super().__init__()``, sets
``self.children`` and calls ``self.update()``. It implements :meth:`~CourseWidget.render` (compute and draw the
pictures) and, if it reports anything, :meth:`~CourseWidget.describe` (the HTML of the status line)::

    class Blur(CourseWidget):
        default_size = 64

        def __init__(self, size: int = 64) -> None:
            super().__init__()
            self.width = widgets.IntSlider(value=3, min=1, max=9, description="width")
            self.picture = widgets.Image(format="png")
            self.watch(self.width)                      # a change redraws (not inside ``quiet()``)
            self.children = [self.width, self.picture, self.status]
            self.update()

        def render(self) -> None:
            self.picture.value = png_bytes(...)

        def describe(self) -> str:
            return f"{self.last_update_ms:.1f} ms"

Scripted interactions for tests and benchmarks are :mod:`course.widgets.actions`.
"""

from __future__ import annotations

import base64
import html
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any, ClassVar

import ipywidgets as widgets
from ipywidgets.widgets.trait_types import CByteMemoryView
from traitlets import Unicode

ERROR_COLOUR = "#b00"
OK_COLOUR = "#070"
MUTED_COLOUR = "#888"


def coloured(text_html: str, colour: str) -> str:
    """``text_html`` (already HTML) in a span of ``colour``."""
    return f"<span style='color:{colour}'>{text_html}</span>"


def error_html(text_html: str) -> str:
    """An error in the status line: ``text_html`` (already HTML) in red."""
    return coloured(text_html, ERROR_COLOUR)


def raised(what: str, exc: BaseException) -> str:
    """Plain text for a failed call, e.g. ``"your function raised ValueError: bad shape"``."""
    return f"{what} raised {type(exc).__name__}: {exc}"


def escape(text: str) -> str:
    """Plain text (an exception's message, say) made safe to put in HTML."""
    return html.escape(str(text), quote=False)


class ShownError(Exception):
    """Raised by :meth:`CourseWidget.render` to stop an update and show its message (the pictures stay)."""


class CourseWidget(widgets.VBox):
    """A course widget: ``update()`` renders and times itself, shows errors instead of raising them.

    After each update ``last_update_ms`` holds the time the update took (compute and PNG encoding), ``updates``
    counts the updates done, ``error`` is ``""`` or the message shown and ``status`` (an ``HTML`` widget the
    subclass places in its layout) holds :meth:`describe`'s text or the error.
    """

    #: the input size the widget is shown at by default (each widget sets it; the benchmarks measure it)
    default_size: ClassVar[int]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.status = widgets.HTML()
        self.last_update_ms = 0.0
        self.updates = 0
        self.error = ""
        self._quiet_depth = 0
        self._timing_depth = 0

    # ---- the update cycle ------------------------------------------------------------------------------
    def update(self) -> None:
        """Recompute and redraw (timed into ``last_update_ms``), then show :meth:`describe` in ``status``.

        A :class:`ShownError` from :meth:`render` (a student's function failed, the input is invalid) is
        shown in ``status`` instead of being raised; the pictures of the last good update stay.
        """
        self.error = ""
        try:
            with self.timed():
                self.render()
        except ShownError as exc:
            self.show_error(str(exc))
            return
        self.status.value = self.describe()

    def render(self) -> None:
        """Compute and draw the pictures for the current controls (subclasses implement it)."""
        raise NotImplementedError(f"{type(self).__name__} must implement render()")

    def describe(self) -> str:
        """HTML for ``status`` after a successful update (``last_update_ms`` is already set)."""
        return ""

    @contextmanager
    def timed(self) -> Iterator[None]:
        """Time the block into ``last_update_ms`` (nothing is recorded if it raises).

        Blocks may nest (a new photo is loaded, then updated): each records its own time, the outermost
        last, and only the outermost counts in ``updates``.
        """
        self._timing_depth += 1
        start = time.perf_counter()
        try:
            yield
        finally:
            self._timing_depth -= 1
        self.last_update_ms = (time.perf_counter() - start) * 1e3
        if self._timing_depth == 0:
            self.updates += 1

    def show_error(self, text: str) -> None:
        """Show plain ``text`` in red in ``status`` and keep it in ``error``."""
        self.error = text
        self.status.value = error_html(escape(text))

    # ---- controls --------------------------------------------------------------------------------------
    @contextmanager
    def quiet(self) -> Iterator[None]:
        """Set controls inside this block without their observers redrawing (the caller redraws once)."""
        self._quiet_depth += 1
        try:
            yield
        finally:
            self._quiet_depth -= 1

    @property
    def is_quiet(self) -> bool:
        """True inside :meth:`quiet`."""
        return self._quiet_depth > 0

    def watch(self, *controls: widgets.Widget, handler: Callable[[dict], None] | None = None,
              names: str = "value") -> None:
        """Call ``handler(change)`` (default: :meth:`update`) when a control's ``names`` trait changes,
        except inside :meth:`quiet`."""
        def on_change(change: dict) -> None:
            if self._quiet_depth:
                return
            if handler is None:
                self.update()
            else:
                handler(change)

        for control in controls:
            control.observe(on_change, names=names)

    @contextmanager
    def sync_after(self, controls: Iterable[widgets.Widget]) -> Iterator[None]:
        """Send the changes of ``controls`` made in this block to the browser only at its end.

        Use it when an update sets many controls (a preset fills a grid of numbers): the new picture is
        sent first, the control values after it, so the picture does not wait behind them.
        """
        with ExitStack() as stack:
            for control in controls:
                stack.enter_context(control.hold_sync())
            yield


# ---- pictures ------------------------------------------------------------------------------------------
PREFIX = b"data:image/png;base64,"


def png_to_url(value: bytes | memoryview, _widget: widgets.Widget | None = None) -> memoryview:
    """PNG bytes -> the bytes of their ``data:`` URL (what the browser receives); no bytes -> no URL."""
    data = bytes(value)
    return memoryview(PREFIX + base64.b64encode(data) if data else b"")


def url_to_png(value: bytes | memoryview, _widget: widgets.Widget | None = None) -> bytes:
    """The inverse of :func:`png_to_url` (bytes that are not such a URL are kept as they are)."""
    data = bytes(value)
    return base64.b64decode(data[len(PREFIX):]) if data.startswith(PREFIX) else data


def _as_url(_format: str, _widget: widgets.Widget) -> str:
    return "url"


class PngImage(widgets.Image):
    """An ``Image`` of PNG bytes that reaches the browser as a ``data:`` URL instead of a blob.

    In Python it is an ``Image`` like any other: ``value`` holds the PNG bytes, ``format`` is ``"png"``. Only
    what is sent differs: the bytes of ``data:image/png;base64,...`` with format ``"url"``, which ipywidgets'
    image view puts straight into the ``<img>``'s ``src``: the page shows the same picture. For PNG bytes the
    view makes a ``Blob`` and a blob URL (two synchronous calls from the page to Chromium's browser process,
    0.5-2 ms each on the loaded 2-core machine) and the ``<img>`` fetches the blob back from that process; a
    widget that redraws several pictures per change pays it for each, on the page's one thread, before the
    next picture's message is handled (bench/RESULTS.md, section 4b).
    """

    value = CByteMemoryView(help="The PNG bytes of the picture.").tag(sync=True, to_json=png_to_url,
                                                                      from_json=url_to_png)
    format = Unicode("png", read_only=True, help="Always png (sent as 'url': the value is a data URL).").tag(
        sync=True, to_json=_as_url)
