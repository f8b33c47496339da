"""The misconception catalogue: complete, and every entry caught and named through the real grading path; the
mistakes kept out of the diagnosis caught, and no feedback line naming a mistake falsely."""

from __future__ import annotations

import re

import nbformat
import pytest
from conftest import assignments, source_notebook

from autograder.diagnosis.messages import QUESTIONS, rid
from autograder.diagnosis.relations import Finding
from autograder.misconceptions import alternatives, catalogue, function_of, kept_out
from autograder.mutation import run
from autograder.nbrun import run_notebook
from autograder.notebook_cells import nbmeta

ENV = {"NBGRADER_EXECUTION": "autograde"}
CASES = [(a, i, m) for a in assignments() for i, m in enumerate(catalogue(a))]
ALT_CASES = [(a, i, alt) for a in assignments() for i, alt in enumerate(alternatives(a))]
KEPT_CASES = [(a, i, m) for a in assignments() for i, m in enumerate(kept_out(a))]


def graded_functions(assignment: str) -> set[str]:
    """Functions defined in answer cells that some test cell tests."""
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    meta = [nbmeta(c) for c in nb.cells]
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


@pytest.mark.parametrize("assignment", assignments())
def test_two_alternative_correct_implementations_per_function(assignment):
    counts: dict[str, int] = {}
    for alt in alternatives(assignment):
        counts[alt.function] = counts.get(alt.function, 0) + 1
    thin = {f: counts.get(f, 0) for f in graded_functions(assignment) if counts.get(f, 0) < 2}
    assert not thin, f"fewer than 2 alternative correct implementations for {thin}"


@pytest.mark.parametrize(("assignment", "index", "alternative"), ALT_CASES,
                         ids=[f"{a}:{alt.function}:{alt.name}" for a, _, alt in ALT_CASES])
def test_alternative_passes_in_process(assignment, index, alternative):
    """A correct implementation written differently passes every test cell of its function."""
    functions = {m.function for m in catalogue(assignment)} | {alt.function for alt in alternatives(assignment)}
    results = run_notebook(source_notebook(assignment), replace={alternative.function: alternative.code()},
                           env=ENV, until=f"test_{alternative.function}")
    mine = {k: r for k, r in results.items() if function_of(k, functions) == alternative.function}
    assert mine, f"no test cell for {alternative.function}"
    failed = {k: r.error for k, r in mine.items() if not r.passed}
    assert not failed, f"{alternative.name!r} loses points: {failed}"


@pytest.mark.parametrize(("assignment", "index", "mistake"), CASES + KEPT_CASES,
                         ids=[f"{a}:{m.function}:{m.name}" for a, _, m in CASES + KEPT_CASES])
def test_mistake_loses_points_in_process(assignment, index, mistake):
    """Fast check of every entry: swapped into the source notebook, some test cell of its function fails."""
    functions = {m.function for m in catalogue(assignment)}
    results = run_notebook(source_notebook(assignment), replace={mistake.function: mistake.code()},
                           env=ENV, until=f"test_{mistake.function}")
    cells = getattr(mistake, "cells", ()) or tuple(k for k in results if function_of(k, functions) == mistake.function)
    assert cells, f"no test cell for {mistake.function}"
    assert [k for k in cells if not results[k].passed], f"{mistake.name!r} earns full marks on {list(cells)}"


@pytest.mark.parametrize("assignment", assignments())
def test_kept_out_mistakes_accept_only_names_that_exist(assignment):
    """Each kept-out mistake says which names are true of it: catalogued mistakes of its function or relations."""
    own = {(m.function, m.name) for m in catalogue(assignment)}
    kinds = set(QUESTIONS)
    for m in kept_out(assignment):
        for name in m.accepts:
            assert (m.function, name) in own or name.split("(")[0] in kinds, f"{m.name!r} accepts unknown {name!r}"
        assert m.name not in {n for _, n in own if _ == m.function}, f"{m.name!r} is in the catalogue"


def test_relation_ids_read_back_from_the_questions():
    finding = Finding("argument changed", (("arg", "K"), ("how", "flipped on both axes")))
    from autograder.diagnosis.messages import question, read

    assert read(question("corr2d", finding), {}) == [("relation", "corr2d", (rid(finding),))]


# Through the real grading path (cnn-grade in sandboxes): each mistake loses points and is named in the feedback;
# each alternative earns full marks. `python -m autograder.mutation` prints the same as a table.
@pytest.fixture(scope="module")
def mutation_runs(tmp_path_factory):
    cache: dict[str, object] = {}

    def get(assignment: str):
        if assignment not in cache:
            cache[assignment] = run(assignment, tmp_path_factory.mktemp(f"mut-{assignment}"), jobs=2)
        return cache[assignment]

    return get


@pytest.mark.slow
@pytest.mark.parametrize(("assignment", "index", "mistake"), CASES,
                         ids=[f"{a}:{m.function}:{m.name}" for a, _, m in CASES])
def test_mistake_is_caught_and_named_by_cnn_grade(mutation_runs, assignment, index, mistake):
    result = mutation_runs(assignment)
    honest = result.honest
    lost = [t["grade_id"] for t in honest["tests"] if t["passed"] is False and t["message"] != "no answer given"]
    assert not lost, f"the honest submission loses points on {lost}: {honest['status']} {honest['reasons']}"
    row = result.mistakes[index]
    assert row.caught, f"{mistake.name!r} earns full marks on {mistake.function}'s tests ({row.status})"
    assert row.named, f"{mistake.name!r} is not named in the feedback: {row.detail}"
    assert not row.false, f"{mistake.name!r} gets false names: {[str(n) for n in row.false]}"


@pytest.mark.slow
@pytest.mark.parametrize(("assignment", "index", "mistake"), KEPT_CASES,
                         ids=[f"{a}:{m.function}:{m.name}" for a, _, m in KEPT_CASES])
def test_kept_out_mistake_is_caught_and_never_named_falsely(mutation_runs, assignment, index, mistake):
    """A mistake the diagnosis has never seen loses points, and no feedback line about it is false."""
    row = mutation_runs(assignment).kept_out[index]
    assert row.caught, f"{mistake.name!r} earns full marks on {mistake.function}'s tests ({row.status})"
    assert not row.false, f"{mistake.name!r} gets false names: {[str(n) for n in row.false]}"


@pytest.mark.slow
@pytest.mark.parametrize("assignment", assignments())
def test_no_false_name_in_any_feedback_of_the_mutation_run(mutation_runs, assignment):
    """Over every submission the run graded (honest, mistakes, alternatives): no name given falsely."""
    false = mutation_runs(assignment).false_names
    assert not false, "\n".join(f"{n.student}: {n}" for n in false)


@pytest.mark.slow
def test_half_of_the_kept_out_mistakes_are_named(mutation_runs):
    rows = [r for a in assignments() for r in mutation_runs(a).kept_out]
    named = sum(r.named for r in rows)
    assert rows and 2 * named >= len(rows), f"{named} of {len(rows)} kept-out mistakes named"


ISSUE_CASES = {  # issue 18: wrong dependencies whose failures were blamed on the right functions that use them
    "01_convolution": ("corr2d", ["convolution formula (kernel flipped by its indices)",
                                  "kernel transposed (K.T: rows of K along the columns)",
                                  "window averaged instead of summed", "integer output array (values truncated)"],
                       {"conv2d_flipped", "corr2d_fast"}),
    "02_padding_stride": ("conv_output_size", ["without the +1 (and a check that the result is not negative)",
                                               "pads once (n + p)"], {"corr2d_general"}),
}


@pytest.mark.slow
@pytest.mark.parametrize("assignment", sorted(ISSUE_CASES))
def test_the_issues_cases_point_to_the_wrong_function(mutation_runs, assignment):
    """The functions built on (or compared with) the wrong one are told it is not their mistake, and which it is."""
    wrong, names, users = ISSUE_CASES[assignment]
    rows = {r.name: r for r in mutation_runs(assignment).kept_out}
    for name in names:
        row = rows[name]
        about_users = [n for n in row.names if n.function in users]
        assert about_users, f"{name!r}: nothing said on the tests of {sorted(users)}"
        assert all(n.kind in ("not own", "fix first") and n.what == (wrong,) for n in about_users), \
            f"{name!r}: {[str(n) for n in about_users]}"
        assert not row.false, f"{name!r}: {[str(n) for n in row.false]}"


@pytest.mark.slow
@pytest.mark.parametrize(("assignment", "index", "alternative"), ALT_CASES,
                         ids=[f"{a}:{alt.function}:{alt.name}" for a, _, alt in ALT_CASES])
def test_other_correct_version_earns_full_marks_from_cnn_grade(mutation_runs, assignment, index, alternative):
    row = mutation_runs(assignment).alternatives[index]
    assert row.full_marks, f"{alternative.name!r} (correct) loses points: {row.status} {row.detail}"
