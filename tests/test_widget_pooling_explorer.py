"""Headless tests of the pooling explorer (05_pooling): every control changes what is shown, as torch says."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course.images import sample_image, shift_image
from course.torch_reference import torch_pool2d
from course.widgets.pooling_explorer import PoolingExplorer, fast_pool2d, interactions
from course.widgets.render import PIXELATED, decode_png, pixelated_style


def torch_pool(X: np.ndarray, size: int, stride: int, mode: str) -> np.ndarray:
    f = F.max_pool2d if mode == "max" else F.avg_pool2d
    return f(torch.tensor(X)[None, None], size, stride)[0, 0].numpy()


def expected_state(w: PoolingExplorer):
    """What torch says the explorer must hold for its current controls."""
    k, s, mode = w.size.value, w.stride.value, w.mode.value
    dy, dx = w.shift_y.value, w.shift_x.value
    shifted = np.zeros_like(w.image)
    H, W = w.image.shape
    shifted[dy:, dx:] = w.image[:H - dy, :W - dx]
    ref, pooled = torch_pool(w.image, k, s, mode), torch_pool(shifted, k, s, mode)
    oh, ow = pooled.shape
    valid = (np.arange(oh)[:, None] * s >= dy) & (np.arange(ow)[None, :] * s >= dx)
    return shifted, ref, pooled, valid, (pooled != ref) & valid


def assert_matches_torch(w: PoolingExplorer) -> None:
    shifted, ref, pooled, valid, changed = expected_state(w)
    assert np.array_equal(w.shifted, shifted)
    assert w.pooled.shape == pooled.shape
    assert np.allclose(w.reference, ref, atol=1e-12)
    assert np.allclose(w.pooled, pooled, atol=1e-12)
    assert np.array_equal(w.valid, valid)
    # average pooling may round differently in the last bit; only outputs that torch finds (almost) equal may differ
    disagree = w.changed != changed
    assert not disagree.any() or np.abs(pooled - ref)[disagree].max() < 1e-12


def pictures(w: PoolingExplorer) -> tuple[bytes, bytes, bytes]:
    return w.input_view.value, w.output_view.value, w.changed_view.value


def test_initial_state_matches_torch():
    w = PoolingExplorer(image=sample_image(size=64))
    assert_matches_torch(w)
    assert w.pooled.shape == (32, 32)
    assert not w.changed.any(), "no shift, nothing changed"
    for data in (w.input_view.value, w.changed_view.value):     # colour: grid, window, fill, changes
        img = decode_png(data)
        assert img.ndim == 3 and img.shape[2] == 3 and min(img.shape[:2]) >= 64
    out = decode_png(w.output_view.value)                          # the pooled output, grey, enlarged
    up = out.shape[0] // 32
    assert out.ndim == 2 and up >= 2
    assert np.abs(out[::up, ::up].astype(float) - np.clip(w.pooled, 0, 1) * 255).max() <= 1


@pytest.mark.parametrize("step", range(5))
def test_each_control_changes_output_as_torch_says(step):
    w, actions = interactions(64)
    # apply the earlier interactions first, so each step starts from a different state
    for act in actions[:step]:
        act()
    before_arrays = (w.pooled.copy(), w.changed.copy(), w.shifted.copy())
    before_bytes = pictures(w)
    actions[step]()
    assert_matches_torch(w)
    after_arrays = (w.pooled, w.changed, w.shifted)
    pairs = zip(before_arrays, after_arrays, strict=True)
    assert any(a.shape != b.shape or not np.array_equal(a, b) for a, b in pairs), (
        "the control must change the stored arrays")
    assert pictures(w) != before_bytes, "the control must change the pictures"
    # the control that moved the input changes the input picture; the others change the pooled picture
    if step >= 3:
        assert w.input_view.value != before_bytes[0]
    else:
        assert w.output_view.value != before_bytes[1]


def test_shift_highlights_changed_outputs():
    img = np.zeros((8, 8))
    img[1, 0] = 1.0      # left column of window (0, 0): stays in it after a shift by 1
    img[5, 3] = 1.0      # right column of window (2, 1): moves into window (2, 2)
    w = PoolingExplorer(image=img, size=2, stride=2)
    w.shift_x.value = 1
    assert_matches_torch(w)
    assert set(zip(*np.nonzero(w.changed), strict=True)) == {(2, 1), (2, 2)}
    assert not w.valid[:, 0].any() and w.valid[:, 1:].all(), "column 0 sees the zero fill"
    shown = decode_png(w.changed_view.value)
    up = shown.shape[0] // 4
    red = shown[2 * up + up // 2, 1 * up + up // 2]
    grey = shown[0 * up + up // 2, 2 * up + up // 2]
    assert red[0] > 200 and red[1] < 100, f"changed output must be red, got {red}"
    assert abs(int(grey[0]) - int(grey[1])) < 10, f"unchanged output stays grey, got {grey}"


def test_max_is_more_invariant_than_avg():
    w = PoolingExplorer(image=sample_image(size=128), size=4, stride=4)
    w.shift_x.value = 1
    max_changed = w.changed.sum() / w.valid.sum()
    w.mode.value = "avg"
    avg_changed = w.changed.sum() / w.valid.sum()
    assert max_changed < 0.6 < 0.9 < avg_changed


def test_student_pool_function_errors_are_shown_not_raised():
    def broken(X, size, stride, padding, mode):
        raise NotImplementedError()

    w = PoolingExplorer(image=sample_image(size=32), pool=broken)
    assert "NotImplementedError" in w.status.value
    w.size.value = 3                       # still no exception
    assert "NotImplementedError" in w.status.value


def test_student_pool_function_is_used():
    calls = []

    def mine(X, size, stride, padding, mode):
        calls.append((size, stride, padding, mode))
        return torch_pool2d(X, size, stride, padding, mode)

    w = PoolingExplorer(image=sample_image(size=32), pool=mine)
    w.stride.value = 1
    assert calls and calls[-1] == (2, 1, 0, "max")
    assert_matches_torch(w)


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_fast_pool2d_equals_torch(mode):
    rng = np.random.default_rng(0)
    for _ in range(40):
        k, s = int(rng.integers(1, 9)), int(rng.integers(1, 9))
        p = int(rng.integers(0, k // 2 + 1))
        H, W = int(rng.integers(max(1, k - 2 * p), 40)), int(rng.integers(max(1, k - 2 * p), 40))
        X = rng.standard_normal((H, W)) - 0.5
        want = torch_pool2d(X, k, s, p, mode)
        got = fast_pool2d(X, k, s, p, mode)
        assert got.shape == want.shape and got.dtype == np.float64
        if mode == "max":
            assert np.array_equal(got, want), (k, s, p, X.shape)
        else:
            assert np.allclose(got, want, rtol=0, atol=1e-12), (k, s, p, X.shape)
    assert np.array_equal(fast_pool2d(X, 2), torch_pool2d(X, 2, None, 0, mode)) or mode == "avg"
    with pytest.raises(ValueError):
        fast_pool2d(np.ones((4, 4)), 2, 2, 2, mode)


def test_shift_image():
    X = np.random.default_rng(0).standard_normal((37, 41))
    Y = shift_image(X, 2, 3)
    assert np.array_equal(Y[2:, 3:], X[:-2, :-3]) and not Y[:2].any() and not Y[:, :3].any()


def test_output_pictures_are_sent_small_and_enlarged_by_the_browser():
    w = PoolingExplorer(image=sample_image(size=64))
    for view in (w.output_view, w.changed_view):                   # one pixel block per output, no smoothing
        assert PIXELATED in view._dom_classes and decode_png(view.value).shape[0] < w.display_px
    assert PIXELATED not in w.input_view._dom_classes              # its grid lines are one screen pixel wide
    assert any(isinstance(c, widgets.HTML) and c.value == pixelated_style() for c in w.children)
