"""Mutation run: every catalogued wrong implementation, submitted through the real grading path.

For each assignment a scratch course is made, the honest submission (the released notebook with the reference
answers pasted in) and one submission per misconception (the honest one with that function replaced) are
graded by ``cnn-grade grade``, and the table says, per notebook, how many wrong implementations lost points on
their function's tests (caught) and how many got feedback naming the mistake (named).

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
from autograder.misconceptions import Misconception, catalogue, function_of, replace_function
from autograder.release import ROOT, assignments, generate_elsewhere


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def honest_submission(assignment: str, course: Path = ROOT) -> tuple[str, nbformat.NotebookNode]:
    """(notebook file name, released notebook with the source's answer cells pasted in)."""
    (source_path,) = (course / "source" / assignment).glob("*.ipynb")
    source = {_meta(c).get("grade_id"): c for c in nbformat.read(source_path, as_version=4).cells}
    nb = nbformat.read(course / "release" / assignment / source_path.name, as_version=4)
    for cell in nb.cells:
        if _meta(cell).get("solution") and cell.cell_type == "code":
            cell.source = source[_meta(cell)["grade_id"]].source
    return source_path.name, nb


def with_mistake(nb: nbformat.NotebookNode, mistake: Misconception) -> nbformat.NotebookNode:
    """``nb`` with the answer cell that defines ``mistake.function`` replaced by the wrong implementation."""
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


def run(assignment: str, workdir: Path, jobs: int = 0) -> tuple[list[Row], dict]:
    """Grade the honest submission and every misconception of ``assignment`` in a scratch course."""
    generate_elsewhere(assignment, workdir)
    name, honest = honest_submission(assignment)
    mistakes = catalogue(assignment)
    students = {"honest": honest}
    for i, m in enumerate(mistakes):
        students[f"m{i:03d}"] = with_mistake(honest, m)
    for student, nb in students.items():
        dest = workdir / "submitted" / student / assignment
        dest.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, dest / name)
    cli_main(["--course", str(workdir), "grade", assignment, "--jobs", str(jobs), "--quiet"])

    def result(student: str) -> dict:
        marker = workdir / "autograded" / student / assignment / MARKER
        return next(iter(json.loads(marker.read_text())["results"].values()))

    functions = {m.function for m in mistakes}
    rows = []
    for i, m in enumerate(mistakes):
        r = result(f"m{i:03d}")
        mine = [t for t in r["tests"] if function_of(t["grade_id"], functions) == m.function]
        lost = [t for t in mine if t["points"] is not None and t["points"] < t["max_points"]]
        named = any(m.message in (t["message"] or "") for t in lost)
        rows.append(Row(m.function, m.name, bool(lost), named, r["status"],
                        "; ".join(f"{t['grade_id']}: {t['message'][:160]}" for t in lost[:2])))
    return rows, result("honest")


def table(assignment: str, rows: list[Row]) -> str:
    caught = sum(r.caught for r in rows)
    named = sum(r.named for r in rows)
    lines = [f"{assignment}: {len(rows)} wrong implementations, {caught} caught, {named} named"]
    for r in rows:
        if not (r.caught and r.named):
            lines.append(f"  {'caught' if r.caught else 'MISSED'} {'named' if r.named else 'UNNAMED'}  "
                         f"{r.function}: {r.name}  [{r.detail[:200]}]")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="*")
    parser.add_argument("--jobs", type=int, default=0)
    args = parser.parse_args(argv)
    total = [0, 0, 0]
    for a in args.assignment or assignments():
        with tempfile.TemporaryDirectory() as tmp:
            rows, _ = run(a, Path(tmp), args.jobs)
        print(table(a, rows))
        total = [total[0] + len(rows), total[1] + sum(r.caught for r in rows), total[2] + sum(r.named for r in rows)]
    print(f"all: {total[0]} wrong implementations, {total[1]} caught, {total[2]} named")
    return 0 if total[0] == total[1] == total[2] else 1


if __name__ == "__main__":
    raise SystemExit(main())
