"""Which wrong (or alternative) implementations may share one submission in the mutation run.

Mistakes of functions whose test cells cannot affect one another go into one submission: a static look at which
graded functions and globals each test cell uses (:func:`cell_dependencies`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat

from autograder.misconceptions import Alternative, KeptOut, Misconception, function_of
from autograder.nbrun import without_magics
from autograder.notebook_cells import grade_id, is_graded
from autograder.release import ROOT


def alternative_batches(alts: list[Alternative]) -> list[list[int]]:
    """The k-th alternative of every function in batch k (correct code: no batch can interfere)."""
    seen: dict[str, int] = {}
    batches: list[list[int]] = []
    for i, alt in enumerate(alts):
        k = seen[alt.function] = seen.get(alt.function, -1) + 1
        if k == len(batches):
            batches.append([])
        batches[k].append(i)
    return batches


def mistake_batches(assignment: str, mistakes: list[Misconception | KeptOut], course: Path = ROOT) -> list[list[int]]:
    """Mistakes grouped so that no two in a group belong to functions that could change each other's test results.

    Function ``g``'s tests depend on ``f`` when a test cell of ``g``, or anything it uses (answers, earlier
    cells' variables), names ``f``; a mistake's own code may name more functions. Two mistakes conflict when
    either's function is a dependency of the other's tests. Groups are filled greedily.
    """
    functions = {m.function for m in mistakes}
    tested = test_dependencies(assignment, functions, course)

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


def test_dependencies(assignment: str, functions: set[str], course: Path = ROOT) -> dict[str, set[str]]:
    """:func:`cell_dependencies` of ``assignment``'s source notebook."""
    (source_path,) = (course / "source" / assignment).glob("*.ipynb")
    return cell_dependencies(nbformat.read(source_path, as_version=4), functions)


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
        f = function_of(str(grade_id(cell) or ""), functions) if is_graded(cell) else None
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
