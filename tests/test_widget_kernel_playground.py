"""The kernel playground, driven headless through its widget objects."""

from __future__ import annotations

import numpy as np
import pytest

from course.images import sample_image
from course.torch_reference import torch_corr2d
from course.widgets.kernel_playground import PRESETS, KernelPlayground, interactions
from course.widgets.render import decode_png, to_uint8


@pytest.fixture
def playground():
    return KernelPlayground(image=sample_image(size=64))


def shown(w: KernelPlayground) -> np.ndarray:
    return decode_png(w.output.value)


def test_preset_changes_kernel_and_picture(playground):
    before = shown(playground).copy()
    playground.preset.value = "Sobel x"
    assert np.array_equal(playground.kernel, PRESETS["Sobel x"])
    after = shown(playground)
    assert not np.array_equal(before, after), "the displayed image must change with the preset"
    expected = to_uint8(torch_corr2d(playground.image, PRESETS["Sobel x"]), "abs")
    assert np.array_equal(after, expected), "the picture must be the Sobel-x response of the photo"


def test_identity_shows_the_cropped_photo(playground):
    playground.preset.value = "box blur"
    playground.preset.value = "identity"
    assert np.array_equal(shown(playground), to_uint8(playground.image[1:-1, 1:-1], "clip"))


def test_editing_a_value_updates_and_marks_custom(playground):
    playground.preset.value = "identity"
    before = shown(playground).copy()
    playground.cells[4].value = 0.5
    assert playground.preset.value == "custom"
    assert playground.kernel[1, 1] == 0.5
    assert np.array_equal(shown(playground), to_uint8(playground.image[1:-1, 1:-1] * 0.5, "clip"))
    assert not np.array_equal(before, shown(playground))


def test_every_preset_renders(playground):
    for name in PRESETS:
        playground.preset.value = name
        assert playground.result.shape == (62, 62)
        assert shown(playground).shape == (62, 62)


def test_student_function_errors_are_shown_not_raised():
    def broken(X, K):
        raise NotImplementedError()

    w = KernelPlayground(image=sample_image(size=32), conv=broken)
    assert w.result is None and "NotImplementedError" in w.status.value


def test_student_function_is_used():
    calls = []

    def mine(X, K):
        calls.append(K.copy())
        return torch_corr2d(X, K)

    w = KernelPlayground(image=sample_image(size=32), conv=mine)
    w.preset.value = "Laplacian"
    assert np.array_equal(calls[-1], PRESETS["Laplacian"])


def test_bad_image_and_kernel_are_refused():
    with pytest.raises(ValueError, match="2-D"):
        KernelPlayground(image=np.zeros((8, 8, 3)))
    with pytest.raises(ValueError, match="3x3"):
        KernelPlayground(image=np.zeros((8, 8))).set_kernel(np.ones((2, 2)))


def test_interactions_each_change_the_picture():
    w, actions = interactions(48)
    for act in actions:
        before = w.output.value
        act()
        assert w.output.value != before
