"""Widget update latency (compute + redraw, in Python): median and p95 per widget, at its default size, 256 and 512.

Every module in ``course/widgets`` that defines ``interactions(size)`` is measured: each of its actions is a
change a user makes; the time of one action is the full update it triggers (compute and PNG encoding), and
``png`` is the part of it spent encoding pictures. ``default`` is the widget's ``default_size`` (what the
notebook shows). The browser-side time (to the picture on the page) is ``bench/browser_latency.py``.

    .venv/bin/python bench/widget_latency.py [--repeat 5] [--sizes default 256 512]

Target: a median under 50 ms per update (docs/AUTHORING.md); the offset explorer (07) promises 20 ms at 512x512.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import platform
import statistics
import time

import numpy as np
import torch

import course.widgets
import course.widgets.render
from course.widgets.base import CourseWidget


def default_size(mod) -> int:
    return next(v.default_size for v in vars(mod).values()
                if isinstance(v, type) and issubclass(v, CourseWidget) and v.__module__ == mod.__name__)


def measure(module_name: str, size: int, repeat: int) -> tuple[list[float], float]:
    """Times of every action (ms), and the total time spent encoding PNGs (ms)."""
    mod = importlib.import_module(f"course.widgets.{module_name}")
    widget, actions = mod.interactions(size)
    encode, spent = course.widgets.render.png_bytes, [0.0]

    def timed_png(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return encode(*args, **kwargs)
        finally:
            spent[0] += (time.perf_counter() - t0) * 1e3

    users = [m for m in vars(course.widgets).values() if getattr(m, "png_bytes", None) is encode]
    for m in users:
        m.png_bytes = timed_png
    times = []
    try:
        for _ in range(repeat):
            for act in actions:
                t0 = time.perf_counter()
                act()
                times.append((time.perf_counter() - t0) * 1e3)
    finally:
        for m in users:
            m.png_bytes = encode
    del widget
    return times, spent[0]


TARGET_MS = 50.0
TARGETS_MS = {"offset_explorer": 20.0}   # widgets with a tighter promise


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", nargs="+", default=["default", "256", "512"],
                        help="input sizes; 'default' is each widget's default_size")
    args = parser.parse_args()
    torch.set_num_threads(2)
    names = [m.name for m in pkgutil.iter_modules(course.widgets.__path__)
             if hasattr(importlib.import_module(f"course.widgets.{m.name}"), "interactions")]
    print(f"machine: {platform.processor() or platform.machine()}, torch threads {torch.get_num_threads()}")
    print(f"{'widget':28s} {'size':>8s} {'n':>4s} {'median ms':>10s} {'p95 ms':>8s} {'png ms':>7s} {'target':>7s}")
    worst = 0.0
    for name in sorted(names):
        for size_arg in args.sizes:
            mod = importlib.import_module(f"course.widgets.{name}")
            size = default_size(mod) if size_arg == "default" else int(size_arg)
            t, png = measure(name, size, args.repeat)
            med, p95 = statistics.median(t), float(np.percentile(t, 95))
            worst = max(worst, med)
            label = f"{size}*" if size_arg == "default" else str(size)
            target = TARGETS_MS.get(name, TARGET_MS)
            print(f"{name:28s} {label:>8s} {len(t):4d} {med:10.1f} {p95:8.1f} {png / len(t):7.1f} "
                  f"{'ok' if med < target else 'MISS':>7s}" + ("" if target == TARGET_MS else f"  (< {target:g} ms)"))
    print(f"worst median: {worst:.1f} ms (target < 50 ms); * = default size; png = PNG encoding per action")


if __name__ == "__main__":
    main()
