"""Reference operations computed by PyTorch, for the widgets and the notebooks' pictures.

Torch is the course's reference for convolution and pooling semantics: these wrap ``torch.nn.functional`` (and
``nn`` modules) for numpy arrays. They are what the widgets show and compare against; they are never the
graded functions (students write those with numpy, and the hidden tests call torch themselves).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np


@contextmanager
def one_thread() -> Iterator[None]:
    """Run torch on one thread inside the block: a single small convolution gains nothing from more, and on a
    busy 2-core machine a second thread makes it many times slower (a 3x3 filter of a 256x256 photo: 0.25 ms on
    one thread, 16 ms on two while other processes load the cores) and takes the core the browser needs."""
    import torch

    old = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(old)


def torch_corr2d(X: np.ndarray, K: np.ndarray) -> np.ndarray:
    """Valid 2-D cross-correlation by ``torch.nn.functional.conv2d`` (the reference semantics), one thread."""
    import torch
    import torch.nn.functional as F

    x = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float64))[None, None]
    k = torch.from_numpy(np.ascontiguousarray(K, dtype=np.float64))[None, None]
    with one_thread():
        return F.conv2d(x, k)[0, 0].numpy()


def torch_box_filter(image: np.ndarray, k: int, p: int, s: int, d: int) -> np.ndarray:
    """``image`` filtered by a k x k kernel of 1/k^2 with padding ``p``, stride ``s``, dilation ``d`` (torch
    ``conv2d``); raises ``RuntimeError`` if the dilated kernel does not fit in the padded input.

    Computed in float32 on one thread (the values are only shown); returned as float64.
    """
    import torch
    import torch.nn.functional as F

    x = torch.from_numpy(np.ascontiguousarray(image, dtype=np.float32))[None, None]
    w = torch.full((1, 1, k, k), 1.0 / (k * k))
    with one_thread():
        return F.conv2d(x, w, padding=p, stride=s, dilation=d)[0, 0].numpy().astype(np.float64)


def torch_filter_bank(channel: np.ndarray, kernels: np.ndarray) -> np.ndarray:
    """Valid cross-correlation of one (H, W) channel with each of ``kernels`` (N, kh, kw): (N, H', W') float32.

    One ``conv2d`` call on one thread, in float32 (about 1e-5 from float64: the maps are shown).
    """
    import torch
    import torch.nn.functional as F

    x = torch.as_tensor(np.asarray(channel, dtype=np.float32))[None, None]
    w = torch.from_numpy(np.asarray(kernels, dtype=np.float32))[:, None]
    with torch.no_grad(), one_thread():
        return F.conv2d(x, w)[0].numpy()


def torch_pool2d(X: np.ndarray, size, stride=None, padding=0, mode: str = "max") -> np.ndarray:
    """2-D max or average pooling of a 2-D array by ``torch.nn.functional`` (the reference semantics), one
    thread."""
    import torch
    import torch.nn.functional as F

    if mode not in ("max", "avg"):
        raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
    x = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float64))[None, None]
    pool = F.max_pool2d if mode == "max" else F.avg_pool2d
    with one_thread():
        return pool(x, size, stride, padding)[0, 0].numpy()


def torch_gradient_map(size: int, layers: Sequence[tuple[int, int, int]], unit: tuple[int, int]) -> np.ndarray:
    """d output[unit] / d input through ``nn.Conv2d`` layers ``(k, s, d)`` of ones, no padding: for each input
    pixel of a ``size`` x ``size`` input, the number of paths from it to the output unit."""
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


def torch_counts(n: int, in_channels: int, filters: int, k: int) -> dict[str, int]:
    """Parameter counts of a fully connected, a locally connected and a convolutional layer mapping
    ``n x n x in_channels`` to ``n x n x filters`` (``k x k`` filters, 'same' padding), built on the ``meta``
    device.

    ``meta`` tensors have shapes but no storage, so even the 2.6-billion-parameter fully connected
    layer costs nothing to build. The locally connected layer has one ``C_in*k*k`` filter per output
    unit and one bias per output unit (no sharing).
    """
    import torch
    from torch import nn

    fc = nn.Linear(n * n * in_channels, n * n * filters, device="meta")
    conv = nn.Conv2d(in_channels, filters, k, padding=k // 2, device="meta")
    local_weight = torch.empty(n * n, filters, in_channels * k * k, device="meta")
    local_bias = torch.empty(filters, n, n, device="meta")
    return {
        "fully connected": sum(p.numel() for p in fc.parameters()),
        "locally connected": local_weight.numel() + local_bias.numel(),
        "shared convolution": sum(p.numel() for p in conv.parameters()),
    }
