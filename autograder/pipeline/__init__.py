"""Grading one notebook as a list of steps (:mod:`.grade`) over one context (:mod:`.context`).

``submission`` reads and compares the untrusted notebook, ``student_code`` runs it in the sandbox,
``namespace`` is what the test cells see of it, ``steps`` holds each step, ``results`` what grading produces.
"""

from autograder.pipeline.grade import STEPS, grade_notebook, run_steps
from autograder.pipeline.results import SEVERITY, NotebookResult, Status, TestResult

__all__ = ["SEVERITY", "STEPS", "NotebookResult", "Status", "TestResult", "grade_notebook", "run_steps"]
