"""Helpers the notebooks' hidden tests share, written once instead of copied into every test cell.

Hidden tests run in the grader's process (``cnn-grade``) or in nbgrader's kernel, never in the student's
sandbox: this module is not on the sandbox's allow-list (``autograder/sandbox/allowlist.py``) and, being grader
code, lives outside ``course/``. Only hidden-test regions import it (``tests/test_notebook_code.py``), so it never
reaches ``release/`` or feedback. It holds no solution: only case generators and probes of a student's work.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["SHAPE_FREE_LAYERS", "int_or_pair", "trace_leaves"]

#: layers that do not change what a shape table lists (a student may add or omit them)
SHAPE_FREE_LAYERS = ("Flatten", "Dropout", "Identity", "LocalResponseNorm")


def int_or_pair(rng: np.random.Generator, lo: int, hi: int) -> int | tuple[int, int]:
    """A random hyper-parameter in [lo, hi): one int or, with probability 1/2, an (h, w) pair of ints.

    Draws in a fixed order (the coin, then one or two values), so a seeded ``rng`` gives the same cases always.
    """
    if rng.random() < 0.5:
        return int(rng.integers(lo, hi))
    return int(rng.integers(lo, hi)), int(rng.integers(lo, hi))


def trace_leaves(model: Any, x: Any) -> tuple[list[tuple[Any, str, tuple[int, ...]]], Any]:
    """Apply ``model``'s leaf modules one after the other (the registration order of nested ``nn.Sequential``
    containers), without gradients: ``([(module, class name, output shape without batch)], final output)``."""
    import torch

    calls = []
    with torch.no_grad():
        for m in [m for m in model.modules() if not list(m.children())]:
            x = m(x)
            calls.append((m, m.__class__.__name__, tuple(x.shape[1:])))
    return calls, x
