"""Turning arrays into bytes an ``ipywidgets.Image`` shows, fast enough for live updates."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image


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


def png_bytes(img: np.ndarray, mode: str = "clip") -> bytes:
    """PNG bytes of a grey (H, W) or colour (H, W, 3) float image."""
    buf = io.BytesIO()
    Image.fromarray(to_uint8(img, mode)).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def decode_png(data: bytes) -> np.ndarray:
    """The uint8 pixels of PNG bytes (used by tests to check what a widget shows)."""
    return np.asarray(Image.open(io.BytesIO(data)))
