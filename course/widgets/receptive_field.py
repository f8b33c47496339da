"""Receptive-field view: pick a stack of layers (k, s, d) and an output unit, see the input it depends on.

The region is computed by exact index arithmetic: a count vector is sent back through each layer
(``k`` taps, ``d`` apart, windows ``s`` apart, no padding), which is what the gradient of the output unit
with respect to the input gives when every weight is 1 (:func:`torch_gradient_map` checks it). The shade of
an input pixel is the number of paths from it to the unit: the centre of the receptive field counts most.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence

import ipywidgets as widgets
import numpy as np

from course.images import sample_image
from course.widgets.render import png_bytes

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


def torch_gradient_map(size: int, layers: Sequence[Layer], unit: tuple[int, int]) -> np.ndarray:
    """The same map from autograd: d output[unit] / d input through ``nn.Conv2d`` layers of ones."""
    import torch
    from torch import nn

    x = torch.zeros(1, 1, size, size, dtype=torch.float64, requires_grad=True)
    y = x
    for k, s, d in layers:
        conv = nn.Conv2d(1, 1, k, stride=s, dilation=d, bias=False).double()
        with torch.no_grad():
            conv.weight.fill_(1.0)
        y = conv(y)
    y[0, 0, unit[0], unit[1]].backward()
    return x.grad[0, 0].numpy().copy()


def extent(values: np.ndarray) -> tuple[int, int, int, int]:
    """Bounding box ``(top, left, height, width)`` of the nonzero entries of a 2-D array."""
    rows, cols = np.nonzero(values)
    return int(rows.min()), int(cols.min()), int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1)


def _outline(rgb: np.ndarray, top: int, left: int, h: int, w: int, colour, t: int = 1) -> None:
    H, W = rgb.shape[:2]
    b, r = min(top + h, H), min(left + w, W)
    t0, l0 = max(top - t, 0), max(left - t, 0)
    rgb[t0:top, l0:r + t] = colour
    rgb[b:b + t, l0:r + t] = colour
    rgb[t0:b + t, l0:left] = colour
    rgb[t0:b + t, r:r + t] = colour


def overlay(image: np.ndarray, paths: np.ndarray) -> np.ndarray:
    """Grey image with pixels that reach the unit tinted red (darker red = more paths)."""
    rgb = np.repeat(image[:, :, None] * 0.75, 3, axis=2)
    seen = paths > 0
    if seen.any():
        weight = np.zeros_like(paths)
        weight[seen] = 0.35 + 0.65 * paths[seen] / paths[seen].max()
        rgb[seen] = (1 - weight[seen, None]) * rgb[seen] + weight[seen, None] * np.array([1.0, 0.1, 0.1])
    return rgb


class ReceptiveFieldView(widgets.VBox):
    """A stack of layers (preset or typed as ``k,s,d; k,s,d``) and one output unit (row, col sliders).

    Left: the whole input with the receptive field's bounding box; right: a zoom on it, each input
    pixel shaded by its number of paths to the unit. Pass ``rf=receptive_field`` to compare your
    function with the picture (its errors are shown, never raised). After each update ``paths`` holds
    the path-count map, ``box`` the bounding box ``(top, left, height, width)`` and ``last_update_ms``
    the time the update took.
    """

    def __init__(self, size: int = 128, preset: str = "three 3x3 (lecture)", image: np.ndarray | None = None,
                 rf: Callable[[list[Layer]], int] | None = None) -> None:
        self.image = np.asarray(sample_image(size=size) if image is None else image, dtype=np.float64)
        if self.image.ndim != 2 or self.image.shape[0] != self.image.shape[1]:
            raise ValueError(f"image must be a square grey image, got shape {self.image.shape}")
        self.n = self.image.shape[0]
        self._factor = max(1, -(-self.n // 256))
        grey = self.image[::self._factor, ::self._factor] * 0.75
        self._small = np.repeat(grey[:, :, None], 3, axis=2)
        self.rf = rf
        self.paths: np.ndarray | None = None
        self.box: tuple[int, int, int, int] | None = None
        self.layers: list[Layer] = []
        self.last_update_ms = 0.0
        self._quiet = False

        self.preset = widgets.Dropdown(options=[*PRESETS, CUSTOM], value=preset, description="stack")
        self.text = widgets.Text(value=format_layers(PRESETS.get(preset, [(3, 1, 1)])),
                                 description="k,s,d; ...", continuous_update=False,
                                 layout=widgets.Layout(width="420px"))
        self.row = widgets.IntSlider(value=0, min=0, max=0, description="output row")
        self.col = widgets.IntSlider(value=0, min=0, max=0, description="output col")
        self.full = widgets.Image(format="png", layout=widgets.Layout(width="320px"))
        self.zoom = widgets.Image(format="png", layout=widgets.Layout(width="320px"))
        self.status = widgets.HTML()
        self.preset.observe(self._on_preset, names="value")
        self.text.observe(self._on_text, names="value")
        self.row.observe(self._on_unit, names="value")
        self.col.observe(self._on_unit, names="value")
        super().__init__([widgets.HBox([self.preset, self.text]), widgets.HBox([self.row, self.col]),
                          widgets.HBox([self.full, self.zoom]), self.status])
        self._set_layers(self.text.value, centre=True)

    # ---- state -------------------------------------------------------------------------------
    def _set_layers(self, text: str, centre: bool = False) -> None:
        try:
            layers = parse_layers(text)
            out = output_lengths(self.n, layers)[-1]
            if out < 1:
                raise ValueError(f"this stack needs an input larger than {self.n}×{self.n}")
        except ValueError as exc:
            self.status.value = f"<span style='color:#b00'>{exc}</span>"
            return
        self.layers = layers
        self._quiet = True
        try:
            for s in (self.row, self.col):
                s.max = out - 1
                if centre:
                    s.value = (out - 1) // 2
        finally:
            self._quiet = False
        self.update()

    def _on_preset(self, change) -> None:
        if self._quiet or change["new"] == CUSTOM:
            return
        self._quiet = True
        try:
            self.text.value = format_layers(PRESETS[change["new"]])
        finally:
            self._quiet = False
        self._set_layers(self.text.value, centre=True)

    def _on_text(self, change) -> None:
        if self._quiet:
            return
        self._quiet = True
        try:
            self.preset.value = CUSTOM
        finally:
            self._quiet = False
        self._set_layers(change["new"], centre=True)

    def _on_unit(self, _change) -> None:
        if not self._quiet:
            self.update()

    # ---- drawing -----------------------------------------------------------------------------
    def update(self) -> None:
        """Recompute the region the chosen unit sees and redraw both views."""
        t0 = time.perf_counter()
        unit = (self.row.value, self.col.value)
        try:
            rows, cols = (paths_1d(self.n, self.layers, i) for i in unit)
        except ValueError as exc:
            self.status.value = f"<span style='color:#b00'>{exc}</span>"
            return
        paths = self.paths = np.outer(rows, cols)
        r_idx, c_idx = np.flatnonzero(rows), np.flatnonzero(cols)
        top, left = int(r_idx[0]), int(c_idx[0])
        h, w = int(r_idx[-1]) - top + 1, int(c_idx[-1]) - left + 1
        self.box = (top, left, h, w)

        # whole input, shown at most 256 px wide: the receptive field as a tinted, outlined box
        f = self._factor
        small = self._small.copy()
        st, sl = top // f, left // f
        sh, sw = max(1, -(-(top + h) // f) - st), max(1, -(-(left + w) // f) - sl)
        small[st:st + sh, sl:sl + sw] = 0.5 * small[st:st + sh, sl:sl + sw] + 0.5 * np.array([1.0, 0.1, 0.1])
        _outline(small, st, sl, sh, sw, (1.0, 0.85, 0.0), t=2)
        self.full.value = png_bytes(small)

        # zoom on the receptive field at full resolution, each pixel shaded by its number of paths
        side = max(min(self.n, 16), min(self.n, max(h, w) + 8))
        y0 = int(np.clip(top + h // 2 - side // 2, 0, self.n - side))
        x0 = int(np.clip(left + w // 2 - side // 2, 0, self.n - side))
        crop = overlay(self.image[y0:y0 + side, x0:x0 + side], paths[y0:y0 + side, x0:x0 + side])
        scale = max(1, 256 // side)
        zoomed = np.repeat(np.repeat(crop, scale, axis=0), scale, axis=1)
        if scale >= 4:  # pixel grid lines so single pixels can be counted
            zoomed[::scale] *= 0.8
            zoomed[:, ::scale] *= 0.8
        self.zoom.value = png_bytes(zoomed)

        lengths = output_lengths(self.n, self.layers)
        msg = [f"input {self.n}×{self.n} → output {lengths[-1]}×{lengths[-1]} "
               f"(per layer: {' → '.join(map(str, lengths))}); unit ({unit[0]}, {unit[1]}) sees rows "
               f"{top}..{top + h - 1}, cols {left}..{left + w - 1}: <b>receptive field {h}×{w}</b>, "
               f"{len(r_idx) * len(c_idx):,} pixels actually used"]
        if self.rf is not None:
            try:
                mine = self.rf(list(self.layers))
                verdict = "✔" if mine == h else "✘ differs from the picture"
                msg.append(f"your receptive_field(layers) = {mine} {verdict}")
            except Exception as exc:  # a student's function may fail: say so, keep drawing
                msg.append(f"<span style='color:#b00'>your receptive_field raised "
                           f"{type(exc).__name__}: {exc}</span>")
        self.last_update_ms = (time.perf_counter() - t0) * 1e3
        msg.append(f"<span style='color:#888'>{self.last_update_ms:.1f} ms</span>")
        self.status.value = "<br>".join(msg)


def interactions(size: int) -> tuple[ReceptiveFieldView, list[Callable[[], None]]]:
    """A view of a ``size x size`` input and callables that each change one control as a user would."""
    w = ReceptiveFieldView(size=size, preset="AlexNet conv1 to pool2" if size >= 67 else "three 3x3 (lecture)")

    def move(slider: widgets.IntSlider) -> Callable[[], None]:
        def go() -> None:
            slider.value = slider.value - 1 if slider.value >= slider.max else slider.value + 1
        return go

    names = [p for p in PRESETS if output_lengths(size, PRESETS[p])[-1] >= 1]

    def next_preset() -> None:
        current = w.preset.value
        i = names.index(current) if current in names else -1
        w.preset.value = names[(i + 1) % len(names)]

    def type_stack() -> None:
        w.text.value = "3,1,1; 3,1,2" if w.text.value != "3,1,1; 3,1,2" else "5,2,1; 3,1,1"

    return w, [move(w.row), move(w.col), next_preset, type_stack]
