"""Class grading throughput of two versions of cnn-grade: this checkout against a baseline checkout, alternating.

Each side builds its own course with its own code (the release, reference answers and catalogued mistakes of
that version, as ``grading_throughput.make_course`` makes them: a third honest, a third with one mistake each, a
third untouched releases) and grades it with its own ``cnn-grade grade`` command, a fresh process as an
instructor runs it. Rounds alternate the two sides (and which goes first), so that load from elsewhere falls on
both; the script prints every time, the median per side and assignment, the sum of the medians and the ratio.

    .venv/bin/python bench/grading_versions.py --baseline ../base0 [--per-assignment 30] [--repeat 3]
                                               [--assignments 01_convolution ...]

The baseline is another checkout with its own ``make setup`` (``git worktree add ../base0 0aa11c0 && make -C
../base0 setup``); only assignments both versions have are timed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from autograder.course_layout import assignments

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MAKE = ("import sys; from pathlib import Path; sys.path.insert(0, {bench!r}); "
        "from grading_throughput import make_course; make_course(Path({dest!r}), {a!r}, {n})")


def build(checkout: Path, dest: Path, assignment: str, n: int) -> None:
    """The class of ``assignment`` as ``checkout``'s code makes it."""
    code = MAKE.format(bench=str(HERE), dest=str(dest), a=assignment, n=n)
    subprocess.run([str(checkout / ".venv" / "bin" / "python"), "-c", code], cwd=checkout, check=True,
                   capture_output=True)


def grade(checkout: Path, template: Path, work: Path, assignment: str) -> float:
    """Wall seconds of ``checkout``'s ``cnn-grade grade`` on a fresh copy of ``template``."""
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(template, work)
    t0 = time.perf_counter()
    done = subprocess.run([str(checkout / ".venv" / "bin" / "cnn-grade"), "--course", str(work), "grade",
                           assignment, "--quiet"], cwd=checkout, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode:
        raise SystemExit(f"{checkout}: cnn-grade grade {assignment} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="the other checkout (with its own .venv)")
    parser.add_argument("--per-assignment", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--assignments", nargs="*")
    args = parser.parse_args()
    sides = {"baseline": args.baseline.resolve(), "this": ROOT}
    common = set(assignments(sides["baseline"])) & set(assignments(ROOT))
    names = [a for a in (args.assignments or sorted(common)) if a in common]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; {args.per_assignment} submissions per "
          f"assignment, {args.repeat} rounds; baseline {sides['baseline']}, this {ROOT}", flush=True)
    times: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        templates = {}
        for side, checkout in sides.items():
            for a in names:
                templates[side, a] = Path(tmp) / side / a
                build(checkout, templates[side, a], a, args.per_assignment)
        for r in range(args.repeat):
            order = list(sides) if r % 2 == 0 else list(reversed(sides))
            for a in names:
                for side in order:
                    t = grade(sides[side], templates[side, a], Path(tmp) / "work", a)
                    times.setdefault((side, a), []).append(t)
                    print(f"round {r + 1} {a:24s} {side:8s} {t:6.1f} s", flush=True)
    print(f"\n{'assignment':24s} {'baseline':>22s} {'this':>22s}  this/baseline")
    totals = {side: 0.0 for side in sides}
    for a in names:
        med = {side: statistics.median(times[side, a]) for side in sides}
        for side in sides:
            totals[side] += med[side]
        cells = [f"{med[s]:6.1f} ({', '.join(f'{t:.1f}' for t in times[s, a])})" for s in sides]
        print(f"{a:24s} {cells[0]:>22s} {cells[1]:>22s}  {med['this'] / med['baseline']:5.3f}")
    print(f"{'all (sum of medians)':24s} {totals['baseline']:22.1f} {totals['this']:22.1f}  "
          f"{totals['this'] / totals['baseline']:5.3f}  (issue 15's target: <= 1.05)")


if __name__ == "__main__":
    main()
