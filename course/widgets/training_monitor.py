"""Training monitor: live loss and accuracy curves with a tqdm progress bar, updated after every epoch.

Use it as the ``callback`` of a training loop that calls ``callback(history)`` after each epoch, where
``history`` is a dict of per-epoch lists (``"train_loss"``, ``"test_acc"``)::

    monitor = TrainingMonitor(epochs=20, target=0.97)
    display(monitor)
    history = train(model, train_loader, test_loader, epochs=20, lr=1e-3, callback=monitor)

The progress bar is ``tqdm.auto``: a widget bar in JupyterLab, a text bar on a terminal.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping, Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from tqdm.auto import tqdm
from tqdm.notebook import tqdm_notebook

from course.widgets import actions
from course.widgets.base import CourseWidget, error_html, escape
from course.widgets.render import png_bytes


def _values(history: Mapping, key: str) -> list[float]:
    if key not in history:
        raise KeyError(f"history has no {key!r} entry (keys: {sorted(history)})")
    values = [float(v) for v in history[key]]
    if any(not math.isfinite(v) for v in values):
        raise ValueError(f"{key!r} holds a value that is not finite: {values[-5:]}")
    return values


class TrainingMonitor(CourseWidget):
    """Progress bar (epochs done, latest loss and accuracy) above two live plots: training loss and
    test accuracy per epoch. ``target`` draws a dashed line at the accuracy to reach.

    Call it (or :meth:`update`) with the history after each epoch. After each update ``last_update_ms``
    holds the time the redraw took, ``epochs_done`` the number of epochs shown and ``image.value`` the PNG.
    A malformed history never raises: the message is shown under the plot instead (and kept in ``error``).
    """

    default_size = 20  # epochs

    def __init__(self, epochs: int, title: str = "training", target: float | None = None,
                 loss_key: str = "train_loss", acc_key: str = "test_acc") -> None:
        if not isinstance(epochs, int) or epochs < 1:
            raise ValueError(f"epochs must be a positive int, got {epochs!r}")
        super().__init__()
        self.epochs = epochs
        self.loss_key, self.acc_key = loss_key, acc_key
        self.target = target
        self.epochs_done = 0
        self._history: Mapping = {}

        kwargs = {"total": epochs, "desc": title, "unit": "epoch"}
        if issubclass(tqdm, tqdm_notebook):  # in a notebook: a widget bar, placed inside this box
            self.bar = tqdm(display=False, **kwargs)
            bar_widget = self.bar.container
        else:  # terminal or headless tests: a text bar on stderr
            self.bar = tqdm(file=sys.stderr, **kwargs)
            bar_widget = widgets.HTML()
        self._make_figure()
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="640px"))
        self.children = [bar_widget, self.image, self.status]
        self.update({loss_key: [], acc_key: []})

    def _make_figure(self) -> None:
        self.figure = Figure(figsize=(8.0, 2.8), dpi=80)
        FigureCanvasAgg(self.figure)
        self.ax_loss, self.ax_acc = self.figure.subplots(1, 2)
        (self.loss_line,) = self.ax_loss.plot([], [], ".-", color="tab:blue", animated=True)
        (self.acc_line,) = self.ax_acc.plot([], [], ".-", color="tab:green", animated=True)
        self._background = None
        self.ax_loss.set(title="training loss", xlabel="epoch", yscale="log")
        self.ax_acc.set(title="test accuracy", xlabel="epoch", ylim=(0.0, 1.0))
        for ax in (self.ax_loss, self.ax_acc):
            ax.set_xlim(0.5, self.epochs + 0.5)
            ax.grid(alpha=0.3)
        if self.target is not None:
            self.ax_acc.axhline(self.target, color="tab:red", linestyle="--", linewidth=1)
            self.ax_acc.text(0.6, self.target - 0.08, f"target {self.target:.0%}", color="tab:red")
        self.figure.tight_layout()

    def __call__(self, history: Mapping[str, Sequence[float]]) -> None:
        self.update(history)

    def update(self, history: Mapping[str, Sequence[float]] | None = None) -> None:
        """Redraw the curves from ``history`` and move the progress bar to the number of epochs done."""
        self._history = history or {}
        super().update()

    def render(self) -> None:
        try:
            loss = _values(self._history, self.loss_key)
            acc = _values(self._history, self.acc_key)
            self._draw(loss, acc)
        except Exception as exc:  # noqa: BLE001 - a student's history must never crash the display
            self.error = f"{type(exc).__name__}: {exc}"

    def describe(self) -> str:
        return error_html(f"cannot plot this history: {escape(self.error)}") if self.error else ""

    def _limits_ok(self, loss: list[float], n: int) -> bool:
        lo, hi = self.ax_loss.get_ylim()
        positive = [v for v in loss if v > 0]
        return n + 0.5 <= self.ax_acc.get_xlim()[1] and all(lo <= v <= hi for v in positive)

    def _redraw_background(self, loss: list[float], n: int) -> None:
        """Full draw (axes, ticks, labels) without the curves; only when the limits must change."""
        xmax = max(self.epochs, n) + 0.5
        for ax in (self.ax_loss, self.ax_acc):
            ax.set_xlim(0.5, xmax)
        positive = [v for v in loss if v > 0] or [1.0]
        lo = min(10 ** math.floor(math.log10(min(positive))), 1e-4)
        hi = max(10 ** math.ceil(math.log10(max(positive))), 10.0)
        self.ax_loss.set_ylim(lo, hi)
        self.figure.canvas.draw()
        self._background = self.figure.canvas.copy_from_bbox(self.figure.bbox)

    def _draw(self, loss: list[float], acc: list[float]) -> None:
        n = max(len(loss), len(acc))
        self.loss_line.set_data(list(range(1, len(loss) + 1)), loss)
        self.acc_line.set_data(list(range(1, len(acc) + 1)), acc)
        if self._background is None or not self._limits_ok(loss, n):
            self._redraw_background(loss, n)
        canvas = self.figure.canvas
        canvas.restore_region(self._background)  # blit: only the two curves are drawn each epoch
        self.ax_loss.draw_artist(self.loss_line)
        self.ax_acc.draw_artist(self.acc_line)
        self.image.value = png_bytes(np.asarray(canvas.buffer_rgba())[..., :3])
        self.epochs_done = n
        self._advance_bar(n, loss, acc)

    def _advance_bar(self, n: int, loss: list[float], acc: list[float]) -> None:
        self.bar.n = min(n, self.epochs)
        postfix = {}
        if loss:
            postfix["loss"] = f"{loss[-1]:.4f}"
        if acc:
            postfix["test acc"] = f"{acc[-1]:.2%}"
        self.bar.set_postfix(postfix, refresh=False)
        self.bar.refresh()
        if n >= self.epochs:
            self.bar.close()

    def close(self) -> None:
        """Close the progress bar and the widget (also when construction failed before the bar existed)."""
        bar = self.__dict__.get("bar")
        if bar is not None:
            bar.close()
        super().close()


def synthetic_history(epochs: int) -> dict[str, list[float]]:
    """A plausible history (falling loss, rising accuracy) for demos and tests."""
    loss = [2.3 * math.exp(-0.25 * e) + 0.01 for e in range(epochs)]
    acc = [1.0 - 0.9 * math.exp(-0.4 * e) for e in range(epochs)]
    return {"train_loss": loss, "test_acc": acc}


def interactions(size: int) -> tuple[TrainingMonitor, list[actions.Action]]:
    """A monitor for a ``size``-epoch run and actions that each feed it a longer history (as the training
    loop does, from the kernel: no control is touched)."""
    size = max(int(size), 3)
    monitor = TrainingMonitor(epochs=size, target=0.97)
    full = synthetic_history(size)

    def upto(n: int) -> actions.Action:
        return actions.call(lambda: monitor.update({k: v[:n] for k, v in full.items()}), name=f"epochs_{n}")

    return monitor, [upto(1), upto(size // 2), upto(size - 1), upto(size)]
