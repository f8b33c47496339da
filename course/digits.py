"""Real handwritten digits for training small CNNs on a CPU, with nothing downloaded.

scikit-learn ships 1,797 handwritten digits (``sklearn.datasets.load_digits``: 8x8 grey images, values
0..16, ten classes, from the UCI "optdigits" set). LeNet-5 was designed for 28x28 MNIST digits (padded to
32x32 in the 1998 paper), so :func:`digits_arrays` upsamples each image to ``size`` x ``size`` with
bilinear interpolation and scales it to [0, 1]; ``normalize=True`` then standardises the pixels with
the training images' mean and standard deviation (zero mean, unit variance), which helps training.
The split into training and test images is stratified and fixed by ``seed``, so every run of every
notebook sees the same data.

This module loads data; it contains no model and no training code.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch

N_CLASSES = 10
CLASS_NAMES = tuple(str(d) for d in range(10))


@lru_cache(maxsize=8)
def _arrays(size: int, test_size: float, seed: int) -> tuple[torch.Tensor, ...]:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = torch.from_numpy(digits.images.astype(np.float32) / 16.0)[:, None]  # (1797, 1, 8, 8)
    if size != 8:
        images = torch.nn.functional.interpolate(images, size=(size, size), mode="bilinear",
                                                 align_corners=False)
    images = images.clamp_(0.0, 1.0)
    labels = torch.from_numpy(digits.target.astype(np.int64))
    idx_train, idx_test = train_test_split(np.arange(len(labels)), test_size=test_size,
                                           random_state=seed, stratify=digits.target)
    out = (images[idx_train], labels[idx_train], images[idx_test], labels[idx_test])
    for t in out:
        t.requires_grad_(False)
    return out


def digits_arrays(size: int = 28, test_size: float = 0.25, seed: int = 0, normalize: bool = False
                  ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """``(X_train, y_train, X_test, y_test)``: float32 images (N, 1, size, size) in [0, 1], int64 labels.

    The default split holds 1,347 training and 450 test images, stratified by class. ``normalize=True``
    subtracts the training images' mean pixel value and divides by their standard deviation (both parts
    with the same two numbers, see :func:`pixel_stats`). Returns fresh copies, so changing them does not
    change what the next call returns.
    """
    if not isinstance(size, int | np.integer) or size < 8:
        raise ValueError(f"size must be an int >= 8 (the originals are 8x8), got {size!r}")
    if not 0.0 < float(test_size) < 1.0:
        raise ValueError(f"test_size must be a fraction in (0, 1), got {test_size!r}")
    X_train, y_train, X_test, y_test = (t.clone() for t in _arrays(int(size), float(test_size), int(seed)))
    if normalize:
        mean, std = pixel_stats(size, test_size, seed)
        X_train, X_test = (X_train - mean) / std, (X_test - mean) / std
    return X_train, y_train, X_test, y_test


def pixel_stats(size: int = 28, test_size: float = 0.25, seed: int = 0) -> tuple[float, float]:
    """Mean and standard deviation of the training images' pixels (used by ``normalize=True``)."""
    X_train = _arrays(int(size), float(test_size), int(seed))[0]
    return float(X_train.mean()), float(X_train.std())


def digits_loaders(batch_size: int = 32, size: int = 28, test_size: float = 0.25, seed: int = 0,
                   n_train: int | None = None, n_test: int | None = None, shuffle: bool = True,
                   normalize: bool = True) -> tuple[torch.utils.data.DataLoader, torch.utils.data.DataLoader]:
    """``(train_loader, test_loader)`` over the fixed split of :func:`digits_arrays` (normalised by default).

    ``n_train`` / ``n_test`` keep only the first images of each part (for quick runs). The training
    loader reshuffles every epoch from a generator seeded with ``seed`` (``shuffle=False`` keeps the
    order fixed); the test loader never shuffles.
    """
    if not isinstance(batch_size, int | np.integer) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    X_train, y_train, X_test, y_test = digits_arrays(size, test_size, seed, normalize)
    if n_train is not None:
        X_train, y_train = X_train[:n_train], y_train[:n_train]
    if n_test is not None:
        X_test, y_test = X_test[:n_test], y_test[:n_test]
    from torch.utils.data import DataLoader, TensorDataset

    generator = torch.Generator().manual_seed(seed)
    train = DataLoader(TensorDataset(X_train, y_train), batch_size=int(batch_size), shuffle=shuffle,
                       generator=generator if shuffle else None)
    test = DataLoader(TensorDataset(X_test, y_test), batch_size=256, shuffle=False)
    return train, test
