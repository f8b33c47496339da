"""The misconception catalogue: complete, and every entry caught and named through the real grading path."""

from __future__ import annotations

import re

import nbformat
import pytest
from conftest import assignments, source_notebook

from autograder.misconceptions import catalogue, function_of
from autograder.mutation import run
from autograder.nbrun import run_notebook

ENV = {"NBGRADER_EXECUTION": "autograde"}
CASES = [(a, i, m) for a in assignments() for i, m in enumerate(catalogue(a))]


def graded_functions(assignment: str) -> set[str]:
    """Functions defined in answer cells that some test cell tests."""
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    meta = [c.get("metadata", {}).get("nbgrader", {}) for c in nb.cells]
    defined = {f for c, m in zip(nb.cells, meta, strict=True) if m.get("solution") and c.cell_type == "code"
               for f in re.findall(r"^def (\w+)\(", c.source, re.M)}
    tests = [m["grade_id"] for m in meta if m.get("grade") and not m.get("solution")]
    return {function_of(t, defined) for t in tests} - {None}


@pytest.mark.parametrize("assignment", assignments())
def test_reference_passes_every_test_cell_in_process(assignment):
    results = run_notebook(source_notebook(assignment), env=ENV)
    failed = {k: r.error for k, r in results.items() if not r.passed}
    assert results and not failed, f"the reference solution fails {failed}"


@pytest.mark.parametrize("assignment", assignments())
def test_catalogue_covers_every_graded_function(assignment):
    counts: dict[str, int] = {}
    for m in catalogue(assignment):
        counts[m.function] = counts.get(m.function, 0) + 1
    thin = {f: counts.get(f, 0) for f in graded_functions(assignment) if counts.get(f, 0) < 4}
    assert not thin, f"fewer than 4 catalogued wrong implementations for {thin}"


@pytest.mark.parametrize(("assignment", "index", "mistake"), CASES,
                         ids=[f"{a}:{m.function}:{m.name}" for a, _, m in CASES])
def test_mistake_loses_points_in_process(assignment, index, mistake):
    """Fast check of every entry: swapped into the source notebook, some test cell of its function fails."""
    functions = {m.function for m in catalogue(assignment)}
    results = run_notebook(source_notebook(assignment), replace={mistake.function: mistake.code()},
                           env=ENV, until=f"test_{mistake.function}")
    cells = mistake.cells or tuple(k for k in results if function_of(k, functions) == mistake.function)
    assert cells, f"no test cell for {mistake.function}"
    assert [k for k in cells if not results[k].passed], f"{mistake.name!r} earns full marks on {list(cells)}"


# Through the real grading path (cnn-grade in sandboxes), with the feedback naming each mistake. Verified for
# these assignments; `python -m autograder.mutation` prints the table for every one.
NAMED = ["01_convolution", "05_pooling"]
NAMED_CASES = [c for c in CASES if c[0] in NAMED]


@pytest.fixture(scope="module")
def mutation_runs(tmp_path_factory):
    cache: dict[str, tuple] = {}

    def get(assignment: str):
        if assignment not in cache:
            cache[assignment] = run(assignment, tmp_path_factory.mktemp(f"mut-{assignment}"), jobs=2)
        return cache[assignment]

    return get


@pytest.mark.slow
@pytest.mark.parametrize(("assignment", "index", "mistake"), NAMED_CASES,
                         ids=[f"{a}:{m.function}:{m.name}" for a, _, m in NAMED_CASES])
def test_mistake_is_caught_and_named_by_cnn_grade(mutation_runs, assignment, index, mistake):
    rows, honest = mutation_runs(assignment)
    lost = [t["grade_id"] for t in honest["tests"] if t["passed"] is False and t["message"] != "no answer given"]
    assert not lost, f"the honest submission loses points on {lost}: {honest['status']} {honest['reasons']}"
    row = rows[index]
    assert row.caught, f"{mistake.name!r} earns full marks on {mistake.function}'s tests ({row.status})"
    assert row.named, f"{mistake.name!r} is not named in the feedback: {row.detail}"
