"""RGB channel explorer: one kernel per colour channel, their sum, and several filters giving the output depth.

A filter of a convolutional layer on an RGB image is a 3 x kh x kw block: one kh x kw kernel for each input
channel. Each kernel filters its own channel; the three responses are *added* into one output feature map.
Several filters give several feature maps: the depth of the output. The widget shows all of it live on a
real colour photo.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from course.images import sample_image
from course.kernels import CHANNEL_KERNELS, COLOUR_FILTERS
from course.torch_reference import torch_filter_bank
from course.widgets import actions
from course.widgets.base import CourseWidget, PngImage
from course.widgets.render import display_mode, display_step, fit_width, png_bytes, shrink, to_uint8

CHANNELS = ("R", "G", "B")
TINTS = np.eye(3, dtype=np.uint8)                  # a channel shown in its colour: R, G, B
PHOTOS = ("flower", "china", "hopper")

#: 3x3 kernels a channel can use: the named kernels plus "zero" (ignore the channel) and "negative".
#: Notebook 03 imports it from here; its home is :data:`course.kernels.CHANNEL_KERNELS`.
PRESETS: dict[str, np.ndarray] = CHANNEL_KERNELS

#: The starting filter bank: (kernel for R, kernel for G, kernel for B) and what the filter looks for.
DEFAULT_FILTERS = COLOUR_FILTERS
MAX_FILTERS = len(DEFAULT_FILTERS)
_OFF_CENTRE = 1.0 - PRESETS["identity"]          # 1 everywhere but the centre tap of a 3x3 kernel


def picture(img: np.ndarray, kernel_sums, step: int, width: int | None = None) -> bytes:
    """PNG bytes of a response as the widget shows it (tests decode these to check what is on screen);
    ``kernel_sums``: the sum of the kernel, or of each channel's kernel for a feature map. Edge maps (every
    kernel sums to 0) show their magnitude; other responses are stretched to black..white (``display_mode``).
    Shrunk by ``step``, then to at most ``width`` pixels wide (the box that shows it: ``fit_width``)."""
    mode = display_mode(kernel_sums)
    pixels = to_uint8(shrink(img, step, mode), mode)
    return png_bytes(pixels if width is None else fit_width(pixels, width), photo=True)


def _label(text: str) -> widgets.HTML:
    return widgets.HTML(f"<div style='text-align:center;font-size:12px'>{text}</div>")


def _column(*children: widgets.Widget) -> widgets.VBox:
    return widgets.VBox(list(children), layout=widgets.Layout(align_items="center", margin="0 4px"))


class ChannelExplorer(CourseWidget):
    """Pick a kernel for each colour channel of each filter; see the per-channel responses, their sum and
    the whole output volume.

    After each ``update()``:

    * ``outputs`` (C_out, H', W'): the output feature maps, one per filter;
    * ``responses`` (C_out, 3, H', W'): channel c of the photo filtered by kernel c of each filter, so that
      ``outputs == responses.sum(axis=1)``;
    * ``last_update_ms``: time the update took (computation and PNG encoding).

    The response of a channel to a kernel is computed once per photo with ``torch.nn.functional.conv2d``
    (float32, so the arrays agree with float64 to about 1e-5) and cached (at most 3 x len(PRESETS) maps per
    photo); an update only adds cached maps.
    Pictures: shrunk by ``step`` (``thumb_step``: output volume), sent no wider than their box (``show``, ``thumb``).
    """

    default_size = 256

    def __init__(self, photo: str = "flower", size: int = 256, n_filters: int = 4, selected: int = 0,
                 show: int = 180, thumb: int = 100) -> None:
        if not 1 <= n_filters <= MAX_FILTERS:
            raise ValueError(f"n_filters must be between 1 and {MAX_FILTERS}, got {n_filters}")
        if size < 3:
            raise ValueError(f"size must be at least 3 for a 3x3 kernel, got {size}")
        if not 0 <= selected < n_filters:
            raise ValueError(f"selected must be a filter index below n_filters={n_filters}, got {selected}")
        super().__init__()
        self.size, self.show, self.thumb = int(size), int(show), int(thumb)
        self.step = display_step(self.size, show)
        self.thumb_step = display_step(self.size, thumb)
        # filter bank: for each filter, the preset name used by each channel
        self.bank: list[list[str]] = [list(names) for names, _ in DEFAULT_FILTERS]
        self.outputs: np.ndarray | None = None
        self._cache: dict[tuple[int, str], np.ndarray] = {}
        self._shown: dict[tuple, bytes] = {}
        self._photos: dict[str, tuple] = {}

        self._build_controls(photo, n_filters, selected)
        self._build_pictures()
        self.children = self._layout()
        self.watch(self.photo, handler=self._on_photo)
        self.watch(self.n_filters, handler=self._on_n_filters)
        self.watch(self.selected, handler=self._on_selected)
        for c, dd in enumerate(self.kernel_choice):
            self.watch(dd, handler=lambda change, c=c: self._on_kernel(c, change))
        self._load_photo()
        self.update()

    def _build_controls(self, photo: str, n_filters: int, selected: int) -> None:
        lay = widgets.Layout
        self.photo = widgets.Dropdown(options=PHOTOS, value=photo, description="photo", layout=lay(width="180px"))
        self.n_filters = widgets.IntSlider(value=n_filters, min=1, max=MAX_FILTERS,
                                           description="filters (output depth)",
                                           style={"description_width": "initial"}, layout=lay(width="320px"))
        self.selected = widgets.Dropdown(options=self._filter_options(n_filters), value=selected,
                                         description="edit", layout=lay(width="330px"),
                                         style={"description_width": "40px"})
        self.kernel_choice = [widgets.Dropdown(options=list(PRESETS), value=self.bank[selected][c],
                                               description=f"K_{ch}", layout=lay(width="190px"),
                                               style={"description_width": "35px"})
                              for c, ch in enumerate(CHANNELS)]
        self.kernel_view = [widgets.HTML() for _ in CHANNELS]

    def _build_pictures(self) -> None:
        big = widgets.Layout(width=f"{self.show}px")
        self.input_image = PngImage(layout=big)
        self.channel_images = [PngImage(layout=big) for _ in CHANNELS]
        self.response_images = [PngImage(layout=big) for _ in CHANNELS]
        self.sum_image = PngImage(layout=big)
        self.sum_label = _label("")
        self.output_images = [PngImage(layout=widgets.Layout(width=f"{self.thumb}px"))
                              for _ in range(MAX_FILTERS)]
        self.output_labels = [_label(f"out {k + 1}") for k in range(MAX_FILTERS)]
        self.output_boxes = [widgets.VBox([img, lab], layout=widgets.Layout(align_items="center"))
                             for img, lab in zip(self.output_images, self.output_labels, strict=True)]
        self.output_row = widgets.HBox()

    def _layout(self) -> list[widgets.Widget]:
        row_input = widgets.HBox(
            [_column(_label("input photo: 3 channels"), self.input_image)]
            + [_column(_label(f"channel {ch}"), self.channel_images[c], self.kernel_choice[c], self.kernel_view[c])
               for c, ch in enumerate(CHANNELS)])
        row_resp = widgets.HBox(
            [_column(self.sum_label, self.sum_image)]
            + [_column(_label(f"{ch} ★ K_{ch}"), self.response_images[c]) for c, ch in enumerate(CHANNELS)])
        return [
            widgets.HBox([self.photo, self.n_filters, self.selected]),
            row_input,
            row_resp,
            _label("<b>output volume</b>: one feature map per filter (the filter being edited is outlined)"),
            self.output_row,
            self.status,
        ]

    # ----- state -------------------------------------------------------------------------------------------
    @property
    def weights(self) -> np.ndarray:
        """The filters in use in PyTorch layout (C_out, C_in=3, 3, 3)."""
        return np.array([[PRESETS[name] for name in self.bank[k]] for k in range(self.n_filters.value)],
                        dtype=np.float64)

    @property
    def responses(self) -> np.ndarray:
        """(C_out, 3, H', W'): the response of each channel to its kernel, for every filter in use."""
        return np.array([[self._cache[(c, self.bank[k][c])] for c in range(3)]
                         for k in range(self.n_filters.value)])

    def set_kernel(self, channel: int, preset: str, filter_index: int | None = None) -> None:
        """Give ``channel`` (0=R, 1=G, 2=B) of a filter (default: the one being edited) the kernel ``preset``."""
        if preset not in PRESETS:
            raise ValueError(f"unknown preset {preset!r}; choose one of {list(PRESETS)}")
        if filter_index is not None and filter_index != self.selected.value:
            self.selected.value = filter_index
        self.kernel_choice[channel].value = preset  # one update if it changed

    def _filter_options(self, n: int) -> list[tuple[str, int]]:
        return [(f"filter {k + 1}: {DEFAULT_FILTERS[k][1]}" if self.bank[k] == list(DEFAULT_FILTERS[k][0])
                 else f"filter {k + 1}: your own", k) for k in range(n)]

    def _load_photo(self) -> None:
        """Switch to the selected photo; its pixels, channels, static pictures and responses are kept."""
        name = self.photo.value
        if name not in self._photos:
            image = sample_image(name, gray=False, size=self.size)   # (H, W, 3) float64
            channels = np.ascontiguousarray(image.transpose(2, 0, 1), dtype=np.float32)
            small = fit_width(to_uint8(shrink(image, self.step, "clip")), self.show)
            pictures = [png_bytes(p, photo=True) for p in (small, *(small * TINTS[c] for c in range(3)))]
            self._photos[name] = (image, channels, pictures, {}, {})
        # the responses already computed for this photo stay cached: switching back costs nothing
        self.image, self._x, pictures, self._cache, self._shown = self._photos[name]
        self.input_image.value = pictures[0]
        for c in range(3):
            self.channel_images[c].value = pictures[1 + c]

    def _fill_cache(self) -> None:
        """Compute the responses the filters in use need and the cache lacks: one conv2d per channel.

        A kernel whose only non-zero tap is the centre (identity, negative, zero) just scales the cropped
        channel, so it needs no convolution.
        """
        for c in range(3):
            names = sorted({self.bank[k][c] for k in range(self.n_filters.value)}
                           - {n for (cc, n) in self._cache if cc == c})
            conv = []
            for name in names:
                K = PRESETS[name]
                if not (K * _OFF_CENTRE).any():
                    self._cache[(c, name)] = np.float32(K[1, 1]) * self._x[c, 1:-1, 1:-1]
                else:
                    conv.append(name)
            if conv:
                maps = torch_filter_bank(self._x[c], np.array([PRESETS[n] for n in conv]))
                self._cache.update({(c, name): m for name, m in zip(conv, maps, strict=True)})

    # ----- drawing -----------------------------------------------------------------------------------------
    def render(self) -> None:
        """Recompute the output volume of the current filter bank and redraw (the pictures reach the browser
        first, the kernel tables, labels and outlines after them)."""
        self._fill_cache()
        n, k = self.n_filters.value, self.selected.value
        W = self.weights
        self.outputs = np.array([self._cache[(0, self.bank[j][0])] + self._cache[(1, self.bank[j][1])]
                                 + self._cache[(2, self.bank[j][2])] for j in range(n)])
        words = [*self.kernel_view, self.sum_label, self.output_row, *(img.layout for img in self.output_images)]
        with self.sync_after(words):
            for c in range(3):
                name = self.bank[k][c]
                self.response_images[c].value = self._picture((c, name), self._cache[(c, name)], [name])
                self.kernel_view[c].value = _kernel_html(W[k, c])
            self.sum_image.value = self._picture(tuple(self.bank[k]), self.outputs[k], self.bank[k])
            self.sum_label.value = ("<div style='text-align:center;font-size:12px'>"
                                    f"<b>sum = output map {k + 1}</b></div>")
            for j in range(n):
                self.output_images[j].value = self._picture(tuple(self.bank[j]), self.outputs[j], self.bank[j], True)
                self.output_images[j].layout.border = "3px solid #d62728" if j == k else "3px solid transparent"
            self.output_row.children = tuple(self.output_boxes[:n])

    def _picture(self, key: tuple, array: np.ndarray, names: list[str], thumb: bool = False) -> bytes:
        """``picture`` of a response or map made with the kernels ``names`` (``thumb``: in the output volume),
        encoded once per photo, ``key`` and ``thumb`` (256 kept): an update encodes only the pictures it changes."""
        key = (*key, thumb)
        if key not in self._shown:
            if len(self._shown) >= 256:
                self._shown.clear()
            step, width = (self.thumb_step, self.thumb) if thumb else (self.step, self.show)
            self._shown[key] = picture(array, [PRESETS[name].sum() for name in names], step, width)
        return self._shown[key]

    def describe(self) -> str:
        H, W = self.image.shape[:2]
        n, oh, ow = self.outputs.shape
        return (f"input 3×{H}×{W} (C_in×H×W) ★ {n} filter(s) of shape 3×3×3 → output "
                f"<b>{n}×{oh}×{ow}</b> (C_out×H'×W') · {self.last_update_ms:.1f} ms")

    # ----- events ------------------------------------------------------------------------------------------
    def _on_photo(self, _change) -> None:
        with self.timed():  # a new photo: its loading counts in last_update_ms too
            self._load_photo()
            self.update()

    def _on_n_filters(self, change) -> None:
        n = change["new"]
        with self.quiet(), self.sync_after([self.selected, *self.kernel_choice]):   # pictures first
            keep = min(self.selected.value, n - 1)
            self.selected.options = self._filter_options(n)
            self.selected.value = keep
            self._show_selected()
            self.update()

    def _on_selected(self, change) -> None:
        if change["new"] is None:
            return
        with self.quiet(), self.sync_after(self.kernel_choice):   # the new kernel names after the pictures
            self._show_selected()
            self.update()

    def _show_selected(self) -> None:
        for c, dd in enumerate(self.kernel_choice):
            dd.value = self.bank[self.selected.value][c]

    def _on_kernel(self, c: int, change) -> None:
        k = self.selected.value
        self.bank[k][c] = change["new"]
        with self.quiet(), self.sync_after([self.selected]):   # its new label after the pictures
            options = self._filter_options(self.n_filters.value)
            if options != list(self.selected.options):
                self.selected.options = options
                self.selected.value = k
            self.update()


def _kernel_html(K: np.ndarray) -> str:
    rows = "".join("<tr>" + "".join(f"<td style='padding:0 4px;text-align:right'>{v:.3g}</td>" for v in row)
                   + "</tr>" for row in K)
    return f"<table style='font-family:monospace;font-size:11px;margin:auto'>{rows}</table>"


def interactions(size: int) -> tuple[ChannelExplorer, list[actions.Action]]:
    """A ChannelExplorer at ``size`` x ``size`` and actions that each change one control like a user."""
    w = ChannelExplorer(size=size)
    return w, [
        actions.toggle(w.kernel_choice[0], "Laplacian", "Sobel y", name="set_red"),
        actions.toggle(w.kernel_choice[1], "box blur", "emboss", name="set_green"),
        actions.toggle(w.kernel_choice[2], "sharpen", "zero", name="set_blue"),
        actions.step(w.n_filters, 1, wrap=True, name="more_filters"),
        actions.step(w.selected, 1, wrap=True, name="next_filter"),
        actions.cycle(w.photo, PHOTOS, name="other_photo"),
    ]
