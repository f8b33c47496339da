"""Kernel playground: an editable 3x3 kernel and presets, applied live to a real photo."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
import numpy as np

from course.images import sample_image
from course.kernels import KERNELS
from course.torch_reference import torch_corr2d
from course.widgets import actions
from course.widgets.base import CourseWidget, ShownError, raised
from course.widgets.render import display_mode, png_bytes

#: the presets are the named kernels of :mod:`course.kernels`
PRESETS: dict[str, np.ndarray] = KERNELS
CUSTOM = "custom"


class KernelPlayground(CourseWidget):
    """Pick a preset or type kernel values; the filtered image updates at once.

    ``conv`` is any ``f(image, kernel) -> array`` (pass your own ``corr2d_fast`` to see it at work);
    the default is torch's ``conv2d``. After each update ``result`` holds the filtered float image and
    ``last_update_ms`` the time the update took (compute and PNG encoding).
    """

    default_size = 256

    def __init__(self, image: np.ndarray | None = None,
                 conv: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
                 preset: str = "identity") -> None:
        image = np.asarray(sample_image(size=self.default_size) if image is None else image, dtype=np.float64)
        if image.ndim != 2:
            raise ValueError(f"image must be a 2-D grey image, got shape {image.shape}")
        super().__init__()
        self.image = image
        self.conv = conv or torch_corr2d
        self.result: np.ndarray | None = None

        self.preset = widgets.Dropdown(options=[*PRESETS, CUSTOM], value=preset, description="preset")
        self.cells = [widgets.FloatText(value=0.0, step=0.1, layout=widgets.Layout(width="70px"))
                      for _ in range(9)]
        grid = widgets.GridBox(self.cells, layout=widgets.Layout(
            grid_template_columns="repeat(3, 75px)", grid_gap="2px"))
        self.original = widgets.Image(value=png_bytes(self.image), format="png",
                                      layout=widgets.Layout(width="256px"))
        self.output = widgets.Image(format="png", layout=widgets.Layout(width="256px"))

        self.watch(self.preset, handler=self._on_preset)
        self.watch(*self.cells, handler=self._on_cell)
        self.children = [
            widgets.HBox([self.preset, self.status]),
            widgets.HBox([grid, self.original, self.output], layout=widgets.Layout(align_items="center")),
        ]
        with self.quiet():
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
        with self.quiet():
            self._fill(K)
            self.preset.value = CUSTOM
        self.update()

    def render(self) -> None:
        """Filter the image with the current kernel and show the result."""
        K = self.kernel
        try:
            result = np.asarray(self.conv(self.image, K), dtype=np.float64)
        except Exception as exc:  # a student's conv may fail: say so in the widget, keep the old picture
            raise ShownError(raised("your function", exc)) from exc
        self.result = result
        self.output.value = png_bytes(result, display_mode(K.sum(), otherwise="clip"))

    def describe(self) -> str:
        return f"output {self.result.shape[0]}×{self.result.shape[1]}, {self.last_update_ms:.1f} ms"

    def _fill(self, K: np.ndarray) -> None:
        for cell, v in zip(self.cells, K.ravel(), strict=True):
            cell.value = round(float(v), 4)

    def _on_preset(self, change) -> None:
        if change["new"] == CUSTOM:
            return
        # the new picture goes to the browser first, the nine numbers after it
        with self.sync_after(self.cells), self.quiet():
            self._fill(PRESETS[change["new"]])
            self.update()

    def _on_cell(self, _change) -> None:
        with self.quiet():
            self.preset.value = CUSTOM
        self.update()


def interactions(size: int) -> tuple[KernelPlayground, list[actions.Action]]:
    """A playground on a ``size`` x ``size`` photo and the changes a user makes (for tests and benchmarks)."""
    w = KernelPlayground(image=sample_image(size=size))
    presets = [actions.choose(w.preset, p, name=f"preset {p}") for p in PRESETS if p != "identity"]
    centre = [actions.choose(w.cells[4], v, name=f"centre {v:g}") for v in (9.0, 8.0, 10.0)]
    return w, presets + centre
