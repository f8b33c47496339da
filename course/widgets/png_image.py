"""An ``ipywidgets.Image`` of PNG bytes that reaches the browser as a ``data:`` URL instead of a blob.

In Python a :class:`PngImage` is an ``Image`` like any other: ``value`` holds the PNG bytes, ``format`` is
``"png"``. Only what is sent differs: the picture travels as the bytes of ``data:image/png;base64,...`` with
format ``"url"``, which ipywidgets' image view puts straight into the ``<img>``'s ``src``. The page shows the
same picture; what it saves is the way there. For PNG bytes the view makes a ``Blob`` and a blob URL (two
synchronous calls from the page to Chromium's browser process, 0.5-2 ms each on the loaded 2-core machine,
which the process must answer before the page goes on), then the ``<img>`` fetches the blob back from that
process. A widget that redraws several pictures per change pays that for each of them, on the page's one
thread, before the next picture's message is handled (bench/RESULTS.md, section 4b).
"""

from __future__ import annotations

import base64

import ipywidgets as widgets
from ipywidgets.widgets.trait_types import CByteMemoryView
from traitlets import Unicode

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
    """An ``Image`` showing PNG bytes (``value``), sent to the browser as a ``data:`` URL (module docstring)."""

    value = CByteMemoryView(help="The PNG bytes of the picture.").tag(sync=True, to_json=png_to_url,
                                                                      from_json=url_to_png)
    format = Unicode("png", read_only=True, help="Always png (sent as 'url': the value is a data URL).").tag(
        sync=True, to_json=_as_url)
