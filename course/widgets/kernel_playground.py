"""Kernel playground: an editable 3x3 kernel and presets, applied live to a real photo."""

from __future__ import annotations

import time
from collections.abc import Callable

import ipywidgets as widgets
import numpy as np

from course.images import sample_image
from course.widgets.render import png_bytes

PRESETS: dict[str, np.ndarray] = {
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
CUSTOM = "custom"


def torch_corr2d(X: np.ndarray, K: np.ndarray) -> np.ndarray:
    """Valid 2-D cross-correlation by ``torch.nn.functional.conv2d`` (the reference semantics)."""
    import torch
    import torch.nn.functional as F

    x = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float64))[None, None]
    k = torch.from_numpy(np.ascontiguousarray(K, dtype=np.float64))[None, None]
    return F.conv2d(x, k)[0, 0].numpy()


def display_mode(K: np.ndarray) -> str:
    """Kernels that sum to zero (edges) give signed output: show its magnitude; others keep [0, 1]."""
    return "abs" if abs(float(np.sum(K))) < 1e-9 else "clip"


class KernelPlayground(widgets.VBox):
    """Pick a preset or type kernel values; the filtered image updates at once.

    ``conv`` is any ``f(image, kernel) -> array`` (pass your own ``corr2d_fast`` to see it at work);
    the default is torch's ``conv2d``. After each update ``result`` holds the filtered float image and
    ``last_update_ms`` the time the update took (compute and PNG encoding).
    """

    def __init__(self, image: np.ndarray | None = None,
                 conv: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
                 preset: str = "identity") -> None:
        self.image = np.asarray(sample_image(size=256) if image is None else image, dtype=np.float64)
        if self.image.ndim != 2:
            raise ValueError(f"image must be a 2-D grey image, got shape {self.image.shape}")
        self.conv = conv or torch_corr2d
        self.result: np.ndarray | None = None
        self.last_update_ms = 0.0
        self._filling = False

        self.preset = widgets.Dropdown(options=[*PRESETS, CUSTOM], value=preset, description="preset")
        self.cells = [widgets.FloatText(value=0.0, step=0.1, layout=widgets.Layout(width="70px"))
                      for _ in range(9)]
        grid = widgets.GridBox(self.cells, layout=widgets.Layout(
            grid_template_columns="repeat(3, 75px)", grid_gap="2px"))
        self.original = widgets.Image(value=png_bytes(self.image), format="png",
                                      layout=widgets.Layout(width="256px"))
        self.output = widgets.Image(format="png", layout=widgets.Layout(width="256px"))
        self.status = widgets.HTML()

        self.preset.observe(self._on_preset, names="value")
        for cell in self.cells:
            cell.observe(self._on_cell, names="value")
        super().__init__([
            widgets.HBox([self.preset, self.status]),
            widgets.HBox([grid, self.original, self.output], layout=widgets.Layout(align_items="center")),
        ])
        self._fill(PRESETS[preset] if preset in PRESETS else np.zeros((3, 3)))
        self.update()

    @property
    def kernel(self) -> np.ndarray:
        """The kernel currently in the grid, as a 3x3 float array."""
        return np.array([c.value for c in self.cells], dtype=np.float64).reshape(3, 3)

    def set_kernel(self, K) -> None:
        """Put a 3x3 kernel in the grid (preset becomes 'custom') and redraw once."""
        K = np.asarray(K, dtype=np.float64)
        if K.shape != (3, 3):
            raise ValueError(f"the playground edits 3x3 kernels, got shape {K.shape}")
        self._fill(K)
        self._mark_custom()
        self.update()

    def update(self) -> None:
        """Filter the image with the current kernel and show the result."""
        t0 = time.perf_counter()
        K = self.kernel
        try:
            self.result = np.asarray(self.conv(self.image, K), dtype=np.float64)
        except Exception as exc:  # a student's conv may fail: say so in the widget, keep the old picture
            self.status.value = f"<span style='color:#b00'>your function raised {type(exc).__name__}: {exc}</span>"
            return
        self.output.value = png_bytes(self.result, display_mode(K))
        self.last_update_ms = (time.perf_counter() - t0) * 1e3
        self.status.value = (f"output {self.result.shape[0]}×{self.result.shape[1]}, "
                             f"{self.last_update_ms:.1f} ms")

    def _fill(self, K: np.ndarray) -> None:
        self._filling = True
        try:
            for cell, v in zip(self.cells, K.ravel(), strict=True):
                cell.value = round(float(v), 4)
        finally:
            self._filling = False

    def _mark_custom(self) -> None:
        self._filling = True
        try:
            self.preset.value = CUSTOM
        finally:
            self._filling = False

    def _on_preset(self, change) -> None:
        if self._filling or change["new"] == CUSTOM:
            return
        self._fill(PRESETS[change["new"]])
        self.update()

    def _on_cell(self, change) -> None:
        if self._filling:
            return
        self._mark_custom()
        self.update()


def interactions(size: int) -> tuple[KernelPlayground, list[Callable[[], None]]]:
    """A playground on a ``size`` x ``size`` photo and the changes a user makes (for tests and benchmarks)."""
    w = KernelPlayground(image=sample_image(size=size))
    presets = [p for p in PRESETS if p != "identity"]
    actions: list[Callable[[], None]] = [lambda p=p: setattr(w.preset, "value", p) for p in presets]
    actions += [lambda v=v: setattr(w.cells[4], "value", v) for v in (9.0, 8.0, 10.0)]
    return w, actions

