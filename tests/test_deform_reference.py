"""The hidden reference of 07's deformable convolution follows torchvision.ops.deform_conv2d.

torchvision is not installable next to our torch, so 07's hidden tests carry their own reference, written with
torch's ``grid_sample``. Here it is compared with a plain-Python transcription of what torchvision's CPU kernel does
(``deformable_im2col_kernel`` and ``bilinear_interpolate`` in torchvision/csrc/ops/cpu/deform_conv2d_kernel.cpp):
tap (i, j) of output (y, x) reads row ``y*s_h - p_h + i*d_h + offset[2k]`` and column ``x*s_w - p_w + j*d_w +
offset[2k+1]`` (k = i*kw + j), bilinearly, every pixel outside the image counting as 0, and nothing at all when the
point is a whole pixel or more outside.
"""

from __future__ import annotations

import math
import re

import nbformat
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from conftest import source_notebook

from autograder.notebook_cells import nbmeta


def hidden_reference():
    """``_deform_reference`` as defined in the hidden part of test_deform_conv2d_torch."""
    nb = nbformat.read(source_notebook("07_backprop_deformable"), as_version=4)
    (cell,) = [c for c in nb.cells if nbmeta(c).get("grade_id") == "test_deform_conv2d_torch"]
    (hidden,) = re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", cell.source, re.S)
    source = hidden[:hidden.index("\nrng = ")]
    namespace = {"np": np, "torch": torch, "F": F}
    exec(compile(source, "<hidden reference>", "exec"), namespace)
    return namespace["_deform_reference"]


def interpolate(img: np.ndarray, h: float, w: float) -> float:
    """torchvision's bilinear_interpolate: 0 a whole pixel or more outside, each missing corner counts as 0."""
    height, width = img.shape
    if h <= -1 or height <= h or w <= -1 or width <= w:
        return 0.0
    h_low, w_low = math.floor(h), math.floor(w)
    lh, lw = h - h_low, w - w_low
    total = 0.0
    for r, c, weight in ((h_low, w_low, (1 - lh) * (1 - lw)), (h_low, w_low + 1, (1 - lh) * lw),
                         (h_low + 1, w_low, lh * (1 - lw)), (h_low + 1, w_low + 1, lh * lw)):
        if 0 <= r < height and 0 <= c < width:
            total += weight * img[r, c]
    return total


def torchvision_loops(X, offset, W, b, stride, padding, dilation) -> np.ndarray:
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    N, C, _, _ = X.shape
    C_out, _, kh, kw = W.shape
    Ho, Wo = offset.shape[2:]
    out = np.zeros((N, C_out, Ho, Wo))
    for n in range(N):
        for oy in range(Ho):
            for ox in range(Wo):
                columns = np.zeros((C, kh, kw))
                for i in range(kh):
                    for j in range(kw):
                        k = i * kw + j
                        y = oy * sh - ph + i * dh + offset[n, 2 * k, oy, ox]
                        x = ox * sw - pw + j * dw + offset[n, 2 * k + 1, oy, ox]
                        for c in range(C):
                            columns[c, i, j] = interpolate(X[n, c], y, x)
                out[n, :, oy, ox] = np.einsum("ocij,cij->o", W, columns) + (0 if b is None else b)
    return out


@pytest.mark.parametrize("seed", range(6))
def test_hidden_reference_is_torchvisions_deform_conv2d(seed):
    rng = np.random.default_rng(seed)
    reference = hidden_reference()
    N, C, C_out = (int(v) for v in rng.integers(1, 3, size=3))
    kh, kw = (int(v) for v in rng.integers(1, 4, size=2))
    stride, padding, dilation = (tuple(int(v) for v in rng.integers(lo, hi, size=2))
                                 for lo, hi in ((1, 3), (0, 3), (1, 3)))
    H = max(int(rng.integers(1, 7)), dilation[0] * (kh - 1) + 1 - 2 * padding[0])
    Wd = max(int(rng.integers(1, 7)), dilation[1] * (kw - 1) + 1 - 2 * padding[1])
    Ho = (H + 2 * padding[0] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    Wo = (Wd + 2 * padding[1] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    X, W = rng.standard_normal((N, C, H, Wd)), rng.standard_normal((C_out, C, kh, kw))
    b = rng.standard_normal(C_out) if seed % 2 else None
    offset = rng.uniform(-2.5, 2.5, size=(N, 2 * kh * kw, Ho, Wo))
    offset[rng.random(offset.shape) < 0.3] = rng.integers(-2, 3)        # some whole pixels (exact borders)
    want = torchvision_loops(X, offset, W, b, stride, padding, dilation)
    got = reference(X, offset, W, b, stride=stride, padding=padding, dilation=dilation)
    assert got.shape == want.shape and np.allclose(got, want, atol=1e-12)


def test_zero_offsets_give_conv2d():
    rng = np.random.default_rng(9)
    X, W = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((4, 3, 3, 2))
    ref = F.conv2d(torch.tensor(X), torch.tensor(W), stride=(2, 1), padding=1, dilation=(1, 2)).numpy()
    got = hidden_reference()(X, np.zeros((2, 12) + ref.shape[2:]), W, None, stride=(2, 1), padding=1, dilation=(1, 2))
    assert np.allclose(got, ref, atol=1e-12)
