"""Every widget of the course renders in JupyterLab without a JavaScript error, and the offset explorer is driven.

For each release notebook (as a student gets it, from a fresh workspace): open it, run the cells that display
a course widget (and the earlier cells that define what they use), then check the widget view is on the page
and the browser logged no error. A widget that has nothing to show before the student has done an exercise (the
training monitor needs a model and a training loop; its cell says what to implement) is checked again after typing
in those solutions.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .jlab import (
    RELEASE,
    ROOT,
    Notebook,
    nbgrader_cells,
    release_notebooks,
    safe_name,
    shot,
    solutions,
    widget_classes,
    widget_plan,
)

pytestmark = pytest.mark.browser

NOTEBOOKS = release_notebooks()


def test_release_has_notebooks():
    assert NOTEBOOKS, "release/ holds no notebook: run `make release`"


def test_every_widget_is_shown_by_a_notebook():
    """Each widget class in course/widgets is displayed by some release notebook (so the test below covers it)."""
    shown = {name for nb in NOTEBOOKS for name in widget_plan(RELEASE / nb)[2]}
    missing = {name: module for name, module in widget_classes().items() if name not in shown}
    assert not missing, f"widgets no release notebook displays (so not checked in the browser): {missing}"


def widget_shown(nb: Notebook, index: int) -> bool:
    return nb.cell(index).locator(".jp-OutputArea .jupyter-widgets").count() > 0


def waits_for_exercises(nb: Notebook, index: int) -> bool:
    """The cell ran without an error but printed what to implement first (a demo degrading gracefully)."""
    printed = nb.cell(index).locator('.jp-OutputArea [data-mime-type="application/vnd.jupyter.stdout"]')
    return any(text.lstrip().startswith("implement ") for text in printed.all_inner_texts())


def do_the_exercises(nb: Notebook, notebook: Path, cells: list[int]) -> list[int]:
    """Type the source's solutions into the solution cells among ``cells`` and run them; return their indices."""
    answers = solutions(ROOT / "source" / notebook)
    done = []
    for cell in nbgrader_cells(RELEASE / notebook):
        if cell["index"] in cells and cell["solution"] and cell["type"] == "code":
            nb.set_source(cell["index"], answers[cell["grade_id"]])
            nb.run_cell(cell["index"])
            done.append(cell["index"])
    return done


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.parent.name for nb in NOTEBOOKS])
def test_widgets_render_without_js_error(notebook, lab, page):
    widget_cells, to_run, classes = widget_plan(RELEASE / notebook)
    nb = Notebook(page, lab, notebook.as_posix()).open()
    name = safe_name(notebook.parent.name)
    try:
        assert page.js_errors == [], f"JavaScript errors opening {notebook}: {page.js_errors}"
        if not widget_cells:
            shot(page, f"widgets_{name}_opened")
            pytest.skip(f"{notebook} displays no course widget (opened it: no JavaScript error)")
        for index in to_run:
            if index in widget_cells:
                nb.run_cell_until_widget(index)
            else:
                nb.run_cell(index)
        for index in widget_cells:
            errors = [e for e in nb.cell_errors(index) if ": NotImplementedError:" not in e]
            assert errors == [], f"{notebook} cell {index} raised: {errors}"
            if (not widget_shown(nb, index) and nb.cell_errors(index)) or waits_for_exercises(nb, index):
                # the widget needs the student's functions (a model to train, say): do those exercises first
                done = do_the_exercises(nb, notebook, [i for i in to_run if i < index])
                assert done, f"{notebook} cell {index} raised {nb.cell_errors(index)} or waits, but needs no exercise"
                nb.run_cell_until_widget(index)
                errors = [e for e in nb.cell_errors(index) if ": NotImplementedError:" not in e]
                assert errors == [], f"{notebook} cell {index} raised (exercises {done} done): {errors}"
            cell = nb.cell(index)
            cell.scroll_into_view_if_needed()
            view = cell.locator(".jp-OutputArea .jupyter-widgets").first
            expect(view).to_be_visible()
            controls = cell.locator(".jp-OutputArea [class*='widget-']")
            expect(controls.first).to_be_attached()
            expect(cell.locator(".jp-OutputArea")).not_to_contain_text("Error displaying widget")
            # pictures (the filtered photo, the drawn grids, the curves) have arrived from the kernel
            for img in cell.locator("img.widget-image").all():
                expect(img).to_have_attribute("src", re.compile(r"^blob:|^data:"))
            if cell.get_attribute("data-test-done") != "1":  # still running (training): see it update live
                page.wait_for_function("""(i) => {
                    // the cell's node as JupyterLab holds it now (a re-created node has lost its data-test-cell tag)
                    const node = window.jupyterapp.shell.currentWidget.content.widgets[i].node;
                    const srcs = Array.from(node.querySelectorAll('img.widget-image'), img => img.src).join(' ');
                    if (node.dataset.firstSrcs === undefined) node.dataset.firstSrcs = srcs;
                    return node.dataset.testDone === '1' || srcs !== node.dataset.firstSrcs;
                }""", arg=index, timeout=120_000)
            cell.screenshot(path=str(ROOT / "screenshots" / f"widgets_{name}_cell{index}.png"))
        page.wait_for_timeout(300)  # late errors from the widget manager surface after rendering
        assert page.js_errors == [], f"JavaScript errors rendering {classes} in {notebook}: {page.js_errors}"
        shot(page, f"widgets_{name}")
    finally:
        nb.close()  # also stops a training the widget cell may still be running


NB07 = Path("07_backprop_deformable/backprop_deformable.ipynb")


def test_offset_explorer_is_driven(lab, page):
    """Choose a preset, move one tap with the keyboard, change the kernel: both pictures follow the controls."""
    path = RELEASE / NB07
    assert path.exists(), f"release/{NB07} missing: run `make release`"
    widget_cells, to_run, classes = widget_plan(path)
    assert "OffsetExplorer" in classes
    (index,) = [i for i in widget_cells if "OffsetExplorer(" in nbgrader_cells(path)[i]["source"]]
    nb = Notebook(page, lab, NB07.as_posix()).open()
    try:
        for i in [i for i in to_run if i <= index]:
            nb.run_cell(i)
        cell = nb.cell(index)
        cell.scroll_into_view_if_needed()
        zoom, output = cell.locator("img.widget-image").nth(0), cell.locator("img.widget-image").nth(1)
        for img in (zoom, output):
            expect(img).to_have_attribute("src", re.compile(r"^blob:|^data:"))
        status = cell.locator(".widget-html", has_text="taps read")
        preset = cell.locator(".widget-dropdown", has_text="offsets").locator("select")
        expect(preset).to_have_value("rotated (30°)")

        def pictures():
            return zoom.get_attribute("src"), output.get_attribute("src")

        before = pictures()
        preset.select_option("dilated (d = 2)")
        expect(status).to_contain_text("read up to 2.00 pixels")
        expect(zoom).not_to_have_attribute("src", before[0])
        expect(output).not_to_have_attribute("src", before[1])
        cell.screenshot(path=str(ROOT / "screenshots" / "offset_explorer_01_dilated.png"))

        before = pictures()
        handle = cell.locator(".widget-slider", has_text="dy").locator(".noUi-handle")
        handle.focus()
        for _ in range(4):
            handle.press("ArrowRight")      # tap (0, 0): its dy grows from -1 by one step each press
        expect(preset).to_have_value("custom")
        expect(zoom).not_to_have_attribute("src", before[0])
        expect(output).not_to_have_attribute("src", before[1])

        before = pictures()
        cell.locator(".widget-dropdown", has_text="kernel").locator("select").select_option("box blur")
        expect(output).not_to_have_attribute("src", before[1])
        cell.screenshot(path=str(ROOT / "screenshots" / "offset_explorer_02_moved.png"))
        page.wait_for_timeout(300)
        assert page.js_errors == [], f"JavaScript errors driving the offset explorer: {page.js_errors}"
    finally:
        nb.close()
