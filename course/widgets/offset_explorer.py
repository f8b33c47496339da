"""Offset explorer: a 3x3 kernel's sampling points moved by offsets over a real photo, and the deformable output."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
import numpy as np

from course.images import sample_image
from course.kernels import KERNELS as NAMED_KERNELS
from course.widgets import actions
from course.widgets.base import CourseWidget, ShownError, raised
from course.widgets.render import display_mode, dots, fit, png_bytes, to_rgb, to_uint8, upscale

#: where the 9 taps of a 3x3 kernel read, relative to the centre tap, row-major: (-1, -1), (-1, 0), ... (1, 1)
GRID = np.array([(i - 1, j - 1) for i in range(3) for j in range(3)], dtype=np.float64)


def _rotation(degrees: float) -> np.ndarray:
    t = np.deg2rad(degrees)   # on (row, col) with rows pointing down: a positive angle turns counterclockwise
    return np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])


#: the lecture's figure: (a) regular grid, (b) free offsets, (c) scaled (dilation is scale 2), (d) rotated
PRESETS: dict[str, np.ndarray] = {
    "regular": np.zeros((9, 2)),
    "dilated (d = 2)": GRID * (2 - 1),
    "scaled (x 1.5)": GRID * (1.5 - 1),
    "rotated (30°)": GRID @ _rotation(30).T - GRID,
    "random": np.random.default_rng(42).uniform(-1.0, 1.0, size=(9, 2)).round(2),
}
CUSTOM = "custom"
#: the kernels offered: four of the named kernels of :mod:`course.kernels`
KERNELS: dict[str, np.ndarray] = {name: NAMED_KERNELS[name] for name in ("box blur", "Sobel x", "Sobel y", "Laplacian")}
REGULAR, SAMPLED, ARROW, CHOSEN = (np.array(c, dtype=np.float64) for c in (
    [0.1, 0.75, 0.2], [0.05, 0.15, 0.7], [0.45, 0.75, 1.0], [0.9, 0.1, 0.1]))
ZOOM_RADIUS, ZOOM_SCALE = 5, 24   # the zoomed view shows 11 x 11 pixels, each 24 screen pixels wide


def equivalent_kernel(K: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, int]:
    """The ordinary kernel (and its radius M) of a deformable 3x3 convolution whose offsets are the same at every
    output position: tap k's weight spread over the pixels around where it reads, by the bilinear 'tent' weights."""
    where = GRID + np.asarray(offsets, dtype=np.float64)
    M = int(np.ceil(np.abs(where).max()))
    cells = np.arange(-M, M + 1, dtype=np.float64)
    tent_y = np.maximum(0.0, 1.0 - np.abs(cells[None, :] - where[:, :1]))
    tent_x = np.maximum(0.0, 1.0 - np.abs(cells[None, :] - where[:, 1:]))
    return np.einsum("k,ku,kv->uv", np.asarray(K, dtype=np.float64).ravel(), tent_y, tent_x), M


def shared_offset_deform(image: np.ndarray, K: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Deformable convolution (padding 1, stride 1, zero outside the image) of a 2-D image with one 3x3 kernel and
    the same 9 offsets at every position, in float32: a sum of shifted copies of the image, one per pixel the
    taps read. About 10 ms at 512x512 (torch's conv2d with the equivalent kernel takes several times longer)."""
    Ke, M = equivalent_kernel(K, offsets)
    H, W = image.shape
    padded = np.pad(np.asarray(image, dtype=np.float32), M)
    out = np.zeros((H, W), dtype=np.float32)
    for u, v in zip(*np.nonzero(np.abs(Ke) > 1e-12), strict=True):
        out += np.float32(Ke[u, v]) * padded[u:u + H, v:v + W]
    return out


def _byte(colour: np.ndarray) -> np.ndarray:
    return np.rint(255 * colour).astype(np.uint8)


class OffsetExplorer(CourseWidget):
    """Move the sampling points of a 3x3 kernel (presets or one tap at a time) and watch the feature map change.

    The left picture zooms on the photo around one output position: green dots are where a regular 3x3 kernel
    reads, blue dots where the deformable one reads (offset = the light-blue arrow). The right picture is the
    output of the chosen kernel over the whole photo, every position using the same offsets. ``deform`` may be
    your ``deform_conv2d``: it then computes the output (and errors are shown, not raised). After each update
    ``result`` holds the output and ``last_update_ms`` the time it took.
    """

    default_size = 256

    def __init__(self, image: np.ndarray | None = None, preset: str = "regular", kernel: str = "Sobel x",
                 deform: Callable | None = None, display_px: int = 256) -> None:
        image = np.asarray(sample_image(size=self.default_size) if image is None else image, dtype=np.float64)
        if image.ndim != 2 or min(image.shape) < 3:
            raise ValueError(f"image must be a 2-D grey image of at least 3x3, got shape {image.shape}")
        if preset not in PRESETS or kernel not in KERNELS:
            raise ValueError(f"preset must be one of {list(PRESETS)} and kernel one of {list(KERNELS)}")
        super().__init__()
        self.image, self.deform, self.display_px = image, deform, display_px
        self.offsets = PRESETS[preset].copy()
        self.result: np.ndarray | None = None
        self._computed: tuple | None = None     # (kernel, offsets) of ``result``: moving the zoom reuses it
        self._build_controls(preset, kernel)
        self._shown = {self.dy: 0.0, self.dx: 0.0}   # what the sliders were set to show
        self.watch(self.preset, handler=self._on_preset)
        self.watch(self.tap, handler=self._on_tap)
        self.watch(self.dy, self.dx, handler=self._on_offset)
        self.watch(self.kernel, self.row, self.col)
        self.children = [
            widgets.HBox([self.preset, self.kernel]),
            widgets.HBox([widgets.VBox([self.tap, self.dy, self.dx, self.row, self.col]), self.zoom, self.output],
                         layout=widgets.Layout(align_items="center")),
            self.status,
        ]
        with self.quiet():
            self._show_tap()
        self.update()

    def _build_controls(self, preset: str, kernel: str) -> None:
        H, W = self.image.shape
        self.preset = widgets.Dropdown(options=[*PRESETS, CUSTOM], value=preset, description="offsets")
        self.kernel = widgets.Dropdown(options=list(KERNELS), value=kernel, description="kernel")
        self.tap = widgets.Dropdown(options=[(f"tap ({i}, {j})", 3 * i + j) for i in range(3) for j in range(3)],
                                    value=0, description="move")
        self.dy = widgets.FloatSlider(value=0.0, min=-3.0, max=3.0, step=0.05, description="dy")
        self.dx = widgets.FloatSlider(value=0.0, min=-3.0, max=3.0, step=0.05, description="dx")
        self.row = widgets.IntSlider(value=H // 2, min=0, max=H - 1, description="output row")
        self.col = widgets.IntSlider(value=W // 2, min=0, max=W - 1, description="output col")
        side = 2 * ZOOM_RADIUS + 1
        self.zoom = widgets.Image(format="png", layout=widgets.Layout(width=f"{side * ZOOM_SCALE}px"))
        self.output = widgets.Image(format="png", layout=widgets.Layout(width=f"{self.display_px}px"))

    def set_offsets(self, offsets) -> None:
        """Put 9 (dy, dx) offsets, one per tap in row-major order (preset becomes 'custom'), and redraw once."""
        offsets = np.asarray(offsets, dtype=np.float64)
        if offsets.shape != (9, 2):
            raise ValueError(f"a 3x3 kernel has 9 taps: offsets must have shape (9, 2), got {offsets.shape}")
        self.offsets = offsets.copy()
        with self.quiet():
            self.preset.value = CUSTOM
            self._show_tap()
        self.update()

    def offset_map(self) -> np.ndarray:
        """The offsets as ``deform_conv2d`` takes them for the whole image: shape (1, 18, H, W)."""
        H, W = self.image.shape
        return np.broadcast_to(self.offsets.reshape(1, 18, 1, 1), (1, 18, H, W)).copy()

    # ---- the update cycle ------------------------------------------------------------------------------
    def render(self) -> None:
        """Compute the output (unless only the zoomed position or tap changed) and draw both pictures."""
        K = KERNELS[self.kernel.value]
        key = (self.kernel.value, self.offsets.tobytes())
        if key != self._computed:
            self.result = self._compute(K)
            self._computed = key
        self.zoom.value = png_bytes(self._zoom_picture())
        self.output.value = png_bytes(self._output_picture(K))

    def _compute(self, K: np.ndarray) -> np.ndarray:
        if self.deform is None:
            return shared_offset_deform(self.image, K, self.offsets)
        try:
            out = self.deform(self.image[None, None], self.offset_map(), K[None, None], padding=1)
            return np.asarray(out, dtype=np.float64)[0, 0]
        except Exception as exc:  # a student's function may fail: say so, keep the old pictures
            raise ShownError(raised("your function", exc)) from exc

    def describe(self) -> str:
        far = np.abs(GRID + self.offsets).max()
        return (f"output {self.result.shape[0]}×{self.result.shape[1]}; the taps read up to {far:.2f} pixels from "
                f"the centre (a regular 3×3 kernel: 1); {self.last_update_ms:.1f} ms")

    # ---- pictures ----------------------------------------------------------------------------------------
    def _zoom_picture(self) -> np.ndarray:
        r, c, R, s = self.row.value, self.col.value, ZOOM_RADIUS, ZOOM_SCALE
        crop = np.pad(self.image, R)[r:r + 2 * R + 1, c:c + 2 * R + 1]
        img = upscale(to_rgb(to_uint8(crop)), s)
        regular, sampled = (R + 0.5 + GRID) * s, (R + 0.5 + GRID + self.offsets) * s
        t = np.linspace(0.0, 1.0, 24)[None, :, None]
        arrows = regular[:, None, :] + t * (sampled - regular)[:, None, :]
        dots(img, arrows[..., 0], arrows[..., 1], 1.5, _byte(ARROW))
        dots(img, regular[:, 0], regular[:, 1], 6, _byte(REGULAR))
        chosen = sampled[self.tap.value]          # the tap the sliders move
        dots(img, chosen[:1], chosen[1:], 8, _byte(CHOSEN))
        dots(img, sampled[:, 0], sampled[:, 1], 5, _byte(SAMPLED))
        return img

    def _output_picture(self, K: np.ndarray) -> np.ndarray:
        _, down = fit(max(self.result.shape), self.display_px)
        shown = self.result[::down, ::down]
        img = to_rgb(to_uint8(shown, display_mode(K.sum(), otherwise="clip")))   # edge detectors: magnitude
        dots(img, [self.row.value / down], [self.col.value / down], 2.5, _byte(CHOSEN))
        return img

    # ---- controls ----------------------------------------------------------------------------------------
    def _show_tap(self) -> None:
        """The sliders show the chosen tap's offset to their step (call inside ``quiet()``): a value between
        steps the slider in the page would snap to one and send back, as if the user had moved it."""
        for slider, v in zip((self.dy, self.dx), self.offsets[self.tap.value], strict=True):
            slider.value = self._shown[slider] = round(round(float(v) / slider.step) * slider.step, 2)

    def _on_preset(self, change) -> None:
        if change["new"] == CUSTOM:
            return
        self.offsets = PRESETS[change["new"]].copy()
        with self.sync_after([self.dy, self.dx]), self.quiet():   # the pictures first, the sliders after
            self._show_tap()
            self.update()

    def _on_tap(self, _change) -> None:
        with self.sync_after([self.dy, self.dx]), self.quiet():
            self._show_tap()
            self.update()

    def _on_offset(self, change) -> None:
        slider = change["owner"]
        if abs(change["new"] - self._shown[slider]) < slider.step / 2:   # the page's slider rounding what it shows
            return
        self._shown[slider] = change["new"]
        self.offsets[self.tap.value, 0 if slider is self.dy else 1] = change["new"]
        with self.quiet():
            self.preset.value = CUSTOM
        self.update()


def interactions(size: int) -> tuple[OffsetExplorer, list[actions.Action]]:
    """An explorer on a ``size`` x ``size`` photo and the changes a user makes (for tests and benchmarks)."""
    w = OffsetExplorer(image=sample_image(size=size))
    presets = [actions.choose(w.preset, p, name=f"preset {p}") for p in PRESETS if p != "regular"]
    return w, presets + [
        actions.toggle(w.tap, 4, 2, name="tap"),
        actions.toggle(w.dy, 0.6, -0.6, name="dy"),
        actions.toggle(w.dx, -1.25, 1.25, name="dx"),
        actions.step(w.kernel, wrap=True, name="kernel"),
        actions.step(w.row, max(1, size // 8), name="output row"),
        actions.step(w.col, max(1, size // 8), name="output col"),
    ]
