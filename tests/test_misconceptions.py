"""Every catalogued wrong implementation loses points: some test cell of its function fails."""

from __future__ import annotations

import pytest
from conftest import assignments, source_notebook

from autograder.misconceptions import catalogue, function_of
from autograder.nbrun import run_notebook

ENV = {"NBGRADER_EXECUTION": "autograde"}
CASES = [(a, m) for a in assignments() for m in catalogue(a)]


@pytest.mark.parametrize("assignment", assignments())
def test_reference_passes_every_test_cell_in_process(assignment):
    results = run_notebook(source_notebook(assignment), env=ENV)
    failed = {k: r.error for k, r in results.items() if not r.passed}
    assert results and not failed, f"the reference solution fails {failed}"


@pytest.mark.parametrize("assignment", assignments())
def test_catalogue_covers_every_function(assignment):
    cat = catalogue(assignment)
    if not cat:
        pytest.fail(f"no misconception catalogue for {assignment} (autograder/misconceptions/_{assignment}.py)")
    per_function: dict[str, int] = {}
    for m in cat:
        per_function[m.function] = per_function.get(m.function, 0) + 1
    thin = {f: n for f, n in per_function.items() if n < 4}
    assert not thin, f"fewer than 4 wrong implementations for {thin}"


@pytest.mark.parametrize(("assignment", "mistake"), CASES,
                         ids=[f"{a}:{m.function}:{m.name}" for a, m in CASES])
def test_misconception_loses_points(assignment, mistake):
    prefix = f"test_{mistake.function}"
    results = run_notebook(source_notebook(assignment), replace={mistake.function: mistake.code()},
                           env=ENV, until=prefix)
    functions = {m.function for m in catalogue(assignment)}
    cells = mistake.cells or tuple(k for k in results if function_of(k, functions) == mistake.function)
    assert cells, f"no test cell for {mistake.function} (grade ids should start with {prefix})"
    failed = [k for k in cells if not results[k].passed]
    assert failed, f"{mistake.name!r} for {mistake.function} earns full marks on {list(cells)}"
