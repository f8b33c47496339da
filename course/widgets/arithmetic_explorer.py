"""Convolution-arithmetic explorer: sliders for n, k, p, s, d and the window walking over the padded input.

Shows the zero-padded input, the (dilated) kernel window at the current step with play/step controls, the
output grid filling up step by step, and the output-size formula with the numbers filled in. The output
values come from ``torch.nn.functional.conv2d`` (a box filter on a real photo); no graded function is
implemented here.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import ipywidgets as widgets
import numpy as np
import torch
import torch.nn.functional as F

from course.images import sample_image
from course.widgets.render import png_bytes

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


def torch_output(image: np.ndarray, k: int, p: int, s: int, d: int) -> np.ndarray:
    """Box-filtered ``image`` (kernel k x k of 1/k^2) by torch ``conv2d``; raises if the combination is invalid.

    Computed in float32 (the values are only shown) on one thread: a single small convolution gains nothing
    from more, and on a busy 2-core machine a second thread makes it several times slower.
    """
    x = torch.from_numpy(np.ascontiguousarray(image, dtype=np.float32))[None, None]
    w = torch.full((1, 1, k, k), 1.0 / (k * k))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return F.conv2d(x, w, padding=p, stride=s, dilation=d)[0, 0].numpy().astype(np.float64)
    finally:
        torch.set_num_threads(threads)


def cell_px(cells: int) -> int:
    """Side in pixels of one cell when ``cells`` cells are drawn across."""
    return int(max(1, min(MAX_CELL, GRID_PX // max(cells, 1))))


def display_every(cells: int) -> int:
    """Show every f-th cell when ``cells`` cells would not fit in the picture (f = 1 for small grids)."""
    return max(1, -(-cells // GRID_PX))


def upscale(rgb: np.ndarray, c: int) -> np.ndarray:
    """Each cell of an (R, C, 3) array becomes a c x c block; grid lines when the cells are big enough."""
    if c == 1:
        return rgb
    img = np.repeat(np.repeat(rgb, c, axis=0), c, axis=1)
    if c >= 6:
        img[c - 1::c, :] = LINE
        img[:, c - 1::c] = LINE
    return img


def _fmt(v: int) -> str:
    return f"({v})" if v < 0 else str(v)


class ArithmeticExplorer(widgets.VBox):
    """Move the sliders n, k, p, s, d; press play (or step) to walk the window over the padded input.

    ``output_size`` is an optional ``f(n, k, padding, stride, dilation) -> int`` (pass your
    ``conv_output_size``): the widget says whether it agrees with PyTorch. After each redraw
    ``out_shape`` holds the output size (or ``None`` if the combination is invalid), ``result`` the output
    values, ``window`` the top-left corner of the current window in padded coordinates, ``taps`` the
    padded coordinates it reads, ``in_cell`` / ``out_cell`` the pixel size of a drawn cell in the two pictures,
    ``in_every`` / ``out_every`` how many cells one drawn cell stands for (1 unless the grid is larger than
    the picture, then every f-th cell is drawn), and ``last_update_ms`` the time the redraw took.
    """

    def __init__(self, n: int = 5, k: int = 3, p: int = 1, s: int = 2, d: int = 1,
                 output_size: Callable[..., int] | None = None, interval_ms: int = 700) -> None:
        self.output_size = output_size
        self.out_shape: tuple[int, int] | None = None
        self.result = np.zeros((0, 0))
        self.window: tuple[int, int] | None = None
        self.taps: list[tuple[int, int]] = []
        self.in_cell = self.out_cell = 1
        self.in_every = self.out_every = 1
        self.last_update_ms = 0.0
        self._images: dict[int, np.ndarray] = {}
        self._busy = False
        self._grid = np.zeros((0, 0, 3))
        self._grid_key: tuple | None = None

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

        self.formula = widgets.HTML()
        self.status = widgets.HTML()
        self.detail = widgets.HTML()
        self.input_view = widgets.Image(format="png", layout=widgets.Layout(width=f"{GRID_PX}px"))
        self.output_view = widgets.Image(format="png", layout=widgets.Layout(width=f"{GRID_PX}px"))
        legend = widgets.HTML(" ".join(
            f"<span style='display:inline-block;width:12px;height:12px;background:{_css(col)};"
            f"border:1px solid #777;margin:0 3px 0 10px'></span>{label}"
            for col, label in [(PAD, "zero padding"), (np.array([0.6] * 3), "input"),
                               (SPAN, "inside the window, skipped by d"), (TAP, "kernel taps"),
                               (np.array([0.6] * 3) * UNREACHED_SHADE, "never reached by a window")]))

        for control in (self.n, self.k, self.p, self.s, self.d):
            control.observe(self._on_param, names="value")
        self.step.observe(self._on_step, names="value")
        self.next_button.on_click(lambda _button: self.advance())

        super().__init__([
            widgets.HBox([widgets.VBox([self.n, self.k, self.p, self.s, self.d]),
                          widgets.VBox([self.formula, self.status], layout=widgets.Layout(margin="0 0 0 20px"))]),
            widgets.HBox([self.play, self.step, self.next_button]),
            legend,
            widgets.HBox([
                widgets.VBox([widgets.HTML("<b>padded input</b> (n + 2p per side)"), self.input_view]),
                widgets.VBox([widgets.HTML("<b>output</b> (filled step by step)"), self.output_view],
                             layout=widgets.Layout(margin="0 0 0 20px")),
            ]),
            self.detail,
        ])
        self.update()

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

    def update(self) -> None:
        """Recompute the output for the current sliders and redraw everything."""
        t0 = time.perf_counter()
        n, k, p, s, d = self.params
        try:
            self.result = torch_output(self.image(n), k, p, s, d)
            self.out_shape = self.result.shape
        except RuntimeError:  # torch refuses: the dilated kernel does not fit in the padded input
            self.result = np.zeros((0, 0))
            self.out_shape = None
        steps = 0 if self.out_shape is None else self.out_shape[0] * self.out_shape[1]
        self._busy = True
        try:
            last = max(steps - 1, 0)
            self.step.max = self.play.max = last
            if self.step.value > last:
                self.step.value = 0
            self.play.disabled = self.step.disabled = self.next_button.disabled = steps == 0
            if steps == 0:
                self.play.playing = False
        finally:
            self._busy = False
        self.formula.value = self._formula_html()
        self.status.value = self._student_check()
        self._draw(t0)

    def _on_param(self, _change) -> None:
        self.update()

    def _on_step(self, _change) -> None:
        if not self._busy:
            self._draw(time.perf_counter())

    # ---- drawing -----------------------------------------------------------------------------------
    def _draw(self, t0: float) -> None:
        n, k, p, s, d = self.params
        span = d * (k - 1) + 1
        f = self.in_every = display_every(n + 2 * p)
        grid = self._base_grid().copy()
        self.in_cell = cell_px(grid.shape[0])
        if self.out_shape is None:
            self.window, self.taps = None, []
            self.input_view.value = png_bytes(upscale(grid, self.in_cell))
            self.out_cell, self.out_every = MAX_CELL, 1
            self.output_view.value = png_bytes(np.full((MAX_CELL, MAX_CELL, 3), 0.85))
            self.detail.value = ""
            self.last_update_ms = (time.perf_counter() - t0) * 1e3
            return
        oh, ow = self.out_shape
        t = self.step.value
        i, j = divmod(t, ow)
        r0, c0 = i * s, j * s
        self.window = (r0, c0)
        rows, cols = r0 + d * np.arange(k), c0 + d * np.arange(k)
        self.taps = [(int(a), int(b)) for a in rows for b in cols]
        # in display cells (one display cell = f x f cells when the grid is larger than the picture)
        box = (slice(r0 // f, (r0 + span - 1) // f + 1), slice(c0 // f, (c0 + span - 1) // f + 1))
        grid[box] = 0.45 * grid[box] + 0.55 * SPAN
        taps = np.ix_(np.unique(rows // f), np.unique(cols // f))
        grid[taps] = 0.2 * grid[taps] + 0.8 * TAP
        self.input_view.value = png_bytes(upscale(grid, self.in_cell))

        g = self.out_every = display_every(max(oh, ow))
        io, jo = np.arange(0, oh, g), np.arange(0, ow, g)
        order = io[:, None] * ow + jo[None, :]              # raster index of each displayed output
        v = np.clip(self.result[np.ix_(io, jo)], 0.0, 1.0)
        out = np.where((order < t)[..., None], (0.2 + 0.75 * v[..., None]) * np.array([0.75, 1.0, 0.8]), TODO)
        out[i // g, j // g] = TAP
        self.out_cell = cell_px(max(out.shape[:2]))
        self.output_view.value = png_bytes(upscale(out, self.out_cell))

        in_pad = sum(not (p <= a < p + n and p <= b < p + n) for a, b in self.taps)
        self.detail.value = (
            f"step {t + 1} of {oh * ow}: output <b>S[{i}, {j}]</b> ← window top-left at padded "
            f"({r0}, {c0}) = {i}·s, {j}·s; taps at rows {_seq(rows)} and columns {_seq(cols)} "
            f"(taps d = {d} apart); {in_pad} of {k * k} taps read padding zeros; "
            f"value (box filter, mean of the taps) = {self.result[i, j]:.3f}")
        self.last_update_ms = (time.perf_counter() - t0) * 1e3

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

    def _formula_html(self) -> str:
        n, k, p, s, d = self.params
        span = d * (k - 1) + 1
        num = n + 2 * p - d * (k - 1) - 1
        size = num // s + 1
        text = (
            "<b>output size</b> = ⌊(n + 2p − d(k−1) − 1) / s⌋ + 1<br>"
            f"= ⌊({n} + 2·{p} − {d}·({k}−1) − 1) / {s}⌋ + 1 = ⌊{_fmt(num)} / {s}⌋ + 1 = <b>{size}</b><br>"
            f"dilated kernel spans d(k−1)+1 = {span} cells; padded input n+2p = {n + 2 * p} cells")
        if self.out_shape is None:
            return text + (
                f"<br><span style='color:#b00'><b>invalid:</b> the dilated kernel ({span} cells) is larger "
                f"than the padded input ({n + 2 * p} cells), so the output size would be {size} &lt; 1. "
                "Increase n or p, or decrease k or d.</span>")
        oh, ow = self.out_shape
        text += f"<br>output <b>{oh}×{ow}</b> = {oh * ow} window positions"
        left = num % s
        if left:
            text += (f"<br>n + 2p − span = {num} is not a multiple of s = {s}: the floor drops the last "
                     f"{left} row(s)/column(s) of the padded input (darkened)")
        return text

    def _student_check(self) -> str:
        if self.output_size is None:
            return ""
        n, k, p, s, d = self.params
        name = getattr(self.output_size, "__name__", "output_size")
        try:
            got = self.output_size(n, k, p, s, d)
        except NotImplementedError:
            return f"<i>your {name} is not implemented yet</i>"
        except ValueError as exc:
            if self.out_shape is None:
                return f"<span style='color:#070'>✓ your {name} raises ValueError: {exc}</span>"
            return (f"<span style='color:#b00'>✗ your {name} raises ValueError ({exc}), "
                    f"but torch gives {self.out_shape[0]}</span>")
        except Exception as exc:  # noqa: BLE001 - a student's function may fail in any way
            return f"<span style='color:#b00'>✗ your {name} raised {type(exc).__name__}: {exc}</span>"
        if self.out_shape is None:
            return (f"<span style='color:#b00'>✗ your {name} returns {got!r}; this combination is invalid, "
                    "raise ValueError</span>")
        if got == self.out_shape[0] and isinstance(got, int | np.integer):
            return f"<span style='color:#070'>✓ your {name} agrees with torch: {got}</span>"
        return f"<span style='color:#b00'>✗ your {name} returns {got!r}, torch gives {self.out_shape[0]}</span>"


def _css(rgb: np.ndarray) -> str:
    r, g, b = (int(round(255 * float(x))) for x in rgb)
    return f"rgb({r},{g},{b})"


def _seq(values: np.ndarray) -> str:
    values = [int(v) for v in values]
    return ", ".join(map(str, values)) if len(values) <= 4 else f"{values[0]}, {values[1]}, …, {values[-1]}"


def interactions(size: int = 64) -> tuple[ArithmeticExplorer, list[Callable[[], None]]]:
    """An explorer with an n = ``size`` input and one callable per control, each moving it as a user would."""
    widget = ArithmeticExplorer(n=size, k=3, p=1, s=1, d=1)
    other_n = size - 1 if size > 1 else 2

    def toggle(slider: widgets.IntSlider, a: int, b: int) -> Callable[[], None]:
        def move() -> None:
            slider.value = b if slider.value == a else a
        move.__name__ = f"move_{slider.description.split()[0]}"
        return move

    def play_tick() -> None:
        widget.play.value = (widget.play.value + 1) % (widget.play.max + 1)

    return widget, [toggle(widget.n, size, other_n), toggle(widget.k, 3, 5), toggle(widget.p, 1, 2),
                    toggle(widget.s, 1, 2), toggle(widget.d, 1, 2), widget.advance, play_tick]
