"""Grading tooling for the CNN course: release generation, grading, feedback, reports."""
