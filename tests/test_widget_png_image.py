"""PngImage (course/widgets/base.py): PNG bytes in Python, a data: URL on the wire, the same picture."""

from __future__ import annotations

import base64

import ipywidgets as widgets
import numpy as np
import pytest
from ipywidgets.widgets.widget import _remove_buffers
from traitlets import TraitError

from course.widgets.base import PREFIX, PngImage, png_to_url, url_to_png
from course.widgets.channel_explorer import ChannelExplorer
from course.widgets.render import decode_png, png_bytes


def picture() -> bytes:
    rng = np.random.default_rng(0)
    return png_bytes(rng.integers(0, 256, (12, 20, 3), dtype=np.uint8), photo=True)


def test_python_side_is_an_image_of_png_bytes():
    png = picture()
    img = PngImage(value=png)
    assert isinstance(img, widgets.Image)
    assert img.format == "png"
    assert bytes(img.value) == png
    assert decode_png(img.value).shape == (12, 20, 3)


def test_the_browser_gets_a_data_url_of_the_same_bytes_as_a_binary_buffer():
    png = picture()
    state = PngImage(value=png).get_state()
    assert state["format"] == "url"                   # ipywidgets' image view puts the value into src as is
    url = bytes(state["value"])
    assert url.startswith(b"data:image/png;base64,")
    assert base64.b64decode(url[len(PREFIX):]) == png
    _, paths, buffers = _remove_buffers({"value": state["value"]})
    assert paths == [["value"]] and bytes(buffers[0]) == url   # sent as a buffer, not inside the JSON


def test_round_trip_and_empty_value():
    png = picture()
    assert url_to_png(png_to_url(png)) == png
    assert bytes(png_to_url(b"")) == b""
    assert url_to_png(png) == png                     # bytes that are not a data URL are kept
    img = PngImage()
    img.set_state({"value": png_to_url(png)})         # a state coming back from the browser
    assert bytes(img.value) == png


def test_format_stays_png():
    with pytest.raises(TraitError):
        PngImage(format="jpeg")


def test_channel_explorer_pictures_are_png_images():
    w = ChannelExplorer(size=32)
    pictures = [w.input_image, *w.channel_images, *w.response_images, w.sum_image, *w.output_images]
    assert all(isinstance(p, PngImage) for p in pictures)
    assert len({id(p) for p in pictures}) == 1 + 3 + 3 + 1 + len(w.output_images)
    for p in pictures[:8]:
        assert bytes(p.get_state("value")["value"]) == bytes(png_to_url(p.value))
