"""Class grading throughput: stock ``nbgrader autograde`` (sequential) vs ``cnn-grade grade`` (sandboxed).

Per assignment, N submissions are made in a scratch course: a third honest (reference answers pasted into
the release), a third with one catalogued mistake each, a third untouched releases. Both graders grade the
same files in one run on this machine; the script prints wall times, the ratio, cnn-grade's median time per
phase (sandbox start, student cells, tests, diagnosis) and any honest submission the two score differently.

    .venv/bin/python bench/grading_throughput.py [--per-assignment 30] [--assignments 01_convolution ...]
                                                 [--skip-stock]

``--skip-stock`` times cnn-grade alone. To compare two versions of the grader, use ``bench/grading_versions.py``
(it alternates rounds: single runs here vary by up to 10 %).
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.cli import MARKER
from autograder.cli import main as cnn_grade
from autograder.misconceptions import catalogue
from autograder.mutation import honest_submission, with_mistake
from autograder.nbgrader_cli import nbgrader
from autograder.release import ROOT, assignments, generate_elsewhere


def make_course(dest: Path, assignment: str, n: int) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    generate_elsewhere(assignment, dest)
    name, honest = honest_submission(assignment)
    released = nbformat.read(ROOT / "release" / assignment / name, as_version=4)
    mistakes = catalogue(assignment) or [None]
    for i in range(n):
        kind = i % 3
        nb = honest if kind == 0 else released if kind == 2 else (
            with_mistake(honest, mistakes[i % len(mistakes)]) if mistakes[0] else honest)
        out = dest / "submitted" / f"s{i:03d}" / assignment
        out.mkdir(parents=True)
        nbformat.write(nb, out / name)


def stock_seconds(course: Path, assignment: str) -> float:
    """Wall seconds of stock ``nbgrader autograde`` on the course's submissions."""
    t0 = time.perf_counter()
    nbgrader("autograde", assignment, "--create", course_root=course, timeout=7200)
    return time.perf_counter() - t0


def compare(stock_dir: Path, ours_dir: Path, assignment: str, n: int,
            with_stock: bool = True) -> tuple[dict[str, float], list[str]]:
    """Median time per phase of cnn-grade's submissions, and honest students whose two scores differ."""
    from nbgrader.api import Gradebook

    name = next((ROOT / "release" / assignment).glob("*.ipynb")).stem
    timings: dict[str, list[float]] = {}
    ours = {}
    for i in range(n):
        student = f"s{i:03d}"
        ours[student] = json.loads((ours_dir / "autograded" / student / assignment / MARKER).read_text())[
            "results"][name]
        for k, v in ours[student].get("timings", {}).items():
            timings.setdefault(k, []).append(v)
    mismatched = []
    if with_stock:
        with Gradebook(f"sqlite:///{stock_dir / 'gradebook.db'}") as gb:
            mismatched = [s for i, (s, r) in enumerate(ours.items()) if i % 3 == 0 and abs(
                gb.find_submission_notebook(name, assignment, s).score - r["score"]) > 1e-6]
    return {k: statistics.median(v) for k, v in timings.items()}, mismatched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-assignment", type=int, default=30)
    parser.add_argument("--assignments", nargs="*")
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--skip-stock", action="store_true", help="time cnn-grade alone")
    args = parser.parse_args()
    names = args.assignments or assignments()
    print(f"machine: {platform.machine()}, {__import__('os').cpu_count()} cores; "
          f"{args.per_assignment} submissions per assignment")
    total_stock = total_ours = 0.0
    for a in names:
        with tempfile.TemporaryDirectory() as tmp:
            stock_dir, ours_dir = Path(tmp) / "stock", Path(tmp) / "ours"
            make_course(stock_dir, a, args.per_assignment)
            shutil.copytree(stock_dir, ours_dir)
            stock = 0.0 if args.skip_stock else stock_seconds(stock_dir, a)
            t0 = time.perf_counter()
            cnn_grade(["--course", str(ours_dir), "grade", a, "--quiet", "--jobs", str(args.jobs)])
            ours = time.perf_counter() - t0
            phases, mismatched = compare(stock_dir, ours_dir, a, args.per_assignment, not args.skip_stock)
        total_stock += stock
        total_ours += ours
        if args.skip_stock:
            print(f"{a:24s} cnn-grade {ours:7.1f} s   per submission {ours / args.per_assignment:5.2f} s   "
                  + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items()))
            continue
        print(f"{a:24s} stock {stock:7.1f} s   cnn-grade {ours:7.1f} s   ratio {stock / ours:4.2f}x   "
              f"per submission {stock / args.per_assignment:5.2f} s vs {ours / args.per_assignment:5.2f} s")
        print(f"{'':24s} cnn-grade median per submission: "
              + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items())
              + f"; honest submissions scored differently by the two: {mismatched or 'none'}")
    if args.skip_stock:
        print(f"{'all':24s} cnn-grade {total_ours:7.1f} s")
        return
    print(f"{'all':24s} stock {total_stock:7.1f} s   cnn-grade {total_ours:7.1f} s   "
          f"ratio {total_stock / total_ours:4.2f}x (target >= 3x)")


if __name__ == "__main__":
    main()
