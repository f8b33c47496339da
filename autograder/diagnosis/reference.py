"""The source notebook's own code, trusted: each graded function's solution, a namespace in which every one of
them runs on the others' solutions (what a correct submission would return), and which graded functions each
solution and each test cell uses (where a failure may come from)."""

from __future__ import annotations

import ast
from collections.abc import Callable

from autograder.diagnosis.replay import quiet
from autograder.nbrun import without_magics
from autograder.notebook_cells import grade_id, is_answer, is_graded


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


class TrustedNamespace(dict):
    """Globals of the trusted code: its own definitions and imports; any other name (a constant of the notebook
    such as ``SOBEL_X``) is read from the student's namespace, as data."""

    def __init__(self, fallback: dict) -> None:
        super().__init__()
        self.fallback = fallback

    def __missing__(self, key: str):
        return self.fallback[key]


class Reference:
    """What the source notebook says a correct submission is."""

    def __init__(self, source, student_ns: dict, functions: set[str]) -> None:
        self.functions = set(functions)
        self.student_ns = student_ns
        self.defs: dict[str, tuple[ast.stmt, str]] = {}      # name -> (definition, its source text)
        self.answers: set[str] = set()                       # names defined in answer cells
        self.answer_cell: dict[str, str] = {}                # name -> grade id of the answer cell defining it
        self.imports: list[tuple[ast.stmt, set[str]]] = []
        self.tests: dict[str, set[str]] = {}                 # test cell -> names it uses
        for cell in source.cells:
            if cell.get("cell_type") == "code":
                self._read(cell)
        self._trusted: TrustedNamespace | None = None

    def _read(self, cell) -> None:
        text = without_magics(cell.get("source", ""))
        try:
            tree = ast.parse(text)
        except SyntaxError:
            return
        if is_graded(cell) and not is_answer(cell):
            self.tests[str(grade_id(cell))] = _names(tree)
            return
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                self.defs[node.name] = (node, ast.get_source_segment(text, node) or "")
                if is_answer(cell):
                    self.answers.add(node.name)
                    self.answer_cell[node.name] = str(grade_id(cell))
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                bound = {(a.asname or a.name).split(".")[0] for a in node.names}
                self.imports.append((node, bound))

    def solution(self, function: str) -> str | None:
        """The source code of ``function``'s solution (None when the notebook does not define it)."""
        found = self.defs.get(function)
        return found[1] + "\n" if found and function in self.answers else None

    def uses(self, function: str) -> list[str]:
        """The graded functions ``function``'s solution calls, directly or through the notebook's helpers."""
        seen, todo, found = {function}, [function], []
        while todo:
            node = self.defs.get(todo.pop())
            for name in sorted(_names(node[0])) if node else []:
                if name in seen or name not in self.defs:
                    continue
                seen.add(name)
                if name in self.functions:
                    found.append(name)
                else:
                    todo.append(name)
        return found

    def compared_with(self, grade_ids) -> list[str]:
        """The graded functions the test cells ``grade_ids`` call."""
        return sorted({n for g in grade_ids for n in self.tests.get(g, ()) if n in self.functions})

    def trusted(self, function: str) -> Callable | None:
        """``function`` as the solution defines it, calling only the notebook's own code."""
        if self._trusted is None:
            self._trusted = self._build()
        fn = self._trusted.get(function) if function in self.answers else None
        return fn if callable(fn) else None

    def _build(self) -> TrustedNamespace:
        ns = TrustedNamespace(self.student_ns)
        needed = set().union(*(_names(node) for node, _ in self.defs.values())) if self.defs else set()
        with quiet():
            for node, bound in self.imports:
                if bound & needed:
                    try:
                        exec(compile(ast.Module([node], []), "<source notebook>", "exec"), ns)
                    except Exception:  # noqa: BLE001 - an optional import that fails costs one relation
                        continue
            for name, (node, _) in self.defs.items():
                try:
                    exec(compile(ast.Module([node], []), "<source notebook>", "exec"), ns)
                except Exception:  # noqa: BLE001
                    ns.pop(name, None)
        return ns
