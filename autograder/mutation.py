"""Mutation run: every catalogued wrong implementation, submitted through the real grading path.

For each assignment a scratch course is made, the honest submission (the released notebook with the reference
answers pasted in), one submission per misconception and one per alternative correct implementation (the
honest one with that function replaced) are graded by ``cnn-grade grade``. The table says, per notebook, how
many wrong implementations lost points on their function's tests (caught), how many got feedback naming the
mistake (named), and how many alternative correct implementations earned full marks.

    python -m autograder.mutation [ASSIGNMENT ...] [--jobs N]
"""

from __future__ import annotations

import argparse
import copy
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.cli import MARKER
from autograder.cli import main as cli_main
from autograder.grading import nbmeta as _meta
from autograder.misconceptions import Alternative, Misconception, alternatives, catalogue, function_of, replace_function
from autograder.release import ROOT, assignments, generate_elsewhere


def honest_submission(assignment: str, course: Path = ROOT) -> tuple[str, nbformat.NotebookNode]:
    """(notebook file name, released notebook with the source's answer cells pasted in)."""
    (source_path,) = (course / "source" / assignment).glob("*.ipynb")
    source = {_meta(c).get("grade_id"): c for c in nbformat.read(source_path, as_version=4).cells}
    nb = nbformat.read(course / "release" / assignment / source_path.name, as_version=4)
    for cell in nb.cells:
        if _meta(cell).get("solution") and cell.cell_type == "code":
            cell.source = source[_meta(cell)["grade_id"]].source
    return source_path.name, nb


def with_mistake(nb: nbformat.NotebookNode, mistake: Misconception | Alternative) -> nbformat.NotebookNode:
    """``nb`` with the answer cell that defines ``mistake.function`` replaced by ``mistake``'s code."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if _meta(cell).get("solution") and f"def {mistake.function}(" in cell.source:
            cell.source = replace_function(cell.source, mistake.function, mistake.code())
            return nb
    raise LookupError(f"no answer cell defines {mistake.function}()")


@dataclass
class Row:
    function: str
    name: str
    caught: bool
    named: bool
    status: str
    detail: str = ""


@dataclass
class AltRow:
    function: str
    name: str
    full_marks: bool
    status: str
    detail: str = ""


@dataclass
class Run:
    mistakes: list[Row]
    alternatives: list[AltRow]
    honest: dict


def run(assignment: str, workdir: Path, jobs: int = 0) -> Run:
    """Grade the honest submission, every misconception and every alternative of ``assignment``."""
    generate_elsewhere(assignment, workdir)
    name, honest = honest_submission(assignment)
    students = {"honest": honest}
    for i, m in enumerate(catalogue(assignment)):
        students[f"m{i:03d}"] = with_mistake(honest, m)
    for i, alt in enumerate(alternatives(assignment)):
        students[f"a{i:03d}"] = with_mistake(honest, alt)
    for student, nb in students.items():
        dest = workdir / "submitted" / student / assignment
        dest.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, dest / name)
    cli_main(["--course", str(workdir), "grade", assignment, "--jobs", str(jobs), "--quiet"])
    return collect(assignment, workdir)


def collect(assignment: str, workdir: Path) -> Run:
    """Read the verdicts of a mutation run from ``workdir`` (a course graded by :func:`run`)."""
    mistakes, alts = catalogue(assignment), alternatives(assignment)

    def result(student: str) -> dict:
        marker = workdir / "autograded" / student / assignment / MARKER
        return next(iter(json.loads(marker.read_text())["results"].values()))

    def lost_points(r: dict, function: str) -> list[dict]:
        return [t for t in r["tests"] if function_of(t["grade_id"], functions) == function
                and t["points"] is not None and t["points"] < t["max_points"]]

    def detail(lost: list[dict]) -> str:
        return "; ".join(f"{t['grade_id']}: {t['message'][:160]}" for t in lost[:2])

    functions = {m.function for m in mistakes} | {alt.function for alt in alts}
    rows = []
    for i, m in enumerate(mistakes):
        r = result(f"m{i:03d}")
        lost = lost_points(r, m.function)
        named = any(m.message in (t["message"] or "") for t in lost)
        rows.append(Row(m.function, m.name, bool(lost), named, r["status"], detail(lost)))
    alt_rows = []
    for i, alt in enumerate(alts):
        r = result(f"a{i:03d}")
        lost = lost_points(r, alt.function)
        alt_rows.append(AltRow(alt.function, alt.name, not lost and r["status"] == "graded", r["status"],
                               detail(lost)))
    return Run(rows, alt_rows, result("honest"))


def table(assignment: str, result: Run) -> str:
    rows, alts = result.mistakes, result.alternatives
    caught = sum(r.caught for r in rows)
    named = sum(r.named for r in rows)
    full = sum(a.full_marks for a in alts)
    lines = [f"{assignment}: {len(rows)} wrong implementations, {caught} caught, {named} named; "
             f"{len(alts)} alternative correct implementations, {full} with full marks"]
    for r in rows:
        if not (r.caught and r.named):
            lines.append(f"  {'caught' if r.caught else 'MISSED'} {'named' if r.named else 'UNNAMED'}  "
                         f"{r.function}: {r.name}  [{r.detail[:200]}]")
    for a in alts:
        if not a.full_marks:
            lines.append(f"  LOST POINTS ({a.status})  {a.function}: {a.name} (correct)  [{a.detail[:200]}]")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="*")
    parser.add_argument("--jobs", type=int, default=0)
    args = parser.parse_args(argv)
    total = [0, 0, 0, 0, 0]
    for a in args.assignment or assignments():
        with tempfile.TemporaryDirectory() as tmp:
            result = run(a, Path(tmp), args.jobs)
        print(table(a, result), flush=True)
        rows, alts = result.mistakes, result.alternatives
        total = [x + y for x, y in zip(total, [len(rows), sum(r.caught for r in rows), sum(r.named for r in rows),
                                                len(alts), sum(r.full_marks for r in alts)], strict=True)]
    print(f"all: {total[0]} wrong implementations, {total[1]} caught, {total[2]} named; "
          f"{total[3]} alternative correct implementations, {total[4]} with full marks")
    return 0 if total[0] == total[1] == total[2] and total[3] == total[4] else 1


if __name__ == "__main__":
    raise SystemExit(main())
