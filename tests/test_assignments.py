"""Every assignment in source/: structure, release in sync and clean, and real nbgrader grading."""

from __future__ import annotations

import filecmp
import json
import re
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, SYLLABUS, assignments, source_notebook
from course_grading import autograde

from autograder.misconceptions import catalogue
from autograder.mutation import honest_submission, with_mistake
from autograder.notebook_cells import nbmeta
from autograder.release import generate_elsewhere

ASSIGNMENTS = assignments()


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_structure(assignment):
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    ids = [nbmeta(c)["grade_id"] for c in nb.cells if nbmeta(c)]
    assert len(ids) == len(set(ids)), f"duplicate grade ids: {sorted(i for i in ids if ids.count(i) > 1)}"
    graded = [c for c in nb.cells if nbmeta(c).get("grade")]
    assert graded, "no graded cell"
    for c in graded:
        assert nbmeta(c).get("points", 0) > 0, f"{nbmeta(c)['grade_id']}: graded cell without points"
    for c in nb.cells:
        if c.cell_type == "code":
            assert not c.outputs and c.execution_count is None, "source notebooks are committed without outputs"
            assert not re.search(r"^\s*[%!]", c.source, re.M), "no IPython magics (cells also run in-process)"
    solutions = [c for c in nb.cells if c.cell_type == "code" and nbmeta(c).get("solution")]
    for c in solutions:
        assert "### BEGIN SOLUTION" in c.source, f"{nbmeta(c)['grade_id']}: solution cell without a region"


@pytest.mark.skipif(not SYLLABUS.exists(), reason="../shared/SYLLABUS.md is not beside the checkout")
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_syllabus_functions_defined(assignment):
    sections = {s.split("/")[0].strip(): s for s in re.split(r"\n## ", SYLLABUS.read_text())[1:]}
    assert assignment in sections, f"{assignment} is not an assignment of SYLLABUS.md"
    section = sections[assignment]
    notebook = section.split("/")[1].split()[0]
    assert source_notebook(assignment).name == notebook, f"SYLLABUS names the notebook {notebook}"
    text = source_notebook(assignment).read_text()
    for name in sorted(set(re.findall(r"`([a-z_0-9]+)\(", section))):
        assert re.search(rf"def {name}\(", text), f"graded function {name}() of SYLLABUS.md is not defined"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_in_sync(assignment, tmp_path):
    fresh = generate_elsewhere(assignment, tmp_path)
    committed = ROOT / "release" / assignment
    assert committed.is_dir(), f"release/{assignment} missing: run `make release`"
    cmp = filecmp.dircmp(fresh, committed, ignore=[".ipynb_checkpoints"])
    assert not cmp.left_only and not cmp.right_only, f"files differ: {cmp.left_only} vs {cmp.right_only}"
    for name in cmp.common_files:
        assert (fresh / name).read_bytes() == (committed / name).read_bytes(), (
            f"release/{assignment}/{name} differs from a fresh `nbgrader generate_assignment`: run `make release`")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_has_no_solution_or_hidden_test(assignment):
    source = nbformat.read(source_notebook(assignment), as_version=4)
    (released,) = (ROOT / "release" / assignment).glob("*.ipynb")
    text = released.read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN MARK SCHEME"):
        assert marker not in text, f"release contains {marker!r}"
    secret_lines = set()
    for c in source.cells:
        for region in re.findall(r"### BEGIN (?:SOLUTION|HIDDEN TESTS)\n(.*?)### END", c.source, re.S):
            secret_lines |= {ln.strip() for ln in region.splitlines() if len(ln.strip()) > 25}
        if c.cell_type == "markdown" and nbmeta(c).get("solution"):
            secret_lines |= {ln.strip() for ln in c.source.splitlines() if len(ln.strip()) > 25}
    # lines that also stand outside every secret region (imports, say) give nothing away
    visible = [c.source for c in source.cells if not (c.cell_type == "markdown" and nbmeta(c).get("solution"))]
    public = re.sub(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n.*?### END \1", "", "\n".join(visible), flags=re.S)
    public_lines = {ln.strip() for ln in public.splitlines()}
    released_lines = {ln.strip() for c in json.loads(text)["cells"] for ln in "".join(c["source"]).splitlines()}
    leaked = sorted((secret_lines & released_lines) - public_lines)
    assert not leaked, f"solution or hidden-test lines in the release: {leaked[:5]}"


def mistaken_submission(assignment: str, dest: Path) -> Path:
    """The release with the reference answers pasted in, then the first catalogued mistake of every function."""
    name, nb = honest_submission(assignment)
    done: set[str] = set()
    for m in catalogue(assignment):
        if m.function not in done:
            nb = with_mistake(nb, m)
            done.add(m.function)
    nbformat.write(nb, dest / name)
    return dest / name


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def graded(request, tmp_path_factory):
    """Autograde the source (a perfect submission), the untouched release and a submission with one mistake per
    function, once per assignment."""
    assignment = request.param
    work = tmp_path_factory.mktemp(assignment)
    (released,) = (ROOT / "release" / assignment).glob("*.ipynb")
    mistaken = mistaken_submission(assignment, tmp_path_factory.mktemp(f"{assignment}-mistaken"))
    grades = autograde(assignment, work, {"solution": source_notebook(assignment), "untouched": released,
                                          "mistaken": mistaken})
    return assignment, work, grades, mistaken


@pytest.mark.slow
def test_source_earns_full_marks(graded):
    assignment, _, grades, _ = graded
    auto = {k: g for k, g in grades["solution"].items() if g.auto}
    assert auto, "no autograded cell"
    lost = {k: (g.score, g.max_score) for k, g in auto.items() if g.score != g.max_score}
    assert not lost, f"{assignment}: the reference solution loses points on {lost}"


@pytest.mark.slow
def test_untouched_release_earns_zero_and_runs_to_the_end(graded):
    assignment, work, grades, _ = graded
    auto = {k: g for k, g in grades["untouched"].items() if g.auto}
    earned = {k: g.score for k, g in auto.items() if g.score}
    assert not earned, f"{assignment}: the untouched student version earns points on {earned}"
    (done,) = (work / "autograded" / "untouched" / assignment).glob("*.ipynb")
    code = [c for c in nbformat.read(done, as_version=4).cells if c.cell_type == "code"]
    assert code[-1].execution_count is not None or code[-1].source.strip() == "", "execution stopped before the end"
    assert all(c.execution_count is not None for c in code if c.source.strip()), "some cells never ran"


def test_every_release_notebook_has_a_source():
    released = {p.parent.name for p in Path(ROOT / "release").glob("*/*.ipynb")}
    assert released <= set(ASSIGNMENTS), f"release/ holds assignments with no source: {released - set(ASSIGNMENTS)}"


@pytest.mark.slow
def test_cnn_grade_matches_stock_nbgrader(graded):
    """The sandboxed grader gives every cell exactly the points stock nbgrader gives it."""
    from autograder.cli import secret_paths
    from autograder.pipeline import grade_notebook

    assignment, work, grades, mistaken = graded
    source = source_notebook(assignment)
    (released,) = (ROOT / "release" / assignment).glob("*.ipynb")
    for student, notebook in (("solution", source), ("untouched", released), ("mistaken", mistaken)):
        result = grade_notebook(source, notebook, hide=secret_paths(work))
        ours = {t.grade_id: t.points for t in result.tests if t.points is not None}
        stock = {k: g.score for k, g in grades[student].items() if g.auto}
        assert ours == stock, f"{student}: cnn-grade {ours} vs nbgrader {stock}; {result.status} {result.reasons}"
        if student != "mistaken":
            assert result.status == "graded", f"{student}: {result.status} {result.reasons}"


# Cells that share their points among kinds of case (nbgrader's partial credit: the cell's last value is the score).
PARTIAL = {"02_padding_stride": {"test_corr2d_general_torch"}, "03_channels": {"test_conv2d_forward_stride_padding"},
           "05_pooling": {"test_pool2d_torch"},
           "07_backprop_deformable": {"test_conv2d_backward_torch", "test_conv_transpose2d_torch",
                                      "test_deform_conv2d_torch"}}


@pytest.mark.slow
def test_partial_credit_for_an_implementation_right_on_some_kinds_of_case(graded):
    """The first catalogued mistake of these functions (stride ignored, bias forgotten, default stride 1; in 07 stride
    ignored, padding not cropped, dy and dx swapped) is right on some kinds of case: stock nbgrader gives part of the
    points, and cnn-grade gives the same."""
    assignment, _, grades, _ = graded
    scores = {k: (g.score, g.max_score) for k, g in grades["mistaken"].items() if g.auto}
    partial = {k: v for k, v in scores.items() if 0 < v[0] < v[1]}
    expected = PARTIAL.get(assignment, set())
    assert set(partial) == expected, f"partial credit on {partial}, expected on {expected or 'no cell'}: {scores}"
