"""Browser tests: a real JupyterLab server and Debian's Chromium driven by Playwright.

Fixtures of this package (set up once, torn down after the last browser test) start JupyterLab on
127.0.0.1 (free port, random token) in a temporary copy of the student workspace, and one headless
Chromium with a fresh profile; both are always stopped. The instructor's course copy (with a gradebook)
is generated in the background while the student tests run; its server is started only by the test that
needs it, which runs last.

Chromium comes from Debian (``make browser-deps``; Playwright's own browser download is not used) and
Playwright for Python from ``requirements-dev.txt``. Run ``.venv/bin/pytest tests/browser -q``; deselect
with ``-m 'not browser'``. Screenshots of every step go to ``screenshots/`` (``FAILED_<test>.png`` when a
test fails). ``CNN_RELEASE_DIR=DIR`` makes the workspace from another release folder (to try notebooks
generated elsewhere before they are released).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from .jlab import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LATENCY,
    RELEASE,
    ROOT,
    SCREENSHOTS,
    Lab,
    safe_name,
    shot,
    start_lab,
    stop_lab,
)

INSTRUCTOR_COURSE = "instructor_course"


def pytest_collection_modifyitems(items):
    """Among the browser tests, those that need the instructor's course run last: it is built meanwhile."""
    here = Path(__file__).parent
    slots = [i for i, item in enumerate(items) if here in Path(str(item.path)).parents]
    ours = sorted((items[i] for i in slots), key=lambda item: INSTRUCTOR_COURSE in getattr(item, "fixturenames", ()))
    for i, item in zip(slots, ours, strict=True):
        items[i] = item


def build_course(course: Path) -> tuple[Path, list[str]]:
    """A copy of the course (nbgrader_config.py, source/) with every assignment generated into its gradebook."""
    from autograder.release import assignments, generate_elsewhere

    course.mkdir()
    names = assignments(ROOT)
    for name in names:
        generate_elsewhere(name, course)
    return course, names


@pytest.fixture(scope="package")
def browser_tmp() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="cnn-browser-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="package")
def workspace(browser_tmp: Path) -> Path:
    """A fresh student workspace: ``python -m course.workspace`` into a temporary folder."""
    from course.workspace import sync_workspace

    ws = browser_tmp / "ws"
    copied, _ = sync_workspace(RELEASE, ws)
    assert copied, "release/ holds no notebooks"
    return ws


@pytest.fixture(scope="package", autouse=True)
def _course_build(request, browser_tmp: Path) -> Iterator[Future | None]:
    """Start ``build_course`` in a thread at the first browser test if a selected test needs the course."""
    if not any(INSTRUCTOR_COURSE in getattr(item, "fixturenames", ()) for item in request.session.items):
        yield None
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool.submit(build_course, browser_tmp / "course")


@pytest.fixture(scope="package")
def instructor_course(_course_build: Future | None) -> tuple[Path, list[str]]:
    """``(course root, assignment names)``: the course copy with its gradebook, once generated."""
    assert _course_build is not None
    return _course_build.result(timeout=900)


@pytest.fixture(scope="package")
def lab(workspace: Path, browser_tmp: Path) -> Iterator[Lab]:
    """JupyterLab serving the temporary student workspace (as ``make lab`` does)."""
    server = start_lab(workspace, browser_tmp / "lab-home")
    try:
        yield server
    finally:
        stop_lab(server)


@pytest.fixture(scope="package")
def chromium():
    """Headless Debian Chromium driven by Playwright (one per package; each test tab gets its own context)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` (apt-get install chromium)")
    try:
        from playwright import sync_api
    except ImportError:
        pytest.fail("Playwright is missing: pip install -r requirements-dev.txt (make test does)")
    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        sync_api.expect.set_options(timeout=30_000)  # generous: the machine may be busy
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="package")
def browser_context(chromium):
    """A fresh browser profile (cookies, storage) for the single-user JupyterLab tests."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(60_000)
    try:
        yield context
    finally:
        context.close()


def pytest_terminal_summary(terminalreporter, config):
    if LATENCY in config.stash:
        terminalreporter.write_line(config.stash[LATENCY])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser_context, request):
    """A new tab; console errors and uncaught exceptions are collected in ``page.js_errors``.

    When the test fails, the tab is saved as ``screenshots/FAILED_<test>.png``.
    """
    page = browser_context.new_page()
    page.js_errors = []
    page.on("console", lambda m: page.js_errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: page.js_errors.append(f"pageerror: {e}"))
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        try:
            shot(page, f"FAILED_{safe_name(request.node.name)}")
        except Exception as exc:  # noqa: BLE001 - a failed screenshot must not hide the test's failure
            print(f"no failure screenshot: {exc}")
    page.close()
