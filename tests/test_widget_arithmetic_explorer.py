"""Headless tests of the convolution-arithmetic explorer (notebook 02): sliders, play/step, pixels, formula."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course.widgets.arithmetic_explorer import PAD, ArithmeticExplorer, interactions
from course.widgets.render import decode_png


def torch_size(n, k, p, s, d):
    """Output side by torch (None when torch refuses the combination)."""
    try:
        return F.conv2d(torch.zeros(1, 1, n, n), torch.zeros(1, 1, k, k), padding=p, stride=s, dilation=d).shape[-1]
    except RuntimeError:
        return None


def cell_rgb(img: np.ndarray, cell: int, r: int, c: int) -> np.ndarray:
    """Colour at the centre of cell (r, c) of a decoded grid picture."""
    return img[r * cell + cell // 2, c * cell + cell // 2, :3].astype(int)


def is_tap(rgb) -> bool:
    return rgb[0] > 150 and rgb[0] - rgb[1] > 100 and rgb[0] - rgb[2] > 100


def shown_output_size(w: ArithmeticExplorer) -> tuple[int, int]:
    out = decode_png(w.output_view.value)
    assert out.shape[0] % w.out_cell == 0 and out.shape[1] % w.out_cell == 0
    return out.shape[0] // w.out_cell, out.shape[1] // w.out_cell


def test_lecture_example_padding_1_stride_2():
    w = ArithmeticExplorer(n=3, k=3, p=1, s=2, d=1)
    assert w.out_shape == (2, 2)
    assert "<b>2</b>" in w.formula.value and "2×2" in w.formula.value
    assert "(3 + 2·1 − 1·(3−1) − 1) / 2" in w.formula.value
    assert shown_output_size(w) == (2, 2)
    img = decode_png(w.input_view.value)
    assert img.shape[:2] == (5 * w.in_cell, 5 * w.in_cell), "the padded input is (n + 2p) cells wide"
    # corners of the padded picture are padding (the window covers (0..2, 0..2), so look at the far corner)
    assert np.abs(cell_rgb(img, w.in_cell, 4, 4) - np.round(PAD * 255)).max() <= 1
    ref = F.conv2d(torch.tensor(w.image(3))[None, None], torch.full((1, 1, 3, 3), 1 / 9, dtype=torch.float64),
                   padding=1, stride=2)[0, 0].numpy()
    assert np.allclose(w.result, ref, atol=1e-6)


def test_lecture_dilated_example_is_5_not_4():
    w = ArithmeticExplorer(n=11, k=3, p=1, s=2, d=2)
    assert w.out_shape == (5, 5) == (torch_size(11, 3, 1, 2, 2),) * 2
    assert "<b>5</b>" in w.formula.value
    w.p.value = 0
    assert w.out_shape == (4, 4), "4x4 needs padding 0"


@pytest.mark.parametrize("control", ["n", "k", "p", "s", "d"])
def test_each_slider_updates_size_text_and_pictures(control):
    w = ArithmeticExplorer(n=9, k=3, p=1, s=1, d=1)
    before_text, before_in, before_out = w.formula.value, w.input_view.value, w.output_view.value
    new = {"n": 12, "k": 2, "p": 3, "s": 2, "d": 3}[control]
    getattr(w, control).value = new
    n, k, p, s, d = w.params
    size = torch_size(n, k, p, s, d)
    assert w.out_shape == (size, size)
    assert f"<b>{size}</b>" in w.formula.value and f"{size}×{size}" in w.formula.value
    assert w.formula.value != before_text
    assert w.input_view.value != before_in or control in ("s", "d")
    assert w.output_view.value != before_out
    assert shown_output_size(w) == (size, size)
    img = decode_png(w.input_view.value)
    assert img.shape[:2] == ((n + 2 * p) * w.in_cell,) * 2


def test_random_combinations_match_torch():
    rng = np.random.default_rng(0)
    w = ArithmeticExplorer(n=8)
    for _ in range(25):
        n, k, p, s, d = (int(rng.integers(1, 13)), int(rng.integers(1, 6)), int(rng.integers(0, 4)),
                         int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        w.n.value, w.k.value, w.p.value, w.s.value, w.d.value = n, k, p, s, d
        size = torch_size(n, k, p, s, d)
        if size is None:
            assert w.out_shape is None and "invalid" in w.formula.value
        else:
            assert w.out_shape == (size, size), (n, k, p, s, d)
            assert shown_output_size(w) == (size, size)
            assert w.step.max == size * size - 1 == w.play.max


def test_window_taps_are_drawn_where_the_kernel_reads():
    w = ArithmeticExplorer(n=7, k=3, p=1, s=2, d=2)      # 9 padded cells, span 5, output 3x3
    assert w.out_shape == (3, 3)
    w.step.value = 4                                    # S[1, 1]: window at padded (2, 2)
    assert w.window == (2, 2)
    taps = {(2 + 2 * a, 2 + 2 * b) for a in range(3) for b in range(3)}
    assert set(w.taps) == taps
    img = decode_png(w.input_view.value)
    for r in range(9):
        for c in range(9):
            assert is_tap(cell_rgb(img, w.in_cell, r, c)) == ((r, c) in taps), (r, c)
    # the output cell of this step is red, earlier ones are filled, later ones still empty
    out = decode_png(w.output_view.value)
    assert is_tap(cell_rgb(out, w.out_cell, 1, 1))
    assert not is_tap(cell_rgb(out, w.out_cell, 1, 0))
    assert not np.array_equal(cell_rgb(out, w.out_cell, 0, 0), cell_rgb(out, w.out_cell, 2, 2))


def test_play_and_step_move_the_window():
    w = ArithmeticExplorer(n=5, k=3, p=1, s=2, d=1)    # output 3x3
    assert w.window == (0, 0)
    w.play.value = 1                                    # the Play widget ticks
    assert w.step.value == 1 and w.window == (0, 2)
    before = w.input_view.value
    w.advance()                                         # the step button
    assert w.step.value == 2 and w.window == (0, 4)
    assert w.input_view.value != before
    w.advance()
    assert w.window == (2, 0), "after the last column the window moves down by the stride"
    w.step.value = 8
    w.advance()
    assert w.step.value == 0, "step wraps around at the end"
    assert "S[0, 0]" in w.detail.value


def test_unreached_cells_are_darkened():
    w = ArithmeticExplorer(n=6, k=3, p=0, s=2, d=1)     # (6 - 3) / 2 = 1.5 -> floor: last column never read
    assert w.out_shape == (2, 2) and "floor" in w.formula.value
    w.step.value = 0
    img = decode_png(w.input_view.value)
    grey = w.image(6)
    expected = np.round((0.2 + 0.75 * grey[5, 5]) * 0.45 * 255)
    assert abs(int(cell_rgb(img, w.in_cell, 5, 5)[0]) - expected) <= 1


@pytest.mark.parametrize(("n", "k", "p", "s", "d"),
                         [(6, 3, 0, 2, 1), (12, 3, 0, 2, 2), (10, 4, 1, 3, 1), (7, 2, 2, 4, 1)])
def test_floor_message_shows_the_leftover_it_talks_about(n, k, p, s, d):
    """'n + 2p - span = X is not a multiple of s': X is n + 2p - (d(k-1) + 1), the cells after the first window."""
    w = ArithmeticExplorer(n=n, k=k, p=p, s=s, d=d)
    left = n + 2 * p - (d * (k - 1) + 1)
    assert left % s, "a combination where the floor drops something"
    assert f"n + 2p − span = {left} is not a multiple of s = {s}" in w.formula.value
    assert f"drops the last {left % s} row(s)" in w.formula.value


def test_invalid_combination_says_so_and_never_raises():
    w = ArithmeticExplorer(n=3, k=5, p=0, s=1, d=1)
    assert w.out_shape is None
    assert "invalid" in w.formula.value and "&lt; 1" in w.formula.value
    assert w.play.disabled and w.next_button.disabled
    w.advance()                                         # nothing to step through, no error
    w.p.value = 1
    assert w.out_shape == (1, 1) and not w.play.disabled


def test_student_output_size_function_is_checked():
    def right(n, k, padding=0, stride=1, dilation=1):
        span = dilation * (k - 1) + 1
        if span > n + 2 * padding:
            raise ValueError("kernel larger than padded input")
        return (n + 2 * padding - span) // stride + 1

    def ceil_instead_of_floor(n, k, padding=0, stride=1, dilation=1):
        return -(-(n + 2 * padding - dilation * (k - 1) - 1) // stride) + 1

    def todo(*args):
        raise NotImplementedError()

    w = ArithmeticExplorer(n=6, k=3, p=0, s=2, output_size=right)
    assert "✓" in w.status.value
    w.k.value = 9
    assert "✓" in w.status.value and "ValueError" in w.status.value
    w = ArithmeticExplorer(n=6, k=3, p=0, s=2, output_size=ceil_instead_of_floor)
    assert "✗" in w.status.value and "returns 3" in w.status.value
    w = ArithmeticExplorer(output_size=todo)
    assert "not implemented" in w.status.value


def test_interactions_change_something():
    w, actions = interactions(64)
    assert w.n.value == 64 and len(actions) >= 7
    for act in actions:
        before = (w.formula.value, w.input_view.value, w.output_view.value, w.step.value)
        act()
        after = (w.formula.value, w.input_view.value, w.output_view.value, w.step.value)
        assert before != after, act.__name__


def test_large_input_is_drawn_at_picture_size_with_the_window_visible():
    w = ArithmeticExplorer(n=512, k=3, p=1, s=2, d=2)
    size = torch_size(512, 3, 1, 2, 2)
    assert w.out_shape == (size, size) and f"<b>{size}</b>" in w.formula.value
    w.step.value = 100 * size + 60                      # S[100, 60]: window at padded (200, 120)
    assert w.window == (200, 120)
    img = decode_png(w.input_view.value)
    assert w.in_every == 2 and img.shape[0] == -(-514 // 2) * w.in_cell <= 400
    f = w.in_every
    assert is_tap(cell_rgb(img, w.in_cell, 200 // f, 120 // f)), "the top-left tap is drawn"
    assert is_tap(cell_rgb(img, w.in_cell, 204 // f, 124 // f)), "the bottom-right tap is drawn"
    assert not is_tap(cell_rgb(img, w.in_cell, 300 // f, 300 // f))
    out = decode_png(w.output_view.value)
    g = w.out_every
    assert out.shape[0] == -(-size // g) * w.out_cell
    assert is_tap(cell_rgb(out, w.out_cell, 100 // g, 60 // g)), "the current output is marked"
