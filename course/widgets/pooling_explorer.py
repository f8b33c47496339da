"""Pooling explorer: max or average pooling of a real photo, and which outputs a small shift changes."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
import numpy as np

from course.images import sample_image, shift_image
from course.widgets import actions
from course.widgets.base import CourseWidget, ShownError, raised
from course.widgets.render import (
    PIXELATED,
    block_all,
    block_any,
    fit,
    outline,
    pixelated_style,
    png_bytes,
    sent_scale,
    to_rgb,
    to_uint8,
    upscale,
)

#: colours (RGB in [0, 1]) used in the pictures
GRID = np.array([1.0, 0.8, 0.0])      # window starts
WINDOW = np.array([0.9, 0.1, 0.1])    # the window of the middle output
FILL = np.array([0.2, 0.4, 1.0])      # zero fill brought in by the shift / outputs that see it
CHANGED = np.array([1.0, 0.15, 0.15])  # outputs changed by the shift
GRID8, WINDOW8 = to_uint8(GRID).astype(np.uint16), to_uint8(WINDOW)   # the same in bytes (marks drawn in uint8)


def fast_pool2d(X: np.ndarray, size: int, stride: int | None = None, padding: int = 0,
                mode: str = "max") -> np.ndarray:
    """The same numbers as :func:`course.torch_reference.torch_pool2d` (int arguments), computed separably:
    rows, then columns.

    A k x k window reduces to k strided slices per axis, so one update costs 2k vectorised operations
    whatever the stride. Measured on the course machine (2 shared cores, 512x512, stride 1), torch's
    ``max_pool2d`` takes 10-70 ms and its multi-threaded kernels slow down badly when the cores are busy;
    this takes about 1 ms. Max pooling gives identical values; average pooling sums in another order
    (differences of order 1e-16).
    """
    stride = size if stride is None else stride
    if size < 1 or stride < 1 or padding < 0 or padding > size // 2:
        raise ValueError(f"bad pooling arguments: size={size}, stride={stride}, padding={padding}")
    if mode not in ("max", "avg"):
        raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
    X = np.asarray(X, dtype=np.float64)
    if padding:
        X = np.pad(X, padding, constant_values=-np.inf if mode == "max" else 0.0)
    H, W = X.shape
    if size > H or size > W:
        raise ValueError(f"window {size}x{size} is larger than the (padded) input {H}x{W}")
    oh, ow = (H - size) // stride + 1, (W - size) // stride + 1
    combine = np.maximum if mode == "max" else np.add
    rows = X[0:(oh - 1) * stride + 1:stride].copy()
    for m in range(1, size):
        combine(rows, X[m:m + (oh - 1) * stride + 1:stride], out=rows)
    out = rows[:, 0:(ow - 1) * stride + 1:stride].copy()
    for m in range(1, size):
        combine(out, rows[:, m:m + (ow - 1) * stride + 1:stride], out=out)
    if mode == "avg":
        out /= size * size
    return out


class PoolingExplorer(CourseWidget):
    """Pool a grey photo with a window of ``size`` moved by ``stride``; shift the photo and compare.

    Three pictures: the (shifted) input with the window grid (a yellow line where each window starts, the
    window of the middle output in red, the zero fill brought in by the shift in blue), the pooled output,
    and the pooled output again with every output the shift changed in red (outputs whose window
    reaches into the zero fill are blue: they are not comparable).

    ``pool`` is any ``f(X, size, stride, padding, mode) -> array`` (pass your own ``pool2d``); the
    default, :func:`fast_pool2d`, computes what torch's pooling computes. After each update the arrays
    ``shifted``, ``reference`` (pooled unshifted input), ``pooled`` (pooled shifted input), ``valid``
    (outputs free of the fill) and ``changed`` (valid outputs that differ) are stored, with
    ``last_update_ms``.
    """

    default_size = 64

    def __init__(self, image: np.ndarray | None = None,
                 pool: Callable[..., np.ndarray] | None = None,
                 mode: str = "max", size: int = 2, stride: int = 2, shift: int = 0,
                 display_px: int = 320) -> None:
        image = np.ascontiguousarray(sample_image(size=self.default_size) if image is None else image,
                                     dtype=np.float64)
        if image.ndim != 2:
            raise ValueError(f"image must be a 2-D grey image, got shape {image.shape}")
        super().__init__()
        self.image = image
        self.pool = pool or fast_pool2d
        self.display_px = int(display_px)
        self.shifted: np.ndarray | None = None
        self.reference: np.ndarray | None = None
        self.pooled: np.ndarray | None = None
        self.valid: np.ndarray | None = None
        self.changed: np.ndarray | None = None
        self._reference_key: tuple | None = None
        self._input_key: tuple | None = None

        slider = {"continuous_update": True, "layout": widgets.Layout(width="260px")}
        self.mode = widgets.ToggleButtons(options=["max", "avg"], value=mode, description="mode",
                                          style={"button_width": "60px"})
        self.size = widgets.IntSlider(value=size, min=1, max=8, description="size", **slider)
        self.stride = widgets.IntSlider(value=stride, min=1, max=8, description="stride", **slider)
        self.shift_x = widgets.IntSlider(value=shift, min=0, max=8, description="shift →", **slider)
        self.shift_y = widgets.IntSlider(value=0, min=0, max=8, description="shift ↓", **slider)
        box = widgets.Layout(width=f"{self.display_px}px")
        self.input_view = widgets.Image(format="png", layout=box)
        self.output_view = widgets.Image(format="png", layout=box)
        self.changed_view = widgets.Image(format="png", layout=box)
        for view in (self.output_view, self.changed_view):   # sent small, enlarged by the browser
            view.add_class(PIXELATED)

        self.watch(self.mode, self.size, self.stride, self.shift_x, self.shift_y)
        titles = ["input (shifted), windows", "pooled output", "changed by the shift (red)"]
        panels = [widgets.VBox([widgets.HTML(f"<b>{t}</b>"), v])
                  for t, v in zip(titles, (self.input_view, self.output_view, self.changed_view), strict=True)]
        self.children = [
            widgets.HBox([self.mode, self.size, self.stride]),
            widgets.HBox([self.shift_x, self.shift_y]),
            widgets.HBox(panels),
            self.status,
            widgets.HTML(pixelated_style()),
        ]
        self.update()

    def render(self) -> None:
        """Shift, pool, compare and redraw the three pictures."""
        k, s, mode = self.size.value, self.stride.value, self.mode.value
        dy, dx = self.shift_y.value, self.shift_x.value
        shifted = shift_image(self.image, dy, dx)
        reference, pooled = self._pool_both(shifted, k, s, mode)
        oh, ow = pooled.shape
        valid = ((np.arange(oh) * s >= dy)[:, None] & (np.arange(ow) * s >= dx)[None, :])
        self.shifted, self.reference, self.pooled = shifted, reference, pooled
        self.valid, self.changed = valid, (pooled != reference) & valid
        self._reference_key = (k, s, mode)

        if self._input_key != (k, s, dy, dx):  # the input picture does not depend on the mode
            self.input_view.value = png_bytes(self._input_picture(k, s, dy, dx, oh, ow))
            self._input_key = (k, s, dy, dx)
        self._draw_outputs()

    def _draw_outputs(self) -> None:
        """The pooled output (grey) and the changes (colour), one pixel per shown output, sent at a scale of
        their own (:func:`~course.widgets.render.sent_scale`): the browser enlarges them to ``display_px``
        without smoothing, so they look as if drawn at full size."""
        up, down = fit(max(self.pooled.shape), self.display_px)
        sent = sent_scale(min(self.pooled[::down, ::down].shape), up)
        self.output_view.value = png_bytes(self.pooled[::down, ::down], scale=sent)   # grey: a third of the bytes
        marked = 0.35 + 0.5 * to_rgb(np.clip(self.pooled[::down, ::down], 0.0, 1.0))
        shown_valid = block_all(self.valid, down)
        marked[~shown_valid] = 0.5 * marked[~shown_valid] + 0.5 * FILL
        marked[block_any(self.changed, down)] = CHANGED
        self.changed_view.value = png_bytes(marked, scale=sent)

    def describe(self) -> str:
        k, s, mode = self._reference_key
        oh, ow = self.pooled.shape
        n_valid, n_changed = int(self.valid.sum()), int(self.changed.sum())
        share = f"{100 * n_changed / n_valid:.1f} %" if n_valid else "–"
        return (f"{mode} pool {k}×{k}, stride {s}: {self.image.shape[0]}×{self.image.shape[1]} → "
                f"{oh}×{ow}; shift ({self.shift_y.value}↓, {self.shift_x.value}→) changed <b>{n_changed}</b> "
                f"of {n_valid} comparable outputs ({share}); {self.last_update_ms:.1f} ms")

    def _pool_both(self, shifted: np.ndarray, k: int, s: int, mode: str) -> tuple[np.ndarray, np.ndarray]:
        """(pooled input, pooled shifted input); a student's failing ``pool`` raises :class:`ShownError`."""
        try:
            if self._reference_key == (k, s, mode) and self.reference is not None:
                reference = self.reference  # the unshifted input pools the same as last time
            else:
                reference = np.asarray(self.pool(self.image, k, s, 0, mode), dtype=np.float64)
            pooled = np.asarray(self.pool(shifted, k, s, 0, mode), dtype=np.float64)
        except Exception as exc:  # a student's pool may fail: say so, keep the old pictures
            raise ShownError(raised("pooling", exc)) from exc
        if pooled.ndim != 2 or pooled.shape != reference.shape:
            raise ShownError(f"pooling returned shapes {reference.shape} and {pooled.shape}; "
                             "expected one 2-D shape")
        return reference, pooled

    def _input_picture(self, k: int, s: int, dy: int, dx: int, oh: int, ow: int) -> np.ndarray:
        H, W = self.image.shape
        up, down = fit(max(H, W), self.display_px)
        rgb = to_rgb(np.clip(self.shifted[::down, ::down], 0.0, 1.0))
        fy, fx = -(-dy // down), -(-dx // down)
        if fy or fx:  # the zero fill, tinted
            rgb[:fy] = 0.5 * rgb[:fy] + 0.5 * FILL
            rgb[fy:, :fx] = 0.5 * rgb[fy:, :fx] + 0.5 * FILL
        img = upscale(to_uint8(rgb), up)   # bytes from here on: marks drawn at full size cost little
        if s * up >= 4 * down:  # window starts, when they are far enough apart to be seen
            rows = np.arange(oh) * s * up // down
            cols = np.arange(ow) * s * up // down
            img[rows] = (img[rows] + GRID8 + 1) >> 1        # half way to the grid colour, rounded
            img[:, cols] = (img[:, cols] + GRID8 + 1) >> 1
        i, j = oh // 2, ow // 2
        side = max(2, k * up // down)
        outline(img, i * s * up // down, j * s * up // down, side, side, WINDOW8, max(1, up // 3))
        return img


def interactions(size: int) -> tuple[PoolingExplorer, list[actions.Action]]:
    """An explorer on a ``size`` x ``size`` photo and one action per control, each changing it (back and forth
    between two values, so every call triggers an update)."""
    w = PoolingExplorer(image=sample_image(size=size))
    return w, [
        actions.toggle(w.mode, "avg", "max"),
        actions.toggle(w.size, 3, 2),
        actions.toggle(w.stride, 1, 2),
        actions.toggle(w.shift_x, 1, 0),
        actions.toggle(w.shift_y, 1, 0),
    ]
