"""Each grading step alone, on a small notebook, then the declared list of steps end to end."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.utils import compute_checksum

from autograder.notebook_cells import grade_id, is_manual_cell, is_test_cell, nbmeta, points
from autograder.pipeline import STEPS, NotebookResult, Status, TestResult, run_steps, steps
from autograder.pipeline.context import GradingContext
from autograder.pipeline.results import SEVERITY

TEST_ADD = ("assert add(1, 2) == 3, 'add(1, 2) should be 3'\n"
            "### BEGIN HIDDEN TESTS\nassert add(2, 2) == 4\n### END HIDDEN TESTS")


def _cell(cell, **meta):
    cell.metadata["nbgrader"] = {"schema_version": 3, **meta}
    return cell


def source_notebook() -> nbformat.NotebookNode:
    answer = _cell(new_code_cell("def add(a, b):\n    return a + b"), grade_id="add", solution=True,
                   grade=False, locked=False)
    test = _cell(new_code_cell(TEST_ADD), grade_id="test_add", grade=True, solution=False, points=2, locked=True)
    half = _cell(new_code_cell("0.5"), grade_id="test_half", grade=True, solution=False, points=1, locked=True)
    essay = _cell(new_markdown_cell("YOUR ANSWER HERE"), grade_id="essay", grade=True, solution=True, points=3)
    essay.metadata["nbgrader"]["checksum"] = compute_checksum(essay)
    return new_notebook(cells=[new_markdown_cell("# Adding"), answer, test, half, essay])


@pytest.fixture
def ctx(tmp_path: Path) -> GradingContext:
    source = source_notebook()
    nbformat.write(source, tmp_path / "adding.ipynb")
    submitted = source_notebook()
    submitted.cells[2].source = TEST_ADD.split("### BEGIN")[0]      # the release shows no hidden tests
    nbformat.write(submitted, tmp_path / "submitted.ipynb")
    return GradingContext.open(tmp_path / "adding.ipynb", tmp_path / "submitted.ipynb", assignment="none")


def test_metadata_helpers_read_nbgrader_metadata_and_tolerate_garbage():
    nb = source_notebook()
    assert [grade_id(c) for c in nb.cells] == [None, "add", "test_add", "test_half", "essay"]
    assert [is_test_cell(c) for c in nb.cells] == [False, False, True, True, False]
    assert [is_manual_cell(c) for c in nb.cells] == [False, False, False, False, True]
    assert points(nb.cells[2]) == 2.0 and points(nb.cells[0]) == 0.0
    for garbage in ({"metadata": {"nbgrader": None}}, {"metadata": []}, {"metadata": {"nbgrader": [1]}}, {}):
        assert nbmeta(garbage) == {} and not is_test_cell({"cell_type": "code", **garbage})


def test_the_context_takes_tests_and_manual_cells_from_the_source(ctx):
    assert [grade_id(c) for c in ctx.tests] == ["test_add", "test_half"]
    assert [grade_id(c) for c in ctx.manual] == ["essay"]
    assert ctx.test_ids == {"test_add", "test_half"} and ctx.assignment == "none"


def test_read_submission_zeroes_everything_for_an_unreadable_notebook(ctx):
    ctx.submission_path.write_text("{not json")
    steps.read_submission(ctx)
    assert ctx.finished and ctx.result.status == Status.INVALID
    assert [(t.grade_id, t.points, t.message) for t in ctx.result.tests] == [
        ("test_add", 0.0, "the notebook could not be read"), ("test_half", 0.0, "the notebook could not be read"),
        ("essay", None, "graded by hand")]


def test_read_submission_indexes_the_submitted_cells_by_grade_id(ctx):
    steps.read_submission(ctx)
    assert not ctx.finished and set(ctx.submitted_cells) == {"add", "test_add", "test_half", "essay"}


def test_check_assignment_rejects_a_notebook_of_another_assignment(ctx):
    steps.read_submission(ctx)
    steps.check_assignment(ctx)
    assert not ctx.finished
    ctx.submitted_cells = {"other": {}}
    steps.check_assignment(ctx)
    assert ctx.finished and ctx.result.status == Status.INVALID
    assert ctx.result.tests[0].message == "not a notebook of this assignment"


def test_compare_cells_flags_edited_and_deleted_tests_and_missing_answers(ctx):
    steps.read_submission(ctx)
    steps.compare_cells(ctx)
    assert ctx.result.status == Status.GRADED and not ctx.result.reasons   # hidden part removed: same visible text
    ctx.submitted_cells["test_add"] = new_code_cell("pass")
    del ctx.submitted_cells["test_half"], ctx.submitted_cells["add"]
    steps.compare_cells(ctx)
    assert ctx.result.status == Status.TAMPERING
    assert ctx.result.reasons == ["test cell test_add was edited (the original was used)",
                                  "test cell test_half was deleted (the original was used)",
                                  "answer cell add is missing"]


def test_run_test_without_running_code_scores_zero(ctx):
    result = steps.run_test(ctx, ctx.tests[0])
    assert (result.points, result.passed, result.message) == (0.0, False, "not run: the submission's code did not run")


def test_score_test_applies_partial_credit_with_what_the_cell_printed():
    assert steps.score_test("t", 2.0, None, "") == TestResult("t", 2.0, 2.0, True, "")
    half = steps.score_test("t", 2.0, 0.5, "close\n")
    assert (half.points, half.passed, half.message) == (0.5, False, "partial credit: 0.5 of 2\nclose")


def test_failure_messages_say_what_went_wrong():
    assert steps.failure_message(AssertionError()) == "a check failed"
    assert steps.failure_message(AssertionError("wrong shape")) == "wrong shape"
    assert steps.failure_message(NotImplementedError()) == "not implemented yet (NotImplementedError)"
    assert steps.failure_message(ValueError("bad")) == "ValueError: bad"


def test_manual_cells_score_zero_only_when_unanswered(ctx):
    steps.read_submission(ctx)
    steps.grade_manual_cells(ctx)
    assert ctx.result.tests[-1] == TestResult("essay", 3.0, 0.0, False, "no answer given")
    ctx.submitted_cells["essay"].source = "Because the kernel is flipped."
    steps.grade_manual_cells(ctx)
    assert ctx.result.tests[-1] == TestResult("essay", 3.0, None, None, "graded by hand")


def test_run_steps_stops_at_a_finishing_step_and_closes(ctx):
    seen = []

    def finish(c):
        seen.append("finish")
        c.finished = True

    result = run_steps(ctx, [finish, lambda c: seen.append("never")])
    assert seen == ["finish"] and result is ctx.result


def test_the_steps_in_order_grade_a_submission_in_a_sandbox(ctx):
    assert STEPS[0] is steps.read_submission and STEPS[-1] is steps.grade_manual_cells
    result = run_steps(ctx)
    assert result.status == Status.GRADED, result.reasons
    assert [(t.grade_id, t.points, t.passed) for t in result.tests] == [
        ("test_add", 2.0, True), ("test_half", 0.5, False), ("essay", 0.0, False)]
    assert ctx.run.sandbox is None and {"start", "cells", "tests", "diagnose"} <= set(result.timings)


def test_results_go_to_json_and_back_with_their_status():
    r = NotebookResult("a.ipynb", tests=[TestResult("t", 2.0, 1.0, False, "half", 0.25)])
    r.flag(Status.TIMED_OUT, "slow")
    r.flag(Status.MISSING, "gone")
    d = json.loads(json.dumps(r.to_json()))
    assert d["status"] == "timed out" and d["score"] == 1.0 and d["max_score"] == 2.0
    back = NotebookResult.from_json(d)
    assert back.status is Status.TIMED_OUT and back.tests == r.tests and back.reasons == ["slow", "gone"]
    assert f"{back.status}" == "timed out" and SEVERITY[0] == "invalid notebook"


def _ready(ctx: GradingContext) -> GradingContext:
    """``ctx`` as if the student's code ran, with a plain namespace (tests that call nothing of the student's)."""
    ctx.ready, ctx.session, ctx.namespace = True, SimpleNamespace(cell=None), {}
    return ctx


def test_decision_a_value_above_the_points_scores_the_maximum_where_nbgrader_raises(ctx):
    from nbgrader.utils import get_partial_grade

    with pytest.raises(ValueError, match="greater than maximum"):
        get_partial_grade({"data": {"text/plain": "5.0"}}, 2.0)
    cell = new_code_cell("5.0")
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "t", "points": 2}
    result = steps.run_test(_ready(ctx), cell)
    assert (result.points, result.passed, result.message) == (2.0, True, "")


def test_decision_output_on_stderr_does_not_fail_a_test_where_nbgrader_fails_it(ctx):
    from nbgrader.utils import has_failed

    cell = new_code_cell("import sys\nprint('UserWarning: slow path', file=sys.stderr)")
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "t", "points": 2}
    cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text="UserWarning: slow path\n")]
    assert has_failed(cell)
    result = steps.run_test(_ready(ctx), cell)
    assert (result.points, result.passed) == (2.0, True)
    failing = new_code_cell("assert 1 == 2, 'one is not two'")
    failing.metadata["nbgrader"] = cell.metadata["nbgrader"]
    assert steps.run_test(ctx, failing).points == 0.0
