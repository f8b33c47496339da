"""Receptive-field view: pick a stack of layers (k, s, d) and an output unit, see the input it depends on.

The region is computed by exact index arithmetic: a count vector is sent back through each layer
(``k`` taps, ``d`` apart, windows ``s`` apart, no padding), which is what the gradient of the output unit
with respect to the input gives when every weight is 1 (:func:`course.torch_reference.torch_gradient_map`
checks it). The shade of an input pixel is the number of paths from it to the unit: the centre of the
receptive field counts most.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import ipywidgets as widgets
import numpy as np

from course.images import sample_image
from course.widgets import actions
from course.widgets.base import MUTED_COLOUR, CourseWidget, ShownError, coloured, error_html, escape, raised
from course.widgets.render import fit, outline, png_bytes, to_rgb, upscale

Layer = tuple[int, int, int]

PRESETS: dict[str, list[Layer]] = {
    "three 3x3 (lecture)": [(3, 1, 1)] * 3,
    "one 7x7": [(7, 1, 1)],
    "3x3, dilation 1, 2, 4": [(3, 1, 1), (3, 1, 2), (3, 1, 4)],
    "3x3, dilation 2, 2 (holes)": [(3, 1, 2), (3, 1, 2)],
    "three 3x3, stride 2": [(3, 2, 1)] * 3,
    "AlexNet conv1 to pool2": [(11, 4, 1), (3, 2, 1), (5, 1, 1), (3, 2, 1)],
    "LeNet-5 convs and pools": [(5, 1, 1), (2, 2, 1), (5, 1, 1), (2, 2, 1)],
}
CUSTOM = "custom"


def format_layers(layers: Sequence[Layer]) -> str:
    """``[(3, 1, 1), (3, 2, 1)]`` -> ``'3,1,1; 3,2,1'``."""
    return "; ".join(",".join(str(v) for v in layer) for layer in layers)


def parse_layers(text: str) -> list[Layer]:
    """``'3,1,1; 3,2,1'`` -> ``[(3, 1, 1), (3, 2, 1)]``; a layer may omit ``s`` and ``d`` (default 1)."""
    layers = []
    for part in filter(None, (p.strip() for p in re.split(r"[;\n]", text))):
        values = [v for v in re.split(r"[,\s]+", part.strip("() ")) if v]
        if not 1 <= len(values) <= 3 or not all(v.isdigit() for v in values):
            raise ValueError(f"a layer is 'k,s,d' with positive integers, got {part!r}")
        k, s, d = ([int(v) for v in values] + [1, 1])[:3]
        if min(k, s, d) < 1:
            raise ValueError(f"k, s and d must be >= 1, got {part!r}")
        layers.append((k, s, d))
    return layers


def output_lengths(n: int, layers: Sequence[Layer]) -> list[int]:
    """Lengths along one axis: input ``n``, then after each layer (no padding)."""
    lengths = [n]
    for k, s, d in layers:
        lengths.append((lengths[-1] - d * (k - 1) - 1) // s + 1)
    return lengths


def paths_1d(n: int, layers: Sequence[Layer], index: int) -> np.ndarray:
    """For one axis of length ``n``: how many paths lead from each input position to output ``index``."""
    lengths = output_lengths(n, layers)
    if lengths[-1] < 1:
        raise ValueError(f"the stack needs a larger input: lengths {lengths}")
    if not 0 <= index < lengths[-1]:
        raise ValueError(f"output index {index} outside 0..{lengths[-1] - 1}")
    counts = np.zeros(lengths[-1])
    counts[index] = 1.0
    for (k, s, d), n_in in zip(reversed(layers), reversed(lengths[:-1]), strict=True):
        back = np.zeros(n_in)
        span = s * (len(counts) - 1) + 1
        for m in range(k):
            back[m * d: m * d + span: s] += counts
        counts = back
    return counts


def path_map(size: int, layers: Sequence[Layer], unit: tuple[int, int]) -> np.ndarray:
    """``size x size`` map of path counts from each input pixel to output ``unit`` (rows, cols)."""
    return np.outer(paths_1d(size, layers, unit[0]), paths_1d(size, layers, unit[1]))


def extent(values: np.ndarray) -> tuple[int, int, int, int]:
    """Bounding box ``(top, left, height, width)`` of the nonzero entries of a 2-D array."""
    rows, cols = np.nonzero(values)
    return int(rows.min()), int(cols.min()), int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1)


def overlay(image: np.ndarray, paths: np.ndarray) -> np.ndarray:
    """Grey image with pixels that reach the unit tinted red (darker red = more paths)."""
    rgb = to_rgb(image * 0.75)
    seen = paths > 0
    if seen.any():
        weight = np.zeros_like(paths)
        weight[seen] = 0.35 + 0.65 * paths[seen] / paths[seen].max()
        rgb[seen] = (1 - weight[seen, None]) * rgb[seen] + weight[seen, None] * np.array([1.0, 0.1, 0.1])
    return rgb


class ReceptiveFieldView(CourseWidget):
    """A stack of layers (preset or typed as ``k,s,d; k,s,d``) and one output unit (row, col sliders).

    Left: the whole input with the receptive field's bounding box; right: a zoom on it, each input
    pixel shaded by its number of paths to the unit. Pass ``rf=receptive_field`` to compare your
    function with the picture (its errors are shown, never raised). After each update ``paths`` holds
    the path-count map, ``box`` the bounding box ``(top, left, height, width)`` and ``last_update_ms``
    the time the update took.
    """

    default_size = 128

    def __init__(self, size: int = 128, preset: str = "three 3x3 (lecture)", image: np.ndarray | None = None,
                 rf: Callable[[list[Layer]], int] | None = None) -> None:
        image = np.asarray(sample_image(size=size) if image is None else image, dtype=np.float64)
        if image.ndim != 2 or image.shape[0] != image.shape[1]:
            raise ValueError(f"image must be a square grey image, got shape {image.shape}")
        super().__init__()
        self.image = image
        self.n = self.image.shape[0]
        self._factor = fit(self.n, 256)[1]
        self._small = to_rgb(self.image[::self._factor, ::self._factor] * 0.75)
        self.rf = rf
        self.paths: np.ndarray | None = None
        self.box: tuple[int, int, int, int] | None = None
        self.layers: list[Layer] = []
        self._message = ""

        self.preset = widgets.Dropdown(options=[*PRESETS, CUSTOM], value=preset, description="stack")
        self.text = widgets.Text(value=format_layers(PRESETS.get(preset, [(3, 1, 1)])),
                                 description="k,s,d; ...", continuous_update=False,
                                 layout=widgets.Layout(width="420px"))
        self.row = widgets.IntSlider(value=0, min=0, max=0, description="output row")
        self.col = widgets.IntSlider(value=0, min=0, max=0, description="output col")
        self.full = widgets.Image(format="png", layout=widgets.Layout(width="320px"))
        self.zoom = widgets.Image(format="png", layout=widgets.Layout(width="320px"))
        self.watch(self.preset, handler=self._on_preset)
        self.watch(self.text, handler=self._on_text)
        self.watch(self.row, self.col)
        self.children = [widgets.HBox([self.preset, self.text]), widgets.HBox([self.row, self.col]),
                         widgets.HBox([self.full, self.zoom]), self.status]
        self._set_layers(self.text.value, centre=True)

    # ---- state -------------------------------------------------------------------------------
    def _set_layers(self, text: str, centre: bool = False) -> None:
        try:
            layers = parse_layers(text)
            out = output_lengths(self.n, layers)[-1]
            if out < 1:
                raise ValueError(f"this stack needs an input larger than {self.n}×{self.n}")
        except ValueError as exc:
            self.show_error(str(exc))
            return
        self.layers = layers
        with self.quiet():
            for s in (self.row, self.col):
                s.max = out - 1
                if centre:
                    s.value = (out - 1) // 2
        self.update()

    def _on_preset(self, change) -> None:
        if change["new"] == CUSTOM:
            return
        with self.quiet():
            self.text.value = format_layers(PRESETS[change["new"]])
        self._set_layers(self.text.value, centre=True)

    def _on_text(self, change) -> None:
        with self.quiet():
            self.preset.value = CUSTOM
        self._set_layers(change["new"], centre=True)

    # ---- drawing -----------------------------------------------------------------------------
    def render(self) -> None:
        """Recompute the region the chosen unit sees and redraw both views."""
        unit = (self.row.value, self.col.value)
        try:
            rows, cols = (paths_1d(self.n, self.layers, i) for i in unit)
        except ValueError as exc:
            raise ShownError(str(exc)) from exc
        self.paths = np.outer(rows, cols)
        r_idx, c_idx = np.flatnonzero(rows), np.flatnonzero(cols)
        top, left = int(r_idx[0]), int(c_idx[0])
        self.box = (top, left, int(r_idx[-1]) - top + 1, int(c_idx[-1]) - left + 1)
        self.full.value = png_bytes(self._whole_input())
        self.zoom.value = png_bytes(self._zoom())
        self._message = self._report(unit, len(r_idx) * len(c_idx))

    def describe(self) -> str:
        return self._message + "<br>" + coloured(f"{self.last_update_ms:.1f} ms", MUTED_COLOUR)

    def _whole_input(self) -> np.ndarray:
        """The whole input, shown at most 256 px wide: the receptive field as a tinted, outlined box."""
        top, left, h, w = self.box
        f = self._factor
        small = self._small.copy()
        st, sl = top // f, left // f
        sh, sw = max(1, -(-(top + h) // f) - st), max(1, -(-(left + w) // f) - sl)
        small[st:st + sh, sl:sl + sw] = 0.5 * small[st:st + sh, sl:sl + sw] + 0.5 * np.array([1.0, 0.1, 0.1])
        outline(small, st, sl, sh, sw, (1.0, 0.85, 0.0), thick=2, outside=True)
        return small

    def _zoom(self) -> np.ndarray:
        """A zoom on the receptive field at full resolution, each pixel shaded by its number of paths."""
        top, left, h, w = self.box
        side = max(min(self.n, 16), min(self.n, max(h, w) + 8))
        y0 = int(np.clip(top + h // 2 - side // 2, 0, self.n - side))
        x0 = int(np.clip(left + w // 2 - side // 2, 0, self.n - side))
        crop = overlay(self.image[y0:y0 + side, x0:x0 + side], self.paths[y0:y0 + side, x0:x0 + side])
        scale = fit(side, 256)[0]
        zoomed = upscale(crop, scale)
        if scale >= 4:  # pixel grid lines so single pixels can be counted
            zoomed[::scale] *= 0.8
            zoomed[:, ::scale] *= 0.8
        return zoomed

    def _report(self, unit: tuple[int, int], used: int) -> str:
        top, left, h, w = self.box
        lengths = output_lengths(self.n, self.layers)
        msg = [f"input {self.n}×{self.n} → output {lengths[-1]}×{lengths[-1]} "
               f"(per layer: {' → '.join(map(str, lengths))}); unit ({unit[0]}, {unit[1]}) sees rows "
               f"{top}..{top + h - 1}, cols {left}..{left + w - 1}: <b>receptive field {h}×{w}</b>, "
               f"{used:,} pixels actually used"]
        if self.rf is not None:
            try:
                mine = self.rf(list(self.layers))
                verdict = "✔" if mine == h else "✘ differs from the picture"
                msg.append(f"your receptive_field(layers) = {mine} {verdict}")
            except Exception as exc:  # a student's function may fail: say so, keep drawing
                msg.append(error_html(escape(raised("your receptive_field", exc))))
        return "<br>".join(msg)


def interactions(size: int) -> tuple[ReceptiveFieldView, list[actions.Action]]:
    """A view of a ``size x size`` input and actions that each change one control as a user would."""
    w = ReceptiveFieldView(size=size, preset="AlexNet conv1 to pool2" if size >= 67 else "three 3x3 (lecture)")
    names = [p for p in PRESETS if output_lengths(size, PRESETS[p])[-1] >= 1]
    return w, [actions.step(w.row, 1, name="move_row"), actions.step(w.col, 1, name="move_col"),
               actions.cycle(w.preset, names, name="next_preset"),
               actions.toggle(w.text, "3,1,1; 3,1,2", "5,2,1; 3,1,1", name="type_stack")]
