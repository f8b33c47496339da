"""Headless tests of the offset explorer (07_backprop_deformable): the output is the deformable convolution the
offsets describe (checked against torch), and every control changes what is shown."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course.images import sample_image
from course.widgets.offset_explorer import (
    CHOSEN,
    GRID,
    KERNELS,
    PRESETS,
    REGULAR,
    SAMPLED,
    ZOOM_RADIUS,
    ZOOM_SCALE,
    OffsetExplorer,
    equivalent_kernel,
    interactions,
    shared_offset_deform,
)
from course.widgets.render import decode_png


def torch_conv(image: np.ndarray, K: np.ndarray, **kw) -> np.ndarray:
    return F.conv2d(torch.tensor(image)[None, None], torch.tensor(K)[None, None], **kw)[0, 0].numpy()


def grid_sample_deform(image: np.ndarray, K: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Deformable 3x3 convolution, padding 1, the same offsets everywhere: torch's grid_sample reads each tap
    (bilinear, zero outside the image; a frame of zeros keeps every axis longer than 1)."""
    H, W = image.shape
    x = F.pad(torch.tensor(image)[None, None], (1, 1, 1, 1))
    out = torch.zeros(H, W, dtype=torch.float64)
    rows, cols = torch.meshgrid(torch.arange(H, dtype=torch.float64), torch.arange(W, dtype=torch.float64),
                                indexing="ij")
    for k, ((gy, gx), (oy, ox)) in enumerate(zip(GRID, offsets, strict=True)):
        y, xx = rows + gy + oy + 1, cols + gx + ox + 1
        grid = torch.stack([2 * xx / (W + 1) - 1, 2 * y / (H + 1) - 1], dim=-1)[None]
        out += K.ravel()[k] * F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=True)[0, 0]
    return out.numpy()


@pytest.fixture
def explorer():
    return OffsetExplorer(image=sample_image(size=48))


def test_regular_grid_is_the_ordinary_convolution(explorer):
    for name, K in KERNELS.items():
        explorer.kernel.value = name
        assert np.allclose(explorer.result, torch_conv(explorer.image, K, padding=1), atol=1e-5), name


def test_dilated_preset_is_the_dilated_convolution(explorer):
    """The lecture's figure (c): offsets (i - 1, j - 1) move the taps to a dilation-2 grid."""
    explorer.preset.value = "dilated (d = 2)"
    K = KERNELS[explorer.kernel.value]
    assert np.allclose(explorer.result, torch_conv(explorer.image, K, padding=2, dilation=2), atol=1e-5)


def test_a_quarter_turn_of_the_grid_is_the_convolution_with_the_turned_kernel(explorer):
    quarter = GRID @ np.array([[0.0, -1.0], [1.0, 0.0]]).T - GRID      # rotate every tap by 90 degrees
    explorer.set_offsets(quarter)
    K = KERNELS[explorer.kernel.value]
    assert np.allclose(explorer.result, torch_conv(explorer.image, np.rot90(K).copy(), padding=1), atol=1e-5)
    assert explorer.preset.value == "custom"


@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset_matches_grid_sample(explorer, preset):
    explorer.preset.value = preset
    for name, K in KERNELS.items():
        explorer.kernel.value = name
        assert np.allclose(explorer.result, grid_sample_deform(explorer.image, K, PRESETS[preset]), atol=1e-5)


def test_fractional_and_far_offsets_match_grid_sample():
    rng = np.random.default_rng(3)
    image = rng.random((9, 13))
    for _ in range(5):
        offsets = rng.uniform(-3, 3, size=(9, 2))
        K = rng.standard_normal((3, 3))
        assert np.allclose(shared_offset_deform(image, K, offsets), grid_sample_deform(image, K, offsets), atol=1e-5)


def test_equivalent_kernel_spreads_each_weight_over_four_pixels():
    K = np.arange(1.0, 10.0).reshape(3, 3)
    Ke, M = equivalent_kernel(K, np.zeros((9, 2)))
    assert M == 1 and np.allclose(Ke, K)
    offsets = np.zeros((9, 2))
    offsets[4] = (0.25, -0.5)               # the centre tap reads between four pixels
    Ke, M = equivalent_kernel(K, offsets)
    assert M == 1 and np.isclose(Ke.sum(), K.sum())
    assert np.allclose(Ke[1:3, 0:2], 5 * np.array([[0.375, 0.375], [0.125, 0.125]]) + K[1:3, 0:2] * [[1, 0], [1, 1]])


def test_sliders_move_the_chosen_tap_only(explorer):
    explorer.tap.value = 2
    before = explorer.zoom.value, explorer.output.value
    explorer.dy.value = 0.5
    explorer.dx.value = -1.0
    expected = np.zeros((9, 2))
    expected[2] = (0.5, -1.0)
    assert np.allclose(explorer.offsets, expected)
    assert explorer.preset.value == "custom"
    assert explorer.zoom.value != before[0] and explorer.output.value != before[1]
    K = KERNELS[explorer.kernel.value]
    assert np.allclose(explorer.result, grid_sample_deform(explorer.image, K, expected), atol=1e-5)
    explorer.tap.value = 5
    assert (explorer.dy.value, explorer.dx.value) == (0.0, 0.0), "the sliders show the newly chosen tap"
    explorer.preset.value = "regular"
    assert not explorer.offsets.any() and (explorer.dy.value, explorer.dx.value) == (0.0, 0.0)


def test_the_sliders_show_offsets_on_their_step_and_a_page_rounding_them_changes_nothing(explorer):
    """The page's slider snaps a value between steps and sends it back: that is not the user moving a tap."""
    explorer.preset.value = "rotated (30°)"
    offsets = explorer.offsets.copy()
    assert np.isclose(explorer.dy.value, 0.65) and np.isclose(explorer.dx.value, -0.35), "0.634, -0.366 to the step"
    explorer.dy.value = 0.6500000000000001          # the page's float arithmetic
    assert explorer.preset.value == "rotated (30°)" and np.array_equal(explorer.offsets, offsets)
    explorer.dy.value = 0.7                          # one step: the user moved it
    assert explorer.preset.value == "custom" and explorer.offsets[0, 0] == 0.7
    assert explorer.offsets[0, 1] == offsets[0, 1], "dx keeps its exact value"


def test_zoom_draws_regular_and_sampled_points_where_they_are(explorer):
    explorer.preset.value = "dilated (d = 2)"
    explorer.tap.value = 0
    img = decode_png(explorer.zoom.value)
    side = (2 * ZOOM_RADIUS + 1) * ZOOM_SCALE
    assert img.shape == (side, side, 3)

    def colour_at(dy: float, dx: float) -> np.ndarray:
        return img[int((ZOOM_RADIUS + 0.5 + dy) * ZOOM_SCALE), int((ZOOM_RADIUS + 0.5 + dx) * ZOOM_SCALE)]

    def near(got, want) -> bool:
        return bool(np.abs(got.astype(float) - np.rint(255 * want)).max() <= 1)

    assert near(colour_at(0, 0), SAMPLED), "the centre tap does not move"
    assert near(colour_at(-1, 1), REGULAR), "a regular 3x3 kernel reads at (-1, 1)"
    assert near(colour_at(-2, 2), SAMPLED), "dilated by 2, that tap reads at (-2, 2)"
    assert near(colour_at(-2, -2), SAMPLED) and near(img[int((ZOOM_RADIUS - 1.5) * ZOOM_SCALE) - 7,
                                                          int((ZOOM_RADIUS - 1.5) * ZOOM_SCALE)], CHOSEN)


def test_output_position_moves_the_zoom(explorer):
    before = explorer.zoom.value
    explorer.row.value = 5
    explorer.col.value = 40
    assert explorer.zoom.value != before
    img = decode_png(explorer.zoom.value)
    crop = np.pad(explorer.image, ZOOM_RADIUS)[5:5 + 2 * ZOOM_RADIUS + 1, 40:40 + 2 * ZOOM_RADIUS + 1]
    corner = img[2, 2]    # far from every point: the photo's pixel, grey
    assert abs(int(corner[0]) - round(255 * crop[0, 0])) <= 1 and corner[0] == corner[1] == corner[2]


def test_student_function_is_used_and_its_errors_are_shown():
    calls = []

    def mine(X, offset, W, b=None, stride=1, padding=0, dilation=1):
        calls.append((X.shape, offset.shape, W.shape, padding))
        return torch_conv(X[0, 0], W[0, 0], padding=1)[None, None]

    w = OffsetExplorer(image=sample_image(size=16), deform=mine)
    assert calls[-1] == ((1, 1, 16, 16), (1, 18, 16, 16), (1, 1, 3, 3), 1)
    assert np.allclose(w.result, torch_conv(w.image, KERNELS["Sobel x"], padding=1))

    def broken(*args, **kwargs):
        raise NotImplementedError()

    w = OffsetExplorer(image=sample_image(size=16), deform=broken)
    assert w.result is None and "NotImplementedError" in w.status.value
    w.preset.value = "random"          # still no exception
    assert "NotImplementedError" in w.status.value


def test_moving_the_zoom_reuses_the_output_but_new_offsets_recompute_it():
    calls = []

    def counted(X, offset, W, b=None, stride=1, padding=0, dilation=1):
        calls.append(1)
        return shared_offset_deform(X[0, 0], W[0, 0], offset[0, :, 0, 0].reshape(9, 2))[None, None]

    w = OffsetExplorer(image=sample_image(size=24), deform=counted)
    w.row.value, w.col.value, w.tap.value = 3, 20, 7
    assert len(calls) == 1 and w.updates == 4, "the zoom moved, the output is the same"
    w.dx.value = 0.5
    w.kernel.value = "Laplacian"
    assert len(calls) == 3
    assert np.allclose(w.result, grid_sample_deform(w.image, KERNELS["Laplacian"], w.offsets), atol=1e-5)


def test_offset_map_has_deform_conv2d_layout(explorer):
    explorer.preset.value = "random"
    m = explorer.offset_map()
    H, W = explorer.image.shape
    assert m.shape == (1, 18, H, W)
    assert np.array_equal(m[0, :, 3, 7], PRESETS["random"].ravel()), "(dy, dx) of tap 0, then of tap 1, ..."


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="2-D"):
        OffsetExplorer(image=np.zeros((8, 8, 3)))
    with pytest.raises(ValueError, match="preset"):
        OffsetExplorer(image=np.zeros((8, 8)), preset="wobbly")
    with pytest.raises(ValueError, match="9 taps"):
        OffsetExplorer(image=np.zeros((8, 8))).set_offsets(np.zeros((3, 3)))


def test_interactions_each_change_a_picture():
    w, actions = interactions(40)
    for act in actions:
        before = w.zoom.value, w.output.value
        act()
        assert (w.zoom.value, w.output.value) != before
