"""Headless tests of the RGB channel explorer (course/widgets/channel_explorer.py)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from test_widget_render import box_means

from course.images import sample_image
from course.widgets.channel_explorer import (
    MAX_FILTERS,
    PRESETS,
    ChannelExplorer,
    display_mode,
    interactions,
    picture,
    shrink,
)
from course.widgets.render import decode_png, to_uint8

SIZE = 64


def reference(photo: str, size: int, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(responses (C_out, 3, H', W'), outputs (C_out, H', W')) in float64 by torch, independently of the widget."""
    x = torch.tensor(sample_image(photo, gray=False, size=size).transpose(2, 0, 1))[None]  # (1, 3, H, W)
    w = torch.tensor(W)
    outputs = F.conv2d(x, w)[0].numpy()
    responses = np.stack([F.conv2d(x[:, c:c + 1], w[:, c:c + 1])[0].numpy() for c in range(3)], axis=1)
    return responses, outputs


def shown(image_widget) -> np.ndarray:
    return decode_png(image_widget.value).astype(int)


def expected_pixels(arr: np.ndarray, kernel_sums, step: int) -> np.ndarray:
    mode = display_mode(kernel_sums)
    return to_uint8(shrink(arr, step, mode), mode).astype(int)


@pytest.fixture
def explorer() -> ChannelExplorer:
    return ChannelExplorer(photo="flower", size=SIZE, n_filters=3)


def test_outputs_match_torch(explorer):
    W = explorer.weights
    assert W.shape == (3, 3, 3, 3)
    responses, outputs = reference("flower", SIZE, W)
    assert explorer.outputs.shape == (3, SIZE - 2, SIZE - 2)
    np.testing.assert_allclose(explorer.outputs, outputs, atol=1e-4)
    np.testing.assert_allclose(explorer.responses, responses, atol=1e-4)
    # the feature map is the SUM of the per-channel responses
    np.testing.assert_allclose(explorer.responses.sum(axis=1), explorer.outputs, atol=1e-4)


def test_changing_one_channel_kernel_changes_its_response_and_the_sum(explorer):
    k = explorer.selected.value
    before_resp = explorer.responses.copy()
    before_png = [img.value for img in explorer.response_images]
    before_sum = explorer.sum_image.value
    assert explorer.bank[k][1] != "Laplacian"

    explorer.kernel_choice[1].value = "Laplacian"          # the user picks a new kernel for G

    W = explorer.weights
    assert np.array_equal(W[k, 1], PRESETS["Laplacian"])
    responses, outputs = reference("flower", SIZE, W)
    after = explorer.responses
    # G's response changed and is right; R and B are untouched
    assert not np.allclose(after[k, 1], before_resp[k, 1])
    np.testing.assert_allclose(after[k, 1], responses[k, 1], atol=1e-4)
    np.testing.assert_array_equal(after[k, 0], before_resp[k, 0])
    np.testing.assert_array_equal(after[k, 2], before_resp[k, 2])
    np.testing.assert_allclose(explorer.outputs[k], outputs[k], atol=1e-4)
    # what is on screen: G's picture and the sum changed, R's and B's did not
    assert explorer.response_images[1].value != before_png[1]
    assert explorer.response_images[0].value == before_png[0]
    assert explorer.response_images[2].value == before_png[2]
    assert explorer.sum_image.value != before_sum
    step = explorer.step
    assert np.abs(shown(explorer.response_images[1])
                  - expected_pixels(responses[k, 1], W[k, 1].sum(), step)).max() <= 1
    assert np.abs(shown(explorer.sum_image) - expected_pixels(outputs[k], W[k].sum(axis=(1, 2)), step)).max() <= 1
    # the thumbnail of that output map shows the new sum too
    assert np.abs(shown(explorer.output_images[k])
                  - expected_pixels(outputs[k], W[k].sum(axis=(1, 2)), explorer.thumb_step)).max() <= 1
    assert "your own" in dict((v, lab) for lab, v in explorer.selected.options)[k]


def test_zeroing_channels_leaves_one_channel(explorer):
    explorer.set_kernel(0, "identity")
    explorer.set_kernel(1, "zero")
    explorer.set_kernel(2, "zero")
    k = explorer.selected.value
    red = sample_image("flower", gray=False, size=SIZE)[1:-1, 1:-1, 0]   # identity kernel: the cropped channel
    np.testing.assert_allclose(explorer.outputs[k], red, atol=1e-6)
    assert not explorer.responses[k, 1:].any()


def test_number_of_filters_sets_the_output_depth(explorer):
    for n in (1, 5, MAX_FILTERS, 2):
        explorer.n_filters.value = n
        assert len(explorer.output_row.children) == n, "one output map displayed per filter"
        assert explorer.outputs.shape[0] == n and explorer.responses.shape[:2] == (n, 3)
        assert explorer.weights.shape == (n, 3, 3, 3)
        assert len(explorer.selected.options) == n
        _, outputs = reference("flower", SIZE, explorer.weights)
        np.testing.assert_allclose(explorer.outputs, outputs, atol=1e-4)
        for j, box in enumerate(explorer.output_row.children):
            img = box.children[0]
            assert img is explorer.output_images[j]
            expected = expected_pixels(outputs[j], explorer.weights[j].sum(axis=(1, 2)), explorer.thumb_step)
            assert np.abs(shown(img) - expected).max() <= 1
        assert f"{n}×{SIZE - 2}×{SIZE - 2}" in explorer.status.value


def test_fewer_filters_keeps_a_valid_selection(explorer):
    explorer.selected.value = 2
    explorer.n_filters.value = 2
    assert explorer.selected.value == 1
    assert [dd.value for dd in explorer.kernel_choice] == explorer.bank[1]


def test_selecting_a_filter_shows_its_kernels(explorer):
    explorer.selected.value = 1
    assert [dd.value for dd in explorer.kernel_choice] == explorer.bank[1]
    W = explorer.weights
    _, outputs = reference("flower", SIZE, W)
    expected = expected_pixels(outputs[1], W[1].sum(axis=(1, 2)), explorer.step)
    assert np.abs(shown(explorer.sum_image) - expected).max() <= 1
    # editing filter 2 leaves filter 1 alone
    before = explorer.outputs[0].copy()
    explorer.kernel_choice[0].value = "sharpen"
    assert explorer.bank[1][0] == "sharpen" and explorer.bank[0][0] != "sharpen"
    np.testing.assert_array_equal(explorer.outputs[0], before)


def test_changing_the_photo(explorer):
    explorer.photo.value = "china"
    _, outputs = reference("china", SIZE, explorer.weights)
    np.testing.assert_allclose(explorer.outputs, outputs, atol=1e-4)
    assert np.abs(shown(explorer.input_image)
                  - to_uint8(shrink(sample_image("china", gray=False, size=SIZE), explorer.step, "clip"))).max() <= 1


def test_channel_pictures_are_tinted(explorer):
    for c in range(3):
        px = shown(explorer.channel_images[c])
        others = [d for d in range(3) if d != c]
        assert px[..., c].max() > 0 and not px[..., others].any()


def test_display_modes():
    assert display_mode(PRESETS["Sobel x"].sum()) == "abs"
    assert display_mode([0.0, 0.0, 0.0]) == "abs"                 # an edge filter on every channel
    assert display_mode([1.0, -1.0, 0.0]) == "rescale"            # red minus green is signed, not an edge map
    assert display_mode(PRESETS["box blur"].sum()) == "rescale"


def test_picture_roundtrip():
    arr = np.linspace(-1, 1, 36).reshape(6, 6)
    assert np.array_equal(decode_png(picture(arr, 0.0, 1)), to_uint8(arr, "abs"))
    assert np.array_equal(decode_png(picture(arr, 1.0, 2)), to_uint8(shrink(arr, 2, "rescale"), "rescale"))
    assert np.allclose(shrink(arr, 2, "abs"), np.abs(arr).reshape(3, 2, 3, 2).max(axis=(1, 3)))


def test_bad_arguments():
    with pytest.raises(ValueError, match="n_filters"):
        ChannelExplorer(size=SIZE, n_filters=0)
    with pytest.raises(ValueError, match="size"):
        ChannelExplorer(size=2)
    w = ChannelExplorer(size=SIZE, n_filters=1)
    with pytest.raises(ValueError, match="unknown preset"):
        w.set_kernel(0, "no such kernel")


def test_interactions_each_change_something():
    w, actions = interactions(SIZE)
    assert len(actions) >= 5
    for act in actions:
        before = (w.outputs.copy(), w.sum_image.value, w.n_filters.value, w.photo.value)
        act()
        after = (w.outputs, w.sum_image.value, w.n_filters.value, w.photo.value)
        changed = (before[0].shape != after[0].shape or not np.array_equal(before[0], after[0])
                   or before[1:] != after[1:])
        assert changed, f"{act.__name__} changed nothing"
        assert w.last_update_ms > 0


def test_pictures_reach_the_browser_before_the_controls_they_update(explorer):
    """Switching the edited filter sets the three kernel menus, a new kernel relabels the filter menu: their new
    values are sent after the update's pictures, so the pictures do not wait behind them."""
    sent = []
    named = [("picture", img) for img in (*explorer.response_images, explorer.sum_image)]
    for name, control in [*named, *[("menu", dd) for dd in (explorer.selected, *explorer.kernel_choice)]]:
        control.send_state = lambda key=None, name=name: sent.append(name) if key is None or key else None
    explorer.selected.value = 1                       # its own change is the user's: sent first, as an echo
    assert sent[1:] == ["picture"] * 4 + ["menu"] * 3, sent
    sent.clear()
    explorer.kernel_choice[0].value = "zero"          # filter 2 becomes "your own"
    assert sent[1:] == ["picture"] * 2 + ["menu"], sent


def test_pictures_are_sent_at_the_size_their_box_shows_them():
    """At the notebook's size (256) the responses are 254 pixels wide and their box 180: they are sent 180 wide,
    each pixel the mean of the area it covers (what the browser showed when it shrank them), the output maps
    no wider than their 100-pixel box."""
    w = ChannelExplorer()
    assert (w.size, w.step, w.show, w.thumb) == (ChannelExplorer.default_size, 1, 180, 100)
    k, W = w.selected.value, w.weights
    means = box_means(w.size - 2, w.show)
    for img, arr, sums in [(w.sum_image, w.outputs[k], W[k].sum(axis=(1, 2))),
                           *[(w.response_images[c], w.responses[k, c], W[k, c].sum()) for c in range(3)]]:
        assert img.layout.width == "180px"
        assert np.abs(shown(img) - means @ expected_pixels(arr, sums, w.step) @ means.T).max() <= 1
    photo = to_uint8(sample_image("flower", gray=False, size=w.size)).astype(float)
    means = box_means(w.size, w.show)
    assert np.abs(shown(w.input_image) - np.einsum("ij,jkc,lk->ilc", means, photo, means)).max() <= 1
    assert all(shown(img).shape[:2] == (180, 180) for img in (w.input_image, *w.channel_images))
    for j in range(w.n_filters.value):
        assert w.output_images[j].layout.width == "100px" and shown(w.output_images[j]).shape[1] <= 100
        expected = expected_pixels(w.outputs[j], W[j].sum(axis=(1, 2)), w.thumb_step)
        assert np.abs(shown(w.output_images[j]) - expected).max() <= 1
