"""Execution time of every source notebook, top to bottom, in full and under autograde.

Each notebook runs in a fresh kernel through nbclient (as JupyterLab's Run All or nbgrader would), once with
``NBGRADER_EXECUTION`` unset (the full chapter) and once with it set to ``autograde`` (the shortened runs).

    .venv/bin/python bench/notebook_times.py [ASSIGNMENT ...]
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder.course_layout import REPO_ROOT as ROOT
from autograder.course_layout import assignments

TARGETS = {"06_lenet_alexnet": (120.0, 30.0)}  # full, autograde; every other notebook: 30 s both


def run(path: Path, autograde: bool) -> float:
    nb = nbformat.read(path, as_version=4)
    old = os.environ.get("NBGRADER_EXECUTION")
    if autograde:
        os.environ["NBGRADER_EXECUTION"] = "autograde"
    else:
        os.environ.pop("NBGRADER_EXECUTION", None)
    try:
        t0 = time.perf_counter()
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
                       ).execute()
        return time.perf_counter() - t0
    finally:
        if old is None:
            os.environ.pop("NBGRADER_EXECUTION", None)
        else:
            os.environ["NBGRADER_EXECUTION"] = old


def main() -> None:
    names = sys.argv[1:] or assignments()
    print(f"{'notebook':24s} {'full s':>8s} {'autograde s':>12s}  targets")
    for name in names:
        (path,) = (ROOT / "source" / name).glob("*.ipynb")
        full, auto = run(path, False), run(path, True)
        t_full, t_auto = TARGETS.get(name, (30.0, 30.0))
        ok = "ok" if full < t_full and auto < t_auto else "MISS"
        print(f"{name:24s} {full:8.1f} {auto:12.1f}  < {t_full:g} / < {t_auto:g}  {ok}")


if __name__ == "__main__":
    main()
