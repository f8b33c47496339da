"""Named 3x3 kernels: the classic filters the widgets apply to photos and the notebooks refer to."""

from __future__ import annotations

import numpy as np

KERNELS: dict[str, np.ndarray] = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], float),
    "box blur": np.full((3, 3), 1 / 9),
    "Gaussian": np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], float) / 16,
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], float),
    "Sobel x": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], float),
    "Sobel y": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], float),
    "Laplacian": np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], float),
    "emboss": np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], float),
    "outline": np.array([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]], float),
}

#: for one colour channel of a filter: the named kernels, plus "zero" (ignore the channel) and "negative"
CHANNEL_KERNELS: dict[str, np.ndarray] = {
    "zero": np.zeros((3, 3)),
    **KERNELS,
    "negative": -KERNELS["identity"],
}

#: Filters of a layer on RGB images, made of the channel kernels: (kernel for R, for G, for B) and what the
#: filter looks for (the channel explorer's starting filter bank).
COLOUR_FILTERS: tuple[tuple[tuple[str, str, str], str], ...] = (
    (("Sobel x", "Sobel x", "Sobel x"), "vertical edges in any colour"),
    (("identity", "negative", "zero"), "red minus green"),
    (("Sobel y", "Sobel y", "Sobel y"), "horizontal edges in any colour"),
    (("zero", "negative", "identity"), "blue minus green"),
    (("box blur", "box blur", "box blur"), "blurred brightness"),
    (("Laplacian", "zero", "zero"), "spots in the red channel"),
    (("Gaussian", "Gaussian", "negative"), "yellow minus blue"),
    (("outline", "outline", "outline"), "outlines"),
)
