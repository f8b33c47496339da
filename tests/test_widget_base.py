"""The widgets' base class (course/widgets/base.py), their scripted interactions (course/widgets/actions.py), and
the contract every widget module keeps: a CourseWidget with a default size and ``interactions(size)``."""

from __future__ import annotations

import importlib
import json
import pkgutil

import ipywidgets as widgets
import numpy as np
import pytest

import course.widgets
from course.widgets import actions
from course.widgets.base import CourseWidget, ShownError, raised
from course.widgets.render import png_bytes


class Doubler(CourseWidget):
    """A minimal widget: a slider, a picture of ``value`` grey pixels, and a function that may fail."""

    default_size = 8

    def __init__(self, fn=None) -> None:
        super().__init__()
        self.fn = fn or (lambda v: 2 * v)
        self.slider = widgets.IntSlider(value=1, min=0, max=3, description="value")
        self.picture = widgets.Image(format="png")
        self.renders = 0
        self.watch(self.slider)
        self.children = [self.slider, self.picture, self.status]
        self.update()

    def render(self) -> None:
        self.renders += 1
        try:
            out = self.fn(self.slider.value)
        except Exception as exc:
            raise ShownError(raised("your function", exc)) from exc
        self.picture.value = png_bytes(np.full((2, 2), out / 10))

    def describe(self) -> str:
        return f"doubled: {self.fn(self.slider.value)}"


def test_update_renders_times_and_describes():
    w = Doubler()
    assert w.renders == 1 and w.updates == 1 and w.last_update_ms > 0
    assert w.status.value == "doubled: 2" and w.error == ""
    w.slider.value = 3
    assert w.renders == 2 and w.updates == 2 and w.status.value == "doubled: 6"


def test_shown_error_keeps_the_picture_and_says_why():
    calls = []

    def fragile(v):
        calls.append(v)
        if v == 2:
            raise ValueError("no <twos> & such")
        return v

    w = Doubler(fragile)
    picture, ms, updates = w.picture.value, w.last_update_ms, w.updates
    w.slider.value = 2
    assert w.picture.value == picture, "the last good picture stays"
    assert w.last_update_ms == ms and w.updates == updates, "a failed update is not timed"
    assert w.error == "your function raised ValueError: no <twos> & such"
    assert w.status.value == ("<span style='color:#b00'>your function raised ValueError: "
                              "no &lt;twos&gt; &amp; such</span>"), "the message is shown as text, in red"
    w.slider.value = 3
    assert w.error == "" and w.status.value == "doubled: 3" and w.picture.value != picture


def test_quiet_silences_observers_and_nests():
    w = Doubler()
    with w.quiet():
        assert w.is_quiet
        w.slider.value = 2
        with w.quiet():
            w.slider.value = 3
        assert w.is_quiet
        w.slider.value = 0
    assert not w.is_quiet and w.renders == 1, "no redraw inside quiet()"
    w.slider.value = 1
    assert w.renders == 2


def test_watch_with_a_handler_gets_the_change():
    w = Doubler()
    seen = []
    other = widgets.Dropdown(options=["a", "b"], value="a")
    w.watch(other, handler=seen.append)
    other.value = "b"
    with w.quiet():
        other.value = "a"
    assert [(c["old"], c["new"]) for c in seen] == [("a", "b")]


def test_nested_timing_counts_one_update():
    w = Doubler()
    with w.timed():
        w.update()
        inner = w.last_update_ms
    assert w.updates == 2 and w.last_update_ms >= inner


def test_render_must_be_implemented():
    class Empty(CourseWidget):
        default_size = 1

    with pytest.raises(NotImplementedError, match="Empty must implement render"):
        Empty().update()


def test_sync_after_sends_the_picture_before_the_controls():
    """A preset fills nine numbers: the playground sends the new picture first, the numbers after it."""
    from course.widgets.kernel_playground import PRESETS, KernelPlayground

    w = KernelPlayground(image=np.random.default_rng(0).random((16, 16)))
    sent = []
    for name, control in [("output", w.output), *[(f"cell{i}", c) for i, c in enumerate(w.cells)]]:
        control.send_state = lambda key=None, name=name: sent.append(name) if key is None or key else None
    w.preset.value = "Sobel x"
    changed = {f"cell{i}" for i, (a, b) in enumerate(zip(PRESETS["identity"].ravel(), PRESETS["Sobel x"].ravel(),
                                                          strict=True)) if a != b}
    assert sent[0] == "output" and len(sent) == 1 + len(changed) and set(sent[1:]) == changed, sent


# ---- actions ---------------------------------------------------------------------------------------------
def test_cycle_toggle_choose():
    dd = widgets.Dropdown(options=[("one", 1), ("two", 2), ("three", 3)], value=1)
    nxt = actions.cycle(dd, [1, 2, 3], name="next")
    nxt()
    nxt()
    assert dd.value == 3 and nxt.__name__ == "next"
    nxt()
    assert dd.value == 1
    flip = actions.toggle(dd, 2, 3)
    flip()
    assert dd.value == 2, "a value outside the pair goes to the first"
    flip()
    assert dd.value == 3
    actions.choose(dd, 1)()
    assert dd.value == 1
    assert actions.cycle(dd, [3, 1]).spec()["values"] == [2, 0], "selection widgets sync their index"
    with pytest.raises(ValueError):
        actions.cycle(dd, [])


def test_step_bounces_or_wraps():
    s = widgets.IntSlider(value=2, min=1, max=3, step=1, description="n filters")
    bounce, wrap = actions.step(s), actions.step(s, wrap=True)
    assert bounce.name == "step_n"
    bounce()
    assert s.value == 3
    bounce()
    assert s.value == 2, "at the end it steps back"
    bounce()
    wrap()
    assert s.value == 1, "with wrap it starts again"
    dd = widgets.Dropdown(options=["a", "b", "c"], value="b")
    actions.step(dd, wrap=True)()
    actions.step(dd, wrap=True)()
    assert dd.value == "a"
    spec = actions.step(dd, wrap=True).spec()
    assert spec["trait"] == "index" and spec["selection"] and spec["wrap"]


def test_click_and_call():
    button = widgets.Button(description="go now")
    pressed, ran = [], []
    button.on_click(pressed.append)
    actions.click(button)()
    assert pressed == [button] and actions.click(button).name == "click_go"
    act = actions.call(lambda: ran.append(1), name="feed")
    act()
    assert ran == [1] and act.spec() == {"name": "feed", "kind": "call"}


# ---- every widget module -----------------------------------------------------------------------------------
def widget_modules() -> list[str]:
    names = [m.name for m in pkgutil.iter_modules(course.widgets.__path__)]
    return sorted(n for n in names if hasattr(importlib.import_module(f"course.widgets.{n}"), "interactions"))


def test_the_eight_widgets_have_interactions():
    assert widget_modules() == ["arithmetic_explorer", "channel_explorer", "kernel_playground", "offset_explorer",
                                "parameter_counts", "pooling_explorer", "receptive_field", "training_monitor"]


@pytest.mark.parametrize("module", widget_modules())
def test_every_action_updates_once_at_the_default_size(module):
    mod = importlib.import_module(f"course.widgets.{module}")
    widget, acts = mod.interactions(10)
    cls = type(widget)
    assert isinstance(widget, CourseWidget) and isinstance(cls.default_size, int) and cls.default_size > 0
    widget, acts = mod.interactions(cls.default_size)
    assert len(acts) >= 4
    for _ in range(2):  # twice: the state after a first pass must still let every action change something
        for act in acts:
            before = widget.updates
            act()
            assert widget.updates == before + 1, f"{module}: {act.name} made {widget.updates - before} updates"
            assert widget.error == "", f"{module}: {act.name}: {widget.error}"
            spec = json.loads(json.dumps(act.spec()))
            assert spec["kind"] in ("cycle", "step", "click", "call")
            assert ("model_id" in spec) == (spec["kind"] != "call")
