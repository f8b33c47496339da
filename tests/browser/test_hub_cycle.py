"""A whole assignment cycle on the classroom's JupyterHub, as its people do it in the browser.

One hub for the module (``tests/throwaway.py``: its own Unix accounts, exchange and course in throw-away
folders, removed afterwards). Two students and the instructor log in through the hub's login page, each in a
browser context of their own. Student A fetches 01 in the Assignments tab, submits the untouched notebook,
then writes ``corr2d`` and submits again (the latest counts); student B submits the untouched notebook. The
hub is restarted in the middle: nobody is logged out, nothing is lost. The instructor runs ``cnn-grade cycle``
(close, collect, grade, feedback, release) and sees both submissions in the formgrader; each student fetches
and opens their own feedback, with their score, and cannot open the other's, the formgrader or the
instructor's server. Screenshots: ``screenshots/hub_*.png``.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect
from throwaway import A01, start_hub, stop_hub, throwaway_class

from classroom.hub import cycle, running_servers

from .jlab import Notebook, shot
from .test_student_flow import CORR2D_RIGHT, cell_with, close_dialog, validate

pytestmark = [pytest.mark.browser, pytest.mark.hub]

NB = "convolution.ipynb"
LAB_ARGS = ("--LabApp.expose_app_in_browser=True",  # lets the tests reach JupyterLab's own commands
            "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate")


@dataclass
class UserServer:
    """A user's server behind the hub, shaped like jlab.Lab for jlab.Notebook."""

    base: str
    user: str

    def url(self, path: str) -> str:
        return f"{self.base}/user/{self.user}/{path.lstrip('/')}"


@pytest.fixture(scope="module")
def klass():
    started = time.monotonic()
    with throwaway_class(assignments=(A01,), spawner_args=LAB_ARGS) as k:
        start_hub(k)
        proc = k.instructor("release_assignment", A01)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        yield k
    print(f"hub cycle module: {time.monotonic() - started:.0f} s including set-up and clean-up")


@pytest.fixture(scope="module")
def people(klass, chromium):
    """A browser context (own cookies) per person, logged in through the login page."""
    contexts = {}
    try:
        for user in [*klass.students, klass.teacher]:
            contexts[user] = chromium.new_context(viewport={"width": 1400, "height": 1000})
            contexts[user].set_default_timeout(60_000)
        yield contexts
    finally:
        for c in contexts.values():
            c.close()


@pytest.fixture(autouse=True)
def _shots_on_failure(request, people):
    """When the test fails, every open tab is saved as ``screenshots/FAILED_hub_<user>_<n>.png``."""
    yield
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        for user, context in people.items():
            for n, page in enumerate(context.pages):
                try:
                    shot(page, f"FAILED_hub_{user}_{n}")
                except Exception as exc:  # noqa: BLE001 - a failed screenshot must not hide the failure
                    print(f"no failure screenshot of {user}: {exc}")


def log_in(klass, context, user: str, name: str):
    page = context.new_page()
    page.goto(f"{klass.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", klass.passwords[user])
    shot(page, f"hub_{name}_01_login")
    page.click("#login_submit")
    page.wait_for_url(re.compile(rf"/user/{user}/lab"), timeout=240_000)
    page.wait_for_function("() => !!window.jupyterapp && !!document.querySelector('.jp-LabShell')", timeout=120_000)
    return page


def assignments_tab(page):
    """Nbgrader > Assignment List, as a student opens it; returns the panel once it has loaded."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Nbgrader$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Assignment List$")).click()
    panel = page.locator("#assignments")
    expect(panel.locator("#released_assignments_list_loading")).to_be_hidden(timeout=60_000)
    return panel


def refresh(panel) -> None:
    panel.locator("#refresh_assignments_list").click()
    expect(panel.locator("#submitted_assignments_list_loading")).to_be_hidden(timeout=60_000)


def fetch(panel, page, name: str) -> None:
    item = panel.locator("#released_assignments_list .list_item", has_text=A01)
    expect(item).to_have_count(1)
    item.get_by_role("button", name="Fetch").click()
    expect(panel.locator("#fetched_assignments_list .list_item", has_text=A01).first).to_be_visible()
    shot(page, f"hub_{name}_02_fetched")


def submit(panel, page, shot_name: str) -> int:
    """Press Submit; return how many submissions the tab then lists."""
    before = panel.locator("#submitted_assignments_list .nested_list_item").count()
    item = panel.locator("#fetched_assignments_list .list_item", has_text=A01).first
    item.get_by_role("button", name="Submit").click()
    expect(panel.locator("#submitted_assignments_list .nested_list_item")).to_have_count(before + 1, timeout=120_000)
    shot(page, shot_name)
    return before + 1


def write_corr2d(klass, page, user: str) -> None:
    server = UserServer(klass.url, user)
    nb = Notebook(page, server, f"{A01}/{NB}").open()
    cell = cell_with(klass.dep.homes / user / A01 / NB, r"^def corr2d\(", solution=True)
    nb.set_source(cell, CORR2D_RIGHT)
    nb.save()
    shot(page, "hub_student_a_03_corr2d_written")
    # Validate (nbgrader's button) runs the notebook in the student's own server: corr2d passes, the rest is to do
    text = validate(page, "failed")
    assert "NotImplementedError" in text, text[:500]
    shot(page, "hub_student_a_03b_validated")
    close_dialog(page)
    nb.close()


def test_whole_cycle(klass, people):
    a, b = klass.students
    t0 = time.monotonic()
    page_a = log_in(klass, people[a], a, "student_a")
    panel_a = assignments_tab(page_a)
    fetch(panel_a, page_a, "student_a")
    assert submit(panel_a, page_a, "hub_student_a_04_first_submit") == 1  # the untouched notebook first
    write_corr2d(klass, page_a, a)
    panel_a = assignments_tab(page_a)
    assert submit(panel_a, page_a, "hub_student_a_05_second_submit") == 2

    page_b = log_in(klass, people[b], b, "student_b")
    panel_b = assignments_tab(page_b)
    fetch(panel_b, page_b, "student_b")
    submit(panel_b, page_b, "hub_student_b_04_submitted")

    # the hub restarts mid-cycle: the students stay logged in and their servers keep running
    servers = running_servers(klass.dep)
    assert len(servers) == 2
    stop_hub(klass)
    start_hub(klass)
    assert running_servers(klass.dep) == servers  # the same processes: no kernel or open notebook lost
    refresh(panel_a)
    expect(panel_a.locator("#submitted_assignments_list .nested_list_item")).to_have_count(2)
    shot(page_a, "hub_student_a_06_after_hub_restart")

    # the instructor: the cycle in one step, then the formgrader
    assert cycle(klass.dep, [A01]) == 0
    scores = graded_scores(klass)
    assert set(scores) == {a, b} and scores[a] > 0 == scores[b], scores
    page_t = log_in(klass, people[klass.teacher], klass.teacher, "instructor")
    page_t.goto(UserServer(klass.url, klass.teacher).url(f"formgrader/manage_submissions/{A01}"))
    rows = page_t.locator("tbody#main-table tr")
    for user, person in ((a, "A, Student"), (b, "B, Student")):  # roster names, as "last, first"
        row = rows.filter(has_text=user)
        expect(row).to_have_count(1)
        expect(row).to_contain_text(person)  # names from the roster
        expect(row).to_contain_text(f"{scores[user]:g} / ")  # graded: cnn-grade's score, not "needs autograding"
    shot(page_t, "hub_instructor_01_formgrader_submissions")

    for user, page, panel, name in ((a, page_a, panel_a, "student_a"), (b, page_b, panel_b, "student_b")):
        other = b if user == a else a
        text = own_feedback(klass, page, panel, user, name)
        total = re.search(r"convolution \(Score: ([\d.]+) / ([\d.]+)\)", text)
        assert total and float(total.group(1)) == scores[user], (user, scores, text[:300])
        assert ("out[i, j] = (X[i:i + kh, j:j + kw] * K).sum()" in text) == (user == a)  # their own code only
        cannot_open_others(klass, page, user, other, name)
    print(f"hub cycle test: {time.monotonic() - t0:.0f} s")


def graded_scores(klass) -> dict[str, float]:
    """Autograded points per student, from cnn-grade's record in the instructor's course."""
    scores = {}
    for marker in (klass.dep.course_dir / "autograded").glob(f"*/{A01}/.cnn-grade.json"):
        results = json.loads(marker.read_text())["results"]
        scores[marker.parent.parent.name] = sum(r.get("score", 0) for r in results.values())
    return scores


def own_feedback(klass, page, panel, user: str, name: str) -> str:
    """Fetch Feedback, view it, open the HTML in JupyterLab; returns the text of the feedback page."""
    refresh(panel)
    panel.get_by_role("button", name="Fetch Feedback").click()
    link = panel.locator("a", has_text="view feedback").last
    expect(link).to_be_visible(timeout=60_000)
    shot(page, f"hub_{name}_07_feedback_fetched")
    link.click()
    entry = page.locator(".jp-DirListing-item", has_text=NB.replace(".ipynb", ".html"))
    expect(entry).to_be_visible()
    entry.dblclick()
    frame = page.frame_locator(".jp-RenderedHTML iframe, iframe.jp-HTMLViewer, .jp-HTMLViewer iframe").first
    body = frame.locator("body")
    expect(body).to_contain_text("Score", timeout=60_000)
    shot(page, f"hub_{name}_08_feedback_open")
    return body.inner_text()


def cannot_open_others(klass, page, user: str, other: str, name: str) -> None:
    """Another student's files, the instructor's server and the formgrader are closed to this student."""
    for path in (f"/user/{other}/files/{A01}/{NB}", f"/user/{other}/lab",
                 f"/user/{klass.teacher}/formgrader", f"/user/{klass.teacher}/api/contents"):
        response = page.request.get(klass.url + path)  # the hub's OAuth answers for the other server
        assert response.status == 403, (path, response.status, response.url)
        assert '"cells"' not in response.text()
    response = page.request.get(klass.url + f"/user/{user}/formgrader")
    assert response.status == 404, response.status  # not even their own formgrader
    page.goto(klass.url + f"/user/{klass.teacher}/formgrader")
    shot(page, f"hub_{name}_09_instructor_server_refused")
