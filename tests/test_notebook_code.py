"""The notebooks' code: one set-up, one name for the autograding flag, only the imports they use, and hidden-test
helpers imported from one trusted module that student code never sees."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, assignments, source_notebook

from autograder.notebook_cells import nbmeta
from autograder.sandbox.allowlist import CHECKOUT_READABLE

ASSIGNMENTS = assignments()
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n.*?### END HIDDEN TESTS", re.S)
TRUSTED = "autograder.hidden_helpers"


def released_notebook(assignment: str) -> Path:
    (nb,) = sorted((ROOT / "release" / assignment).glob("*.ipynb"))
    return nb


def code_cells(path: Path) -> list:
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def is_test(cell) -> bool:
    return bool(nbmeta(cell).get("grade")) and not nbmeta(cell).get("solution")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_first_cell_sets_up_with_the_helper(assignment):
    cells = code_cells(source_notebook(assignment))
    first = cells[0].source
    assert "from course.setup import setup_notebook" in first and "AUTOGRADING = setup_notebook(" in first
    for cell in cells:
        for own_setup in ("set_num_threads", "set_printoptions", "NBGRADER_EXECUTION"):
            assert own_setup not in cell.source, f"{own_setup} outside course.setup:\n{cell.source[:300]}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_one_name_for_the_autograding_flag(assignment):
    for cell in code_cells(source_notebook(assignment)):
        other = re.findall(r"\b(FAST|AUTOGRADE)\b", cell.source)
        assert not other, f"the autograding flag is AUTOGRADING, not {other}:\n{cell.source[:300]}"


def unused_imports(modules: dict[str, str], tmp_path: Path) -> list[str]:
    """ruff's F401 over each named piece of code, one module each."""
    for name, code in modules.items():
        (tmp_path / f"{name}.py").write_text(code)
    ruff = Path(sys.executable).parent / "ruff"
    proc = subprocess.run([str(ruff), "check", "--isolated", "--no-cache", "--select", "F401", "--output-format",
                           "concise", "."], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    return [ln for ln in proc.stdout.splitlines() if "F401" in ln]


@pytest.mark.parametrize("version", ["source", "release"])
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_notebook_imports_only_what_it_uses(assignment, version, tmp_path):
    """The student's cells run as one module (in the sandbox); each test cell runs on its own (in the grader)."""
    path = source_notebook(assignment) if version == "source" else released_notebook(assignment)
    cells = code_cells(path)
    modules = {"student_cells": "\n\n".join(c.source for c in cells if not is_test(c))}
    modules |= {nbmeta(c)["grade_id"]: c.source for c in cells if is_test(c)}
    unused = unused_imports(modules, tmp_path)
    assert not unused, f"{version}/{assignment}: unused imports:\n" + "\n".join(unused)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_hidden_test_helpers_come_from_the_trusted_module(assignment):
    """Only hidden tests (run in the grader) import grader code; the module is outside what the sandbox sees."""
    for cell in code_cells(source_notebook(assignment)):
        visible = HIDDEN.sub("", cell.source)
        assert "autograder" not in visible, f"visible code imports grader code:\n{cell.source[:300]}"
        for region in HIDDEN.findall(cell.source):
            for module in re.findall(r"^\s*(?:from|import) (autograder\S*)", region, re.M):
                assert module == TRUSTED, f"hidden tests import {module}: helpers belong in {TRUSTED}"
    assert not any(entry.startswith("autograder/hidden_helpers") for entry in CHECKOUT_READABLE)


def test_trusted_helpers_are_used_and_not_copied():
    """Every helper of the trusted module is used by a hidden test, and no notebook defines it again."""
    import autograder.hidden_helpers as helpers

    text = "\n".join(source_notebook(a).read_text() for a in ASSIGNMENTS)
    for name in helpers.__all__:
        assert re.search(rf"\b{name}\b", text), f"{name} is used by no hidden test"
        assert not re.search(rf'"\s*(def {name}\(|{name} = )', text), f"a notebook defines {name} again"


def test_int_or_pair_draws_as_the_copies_in_the_cells_did():
    """The same seed gives the same hidden cases as the closure the test cells held before."""
    import numpy as np

    from autograder.hidden_helpers import int_or_pair

    ours, old = np.random.default_rng(5), np.random.default_rng(5)

    def _arg(lo, hi):
        return int(old.integers(lo, hi)) if old.random() < 0.5 else (int(old.integers(lo, hi)),
                                                                        int(old.integers(lo, hi)))

    got = [int_or_pair(ours, 1, 4) for _ in range(50)]
    assert got == [_arg(1, 4) for _ in range(50)]
    assert {type(v) for v in got} == {int, tuple}


def test_trace_leaves_lists_every_leaf_with_its_output_shape():
    import torch
    from torch import nn

    from autograder.hidden_helpers import trace_leaves

    net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Sequential(nn.ReLU(), nn.MaxPool2d(2)), nn.Flatten(), nn.Linear(18, 4))
    calls, y = trace_leaves(net, torch.zeros(2, 1, 8, 8))
    assert [(k, s) for _, k, s in calls] == [("Conv2d", (2, 6, 6)), ("ReLU", (2, 6, 6)), ("MaxPool2d", (2, 3, 3)),
                                             ("Flatten", (18,)), ("Linear", (4,))]
    assert calls[0][0] is net[0] and tuple(y.shape) == (2, 4) and not y.requires_grad
