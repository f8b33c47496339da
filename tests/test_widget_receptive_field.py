"""Headless tests of the receptive-field view (course/widgets/receptive_field.py)."""

from __future__ import annotations

import numpy as np
import pytest

from course.torch_reference import torch_gradient_map
from course.widgets.receptive_field import (
    PRESETS,
    ReceptiveFieldView,
    extent,
    interactions,
    output_lengths,
    parse_layers,
    path_map,
)
from course.widgets.render import decode_png


def formula(layers):
    r, jump = 1, 1
    for k, s, d in layers:
        r += d * (k - 1) * jump
        jump *= s
    return r


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets_match_autograd_and_formula(name):
    layers = PRESETS[name]
    size = formula(layers) + 9
    out = output_lengths(size, layers)[-1]
    for unit in [(0, 0), (out - 1, out // 2)]:
        exact = path_map(size, layers, unit)
        grad = torch_gradient_map(size, layers, unit)
        np.testing.assert_array_equal(exact, grad)
        assert extent(exact)[2:] == (formula(layers), formula(layers))


def test_random_stacks_match_autograd():
    rng = np.random.default_rng(4)
    for _ in range(8):
        layers = [(int(rng.integers(1, 5)), int(rng.integers(1, 3)), int(rng.integers(1, 3)))
                  for _ in range(int(rng.integers(1, 4)))]
        size = formula(layers) + int(rng.integers(0, 6))
        out = output_lengths(size, layers)[-1]
        unit = (int(rng.integers(0, out)), int(rng.integers(0, out)))
        np.testing.assert_array_equal(path_map(size, layers, unit), torch_gradient_map(size, layers, unit))


def test_lecture_three_3x3_is_7():
    w = ReceptiveFieldView(size=32, preset="three 3x3 (lecture)")
    assert w.box[2:] == (7, 7)
    assert "receptive field 7×7" in w.status.value


def test_parse_layers():
    assert parse_layers("3,1,1; 3,2,1") == [(3, 1, 1), (3, 2, 1)]
    assert parse_layers("(5, 2); 3") == [(5, 2, 1), (3, 1, 1)]
    for bad in ("3,0,1", "a,b", "3,1,1,1"):
        with pytest.raises(ValueError):
            parse_layers(bad)


def test_bad_text_and_student_function_never_raise():
    def broken(layers):
        raise NotImplementedError()

    w = ReceptiveFieldView(size=32, rf=broken)
    assert "NotImplementedError" in w.status.value
    w.text.value = "3,0,1"
    assert "must be" in w.status.value
    w.text.value = "33,1,1"  # needs a larger input
    assert "larger" in w.status.value
    w.text.value = "3,1,2"
    assert w.box[2:] == (5, 5)


def test_student_function_compared():
    w = ReceptiveFieldView(size=64, preset="three 3x3, stride 2", rf=lambda layers: 7)
    assert w.box[2:] == (15, 15)
    assert "differs" in w.status.value


def test_images_show_the_region():
    w = ReceptiveFieldView(size=64, preset="3x3, dilation 1, 2, 4")
    zoom = decode_png(w.zoom.value)
    full = decode_png(w.full.value)
    assert zoom.ndim == 3 and full.shape == (64, 64, 3)
    # a tinted (reddish) pixel exists in both views
    for img in (zoom, full):
        assert np.any((img[..., 0].astype(int) - img[..., 1].astype(int)) > 60)
    # dilations 1, 2, 4 fill the 15x15 box; dilation 2 twice leaves holes ("gridding")
    assert np.count_nonzero(w.paths) == 15 * 15
    w.preset.value = "3x3, dilation 2, 2 (holes)"
    assert w.box[2:] == (9, 9) and np.count_nonzero(w.paths) == 5 * 5


def test_interactions_update_at_512():
    w, actions = interactions(512)
    assert len(actions) >= 4
    changed = 0
    for act in actions:
        before = w.paths.copy()
        act()
        assert w.paths.shape == (512, 512)
        changed += not np.array_equal(before, w.paths)
    assert changed, "no interaction changed the receptive field shown"
