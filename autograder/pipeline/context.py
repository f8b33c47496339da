"""Everything the grading steps share about one submission, in one object."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.notebook_cells import grade_id, is_manual_cell, is_test_cell
from autograder.pipeline.namespace import StudentNamespace
from autograder.pipeline.results import NotebookResult
from autograder.pipeline.student_code import StudentRun
from autograder.remote import Session
from autograder.sandbox import Limits


@dataclass
class GradingContext:
    """One submission on its way through :data:`autograder.pipeline.grade.STEPS`.

    A step reads what earlier steps left here and adds its own part; a step that ends grading early (an
    unreadable notebook) sets ``finished``.
    """

    source_path: Path
    submission_path: Path
    source: nbformat.NotebookNode                 # trusted: test cells and points come from here
    assignment: str                               # whose misconception catalogue diagnoses failures
    limits: Limits = field(default_factory=Limits)
    hide: list[Path] = field(default_factory=list)
    result: NotebookResult | None = None
    submission: nbformat.NotebookNode | None = None
    submitted_cells: dict[str, dict] = field(default_factory=dict)   # grade id -> the submission's cell
    run: StudentRun | None = None
    session: Session | None = None
    namespace: StudentNamespace | dict = field(default_factory=dict)
    ready: bool = False                           # the student's code runs and the tests may call it
    finished: bool = False

    def __post_init__(self) -> None:
        if self.result is None:
            self.result = NotebookResult(notebook=self.source_path.name)

    @classmethod
    def open(cls, source_path: Path, submission_path: Path, limits: Limits | None = None,
             hide: list[Path] | None = None, assignment: str | None = None) -> GradingContext:
        """The context of grading ``submission_path`` against the trusted ``source_path``."""
        return cls(source_path, submission_path, nbformat.read(source_path, as_version=4),
                   assignment or source_path.parent.name, limits or Limits(), list(hide or []))

    @property
    def tests(self) -> list:
        """The source's autograded test cells."""
        return [c for c in self.source.cells if is_test_cell(c)]

    @property
    def manual(self) -> list:
        """The source's answer cells graded by hand."""
        return [c for c in self.source.cells if is_manual_cell(c)]

    @property
    def test_ids(self) -> set[str]:
        return {grade_id(c) for c in self.tests}

    def close(self) -> None:
        """Stop the student's sandbox, if one runs."""
        if self.run is not None:
            self.run.close()
