"""Helpers the notebooks' hidden tests share, written once instead of copied into every test cell.

Hidden tests run in the grader's process (``cnn-grade``) or in nbgrader's kernel, never in the student's
sandbox: this module is not on the sandbox's allow-list (``autograder/sandbox/allowlist.py``) and, being grader
code, lives outside ``course/``. Only hidden-test regions import it (``tests/test_notebook_code.py``), so it never
reaches ``release/`` or feedback. It holds no solution: only case generators and probes of a student's work.
"""

from __future__ import annotations

import numpy as np

__all__ = ["int_or_pair"]

def int_or_pair(rng: np.random.Generator, lo: int, hi: int) -> int | tuple[int, int]:
    """A random hyper-parameter in [lo, hi): one int or, with probability 1/2, an (h, w) pair of ints.

    Draws in a fixed order (the coin, then one or two values), so a seeded ``rng`` gives the same cases always.
    """
    if rng.random() < 0.5:
        return int(rng.integers(lo, hi))
    return int(rng.integers(lo, hi)), int(rng.integers(lo, hi))
