"""Mutation run: every catalogued wrong implementation, submitted through the real grading path.

For each assignment a scratch course is made with the honest submission (the released notebook with the
reference answers pasted in) and submissions in which answers are replaced by catalogued mistakes or by
alternative correct implementations; all are graded by ``cnn-grade grade``. The table says, per notebook, how
many wrong implementations lost points on their function's tests (caught), how many got feedback naming the
mistake (named), how many alternative correct implementations earned full marks, and every false name the
feedback gave (see :mod:`autograder.mutation_names`) — for the catalogue, and separately for the mistakes kept
out of the diagnosis (``autograder.misconceptions.kept_out``), which measure how it names the unknown.

    python -m autograder.mutation [ASSIGNMENT ...] [--jobs N]
"""

from __future__ import annotations

import argparse
import copy
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.cli import MARKER
from autograder.cli import main as cli_main
from autograder.misconceptions import (
    Alternative,
    KeptOut,
    Misconception,
    alternatives,
    catalogue,
    function_of,
    kept_out,
    replace_function,
)
from autograder.mutation_batches import alternative_batches, mistake_batches, test_dependencies
from autograder.mutation_names import Name, judge
from autograder.notebook_cells import grade_id, is_answer
from autograder.release import ROOT, assignments, generate_elsewhere


def honest_submission(assignment: str, course: Path = ROOT) -> tuple[str, nbformat.NotebookNode]:
    """(notebook file name, released notebook with the source's answer cells pasted in)."""
    (source_path,) = (course / "source" / assignment).glob("*.ipynb")
    source = {grade_id(c): c for c in nbformat.read(source_path, as_version=4).cells}
    nb = nbformat.read(course / "release" / assignment / source_path.name, as_version=4)
    for cell in nb.cells:
        if is_answer(cell) and cell.cell_type == "code":
            cell.source = source[grade_id(cell)].source
    return source_path.name, nb


def with_mistake(nb: nbformat.NotebookNode, mistake: Misconception | KeptOut | Alternative) -> nbformat.NotebookNode:
    """``nb`` with the answer cell that defines ``mistake.function`` replaced by ``mistake``'s code."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if is_answer(cell) and f"def {mistake.function}(" in cell.source:
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
    names: list[Name] = field(default_factory=list)   # every name given in its submission's feedback

    @property
    def false(self) -> list[Name]:
        return [n for n in self.names if not n.true]


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
    kept_out: list[Row] = field(default_factory=list)
    false_names: list[Name] = field(default_factory=list)   # over the catalogue, kept-out and alternative runs


def entries(assignment: str) -> dict[str, Misconception | KeptOut | Alternative]:
    """Every implementation the run grades, by key: ``m<i>`` catalogued mistakes, ``k<i>`` kept-out mistakes,
    ``a<i>`` alternative correct implementations."""
    return ({f"m{i:03d}": m for i, m in enumerate(catalogue(assignment))}
            | {f"k{i:03d}": m for i, m in enumerate(kept_out(assignment))}
            | {f"a{i:03d}": a for i, a in enumerate(alternatives(assignment))})


def run(assignment: str, workdir: Path, jobs: int = 0) -> Run:
    """Grade the honest submission, every misconception (catalogued and kept out) and every alternative.

    To save time, mistakes of functions whose test cells cannot affect one another share a submission (see
    :func:`~autograder.mutation_batches.mistake_batches`), and the k-th alternatives of all functions share one.
    Any entry whose shared submission did not come out clean (a mistake not caught, a catalogued one not
    named, a false name it may have caused, a line blaming its function together with another entry's, an
    alternative without full marks, a submission that timed out) is graded again alone, and that verdict is
    the one kept.
    """
    generate_elsewhere(assignment, workdir)
    name, honest = honest_submission(assignment)
    every = entries(assignment)
    wrong = [k for k in every if k[0] in "mk"]
    alts = [k for k in every if k[0] == "a"]
    plan: dict[str, list[str]] = {"honest": []}
    for b, batch in enumerate(mistake_batches(assignment, [every[k] for k in wrong])):
        plan[f"b{b:03d}"] = [wrong[i] for i in batch]
    for b, batch in enumerate(alternative_batches([every[k] for k in alts])):
        plan[f"c{b:03d}"] = [alts[i] for i in batch]
    _grade(workdir, assignment, name, honest, plan, every, jobs)
    where = {entry: student for student, batch in plan.items() for entry in batch}
    _write_plan(workdir, plan, where)
    again = [e for e in _unclean(collect(assignment, workdir)) if len(plan[where[e]]) > 1]
    if again:
        alone = {f"{e}-alone": [e] for e in again}
        _grade(workdir, assignment, name, honest, alone, every, jobs)
        where.update({e: f"{e}-alone" for e in again})
        _write_plan(workdir, plan | alone, where)
    return collect(assignment, workdir)


def _mixed(row: Row) -> bool:
    """A line of the shared submission blames this entry's function together with another entry's: true of the
    batch, but it says nothing of this entry alone."""
    return any(n.kind in ("not own", "fix first") and row.function in n.what and len(n.what) > 1 for n in row.names)


def _unclean(result: Run) -> list[str]:
    keys = [f"m{i:03d}" for i, r in enumerate(result.mistakes)
            if not (r.caught and r.named and r.status == "graded") or r.false or _mixed(r)]
    keys += [f"k{i:03d}" for i, r in enumerate(result.kept_out)
             if not (r.caught and r.status == "graded") or r.false or _mixed(r)]
    keys += [f"a{i:03d}" for i, r in enumerate(result.alternatives) if not r.full_marks]
    return keys


PLAN = "mutation-plan.json"


def _write_plan(workdir: Path, batches: dict[str, list[str]], where: dict[str, str]) -> None:
    """``batches``: submission -> the entries in it; ``where``: entry -> the submission whose verdict counts."""
    (workdir / PLAN).write_text(json.dumps({"batches": batches, "where": where}, indent=1))


def _grade(workdir: Path, assignment: str, name: str, honest: nbformat.NotebookNode, plan: dict[str, list[str]],
           every: dict, jobs: int) -> None:
    for student, batch in plan.items():
        nb = honest
        for entry in batch:
            nb = with_mistake(nb, every[entry])
        dest = workdir / "submitted" / student / assignment
        dest.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, dest / name)
    cli_main(["--course", str(workdir), "grade", assignment, "--jobs", str(jobs), "--quiet",
              "--student", *plan])


def collect(assignment: str, workdir: Path) -> Run:
    """Read the verdicts of a mutation run from ``workdir`` (a course graded by :func:`run`)."""
    every = entries(assignment)
    plan = json.loads((workdir / PLAN).read_text()) if (workdir / PLAN).exists() else {}
    where, batches = plan.get("where", {}), plan.get("batches", {})
    functions = {e.function for e in every.values()}
    tested = test_dependencies(assignment, functions)
    messages = {m.message: (m.function, m.name) for m in catalogue(assignment)}
    results: dict[str, dict] = {}
    names: dict[str, list[Name]] = {}

    def result(student: str) -> dict:
        if student not in results:
            marker = workdir / "autograded" / student / assignment / MARKER
            results[student] = next(iter(json.loads(marker.read_text())["results"].values()))
            batch = {k: every[k] for k in batches.get(student, [k for k, s in where.items() if s == student])}
            names[student] = judge(student, results[student], batch, tested, messages)
        return results[student]

    def lost_points(r: dict, function: str) -> list[dict]:
        return [t for t in r["tests"] if function_of(t["grade_id"], functions) == function
                and t["points"] is not None and t["points"] < t["max_points"]]

    def row(key: str) -> Row:
        entry, student = every[key], where.get(key, key)
        r = result(student)
        lost = lost_points(r, entry.function)
        mine = [n for n in names[student] if key in n.entries]
        named = any(n.true and n.kind in ("mistake", "relation") and n.function == entry.function for n in mine)
        return Row(entry.function, entry.name, bool(lost), named, r["status"], _detail(lost), mine)

    rows = {k: row(k) for k in every if k[0] in "mk"}
    alt_rows = []
    for key in (k for k in every if k[0] == "a"):
        r, entry = result(where.get(key, key)), every[key]
        lost = lost_points(r, entry.function)
        alt_rows.append(AltRow(entry.function, entry.name, not lost and r["status"] == "graded", r["status"],
                               _detail(lost)))
    honest = result("honest")
    false = [n for s in sorted({*where.values(), "honest"}) if result(s) for n in names[s]
             if not n.true and (not n.entries or any(where.get(e, e) == s for e in n.entries))]
    return Run([r for k, r in rows.items() if k[0] == "m"], alt_rows, honest,
               [r for k, r in rows.items() if k[0] == "k"], list(dict.fromkeys(false)))


def _detail(lost: list[dict]) -> str:
    return "; ".join(f"{t['grade_id']}: {t['message'][:160]}" for t in lost[:2])


def figures(result: Run) -> dict[str, int]:
    """The run's counts: catalogue, kept out, alternatives, false names."""
    rows, kept, alts = result.mistakes, result.kept_out, result.alternatives
    return {"wrong": len(rows), "caught": sum(r.caught for r in rows), "named": sum(r.named for r in rows),
            "false": sum(len(r.false) for r in rows),
            "kept": len(kept), "kept caught": sum(r.caught for r in kept), "kept named": sum(r.named for r in kept),
            "kept false": sum(len(r.false) for r in kept),
            "alternatives": len(alts), "full marks": sum(a.full_marks for a in alts),
            "all false": len(result.false_names)}


def summary(label: str, f: dict[str, int]) -> str:
    return (f"{label}: {f['wrong']} wrong implementations, {f['caught']} caught, {f['named']} named, "
            f"{f['false']} false names; kept out of the diagnosis: {f['kept']}, {f['kept caught']} caught, "
            f"{f['kept named']} named, {f['kept false']} false names; {f['alternatives']} alternative correct "
            f"implementations, {f['full marks']} with full marks; {f['all false']} false names in all")


def table(assignment: str, result: Run) -> str:
    lines = [summary(assignment, figures(result))]
    for label, rows in (("", result.mistakes), ("kept out: ", result.kept_out)):
        for r in rows:
            if not (r.caught and (r.named or label)):
                lines.append(f"  {'caught' if r.caught else 'MISSED'} {'named' if r.named else 'UNNAMED'}  "
                             f"{label}{r.function}: {r.name}  [{r.detail[:200]}]")
    for n in result.false_names:
        lines.append(f"  FALSE NAME in {n.student} ({', '.join(n.entries)}): {n}")
    for a in result.alternatives:
        if not a.full_marks:
            lines.append(f"  LOST POINTS ({a.status})  {a.function}: {a.name} (correct)  [{a.detail[:200]}]")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="*")
    parser.add_argument("--jobs", type=int, default=0)
    args = parser.parse_args(argv)
    total: dict[str, int] = {}
    for a in args.assignment or assignments():
        with tempfile.TemporaryDirectory() as tmp:
            result = run(a, Path(tmp), args.jobs)
        print(table(a, result), flush=True)
        total = {k: total.get(k, 0) + v for k, v in figures(result).items()}
    print(summary("all", total))
    ok = total["wrong"] == total["caught"] == total["named"] and total["alternatives"] == total["full marks"]
    ok = ok and total["all false"] == 0 and 2 * total["kept named"] >= total["kept"]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
