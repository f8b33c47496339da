"""Widget update latency (compute + redraw, in Python): median and p95 per widget, default size and 512x512.

Every module in ``course/widgets`` that defines ``interactions(size)`` is measured: each of its actions is a
change a user makes; the time of one action is the full update it triggers (compute and PNG encoding).
The browser-side time (to the picture on screen) is measured by the browser tests.

    .venv/bin/python bench/widget_latency.py [--repeat 5] [--sizes 256 512]

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


def measure(module_name: str, size: int, repeat: int) -> list[float]:
    mod = importlib.import_module(f"course.widgets.{module_name}")
    widget, actions = mod.interactions(size)
    times = []
    for _ in range(repeat):
        for act in actions:
            t0 = time.perf_counter()
            act()
            times.append((time.perf_counter() - t0) * 1e3)
    del widget
    return times


TARGET_MS = 50.0
TARGETS_MS = {"offset_explorer": 20.0}   # widgets with a tighter promise


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[256, 512])
    args = parser.parse_args()
    torch.set_num_threads(2)
    names = [m.name for m in pkgutil.iter_modules(course.widgets.__path__)
             if hasattr(importlib.import_module(f"course.widgets.{m.name}"), "interactions")]
    print(f"machine: {platform.processor() or platform.machine()}, torch threads {torch.get_num_threads()}")
    print(f"{'widget':28s} {'size':>5s} {'n':>4s} {'median ms':>10s} {'p95 ms':>8s} {'target':>7s}")
    worst = 0.0
    for name in sorted(names):
        for size in args.sizes:
            t = measure(name, size, args.repeat)
            med, p95 = statistics.median(t), float(np.percentile(t, 95))
            worst = max(worst, med)
            target = TARGETS_MS.get(name, TARGET_MS)
            print(f"{name:28s} {size:5d} {len(t):4d} {med:10.1f} {p95:8.1f} {'ok' if med < target else 'MISS':>7s}"
                  f"{'' if target == TARGET_MS else f'  (< {target:g} ms)'}")
    print(f"worst median: {worst:.1f} ms (target < 50 ms)")


if __name__ == "__main__":
    main()
