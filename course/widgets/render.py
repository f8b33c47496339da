"""Arrays into pictures an ``ipywidgets.Image`` shows, fast enough for live updates: scaling, marking, PNG.

The images themselves (photos, synthetic test images) come from :mod:`course.images`.
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image


# ---- values to pixels -----------------------------------------------------------------------------------
def to_uint8(img: np.ndarray, mode: str = "clip") -> np.ndarray:
    """Map a float image to 0..255: ``clip`` keeps [0, 1]; ``abs`` and ``rescale`` stretch to the range."""
    img = np.asarray(img, dtype=np.float64)
    if mode == "clip":
        out = np.clip(img, 0.0, 1.0)
    elif mode == "abs":
        a = np.abs(img)
        out = a / (a.max() or 1.0)
    elif mode == "rescale":
        lo, hi = img.min(), img.max()
        out = (img - lo) / ((hi - lo) or 1.0)
    else:
        raise ValueError(f"mode must be 'clip', 'abs' or 'rescale', got {mode!r}")
    return (out * 255.0 + 0.5).astype(np.uint8)


def display_mode(kernel_sums, otherwise: str = "rescale") -> str:
    """How a filter's response is shown. If every kernel involved sums to 0 (Sobel, Laplacian, ...), the
    response is a signed edge map: show its magnitude (``abs``). Otherwise ``otherwise``: ``rescale`` stretches
    a signed mixture (red minus green) to black..white, ``clip`` shows a blur or sharpening as a photo."""
    return "abs" if np.all(np.abs(np.asarray(kernel_sums, dtype=float)) < 1e-9) else otherwise


_COLOUR_TYPE = {1: 0, 3: 2, 4: 6}   # PNG colour type by channels: grey, RGB, RGBA


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def png_bytes(img: np.ndarray, mode: str = "clip", scale: int = 1, photo: bool = False) -> bytes:
    """PNG bytes of a grey (H, W) or colour (H, W, 3) image: float (mapped by ``mode``) or uint8 (as is),
    each pixel drawn as a ``scale`` x ``scale`` block (scaled after the mapping to bytes: the same picture as
    ``png_bytes(upscale(img, scale))`` for far less work).

    Written here rather than by Pillow: deflated at level 1, every scanline unfiltered. Pillow always tries
    the five PNG filters on every line, which made encoding most of a widget's update (2-9x slower for the
    same pixels; bench/RESULTS.md, section 4); pictures drawn by code compress well without them. A ``photo``
    (a photo, a filter's response: few repeated runs) is written with every line as its difference to the
    line above (PNG's "Up" filter) and deflated as runs (``Z_RLE``): 10-30 % fewer bytes in about half the
    time (for drawn pictures the plain way is smaller).
    """
    img = np.asarray(img)
    pixels = upscale(img if img.dtype == np.uint8 else to_uint8(img, mode), scale)
    if pixels.ndim == 3 and pixels.shape[2] == 1:
        pixels = pixels[:, :, 0]
    channels = 1 if pixels.ndim == 2 else pixels.shape[-1]
    if pixels.ndim not in (2, 3) or channels not in _COLOUR_TYPE or 0 in pixels.shape:
        raise ValueError(f"png_bytes takes a non-empty (H, W), (H, W, 3) or (H, W, 4) image, got {img.shape}")
    h, w = pixels.shape[:2]
    flat = pixels.reshape(h, w * channels)
    rows = np.empty((h, 1 + w * channels), dtype=np.uint8)    # a filter byte before every line
    rows[:, 0] = 2 if photo else 0
    rows[:, 1:] = flat
    if photo:
        np.subtract(flat[1:], flat[:-1], out=rows[1:, 1:])      # "Up": modulo 256, the first line as is
    deflate = zlib.compressobj(1, zlib.DEFLATED, 15, 8, zlib.Z_RLE if photo else zlib.Z_DEFAULT_STRATEGY)
    header = struct.pack(">IIBBBBB", w, h, 8, _COLOUR_TYPE[channels], 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", deflate.compress(rows.tobytes()) + deflate.flush()) + _chunk(b"IEND", b""))


def decode_png(data: bytes) -> np.ndarray:
    """The uint8 pixels of PNG bytes (used by tests to check what a widget shows)."""
    return np.asarray(Image.open(io.BytesIO(data)))


def to_rgb(grey: np.ndarray) -> np.ndarray:
    """(H, W) -> (H, W, 3): the same value in the three channels (to draw colour marks on it)."""
    return np.repeat(np.asarray(grey)[..., None], 3, axis=2)


# ---- sizes ----------------------------------------------------------------------------------------------
def fit(n: int, display_px: int) -> tuple[int, int]:
    """``(up, down)``: show ``n`` pixels at about ``display_px`` by repeating each ``up`` times (small images)
    or keeping every ``down``-th (large ones)."""
    if n <= display_px:
        return max(1, display_px // n), 1
    return 1, -(-n // display_px)


def sent_scale(n: int, up: int, least: int = 64) -> int:
    """How many times to enlarge a picture of ``n`` pixels meant to be shown ``up`` times enlarged: just
    enough for ``least`` pixels (at most ``up``); the browser does the rest (:data:`PIXELATED`). Fewer pixels
    to encode, send and decode, and the same look when every mark is a whole pixel of the small picture:
    each becomes a block whose edges land on whole screen pixels."""
    return min(up, max(1, -(-least // n)))


def display_step(size: int, target: int) -> int:
    """Subsampling factor so that a ``size``-pixel side is shown with about ``target`` pixels."""
    return max(1, round(int(size) / int(target)))


def fit_width(pixels: np.ndarray, width: int) -> np.ndarray:
    """uint8 (H, W) or (H, W, 3) ``pixels`` at most ``width`` wide: a wider picture is reduced (its height in
    proportion) by averaging the area each new pixel covers, as a browser shrinks it into a box that wide. A
    picture sent at the size its box shows it costs fewer bytes to send and decode, and looks the same."""
    h, w = pixels.shape[:2]
    if w <= width:
        return pixels
    size = (int(width), max(1, round(h * width / w)))
    return np.asarray(Image.fromarray(pixels).resize(size, Image.Resampling.BOX))


def upscale(img: np.ndarray, factor: int) -> np.ndarray:
    """Each pixel of an (H, W) or (H, W, C) image becomes a ``factor`` x ``factor`` block."""
    if factor == 1:
        return img
    return np.repeat(np.repeat(img, factor, axis=0), factor, axis=1)


def shrink(img: np.ndarray, step: int, mode: str) -> np.ndarray:
    """Downsample (H, W) or (H, W, 3) by ``step`` in blocks: the mean of each block, or for ``abs`` mode the
    largest |value| (so thin edges survive)."""
    if step == 1:
        return img
    h, w = img.shape[0] // step, img.shape[1] // step
    parts = [img[i:h * step:step, j:w * step:step] for i in range(step) for j in range(step)]
    if mode == "abs":
        return np.maximum.reduce([np.abs(p) for p in parts])
    return np.add.reduce(parts) / len(parts)


def _blocks(mask: np.ndarray, d: int) -> np.ndarray:
    h, w = mask.shape
    H, W = -(-h // d) * d, -(-w // d) * d
    padded = np.zeros((H, W), dtype=bool)
    padded[:h, :w] = mask
    return padded.reshape(H // d, d, W // d, d)


def block_any(mask: np.ndarray, d: int) -> np.ndarray:
    """Downsample a boolean mask by ``d``: a shown pixel is True if any pixel of its block is."""
    return mask if d == 1 else _blocks(mask, d).any(axis=(1, 3))


def block_all(mask: np.ndarray, d: int) -> np.ndarray:
    """Downsample a boolean mask by ``d``: a shown pixel is True if every pixel of its block is."""
    return mask if d == 1 else ~_blocks(~mask, d).any(axis=(1, 3))


# ---- in the browser ------------------------------------------------------------------------------------
#: CSS class of an ``ipywidgets.Image`` the browser enlarges without smoothing (``image.add_class(PIXELATED)``;
#: the widget shows :func:`pixelated_style` once)
PIXELATED = "course-pixelated"


def pixelated_style() -> str:
    """HTML (for a ``widgets.HTML`` in the widget's layout) making :data:`PIXELATED` images scale blockily."""
    return f"<style>.{PIXELATED}, .{PIXELATED} img {{image-rendering: pixelated}}</style>"


# ---- marks ----------------------------------------------------------------------------------------------
def grid_lines(img: np.ndarray, cell: int, colour) -> np.ndarray:
    """Draw a line of ``colour`` along the last row and column of every ``cell`` x ``cell`` block, in place."""
    img[cell - 1::cell, :] = colour
    img[:, cell - 1::cell] = colour
    return img


def outline(img: np.ndarray, top: int, left: int, height: int, width: int, colour, thick: int = 1,
            outside: bool = False) -> None:
    """Draw a rectangle's outline in place, clipped to the image: ``thick`` pixels inside its edge, or with
    ``outside`` around it (the rectangle itself stays visible)."""
    H, W = img.shape[:2]
    if outside:
        b, r = min(top + height, H), min(left + width, W)
        t0, l0 = max(top - thick, 0), max(left - thick, 0)
        img[t0:top, l0:r + thick] = colour
        img[b:b + thick, l0:r + thick] = colour
        img[t0:b + thick, l0:left] = colour
        img[t0:b + thick, r:r + thick] = colour
        return
    r0, c0 = max(top, 0), max(left, 0)
    r1, c1 = min(top + height, H), min(left + width, W)
    if r0 >= r1 or c0 >= c1:
        return
    img[r0:min(r0 + thick, r1), c0:c1] = colour
    img[max(r1 - thick, r0):r1, c0:c1] = colour
    img[r0:r1, c0:min(c0 + thick, c1)] = colour
    img[r0:r1, max(c1 - thick, c0):c1] = colour


def dots(img: np.ndarray, ys, xs, radius: float, colour) -> None:
    """Draw filled discs of ``radius`` pixels centred at (``ys``, ``xs``) (sequences of equal length), in place,
    clipped to the image."""
    r = int(np.ceil(radius))
    u, v = np.mgrid[-r:r + 1, -r:r + 1]
    inside = u ** 2 + v ** 2 <= radius ** 2
    rows = np.rint(np.ravel(ys))[:, None].astype(int) + u[inside][None, :]
    cols = np.rint(np.ravel(xs))[:, None].astype(int) + v[inside][None, :]
    ok = (rows >= 0) & (rows < img.shape[0]) & (cols >= 0) & (cols < img.shape[1])
    img[rows[ok], cols[ok]] = colour
