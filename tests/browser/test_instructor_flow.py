"""What an instructor does, in the browser: JupyterLab at the course root, the formgrader lists every assignment.

The course is a temporary copy (nbgrader_config.py and source/) whose gradebook is filled by
``nbgrader generate_assignment`` for each assignment (``autograder.release.generate_elsewhere``, run in the
background by conftest.py while the other browser tests run); the repository's own gradebook and release/
are not touched.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .jlab import shot, start_lab, stop_lab

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def instructor_lab(instructor_course, browser_tmp):
    course, names = instructor_course
    assert (course / "gradebook.db").exists(), "generate_assignment made no gradebook"
    server = start_lab(course, browser_tmp / "instructor-home")
    try:
        yield server, names
    finally:
        stop_lab(server)


def test_formgrader_lists_every_assignment(instructor_lab, page):
    lab, names = instructor_lab
    assert names, "source/ holds no assignment"
    page.goto(lab.url("formgrader"))
    expect(page).to_have_title(re.compile("nbgrader", re.I))
    links = page.locator("td.name a")
    expect(links).to_have_count(len(names))
    assert sorted(links.all_inner_texts()) == names
    for name in names:
        row = page.locator("tr", has=page.locator("td.name a", has_text=name))
        # the student version exists (generated): the preview link is there
        expect(row.locator("td.preview a")).to_have_count(1)
    shot(page, "instructor_formgrader")
    assert page.js_errors == [], page.js_errors
