"""``cnn-grade cycle ASSIGNMENT``: close, collect, grade, generate and release feedback, in one step.

    close      nbgrader list --remove (the release leaves the exchange: later submissions are refused with a
               message; reopen with `nbgrader release_assignment A --force`); skipped with --keep-open
    collect    nbgrader collect --update (each student's newest submission replaces an older collected one)
    grade      cnn-grade grade (sandboxed; unchanged submissions are not graded again)
    feedback   nbgrader generate_feedback --force, then nbgrader release_feedback

Run it as the instructor in the course directory (or ``make cycle A=...`` on the hub's server). Every step can
be repeated: if one fails, nothing is lost (submissions stay in the exchange and in submitted/); fix the cause
and run the cycle again.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from autograder.batch import MARKER
from autograder.nbgrader_cli import nbgrader, tool_env


def add_parser(sub) -> None:
    p = sub.add_parser("cycle", help="close, collect, grade, generate and release feedback (one step)")
    p.add_argument("assignment")
    p.add_argument("--keep-open", action="store_true", help="keep taking submissions (do not unrelease)")
    p.add_argument("--jobs", type=int, default=0, help="submissions graded at once (cnn-grade grade --jobs)")
    p.add_argument("--steps", help="comma-separated subset of close,collect,grade,feedback (default: all)")
    p.set_defaults(func=cmd_cycle)


def run_step(name: str, fn) -> None:
    print(f"== {name}", flush=True)
    try:
        out = fn()
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        raise SystemExit(f"cycle stopped at '{name}': {exc}\nNothing was lost: the submissions are still in the "
                         "exchange and in submitted/. Fix the cause and run the cycle again.") from exc
    if isinstance(out, subprocess.CompletedProcess):
        text = "\n".join(line for line in (out.stdout + out.stderr).splitlines() if line.strip())
        if text:
            print(text, flush=True)


def grade(course: Path, assignment: str, jobs: int) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "autograder.cli", "--course", str(course), "grade", assignment, "--quiet"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    proc = subprocess.run(cmd, cwd=course, capture_output=True, text=True, env=tool_env())
    if proc.returncode == 1:   # some submissions could not be graded: the others get their feedback
        print("WARNING: some submissions were not graded (see GRADER ERROR / crashed below); they get no feedback "
              "until `cnn-grade grade` grades them", file=sys.stderr)
    elif proc.returncode:
        raise RuntimeError(f"cnn-grade grade exited with {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc


def summary(course: Path, assignment: str) -> list[str]:
    """One line per collected student: submission time, score, feedback."""
    lines = []
    for sub in sorted((course / "submitted").glob(f"*/{assignment}")):
        student = sub.parent.name
        stamp = (sub / "timestamp.txt").read_text().strip() if (sub / "timestamp.txt").exists() else "?"
        marker = course / "autograded" / student / assignment / MARKER
        score = "not graded"
        if marker.exists():
            results = json.loads(marker.read_text()).get("results", {})
            got = sum(r.get("score", 0) for r in results.values())
            total = sum(r.get("max_score", 0) for r in results.values())
            score = f"{got:g}/{total:g}"
        feedback = sorted(p.name for p in (course / "feedback" / student / assignment).glob("*.html"))
        lines.append(f"  {student:20s} submitted {stamp:32s} {score:>12s}  feedback: {', '.join(feedback) or '-'}")
    return lines


STEPS = ("close", "collect", "grade", "feedback")


def cmd_cycle(args) -> int:
    from autograder.course_layout import course_dir

    course, a = course_dir(args.course), args.assignment
    steps = set(args.steps.split(",")) if args.steps else set(STEPS)
    if not steps <= set(STEPS) or not (course / "source" / a).is_dir():
        print(f"error: steps must be among {', '.join(STEPS)}, and {course / 'source' / a} must exist (is {course} "
              "the course directory?)", file=sys.stderr)
        return 2
    if "close" in steps and not args.keep_open:
        run_step(f"close {a} (later submissions are refused)",
                 lambda: nbgrader("list", "--remove", a, course_root=course))
    if "collect" in steps:
        run_step(f"collect {a}", lambda: nbgrader("collect", "--update", a, course_root=course))
    if not any((course / "submitted").glob(f"*/{a}")):
        print(f"== {a}: nobody has submitted it, nothing to grade"
              + ("" if args.keep_open else f" (reopen it with `nbgrader release_assignment {a} --force`)"))
        return 0
    if "grade" in steps:
        run_step(f"grade {a} (cnn-grade grade)", lambda: grade(course, a, args.jobs))
    if "feedback" in steps:
        run_step(f"generate feedback for {a}",
                 lambda: nbgrader("generate_feedback", a, "--force", course_root=course))
        run_step(f"release feedback for {a}", lambda: nbgrader("release_feedback", a, course_root=course))
        print(f"== {a}: done")
        print("\n".join(summary(course, a)))
    return 0
