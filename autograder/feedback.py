"""What students see of a grading: an autograded notebook for nbgrader, a table, a standalone HTML page.

Test cells are shown as the student saw them (hidden tests removed) with the verdict as their output. No
hidden test code, hidden input or traceback through a test line ever reaches these.
"""

from __future__ import annotations

import copy
import html
from pathlib import Path

import nbformat
from nbformat.v4 import new_output

from autograder.notebook_cells import grade_id, is_test_cell
from autograder.pipeline.results import NotebookResult, TestResult
from autograder.pipeline.submission import visible_part


def verdict_text(t: TestResult) -> str:
    if t.points is None:
        return f"graded by hand ({t.max_points:g} points)"
    mark = "passed" if t.passed else "failed"
    text = f"{mark}: {t.points:g} / {t.max_points:g} points"
    return text + (f"\n{t.message}" if t.message else "")


def autograded_notebook(source_path: Path, submission: nbformat.NotebookNode,
                        result: NotebookResult) -> nbformat.NotebookNode:
    """The submission with the trusted test cells (visible part) and verdicts, for formgrader and feedback.

    ``submission`` is the student's notebook, or the released one when the submission could not be read.
    """
    source = nbformat.read(source_path, as_version=4)
    by_id = {t.grade_id: t for t in result.tests}
    base = copy.deepcopy(submission)
    src_tests = {grade_id(c): c for c in source.cells if is_test_cell(c)}
    cells = []
    seen = set()
    for i, cell in enumerate(base.cells):
        gid = grade_id(cell)
        if gid in src_tests or is_test_cell(cell):
            if gid not in src_tests or gid in seen:
                continue
            cell = copy.deepcopy(src_tests[gid])
            cell.source = visible_part(cell.source)
            seen.add(gid)
        if cell.get("cell_type") == "code":
            cell.outputs = []
            cell.execution_count = None
            outcome = result.cells.get(i)
            if gid in by_id:
                cell.outputs = [new_output("stream", name="stdout", text=verdict_text(by_id[gid]))]
            elif outcome:
                text = (outcome.get("stdout") or "")[-5000:]
                if not outcome.get("ok"):
                    text += f"\n{outcome.get('ename')}: {outcome.get('evalue')}"
                if text.strip():
                    cell.outputs = [new_output("stream", name="stdout", text=text)]
        cells.append(cell)
    for gid, cell in src_tests.items():          # deleted test cells come back at the end
        if gid not in seen:
            cell = copy.deepcopy(cell)
            cell.source = visible_part(cell.source)
            cell.outputs = [new_output("stream", name="stdout", text=verdict_text(by_id[gid]))]
            cells.append(cell)
    base.cells = cells
    base.metadata.setdefault("kernelspec", source.metadata.get("kernelspec", {}))
    return base


def table(result: NotebookResult) -> str:
    """A plain-text table: one row a test, then the total and the status."""
    rows = [("test", "points", "result", "message")]
    for t in result.tests:
        pts = f"{'-' if t.points is None else format(t.points, 'g')}/{t.max_points:g}"
        res = "manual" if t.passed is None else ("pass" if t.passed else "FAIL")
        rows.append((t.grade_id, pts, res, (t.message or "").splitlines()[0][:90] if t.message else ""))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}".rstrip() for r in rows]
    lines.insert(1, "-" * max(len(x) for x in lines))
    lines.append(f"total {result.score:g} / {result.max_score:g} ({result.status}"
                 + (f": {'; '.join(result.reasons)}" if result.reasons else "") + ")")
    return "\n".join(lines)


def html_page(result: NotebookResult, title: str) -> str:
    """A standalone HTML feedback page."""
    rows = []
    for t in result.tests:
        colour = "#eee" if t.passed is None else ("#d9f2d9" if t.passed else "#f8d7d7")
        pts = "by hand" if t.points is None else f"{t.points:g} / {t.max_points:g}"
        rows.append(f"<tr style='background:{colour}'><td><code>{html.escape(t.grade_id)}</code></td>"
                    f"<td>{pts}</td><td>{html.escape(t.message or ('passed' if t.passed else ''))}</td></tr>")
    reasons = "".join(f"<li>{html.escape(r)}</li>" for r in result.reasons)
    return f"""<!doctype html><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}td,th{{padding:.3em .6em;text-align:left}}</style>
<h1>{html.escape(title)}</h1>
<p><b>{result.score:g} / {result.max_score:g}</b> autograded points · status: {html.escape(result.status)}</p>
{f"<ul>{reasons}</ul>" if reasons else ""}
<table><tr><th>test</th><th>points</th><th>message</th></tr>{''.join(rows)}</table>
"""
