"""Mutation run: every catalogued wrong implementation, submitted through the real grading path.

For each assignment a scratch course is made with the honest submission (the released notebook with the
reference answers pasted in) and submissions in which answers are replaced by catalogued mistakes or by
alternative correct implementations; all are graded by ``cnn-grade grade``. The table says, per notebook, how
many wrong implementations lost points on their function's tests (caught), how many got feedback naming the
mistake (named), and how many alternative correct implementations earned full marks.

    python -m autograder.mutation [ASSIGNMENT ...] [--jobs N]
"""

from __future__ import annotations

import argparse
import ast
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
from autograder.nbrun import without_magics
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
    """Grade the honest submission, every misconception and every alternative of ``assignment``.

    To save time, mistakes of functions whose test cells cannot affect one another share a submission (see
    :func:`mistake_batches`), and the k-th alternatives of all functions share one. Any entry whose shared
    submission did not come out clean (a mistake not caught and named, an alternative without full marks, a
    submission that timed out) is graded again alone, and that verdict is the one kept.
    """
    generate_elsewhere(assignment, workdir)
    name, honest = honest_submission(assignment)
    mistakes, alts = catalogue(assignment), alternatives(assignment)
    plan: dict[str, list[str]] = {"honest": []}
    for k, batch in enumerate(mistake_batches(assignment, mistakes)):
        plan[f"m{k:03d}"] = [f"m{i:03d}" for i in batch]
    for k, batch in enumerate(_alternative_batches(alts)):
        plan[f"a{k:03d}"] = [f"a{i:03d}" for i in batch]
    entries = {f"m{i:03d}": m for i, m in enumerate(mistakes)} | {f"a{i:03d}": a for i, a in enumerate(alts)}
    _grade(workdir, assignment, name, honest, plan, entries, jobs)
    where = {entry: student for student, batch in plan.items() for entry in batch}
    _write_plan(workdir, where)
    first = collect(assignment, workdir)
    again = [f"m{i:03d}" for i, r in enumerate(first.mistakes) if not (r.caught and r.named and r.status == "graded")]
    again += [f"a{i:03d}" for i, r in enumerate(first.alternatives) if not r.full_marks]
    again = [e for e in again if len(plan[where[e]]) > 1]
    if again:
        alone = {f"{e}-alone": [e] for e in again}
        _grade(workdir, assignment, name, honest, alone, entries, jobs)
        where.update({e: f"{e}-alone" for e in again})
        _write_plan(workdir, where)
    return collect(assignment, workdir)


PLAN = "mutation-plan.json"


def _write_plan(workdir: Path, where: dict[str, str]) -> None:
    (workdir / PLAN).write_text(json.dumps(where, indent=1))


def _grade(workdir: Path, assignment: str, name: str, honest: nbformat.NotebookNode, plan: dict[str, list[str]],
           entries: dict, jobs: int) -> None:
    for student, batch in plan.items():
        nb = honest
        for entry in batch:
            nb = with_mistake(nb, entries[entry])
        dest = workdir / "submitted" / student / assignment
        dest.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, dest / name)
    cli_main(["--course", str(workdir), "grade", assignment, "--jobs", str(jobs), "--quiet",
              "--student", *plan])


def _alternative_batches(alts: list[Alternative]) -> list[list[int]]:
    """The k-th alternative of every function in batch k (correct code: no batch can interfere)."""
    seen: dict[str, int] = {}
    batches: list[list[int]] = []
    for i, alt in enumerate(alts):
        k = seen[alt.function] = seen.get(alt.function, -1) + 1
        if k == len(batches):
            batches.append([])
        batches[k].append(i)
    return batches


def mistake_batches(assignment: str, mistakes: list[Misconception], course: Path = ROOT) -> list[list[int]]:
    """Mistakes grouped so that no two in a group belong to functions that could change each other's test results.

    Function ``g``'s tests depend on ``f`` when a test cell of ``g``, or anything it uses (answers, earlier
    cells' variables), names ``f``; a mistake's own code may name more functions. Two mistakes conflict when
    either's function is a dependency of the other's tests. Groups are filled greedily.
    """
    (source_path,) = (course / "source" / assignment).glob("*.ipynb")
    functions = {m.function for m in mistakes}
    tested = cell_dependencies(nbformat.read(source_path, as_version=4), functions)

    def reach(i: int) -> set[str]:
        return tested.get(mistakes[i].function, {mistakes[i].function}) | (_names(mistakes[i].code()) & functions)

    queues: dict[str, list[int]] = {}
    for i, m in enumerate(mistakes):
        queues.setdefault(m.function, []).append(i)
    batches: list[list[int]] = []
    while any(queues.values()):
        batch: list[int] = []
        for f in sorted(queues, key=lambda f: -len(queues[f])):
            if not queues[f]:
                continue
            i = queues[f][0]
            if all(mistakes[i].function not in reach(j) and mistakes[j].function not in reach(i) for j in batch):
                batch.append(queues[f].pop(0))
        batches.append(batch)
    return batches


def cell_dependencies(nb: nbformat.NotebookNode, functions: set[str]) -> dict[str, set[str]]:
    """Per graded function: the graded functions that can change the outcome of its test cells (itself included).

    Flow-insensitive and conservative: a cell depends on every function it names and on the dependencies of
    every global it reads that an earlier cell assigned.
    """
    deps: dict[str, set[str]] = {}
    tests: dict[str, set[str]] = {f: {f} for f in functions}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(without_magics(cell.source))
        except SyntaxError:
            continue
        own: set[str] = set()
        for node in tree.body:
            uses = _free_names(node)
            mine = set().union(*(deps.get(n, set()) for n in uses)) | (uses & functions)
            if not isinstance(node, (ast.Import, ast.ImportFrom)):   # modules do not depend on answers
                for name in _top_level_names(node):
                    deps[name] = mine | ({name} & functions)
            own |= mine
        meta = _meta(cell)
        f = function_of(str(meta.get("grade_id", "")), functions) if meta.get("grade") else None
        if f is not None:
            tests[f] |= own
    return tests


def _names(code: str) -> set[str]:
    try:
        return {n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name)}
    except SyntaxError:
        return set()


def _free_names(node: ast.AST) -> set[str]:
    """Names ``node`` reads that it does not bind itself (its globals, roughly)."""
    stored = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    stored |= {a.arg for a in ast.walk(node) if isinstance(a, ast.arg)}
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} - stored


def _top_level_names(node: ast.stmt) -> set[str]:
    """Names one top-level statement binds in the module (assignments, definitions, loop and with targets)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Expr, ast.Assert)):
        return set()
    inner = [n for n in ast.walk(node) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))]
    local = {id(x) for f in inner for x in ast.walk(f)}
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
            and id(n) not in local}


def collect(assignment: str, workdir: Path) -> Run:
    """Read the verdicts of a mutation run from ``workdir`` (a course graded by :func:`run`)."""
    mistakes, alts = catalogue(assignment), alternatives(assignment)
    plan = workdir / PLAN
    where = json.loads(plan.read_text()) if plan.exists() else {}

    def result(student: str) -> dict:
        marker = workdir / "autograded" / where.get(student, student) / assignment / MARKER
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
