"""The digits data helper: shapes, ranges, a fixed stratified split, loaders, and no downloads."""

from __future__ import annotations

import pytest
import torch

from course.digits import digits_arrays, digits_loaders, pixel_stats


def test_default_split_shapes_and_types():
    X_train, y_train, X_test, y_test = digits_arrays()
    assert X_train.shape == (1347, 1, 28, 28) and X_test.shape == (450, 1, 28, 28)
    assert X_train.dtype == torch.float32 and y_train.dtype == torch.int64
    assert y_train.shape == (1347,) and y_test.shape == (450,)
    assert 0.0 <= float(X_train.min()) and float(X_train.max()) <= 1.0


def test_split_is_fixed_and_stratified():
    a = digits_arrays()
    b = digits_arrays()
    assert all(torch.equal(x, y) for x, y in zip(a, b, strict=True))
    counts = torch.bincount(a[3], minlength=10)
    totals = counts + torch.bincount(a[1], minlength=10)
    assert torch.all((counts - 0.25 * totals).abs() <= 1), counts
    other = digits_arrays(seed=1)
    assert not torch.equal(a[1], other[1])


def test_copies_are_returned():
    X = digits_arrays()[0]
    X.zero_()
    assert float(digits_arrays()[0].max()) == 1.0


def test_sizes_and_originals():
    X8 = digits_arrays(size=8)[0]
    from sklearn.datasets import load_digits

    d = load_digits()
    assert X8.shape[1:] == (1, 8, 8)
    # every training image is one of the originals, scaled to [0, 1]
    originals = {tuple((torch.from_numpy(img).float() / 16).flatten().tolist()) for img in d.images}
    assert tuple(X8[0, 0].flatten().tolist()) in originals
    assert digits_arrays(size=16)[0].shape[1:] == (1, 16, 16)


def test_normalize_uses_training_statistics():
    X_train, _, X_test, _ = digits_arrays(normalize=True)
    assert abs(float(X_train.mean())) < 1e-4 and abs(float(X_train.std()) - 1.0) < 1e-4
    mean, std = pixel_stats()
    raw_test = digits_arrays()[2]
    assert torch.allclose(X_test, (raw_test - mean) / std)


def test_loaders():
    tl, vl = digits_loaders(batch_size=32)
    assert len(tl.dataset) == 1347 and len(vl.dataset) == 450
    xb, yb = next(iter(tl))
    assert xb.shape == (32, 1, 28, 28) and yb.shape == (32,)
    # the same seed gives the same batches; shuffling changes the order between epochs
    first = next(iter(digits_loaders(batch_size=32)[0]))[1]
    again = next(iter(digits_loaders(batch_size=32)[0]))[1]
    assert torch.equal(first, again)
    epoch1, epoch2 = next(iter(tl))[1], next(iter(tl))[1]
    assert not torch.equal(epoch1, epoch2)
    ordered, _ = digits_loaders(shuffle=False, n_train=64, n_test=10)
    assert len(ordered.dataset) == 64 and torch.equal(next(iter(ordered))[1], digits_arrays()[1][:32])


@pytest.mark.parametrize("kwargs", [{"size": 4}, {"size": 2.5}, {"test_size": 0.0}, {"test_size": 1.5}])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        digits_arrays(**kwargs)


def test_bad_batch_size():
    with pytest.raises(ValueError):
        digits_loaders(batch_size=0)
