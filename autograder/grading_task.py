"""One submission as a self-contained task: the coordinator packs the submission's bytes and the assignment's
notebooks (:func:`make_payload`); any grading process grades it with no shared file system
(:func:`grade_payload`) and returns the results and the autograded notebooks for the coordinator to write.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import nbformat

from autograder.feedback import autograded_notebook
from autograder.notebook_cells import grade_id, is_graded, is_test_cell, points
from autograder.pipeline import NotebookResult, Status, TestResult, grade_notebook
from autograder.sandbox import Limits
from autograder.settings import MAX_NOTEBOOK_BYTES

#: what a grading process's first task would import (nbgrader, for its cell checksums, alone takes about a
#: second): imported while the process starts, so that a running cluster's workers are warm for a first command
WARM_MODULES = ("autograder.grading_task", "autograder.diagnosis", "nbgrader.utils", "numpy.random")


def make_payload(course: Path, assignment: str, student: str, limits: Limits, hide: list[Path],
                 no_isolation: bool) -> dict:
    """Everything needed to grade ``student``'s submission of ``assignment`` anywhere.

    A submission over the size limit travels as its first bytes and its size: it is rejected unread anyway.
    """
    notebooks = []
    for source_nb in sorted((course / "source" / assignment).glob("*.ipynb")):
        submitted = course / "submitted" / student / assignment / source_nb.name
        released = course / "release" / assignment / source_nb.name
        entry = {"name": source_nb.name, "source": source_nb.read_text(),
                 "release": released.read_text() if released.exists() else None, "submission": None, "size": 0}
        if submitted.exists():
            entry["size"] = submitted.stat().st_size
            with open(submitted, "rb") as f:
                entry["submission"] = f.read(MAX_NOTEBOOK_BYTES + 1)
        notebooks.append(entry)
    return {"assignment": assignment, "student": student, "limits": asdict(limits), "notebooks": notebooks,
            "hide": [str(p) for p in hide], "no_isolation": no_isolation}


def missing_result(source_nb: Path) -> NotebookResult:
    """A notebook that was not submitted: every autograded test 0, manual ones left to the grader."""
    src = nbformat.read(source_nb, as_version=4)
    result = NotebookResult(notebook=source_nb.name)
    result.flag(Status.MISSING, f"{source_nb.name} was not submitted")
    for c in src.cells:
        if is_graded(c):
            auto = is_test_cell(c)
            result.tests.append(TestResult(grade_id(c), points(c), 0.0 if auto else None,
                                           False if auto else None, "not submitted"))
    return result


def _base_notebook(submitted: Path | None, result: NotebookResult, release: str | None) -> nbformat.NotebookNode:
    """The notebook the verdicts are written into: the submission, or the released one if it is unreadable."""
    if submitted is not None and result.status != Status.INVALID:
        try:
            nb = nbformat.read(submitted, as_version=4)
            if isinstance(nb.get("cells"), list):
                return nb
        except Exception:  # noqa: BLE001 - unreadable: fall back to the release
            pass
    return nbformat.reads(release, as_version=4) if release else nbformat.v4.new_notebook()


def _grade_files(work: Path, payload: dict, hide: list[Path]) -> dict:
    assignment, limits = payload["assignment"], Limits(**payload["limits"])
    results, autograded = {}, {}
    for entry in payload["notebooks"]:
        source = work / "source" / assignment / entry["name"]
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text(entry["source"])
        submitted = None
        if entry["submission"] is None:
            result = missing_result(source)
        else:
            submitted = work / "submitted" / entry["name"]
            submitted.parent.mkdir(exist_ok=True)
            submitted.write_bytes(entry["submission"])
            if entry["size"] > len(entry["submission"]):
                os.truncate(submitted, entry["size"])     # sparse: the size check sees the real size
            result = grade_notebook(source, submitted, limits=limits, hide=hide, assignment=assignment)
        base = _base_notebook(submitted, result, entry["release"])
        autograded[entry["name"]] = nbformat.writes(autograded_notebook(source, base, result))
        results[source.stem] = result.to_json()
    return {"results": results, "autograded": autograded, "worker": f"{socket.gethostname()}:{os.getpid()}"}


def grade_payload(payload: dict) -> dict:
    """Grade one packed submission in this process (a Dask task or a local pool's job)."""
    from autograder.grading_worker import prepare

    started = time.perf_counter()
    state = prepare(payload["no_isolation"], extra_hide=payload["hide"])
    work = Path(tempfile.mkdtemp(dir=state.task_root))
    try:
        value = _grade_files(work, payload, state.hide_for(payload["hide"]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    value["seconds"] = round(time.perf_counter() - started, 3)    # the grading process's busy time
    return value
