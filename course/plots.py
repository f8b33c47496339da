"""Figures drawn by code: numbered grids for worked examples and image panels."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle


def draw_grid(ax, values, title: str = "", highlight: tuple[int, int, int, int] | None = None,
              cmap: str = "Blues", fmt: str = "{:g}", color: str = "tab:red") -> None:
    """Draw a small matrix as a grid of numbered cells; ``highlight=(row, col, h, w)`` outlines a window."""
    values = np.asarray(values, dtype=float)
    ax.imshow(values, cmap=cmap, vmin=min(values.min(), 0), vmax=values.max() * 1.6 + 1e-9)
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=11)
    ax.set_xticks(np.arange(-0.5, values.shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, values.shape[0]), minor=True)
    ax.grid(which="minor", color="k", linewidth=1)
    ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
    if highlight is not None:
        r, c, h, w = highlight
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), w, h, fill=False, edgecolor=color, linewidth=3))
    ax.set_title(title)


def show_images(images: Sequence[np.ndarray], titles: Sequence[str] = (), cmap: str = "gray",
                size: float = 3.0, cols: int | None = None):
    """Show images side by side (grey ones with ``cmap``); returns the figure."""
    n = len(images)
    cols = cols or n
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(size * cols, size * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, img, title in zip(axes.flat, images, list(titles) + [""] * n, strict=False):
        ax.imshow(img, cmap=None if np.ndim(img) == 3 else cmap)
        ax.set_title(title)
    fig.tight_layout()
    return fig


def worked_example(X, K, out_index: tuple[int, int], stride: int = 1, title: str = ""):
    """Input, kernel and output side by side with the window for output ``out_index`` outlined."""
    X, K = np.asarray(X, float), np.asarray(K, float)
    kh, kw = K.shape
    oh, ow = (X.shape[0] - kh) // stride + 1, (X.shape[1] - kw) // stride + 1
    i, j = out_index
    out = np.full((oh, ow), np.nan)
    for a in range(oh):
        for b in range(ow):
            if (a, b) <= (i, j):
                out[a, b] = (X[a * stride:a * stride + kh, b * stride:b * stride + kw] * K).sum()
    fig, axes = plt.subplots(1, 3, figsize=(9, 3))
    draw_grid(axes[0], X, "input I", highlight=(i * stride, j * stride, kh, kw))
    draw_grid(axes[1], K, "kernel K", cmap="Oranges")
    shown = np.nan_to_num(out, nan=0.0)
    draw_grid(axes[2], shown, "output S", highlight=(i, j, 1, 1), cmap="Greens",
              fmt="{:g}")
    for (a, b), v in np.ndenumerate(out):
        if np.isnan(v):
            axes[2].texts[a * ow + b].set_text("")
    window = X[i * stride:i * stride + kh, j * stride:j * stride + kw]
    terms = " + ".join(f"{a:g}×{b:g}" for a, b in zip(window.ravel(), K.ravel(), strict=True))
    fig.suptitle(title or f"S[{i},{j}] = {terms} = {(window * K).sum():g}")
    fig.tight_layout()
    return fig
