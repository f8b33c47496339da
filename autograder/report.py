"""``cnn-grade report ASSIGNMENT``: one CSV row a graded notebook (status, reason, late penalty, points per
test), submissions not graded yet or not gradable listed with the reason, and two plots."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from autograder.batch import ERROR_MARKER, MARKER


def marker_rows(course: Path, assignment: str) -> tuple[list[dict], list[str]]:
    """Rows from the resume markers (graded) and error markers (not gradable), and the test ids seen."""
    rows: list[dict] = []
    test_ids: list[str] = []
    for folder in sorted((course / "autograded").glob(f"*/{assignment}")):
        student = folder.parent.name
        if (folder / MARKER).exists():
            data = json.loads((folder / MARKER).read_text())
            penalties = (data.get("late") or {}).get("penalty", {})
            for nb, r in data["results"].items():
                tests = {t["grade_id"]: t for t in r.get("tests", [])}
                test_ids += [t for t in tests if t not in test_ids]
                rows.append({"student": student, "notebook": nb, "status": r["status"],
                             "reason": "; ".join(r["reasons"]), "score": r.get("score", 0),
                             "max_score": r.get("max_score", 0), "late_penalty": penalties.get(nb, 0.0),
                             **{t: tests[t]["points"] for t in tests}})
        elif (folder / ERROR_MARKER).exists():
            error = json.loads((folder / ERROR_MARKER).read_text())["results"]["_error"]
            rows.append({"student": student, "notebook": "", "status": error["status"],
                         "reason": "; ".join(error["reasons"]), "score": 0, "max_score": 0, "late_penalty": 0.0})
    return rows, test_ids


def cmd_report(args) -> int:
    from autograder.course_layout import course_dir

    course = course_dir(args.course)
    rows, test_ids = marker_rows(course, args.assignment)
    seen = {r["student"] for r in rows}
    for sub in sorted((course / "submitted").glob(f"*/{args.assignment}")):
        if sub.parent.name not in seen:
            rows.append({"student": sub.parent.name, "notebook": "", "status": "not graded",
                         "reason": "run cnn-grade grade", "score": 0, "max_score": 0, "late_penalty": 0.0})
    outdir = course / "reports" / args.assignment
    outdir.mkdir(parents=True, exist_ok=True)
    fields = ["student", "notebook", "status", "reason", "score", "max_score", "late_penalty", *test_ids]
    with open(outdir / "grades.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    _plots(rows, test_ids, outdir, args.assignment)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    print(f"{outdir / 'grades.csv'}: {len(rows)} row(s); " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
    print(f"plots: {outdir / 'score_distribution.png'}, {outdir / 'pass_rate.png'}")
    return 0


def _plots(rows: list[dict], test_ids: list[str], outdir: Path, assignment: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scores = [r["score"] for r in rows if r["notebook"]]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.hist(scores, bins=min(20, max(5, len(set(scores)))), color="tab:blue", edgecolor="white")
    ax.set(title=f"{assignment}: score distribution (n={len(scores)})", xlabel="autograded points", ylabel="students")
    fig.tight_layout()
    fig.savefig(outdir / "score_distribution.png", dpi=100)
    plt.close(fig)
    rates = []
    for t in test_ids:
        vals = [r.get(t) for r in rows if r.get(t) is not None or t in r]
        auto = [v for v in vals if v is not None]
        if auto:
            rates.append((t, sum(1 for v in auto if v > 0) / len(auto)))
    fig, ax = plt.subplots(figsize=(7, 0.3 * len(rates) + 1.2))
    ax.barh([t for t, _ in rates], [r for _, r in rates], color="tab:green")
    ax.set(xlim=(0, 1), title=f"{assignment}: pass rate per test", xlabel="fraction of submissions passing")
    ax.invert_yaxis()
    fig.tight_layout()
    fig.savefig(outdir / "pass_rate.png", dpi=100)
    plt.close(fig)


