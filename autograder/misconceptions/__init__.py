"""Catalogue of plausible wrong implementations, one module per assignment.

Each module ``autograder.misconceptions.<assignment>`` (e.g. ``_01_convolution`` for ``01_convolution``)
defines ``MISCONCEPTIONS``: a list of :class:`Misconception`, and ``ALTERNATIVES``: a list of
:class:`Alternative`, correct implementations written differently from the reference (vectorised, other loop
order, other dtype handling) that must earn full marks. ``kept_out/<assignment>.py`` defines ``KEPT_OUT``: more
wrong implementations (:class:`KeptOut`) that the diagnosis never sees, to measure how it names the unknown.
"""

from __future__ import annotations

import ast
import importlib
import textwrap
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Misconception:
    """A wrong implementation of one graded function and the message that names the mistake."""

    function: str
    name: str
    message: str
    source: str
    #: grade ids of test cells that must lose points; default: every ``test_<function>_*`` cell may.
    cells: tuple[str, ...] = field(default=())
    #: names of other mistakes of the function that behave the same on what the tests call (either name is true)
    equivalent: tuple[str, ...] = field(default=())
    #: "results": the mistake shows in what calls return; "time": only in how long they take (a slow loop), so a
    #: correct version that reproduces the calls does not clear the function of it (name it on ``cells`` only)
    seen_in: str = "results"

    def code(self) -> str:
        return textwrap.dedent(self.source).strip() + "\n"


@dataclass(frozen=True)
class Alternative:
    """A correct implementation of one graded function, written differently from the reference."""

    function: str
    name: str
    source: str

    def code(self) -> str:
        return textwrap.dedent(self.source).strip() + "\n"


@dataclass(frozen=True)
class KeptOut:
    """A wrong implementation kept out of the diagnosis: it only measures how the grader names mistakes it has
    never seen. ``accepts``: the names that are true of it — catalogued mistakes of the same function (by name)
    and relations (by id, see ``autograder.diagnosis.messages.rid``); any other name given is a false name."""

    function: str
    name: str
    source: str
    accepts: tuple[str, ...] = ()

    def code(self) -> str:
        return textwrap.dedent(self.source).strip() + "\n"


def module_name(assignment: str) -> str:
    """``01_convolution`` -> ``autograder.misconceptions._01_convolution`` (module names cannot start with a digit)."""
    return f"{__name__}._{assignment}"


def _module(assignment: str):
    try:
        return importlib.import_module(module_name(assignment))
    except ModuleNotFoundError as exc:
        if exc.name == module_name(assignment):
            return None
        raise


def catalogue(assignment: str) -> list[Misconception]:
    """The misconceptions catalogued for ``assignment`` (empty if it has none yet)."""
    return list(getattr(_module(assignment), "MISCONCEPTIONS", []))


def alternatives(assignment: str) -> list[Alternative]:
    """The alternative correct implementations kept for ``assignment``."""
    return list(getattr(_module(assignment), "ALTERNATIVES", []))


def kept_out(assignment: str) -> list[KeptOut]:
    """The mistakes of ``assignment`` kept out of the diagnosis (``autograder.misconceptions.kept_out``)."""
    try:
        module = importlib.import_module(f"{__name__}.kept_out._{assignment}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{__name__}.kept_out._{assignment}":
            return []
        raise
    return list(getattr(module, "KEPT_OUT", []))


def function_of(grade_id: str, functions) -> str | None:
    """The graded function a test cell belongs to: ``test_<function>`` or ``test_<function>_<aspect>``.

    The longest match wins, so ``test_corr2d_fast_values`` belongs to ``corr2d_fast``, not ``corr2d``.
    """
    hits = [f for f in functions if grade_id == f"test_{f}" or grade_id.startswith(f"test_{f}_")]
    return max(hits, key=len) if hits else None


def replace_function(cell_source: str, function: str, code: str) -> str:
    """``cell_source`` with the top-level ``def function(...)`` replaced by ``code`` (the rest kept).

    Falls back to the whole of ``code`` when the cell cannot be parsed or defines no such function.
    """
    try:
        tree = ast.parse(cell_source)
    except SyntaxError:
        return code
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == function:
            lines = cell_source.splitlines()
            start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
            return "\n".join(lines[:start] + code.rstrip().splitlines() + lines[node.end_lineno:]) + "\n"
    return code

