"""Picture helpers of the widgets (course/widgets/render.py): PNG encoding, scaling, marks."""

from __future__ import annotations

import numpy as np
import pytest

from course.images import sample_image
from course.widgets.render import (
    PIXELATED,
    block_all,
    block_any,
    decode_png,
    display_mode,
    dots,
    fit,
    fit_width,
    outline,
    pixelated_style,
    png_bytes,
    sent_scale,
    shrink,
    to_rgb,
    to_uint8,
    upscale,
)

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("shape", [(1, 1), (7, 13), (64, 48), (5, 9, 3), (33, 20, 4)])
def test_png_round_trip_is_exact(shape):
    pixels = RNG.integers(0, 256, size=shape, dtype=np.uint8)
    data = png_bytes(pixels)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert np.array_equal(decode_png(data), pixels), "Pillow reads back the same pixels"


@pytest.mark.parametrize("shape", [(1, 1), (7, 13), (64, 48), (5, 9, 3), (33, 20, 4)])
@pytest.mark.parametrize("scale", [1, 3])
def test_photo_png_is_the_same_picture_in_fewer_bytes(shape, scale):
    pixels = RNG.integers(0, 256, size=shape, dtype=np.uint8)
    assert np.array_equal(decode_png(png_bytes(pixels, scale=scale, photo=True)), upscale(pixels, scale))
    photo = sample_image("flower", gray=False, size=128)      # smooth from line to line: "Up" pays
    assert len(png_bytes(photo, photo=True)) < 0.9 * len(png_bytes(photo))
    assert np.array_equal(decode_png(png_bytes(photo, photo=True)), to_uint8(photo))


def test_png_of_float_images_and_views():
    img = RNG.normal(size=(20, 30))
    for mode in ("clip", "abs", "rescale"):
        assert np.array_equal(decode_png(png_bytes(img, mode)), to_uint8(img, mode))
    view = RNG.random((40, 40, 3))[::2, ::-3]                      # not contiguous
    assert np.array_equal(decode_png(png_bytes(view)), to_uint8(view))
    assert np.array_equal(decode_png(png_bytes(img[:, :, None] > 0)), to_uint8(img > 0))


@pytest.mark.parametrize("shape", [(0, 5), (4,), (3, 3, 2), (2, 2, 2, 3)])
def test_png_refuses_other_shapes(shape):
    with pytest.raises(ValueError, match="png_bytes takes"):
        png_bytes(np.zeros(shape, dtype=np.uint8))


def test_fit_and_upscale():
    assert fit(64, 320) == (5, 1) and fit(320, 320) == (1, 1) and fit(700, 320) == (1, 3)
    img = np.arange(6).reshape(2, 3)
    big = upscale(img, 3)
    assert big.shape == (6, 9) and np.array_equal(big[::3, ::3], img) and (big[:3, :3] == 0).all()
    assert upscale(img, 1) is img


@pytest.mark.parametrize("n", [4, 31, 32, 62, 64, 100])
def test_a_picture_sent_small_looks_the_same_enlarged_without_smoothing(n):
    up = fit(n, 320)[0]
    sent = sent_scale(n, up)
    assert 1 <= sent <= up and (n * sent >= 64 or sent == up)
    img = RNG.random((n, n, 3))
    full, small = decode_png(png_bytes(img, scale=up)), decode_png(png_bytes(img, scale=sent))
    nearest = ((np.arange(n * up) + 0.5) * (n * sent) / (n * up)).astype(int)   # what `pixelated` samples
    assert np.array_equal(small[nearest][:, nearest], full)
    assert f".{PIXELATED}" in pixelated_style() and "image-rendering: pixelated" in pixelated_style()


def box_means(n: int, m: int) -> np.ndarray:
    """(m, n): new pixel i is the mean of the old pixels from round(i n / m) to before round((i + 1) n / m)."""
    edges = np.floor(np.arange(m + 1) * n / m + 0.5).astype(int)
    inside = (np.arange(n) >= edges[:-1, None]) & (np.arange(n) < edges[1:, None])
    return inside / inside.sum(axis=1, keepdims=True)


@pytest.mark.parametrize(("shape", "width"), [((254, 254), 180), ((256, 256, 3), 180), ((100, 254), 127),
                                              ((84, 84), 100), ((180, 180, 3), 180)])
def test_fit_width_averages_the_area_of_each_new_pixel(shape, width):
    img = (RNG.random(shape) * 255).astype(np.uint8)
    out = fit_width(img, width)
    if shape[1] <= width:
        assert out is img                                     # narrow enough: sent as it is
        return
    h = round(shape[0] * width / shape[1])
    assert out.shape == (h, width, *shape[2:]) and out.dtype == np.uint8
    rows, cols = box_means(shape[0], h), box_means(shape[1], width)
    expected = np.einsum("ij,jk...,lk->il...", rows, img.astype(float), cols)
    assert np.abs(out - expected).max() <= 1
    assert (fit_width(np.full(shape, 77, np.uint8), width) == 77).all()


def test_shrink_and_blocks():
    img = np.arange(16.0).reshape(4, 4) - 8
    assert np.allclose(shrink(img, 2, "rescale"), img.reshape(2, 2, 2, 2).mean(axis=(1, 3)))
    assert np.allclose(shrink(img, 2, "abs"), np.abs(img).reshape(2, 2, 2, 2).max(axis=(1, 3)))
    mask = np.zeros((5, 5), bool)
    mask[0, 0] = True
    assert block_any(mask, 2).tolist() == [[True, False, False], [False, False, False], [False, False, False]]
    assert not block_all(mask, 2).any() and block_all(~mask, 2)[1:, 1:].all()


def test_outline_inside_and_around():
    img = np.zeros((8, 8))
    outline(img, 2, 2, 4, 4, 1.0)
    assert img[2, 2:6].all() and img[5, 2:6].all() and img[2:6, 2].all() and not img[3:5, 3:5].any()
    assert img.sum() == 12
    img = np.zeros((8, 8))
    outline(img, 2, 2, 4, 4, 1.0, thick=1, outside=True)
    assert not img[2:6, 2:6].any(), "around the box: the box itself stays visible"
    assert img[1, 1:7].all() and img[6, 1:7].all() and img.sum() == 20
    edge = np.zeros((4, 4))
    outline(edge, 0, 0, 2, 2, 1.0, thick=2, outside=True)           # clipped at the image border
    assert not edge[:2, :2].any() and edge[2:4, :4].all()


def test_dots_are_discs_clipped_to_the_image():
    img = np.zeros((9, 9), dtype=np.uint8)
    dots(img, [4.2], [3.8], 2, 7)
    assert img[4, 2:7].tolist() == [7] * 5 and img[2:7, 4].tolist() == [7] * 5, "radius 2 around (4, 4)"
    assert img.sum() == 7 * 13 and img[2, 2] == 0, "a disc, not a square"
    rgb = np.zeros((4, 4, 3))
    dots(rgb, [0, 3], [0, 3], 1, [1.0, 0.5, 0.0])                     # at the corners: clipped, no error
    assert (rgb[0, 0] == [1.0, 0.5, 0.0]).all() and rgb[..., 0].sum() == 6 and not rgb[1:3, 1:3].any()


def test_display_mode_and_rgb():
    assert display_mode(0.0) == "abs" and display_mode([0.0, 1e-12]) == "abs"
    assert display_mode(1.0) == "rescale" and display_mode(1.0, otherwise="clip") == "clip"
    assert to_rgb(np.eye(2)).shape == (2, 2, 3) and (to_rgb(np.eye(2))[..., 1] == np.eye(2)).all()


@pytest.mark.parametrize("mode", ["clip", "abs", "rescale"])
def test_png_scale_is_upscale_after_the_mapping(mode):
    img = RNG.normal(size=(6, 5, 3))
    assert np.array_equal(decode_png(png_bytes(img, mode, scale=4)), decode_png(png_bytes(upscale(img, 4), mode)))
