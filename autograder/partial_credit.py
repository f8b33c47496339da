"""Partial credit the way nbgrader gives it: a test cell whose last expression is a number scores that number.

nbgrader reads the plain-text form of the cell's result (``Out[n]``): text that parses as a float between 0 and
the cell's points is the score; anything else (no result, text, a negative number) leaves full marks to a cell
that ran without error. :func:`run_cell` runs a cell the same way in-process and :func:`points_from` applies
nbgrader's rule, so ``cnn-grade`` and the in-process runner score a cell exactly as ``nbgrader autograde`` does.
"""

from __future__ import annotations

import ast
from typing import Any


def run_cell(source: str, namespace: dict, filename: str) -> Any:
    """Execute ``source`` in ``namespace``; return the value of its last line if that line is an expression."""
    tree = ast.parse(source, filename)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, filename, "exec"), namespace)
    if last is None:
        return None
    return eval(compile(ast.Expression(last.value), filename, "eval"), namespace)


def points_from(value: Any, max_points: float) -> float:
    """The score nbgrader gives a cell that ran without error and whose result is ``value``."""
    if value is None:
        return max_points
    try:
        grade = float(repr(value))   # nbgrader parses the text/plain output, which is the repr
    except ValueError:
        return max_points
    if grade < 0:
        return max_points
    return min(grade, max_points)
