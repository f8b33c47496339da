"""``cnn-grade check`` on one notebook, as a self-study learner runs it: wall time per run, median of N.

Each run is a fresh ``cnn-grade check`` process (interpreter start, torch import, sandbox, cells, tests,
feedback page) on the release notebook with the reference answers pasted in, and on the untouched release.

    .venv/bin/python bench/check_time.py [ASSIGNMENT] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.mutation import honest_submission
from autograder.release import ROOT

TARGET_S = 10.0


def time_check(notebook: Path, assignment: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "autograder.cli", "--course", str(ROOT), "check", str(notebook),
                    "--assignment", assignment], check=False, capture_output=True, cwd=ROOT)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="?", default="01_convolution")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    name, honest = honest_submission(args.assignment)
    with tempfile.TemporaryDirectory() as tmp:
        answered, untouched = Path(tmp) / "answered" / name, Path(tmp) / "untouched" / name
        answered.parent.mkdir()
        untouched.parent.mkdir()
        nbformat.write(honest, answered)
        untouched.write_bytes((ROOT / "release" / args.assignment / name).read_bytes())
        for label, path in (("answered", answered), ("untouched", untouched)):
            times = [time_check(path, args.assignment) for _ in range(args.repeat)]
            print(f"check {args.assignment} {label:9s} n={len(times)} median {statistics.median(times):5.2f} s "
                  f"min {min(times):5.2f} max {max(times):5.2f} (target < {TARGET_S:g} s)")


if __name__ == "__main__":
    main()
