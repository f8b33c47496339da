"""The training monitor (live curves + tqdm bar), driven headless with synthetic histories."""

from __future__ import annotations

import numpy as np
import pytest

from course.widgets.render import decode_png
from course.widgets.training_monitor import TrainingMonitor, interactions, synthetic_history


def shown(w: TrainingMonitor) -> np.ndarray:
    return decode_png(w.image.value)


def test_starts_empty_with_a_picture():
    w = TrainingMonitor(epochs=5)
    assert w.epochs_done == 0 and w.bar.n == 0 and w.error == ""
    assert shown(w).ndim == 3


def test_each_epoch_redraws_and_advances_the_bar():
    w = TrainingMonitor(epochs=6, target=0.97)
    full = synthetic_history(6)
    pictures = []
    for n in range(1, 7):
        w({k: v[:n] for k, v in full.items()})
        assert w.epochs_done == n and w.bar.n == n
        pictures.append(shown(w).copy())
    assert all(not np.array_equal(a, b) for a, b in zip(pictures, pictures[1:], strict=False)), (
        "every new epoch must change the picture")
    assert w.bar.postfix and "loss=" in w.bar.postfix and "test acc=" in w.bar.postfix


def test_curves_follow_the_history():
    w = TrainingMonitor(epochs=4)
    w({"train_loss": [2.0, 1.0, 0.5], "test_acc": [0.2, 0.6, 0.9]})
    assert list(w.loss_line.get_ydata()) == [2.0, 1.0, 0.5]
    assert list(w.acc_line.get_ydata()) == [0.2, 0.6, 0.9]
    assert list(w.acc_line.get_xdata()) == [1, 2, 3]


def test_small_losses_rescale_the_axis():
    w = TrainingMonitor(epochs=3)
    w({"train_loss": [2.0, 1e-6], "test_acc": [0.5, 1.0]})
    lo, hi = w.ax_loss.get_ylim()
    assert lo <= 1e-6 and hi >= 2.0 and w.error == ""


def test_bad_history_is_shown_not_raised():
    w = TrainingMonitor(epochs=3)
    w({"loss": [1.0]})
    assert "train_loss" in w.error and "cannot plot" in w.status.value
    w({"train_loss": [float("nan")], "test_acc": [0.1]})
    assert "not finite" in w.error
    w({"train_loss": [1.0], "test_acc": [0.5]})
    assert w.error == "" and w.status.value == ""


def test_rejects_bad_epochs():
    with pytest.raises(ValueError):
        TrainingMonitor(epochs=0)


def test_interactions_at_512():
    # the latency budget is measured by bench/widget_latency.py, not asserted here
    w, actions = interactions(512)
    for act in actions * 2:
        act()
        assert w.error == "" and w.last_update_ms > 0.0
    assert w.epochs_done == 512 and w.bar.n == 512


def test_works_as_a_training_callback():
    import torch
    import torch.nn.functional as F

    from course.digits import digits_loaders

    torch.manual_seed(0)
    tl, vl = digits_loaders(size=8, n_train=128, n_test=64)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    w = TrainingMonitor(epochs=2)
    history = {"train_loss": [], "test_acc": []}
    for _ in range(2):
        for xb, yb in tl:
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
        history["train_loss"].append(loss.item())
        with torch.no_grad():
            history["test_acc"].append(sum((model(x).argmax(1) == y).sum().item() for x, y in vl) / 64)
        w(history)
    assert w.epochs_done == 2 and w.error == ""


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_close_after_failed_construction():
    import gc

    with pytest.raises(ValueError):
        TrainingMonitor(epochs=0)
    gc.collect()  # the half-built monitor is closed by Widget.__del__: nothing may raise there
    TrainingMonitor.__new__(TrainingMonitor).close()
    w = TrainingMonitor(epochs=2)
    w.close()
    assert w.bar.disable, "closing the monitor closes its progress bar"
