"""Convolution-arithmetic explorer: sliders for n, k, p, s, d and the window walking over the padded input.

Shows the zero-padded input, the (dilated) kernel window at the current step with play/step controls, the
output grid filling up step by step, and the output-size formula with the numbers filled in. The output
values come from ``torch.nn.functional.conv2d`` (a box filter on a real photo,
:func:`course.torch_reference.torch_box_filter`); no graded function is implemented here. The formula and
the check of the student's ``conv_output_size`` are written by :mod:`course.widgets.arithmetic_text`.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
import numpy as np

from course.images import sample_image
from course.torch_reference import torch_box_filter
from course.widgets import actions, render
from course.widgets.arithmetic_text import formula_html, student_check_html
from course.widgets.base import CourseWidget
from course.widgets.render import grid_lines, png_bytes, to_uint8

#: about this many pixels for the longest side of a drawn grid
GRID_PX = 360
#: largest cell, in pixels
MAX_CELL = 36

# RGB colours in [0, 1]
PAD = np.array([1.0, 0.86, 0.45])          # zero padding
SPAN = np.array([1.0, 0.62, 0.62])         # inside the window but skipped by the dilation
TAP = np.array([0.85, 0.05, 0.05])         # the kernel taps of the current step
TODO = np.array([0.90, 0.93, 1.0])         # output positions not computed yet
LINE = np.array([0.45, 0.45, 0.45])        # grid lines
UNREACHED_SHADE = 0.45                     # input cells no window ever reaches are darkened by this factor


def cell_px(cells: int) -> int:
    """Side in pixels of one cell when ``cells`` cells are drawn across."""
    return int(max(1, min(MAX_CELL, GRID_PX // max(cells, 1))))


def display_every(cells: int) -> int:
    """Show every f-th cell when ``cells`` cells would not fit in the picture (f = 1 for small grids)."""
    return max(1, -(-cells // GRID_PX))


def upscale(rgb: np.ndarray, c: int) -> np.ndarray:
    """The pixels (uint8) of an (R, C, 3) array of colours in [0, 1], each cell a c x c block; grid lines when
    the cells are big enough. Scaled after the mapping to bytes, which is the same picture for less work."""
    img = render.upscale(to_uint8(rgb), c)
    return grid_lines(img, c, to_uint8(LINE)) if c >= 6 else img


def _css(rgb: np.ndarray) -> str:
    r, g, b = (int(round(255 * float(x))) for x in rgb)
    return f"rgb({r},{g},{b})"


def _seq(values: np.ndarray) -> str:
    values = [int(v) for v in values]
    return ", ".join(map(str, values)) if len(values) <= 4 else f"{values[0]}, {values[1]}, …, {values[-1]}"


def _legend() -> widgets.HTML:
    return widgets.HTML(" ".join(
        f"<span style='display:inline-block;width:12px;height:12px;background:{_css(col)};"
        f"border:1px solid #777;margin:0 3px 0 10px'></span>{label}"
        for col, label in [(PAD, "zero padding"), (np.array([0.6] * 3), "input"),
                           (SPAN, "inside the window, skipped by d"), (TAP, "kernel taps"),
                           (np.array([0.6] * 3) * UNREACHED_SHADE, "never reached by a window")]))


class ArithmeticExplorer(CourseWidget):
    """Move the sliders n, k, p, s, d; press play (or step) to walk the window over the padded input.

    ``output_size`` is an optional ``f(n, k, padding, stride, dilation) -> int`` (pass your
    ``conv_output_size``): the widget says whether it agrees with PyTorch. After each redraw
    ``out_shape`` holds the output size (or ``None`` if the combination is invalid), ``result`` the output
    values, ``window`` the top-left corner of the current window in padded coordinates, ``taps`` the
    padded coordinates it reads, ``in_cell`` / ``out_cell`` the pixel size of a drawn cell in the two pictures,
    ``in_every`` / ``out_every`` how many cells one drawn cell stands for (1 unless the grid is larger than
    the picture, then every f-th cell is drawn), and ``last_update_ms`` the time the redraw took.
    """

    default_size = 5  # n, the side of the input

    def __init__(self, n: int = 5, k: int = 3, p: int = 1, s: int = 2, d: int = 1,
                 output_size: Callable[..., int] | None = None, interval_ms: int = 700) -> None:
        super().__init__()
        self.output_size = output_size
        self.out_shape: tuple[int, int] | None = None
        self.result = np.zeros((0, 0))
        self.window: tuple[int, int] | None = None
        self.taps: list[tuple[int, int]] = []
        self.in_cell = self.out_cell = 1
        self.in_every = self.out_every = 1
        self._images: dict[int, np.ndarray] = {}
        self._grid = np.zeros((0, 0, 3))
        self._grid_key: tuple | None = None
        self._build_controls(n, k, p, s, d, interval_ms)
        self.formula = widgets.HTML()
        self.detail = widgets.HTML()
        self.input_view = widgets.Image(format="png", layout=widgets.Layout(width=f"{GRID_PX}px"))
        self.output_view = widgets.Image(format="png", layout=widgets.Layout(width=f"{GRID_PX}px"))
        self.watch(self.n, self.k, self.p, self.s, self.d)
        self.watch(self.step, handler=self._on_step)
        self.next_button.on_click(lambda _button: self.advance())
        self.children = self._layout()
        self.update()

    def _build_controls(self, n: int, k: int, p: int, s: int, d: int, interval_ms: int) -> None:
        style = {"description_width": "95px"}
        slider = dict(continuous_update=True, style=style, layout=widgets.Layout(width="330px"))
        self.n = widgets.IntSlider(value=n, min=1, max=max(16, n), description="n input", **slider)
        self.k = widgets.IntSlider(value=k, min=1, max=11, description="k kernel", **slider)
        self.p = widgets.IntSlider(value=p, min=0, max=6, description="p padding", **slider)
        self.s = widgets.IntSlider(value=s, min=1, max=5, description="s stride", **slider)
        self.d = widgets.IntSlider(value=d, min=1, max=5, description="d dilation", **slider)
        self.play = widgets.Play(value=0, min=0, max=0, step=1, interval=interval_ms, description="play")
        self.step = widgets.IntSlider(value=0, min=0, max=0, description="step", style=style,
                                      layout=widgets.Layout(width="330px"))
        self.next_button = widgets.Button(description="step ▶", layout=widgets.Layout(width="80px"))
        widgets.link((self.play, "value"), (self.step, "value"))

    def _layout(self) -> list[widgets.Widget]:
        return [
            widgets.HBox([widgets.VBox([self.n, self.k, self.p, self.s, self.d]),
                          widgets.VBox([self.formula, self.status], layout=widgets.Layout(margin="0 0 0 20px"))]),
            widgets.HBox([self.play, self.step, self.next_button]),
            _legend(),
            widgets.HBox([
                widgets.VBox([widgets.HTML("<b>padded input</b> (n + 2p per side)"), self.input_view]),
                widgets.VBox([widgets.HTML("<b>output</b> (filled step by step)"), self.output_view],
                             layout=widgets.Layout(margin="0 0 0 20px")),
            ]),
            self.detail,
        ]

    # ---- state -------------------------------------------------------------------------------------
    @property
    def params(self) -> tuple[int, int, int, int, int]:
        """(n, k, p, s, d) as set on the sliders."""
        return self.n.value, self.k.value, self.p.value, self.s.value, self.d.value

    def image(self, n: int) -> np.ndarray:
        """The n x n input: the centre of a real photo (cached per size)."""
        if n not in self._images:
            self._images[n] = sample_image(size=n)
        return self._images[n]

    # ---- actions -----------------------------------------------------------------------------------
    def advance(self) -> None:
        """One step forward (wraps around at the end), as the step button does."""
        if self.step.max > 0:
            self.step.value = (self.step.value + 1) % (self.step.max + 1)

    def render(self) -> None:
        """Recompute the output for the current sliders and redraw everything."""
        n, k, p, s, d = self.params
        try:
            self.result = torch_box_filter(self.image(n), k, p, s, d)
            self.out_shape = self.result.shape
        except RuntimeError:  # torch refuses: the dilated kernel does not fit in the padded input
            self.result = np.zeros((0, 0))
            self.out_shape = None
        steps = 0 if self.out_shape is None else self.out_shape[0] * self.out_shape[1]
        # the two pictures go to the browser first, the step controls and the formula after them
        with self.sync_after([self.step, self.play, self.next_button, self.formula]):
            with self.quiet():
                last = max(steps - 1, 0)
                self.step.max = self.play.max = last
                if self.step.value > last:
                    self.step.value = 0
                self.play.disabled = self.step.disabled = self.next_button.disabled = steps == 0
                if steps == 0:
                    self.play.playing = False
            self.formula.value = formula_html(*self.params, self.out_shape)
            self._draw()

    def describe(self) -> str:
        return student_check_html(self.output_size, self.params, self.out_shape)

    def _on_step(self, _change) -> None:
        with self.timed():
            self._draw()

    # ---- drawing -----------------------------------------------------------------------------------
    def _draw(self) -> None:
        grid = self._base_grid().copy()
        self.in_every = display_every(self.n.value + 2 * self.p.value)
        self.in_cell = cell_px(grid.shape[0])
        if self.out_shape is None:
            self.window, self.taps = None, []
            self.input_view.value = png_bytes(upscale(grid, self.in_cell))
            self.out_cell, self.out_every = MAX_CELL, 1
            self.output_view.value = png_bytes(np.full((MAX_CELL, MAX_CELL, 3), 0.85))
            self.detail.value = ""
            return
        i, j, rows, cols = self._current_window()
        f = self.in_every
        r0, c0 = self.window
        span = self.d.value * (self.k.value - 1) + 1
        # in display cells (one display cell = f x f cells when the grid is larger than the picture)
        box = (slice(r0 // f, (r0 + span - 1) // f + 1), slice(c0 // f, (c0 + span - 1) // f + 1))
        grid[box] = 0.45 * grid[box] + 0.55 * SPAN
        taps = np.ix_(np.unique(rows // f), np.unique(cols // f))
        grid[taps] = 0.2 * grid[taps] + 0.8 * TAP
        self.input_view.value = png_bytes(upscale(grid, self.in_cell))
        self.output_view.value = png_bytes(self._output_picture(i, j))
        self.detail.value = self._detail_html(i, j, rows, cols)

    def _current_window(self) -> tuple[int, int, np.ndarray, np.ndarray]:
        """Output position (i, j) of the current step and the padded rows and columns its taps read."""
        n, k, p, s, d = self.params
        i, j = divmod(self.step.value, self.out_shape[1])
        r0, c0 = i * s, j * s
        self.window = (r0, c0)
        rows, cols = r0 + d * np.arange(k), c0 + d * np.arange(k)
        self.taps = [(int(a), int(b)) for a in rows for b in cols]
        return i, j, rows, cols

    def _output_picture(self, i: int, j: int) -> np.ndarray:
        oh, ow = self.out_shape
        t = self.step.value
        g = self.out_every = display_every(max(oh, ow))
        io, jo = np.arange(0, oh, g), np.arange(0, ow, g)
        order = io[:, None] * ow + jo[None, :]              # raster index of each displayed output
        v = np.clip(self.result[np.ix_(io, jo)], 0.0, 1.0)
        out = np.where((order < t)[..., None], (0.2 + 0.75 * v[..., None]) * np.array([0.75, 1.0, 0.8]), TODO)
        out[i // g, j // g] = TAP
        self.out_cell = cell_px(max(out.shape[:2]))
        return upscale(out, self.out_cell)

    def _detail_html(self, i: int, j: int, rows: np.ndarray, cols: np.ndarray) -> str:
        n, k, p, s, d = self.params
        oh, ow = self.out_shape
        r0, c0 = self.window
        in_pad = sum(not (p <= a < p + n and p <= b < p + n) for a, b in self.taps)
        return (f"step {self.step.value + 1} of {oh * ow}: output <b>S[{i}, {j}]</b> ← window top-left at padded "
                f"({r0}, {c0}) = {i}·s, {j}·s; taps at rows {_seq(rows)} and columns {_seq(cols)} "
                f"(taps d = {d} apart); {in_pad} of {k * k} taps read padding zeros; "
                f"value (box filter, mean of the taps) = {self.result[i, j]:.3f}")

    def _base_grid(self) -> np.ndarray:
        """The padded input as RGB, cells no window reaches darkened (cached for the current sliders).

        One entry per displayed cell: every ``display_every(n + 2p)``-th cell of the padded input.
        """
        key = (*self.params, self.out_shape)
        if self._grid_key != key:
            n, k, p, s, d = self.params
            span, size = d * (k - 1) + 1, n + 2 * p
            idx = np.arange(0, size, display_every(size))
            inside = (idx >= p) & (idx < p + n)
            grid = np.empty((len(idx), len(idx), 3))
            grid[:] = PAD
            src = idx[inside] - p
            grid[np.ix_(inside, inside)] = (0.2 + 0.75 * self.image(n)[np.ix_(src, src)])[..., None]
            if self.out_shape is not None:
                # cells that some window covers (gaps appear when s > span, a tail is left by the floor)
                hit = (idx < (self.out_shape[0] - 1) * s + span) & (idx % s < span)
                if not hit.all():
                    grid[~hit, :] *= UNREACHED_SHADE
                    grid[np.ix_(hit, ~hit)] *= UNREACHED_SHADE
            self._grid, self._grid_key = grid, key
        return self._grid


def interactions(size: int = 64) -> tuple[ArithmeticExplorer, list[actions.Action]]:
    """An explorer with an n = ``size`` input and one action per control, each moving it as a user would.

    The values keep every combination valid down to n = 4, so the step button and the play tick always move.
    """
    widget = ArithmeticExplorer(n=size, k=3, p=1, s=1, d=1)
    other_n = size - 1 if size > 1 else 2

    def toggle(slider: widgets.IntSlider, a: int, b: int) -> actions.Action:
        return actions.toggle(slider, a, b, name=f"move_{slider.description.split()[0]}")

    return widget, [toggle(widget.n, size, other_n), toggle(widget.k, 3, 2), toggle(widget.p, 1, 2),
                    toggle(widget.s, 1, 2), toggle(widget.d, 1, 2), actions.click(widget.next_button, name="advance"),
                    actions.step(widget.play, 1, wrap=True, name="play_tick")]
