"""The set-up of every notebook's first cell: torch threads, numpy print options, and whether it is graded.

    from course.setup import setup_notebook
    AUTOGRADING = setup_notebook()      # True while nbgrader / cnn-grade runs the notebook: demos run short
"""

from __future__ import annotations

import os

#: the environment variable nbgrader sets while it executes a notebook (cnn-grade's sandboxes set it too)
GRADING_VARIABLE = "NBGRADER_EXECUTION"
#: torch threads in a notebook: the course's target machine has 2 CPU cores
THREADS = 2


def autograding() -> bool:
    """True while the notebook is being graded (``NBGRADER_EXECUTION`` is set): slow demos run short."""
    return bool(os.environ.get(GRADING_VARIABLE))


def setup_notebook(threads: int = THREADS, precision: int = 3) -> bool:
    """Set torch's thread count and numpy's print options (``precision`` digits, no scientific notation for
    small numbers) as every notebook does; return :func:`autograding`."""
    import numpy as np
    import torch

    if threads < 1:
        raise ValueError(f"threads must be a positive int, got {threads!r}")
    torch.set_num_threads(threads)
    np.set_printoptions(precision=precision, suppress=True)
    return autograding()
