"""Parameter counts: fully connected vs locally connected vs shared convolution, on a log scale.

The layer maps an ``n x n x C_in`` input to an ``n x n x C_out`` output (``k x k`` filters, 'same' padding,
stride 1), as in the lecture's 55x55x3 -> 55x55x96 example. The bars are drawn as an SVG string, so an
update costs well under a millisecond.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable

import ipywidgets as widgets

from course.torch_reference import torch_counts
from course.widgets import actions
from course.widgets.base import MUTED_COLOUR, CourseWidget, coloured, raised

KINDS = ("fully connected", "locally connected", "shared convolution")
COLOURS = {"fully connected": "#d62728", "locally connected": "#ff7f0e", "shared convolution": "#2ca02c"}


def human_bytes(count: int) -> str:
    """Memory of ``count`` float32 parameters, e.g. ``'10.5 GB'``."""
    size = 4.0 * count
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if size < 1000 or unit == "PB":
            return f"{size:.3g} {unit}" if unit != "B" else f"{int(size)} B"
        size /= 1000
    raise AssertionError("unreachable")


def bar_chart_svg(counts: dict[str, int | str], width: int = 640) -> str:
    """Horizontal bars on a log10 axis; a value that is a string (an error) is written instead of a bar."""
    numbers = [v for v in counts.values() if isinstance(v, int) and v > 0]
    top = max(1, math.ceil(math.log10(max(numbers)))) if numbers else 1
    left, right, bar_h, gap, head = 150, 20, 28, 14, 10
    plot_w = width - left - right
    height = head + len(counts) * (bar_h + gap) + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             'font-family="sans-serif" font-size="12">']
    axis_y = head + len(counts) * (bar_h + gap)
    step = 1 if top <= 12 else 2
    for e in range(0, top + 1, step):
        x = left + plot_w * e / top
        parts.append(f'<line x1="{x:.1f}" y1="{head - 4}" x2="{x:.1f}" y2="{axis_y}" stroke="#ddd"/>')
        parts.append(f'<text x="{x:.1f}" y="{axis_y + 16}" text-anchor="middle">10<tspan dy="-5" '
                     f'font-size="9">{e}</tspan></text>')
    for row, (name, value) in enumerate(counts.items()):
        y = head + row * (bar_h + gap)
        parts.append(f'<text x="{left - 8}" y="{y + bar_h / 2 + 4:.1f}" text-anchor="end">{name}</text>')
        if isinstance(value, int) and value > 0:
            w = max(1.0, plot_w * math.log10(value) / top) if value > 1 else 1.0
            parts.append(f'<rect class="bar" data-kind="{name}" data-count="{value}" x="{left}" y="{y}" '
                         f'width="{w:.1f}" height="{bar_h}" fill="{COLOURS.get(name, "#1f77b4")}"/>')
            label = f"{value:,} ({human_bytes(value)})"
            inside = w > 0.6 * plot_w
            tx = left + w - 6 if inside else left + w + 6
            anchor = "end" if inside else "start"
            fill = "white" if inside else "black"
            parts.append(f'<text x="{tx:.1f}" y="{y + bar_h / 2 + 4:.1f}" text-anchor="{anchor}" '
                         f'fill="{fill}">{label}</text>')
        else:
            parts.append(f'<text x="{left + 6}" y="{y + bar_h / 2 + 4:.1f}" fill="#b00">'
                         f'{html.escape(str(value))}</text>')
    parts.append("</svg>")
    return "".join(parts)


class ParameterCounts(CourseWidget):
    """Sliders for input size, channels, filters and kernel size; three bars on a log scale.

    Pass your own ``fc=fc_params, local=local_params, conv=conv_params`` to draw the bars with your
    functions (errors are shown, never raised); by default the counts come from torch modules
    (:func:`course.torch_reference.torch_counts`). After each update ``counts`` holds the three numbers and
    ``last_update_ms`` the time the update took.
    """

    default_size = 55

    def __init__(self, size: int = 55, in_channels: int = 3, filters: int = 96, kernel: int = 11,
                 fc: Callable | None = None, local: Callable | None = None,
                 conv: Callable | None = None) -> None:
        super().__init__()
        self.functions = {"fully connected": fc, "locally connected": local, "shared convolution": conv}
        self.counts: dict[str, int | str] = {}
        style = {"description_width": "110px"}
        layout = widgets.Layout(width="420px")
        self.size = widgets.IntSlider(value=size, min=1, max=512, description="input n × n",
                                      style=style, layout=layout, continuous_update=True)
        self.in_channels = widgets.IntSlider(value=in_channels, min=1, max=512, description="in channels",
                                             style=style, layout=layout)
        self.filters = widgets.IntSlider(value=filters, min=1, max=1024, description="filters (out)",
                                         style=style, layout=layout)
        self.kernel = widgets.IntSlider(value=kernel, min=1, max=31, step=2, description="kernel k × k",
                                        style=style, layout=layout)
        self.chart = widgets.HTML()
        self.watch(self.size, self.in_channels, self.filters, self.kernel)
        self.children = [widgets.HBox([widgets.VBox([self.size, self.in_channels, self.filters, self.kernel]),
                                       self.status]), self.chart]
        self.update()

    def _count(self, kind: str, n: int, c_in: int, c_out: int, k: int, default: dict[str, int]) -> int | str:
        fn = self.functions[kind]
        if fn is None:
            return default[kind]
        try:
            if kind == "fully connected":
                value = fn((n, n, c_in), (n, n, c_out))
            elif kind == "locally connected":
                value = fn(c_in, k, (n, n, c_out))
            else:
                value = fn(c_in, c_out, k)
            return int(value)
        except Exception as exc:  # a student's function may fail: show it instead of a bar
            return raised("your function", exc)

    def render(self) -> None:
        """Recount and redraw."""
        n, c_in, c_out, k = self.size.value, self.in_channels.value, self.filters.value, self.kernel.value
        default = torch_counts(n, c_in, c_out, k)
        self.counts = {kind: self._count(kind, n, c_in, c_out, k, default) for kind in KINDS}
        self.chart.value = bar_chart_svg(self.counts)

    def describe(self) -> str:
        n, c_in, c_out, k = self.size.value, self.in_channels.value, self.filters.value, self.kernel.value
        fc, local, conv = (self.counts[kind] for kind in KINDS)
        lines = [f"layer: {n}×{n}×{c_in} → {n}×{n}×{c_out}, {k}×{k} filters ('same' padding, stride 1)"]
        if all(isinstance(v, int) and v > 0 for v in (fc, local, conv)):
            lines.append(f"locally connected / shared = {local / conv:,.1f} "
                         f"(one filter per position: {n}×{n} = {n * n:,} positions)")
            lines.append(f"fully connected / shared = {fc / conv:,.1f}")
        lines.append(coloured(f"{self.last_update_ms:.1f} ms", MUTED_COLOUR))
        return "<br>".join(lines)


def interactions(size: int) -> tuple[ParameterCounts, list[actions.Action]]:
    """A widget at input size ``size`` and actions that each move one control as a user would."""
    w = ParameterCounts(size=size)
    return w, [actions.step(slider, name=f"move_{name}") for name, slider in
               [("size", w.size), ("in_channels", w.in_channels), ("filters", w.filters), ("kernel", w.kernel)]]
