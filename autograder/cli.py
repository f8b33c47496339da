"""``cnn-grade``: grade a class, check one notebook, report an assignment.

    cnn-grade grade ASSIGNMENT [--student ID ...] [--jobs N]   autograde submitted/ into the gradebook
    cnn-grade check NOTEBOOK [--assignment A]                  self-study: grade one notebook, no gradebook
    cnn-grade report ASSIGNMENT                                CSV with status and reason, plots
    cnn-grade cycle ASSIGNMENT [--keep-open]                   close, collect, grade, release feedback
    cnn-grade doctor                                           what isolation student code gets on this host

Run from the course directory (the folder with nbgrader_config.py), or pass --course DIR.
"""

from __future__ import annotations

import argparse
import csv
import ctypes
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from pathlib import Path

import nbformat

from autograder.feedback import autograded_notebook, html_page, table
from autograder.grading import CRASHED, MISSING, NotebookResult, TestResult, grade_notebook, is_test_cell, nbmeta
from autograder.sandbox import Limits, allow_no_isolation, isolation
from autograder.sandbox.isolation import RISKS

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
MARKER = ".cnn-grade.json"


def course_dir(arg: str | None) -> Path:
    if arg:
        return Path(arg).resolve()
    here = Path.cwd()
    return here if (here / "nbgrader_config.py").exists() else PACKAGE_ROOT


def secret_paths(course: Path) -> list[Path]:
    """What a submission must never see: sources, other submissions, grades, history."""
    names = ["source", "submitted", "autograded", "feedback", "gradebook.db", ".git", "reports"]
    paths = {(root / n) for root in {course, PACKAGE_ROOT} for n in names}
    return sorted(p for p in paths if p.exists())


def _start_worker(threads: int) -> None:
    """Set up a grading process: it ends when the grader is killed (Linux), so a rerun never races old workers;
    its torch uses its share of the cores (two processes with two spinning OpenMP threads each on two cores
    grade slower than one)."""
    try:
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass
    os.environ["OMP_NUM_THREADS"] = str(threads)
    import torch

    torch.set_num_threads(threads)


def digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.name.encode())
        h.update(p.read_bytes() if p.exists() else b"<missing>")
    return h.hexdigest()


def missing_result(source_nb: Path, status: str = MISSING, reason: str = "", message: str = "not submitted"
                   ) -> NotebookResult:
    """A result with no autograded point: the notebook was not submitted (or could not be graded: ``status``)."""
    src = nbformat.read(source_nb, as_version=4)
    result = NotebookResult(notebook=source_nb.name)
    result.flag(status, reason or f"{source_nb.name} was not submitted")
    for c in src.cells:
        m = nbmeta(c)
        if m.get("grade"):
            auto = is_test_cell(c)
            result.tests.append(TestResult(m["grade_id"], float(m.get("points", 0)), 0.0 if auto else None,
                                           False if auto else None, message))
    return result


def grade_submission(course: Path, assignment: str, student: str, limits: Limits) -> dict[str, dict]:
    """Grade every notebook of one submission and write its autograded copies; returns results as JSON."""
    out: dict[str, dict] = {}
    hide = secret_paths(course)
    for source_nb in sorted((course / "source" / assignment).glob("*.ipynb")):
        submitted = course / "submitted" / student / assignment / source_nb.name
        if not submitted.exists():
            result = missing_result(source_nb)
        else:
            result = grade_notebook(source_nb, submitted, limits=limits, hide=hide)
        write_autograded(course, assignment, student, source_nb, result)
        out[source_nb.stem] = result.to_json()
    return out


def write_autograded(course: Path, assignment: str, student: str, source_nb: Path, result: NotebookResult) -> None:
    """autograded/<student>/<assignment>/<notebook>: the submission (or the release) with the verdicts."""
    dest = course / "autograded" / student / assignment
    dest.mkdir(parents=True, exist_ok=True)
    submitted = course / "submitted" / student / assignment / source_nb.name
    try:
        base = nbformat.read(submitted, as_version=4)
        if not isinstance(base.get("cells"), list) or result.status == "invalid notebook":
            raise ValueError
    except Exception:  # noqa: BLE001 - unreadable: show the released version with the verdicts
        base = nbformat.read(course / "release" / assignment / source_nb.name, as_version=4)
    nbformat.write(autograded_notebook(source_nb, base, result), dest / source_nb.name)


def crashed_submission(course: Path, assignment: str, student: str, reason: str) -> dict[str, dict]:
    """The verdict on a submission whose grading process died under it twice: crashed, no point, the reason."""
    out = {}
    for source_nb in sorted((course / "source" / assignment).glob("*.ipynb")):
        result = missing_result(source_nb, CRASHED, reason, "not graded: the grading process died")
        write_autograded(course, assignment, student, source_nb, result)
        out[source_nb.stem] = result.to_json()
    return out


def _from_json(d: dict) -> NotebookResult:
    r = NotebookResult(notebook=d["notebook"], status=d["status"], reasons=list(d["reasons"]),
                       timings=dict(d.get("timings", {})))
    r.tests = [TestResult(**t) for t in d["tests"]]
    return r


def isolation_allowed(args) -> bool:
    """True when student code may run: isolated, or without isolation because --no-isolation says so."""
    if getattr(args, "no_isolation", False):
        allow_no_isolation()
        print(f"WARNING: --no-isolation: {RISKS}. Grade only notebooks you trust this way.", file=sys.stderr)
        return True
    iso = isolation()
    if not iso.isolated:
        print(f"error: {iso.refusal()}", file=sys.stderr)
    else:
        print(f"sandbox: {iso.summary}")
    return iso.isolated


def cmd_grade(args) -> int:
    from tqdm.auto import tqdm

    from autograder.gradebook_io import known_notebooks, save

    course = course_dir(args.course)
    if not isolation_allowed(args):
        return 2
    db_url = f"sqlite:///{course / 'gradebook.db'}"
    if not known_notebooks(db_url, args.assignment):
        print(f"error: {args.assignment} is not in the gradebook; run `nbgrader generate_assignment "
              f"{args.assignment}` (make release) first", file=sys.stderr)
        return 2
    subdir = course / "submitted"
    students = args.student or sorted(q.parent.name for q in subdir.glob(f"*/{args.assignment}") if q.is_dir())
    todo, skipped = {}, 0
    for student in students:
        files = sorted((subdir / student / args.assignment).glob("*.ipynb"))
        marker = course / "autograded" / student / args.assignment / MARKER
        if not args.force and marker.exists():
            try:
                if json.loads(marker.read_text()).get("digest") == digest(files):
                    skipped += 1
                    continue
            except (ValueError, OSError):
                pass
        todo[student] = digest(files)
    limits = Limits(cell_seconds=args.cell_timeout, notebook_seconds=args.notebook_timeout)
    jobs = max(1, args.jobs or os.cpu_count() or 1)
    print(f"{args.assignment}: {len(todo)} to grade, {skipped} already graded, {jobs} in parallel")
    summary, errors = [], []
    progress = tqdm(total=len(todo), unit="submission", disable=args.quiet)

    def record(student: str, results: dict) -> None:   # a verdict: into the gradebook, then the resume marker
        save(db_url, args.assignment, student, {k: _from_json(v) for k, v in results.items()})
        marker = course / "autograded" / student / args.assignment / MARKER
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps({"digest": todo[student], "results": results}, indent=1))
        summary.append((student, results))
        progress.update()

    def failed(student: str, error: str) -> None:      # a grader error: no marker, so a rerun grades it
        errors.append((student, error))
        progress.update()

    def crashed(student: str, reason: str) -> None:
        record(student, crashed_submission(course, args.assignment, student, reason))

    threads = max(1, (os.cpu_count() or 1) // jobs)
    grade_in_processes(list(todo), partial(grade_submission, course, args.assignment, limits=limits), jobs,
                       threads, record, failed, crashed)
    progress.close()
    for student, results in sorted(summary):
        for nb, r in results.items():
            print(f"  {student:20s} {nb:24s} {r.get('score', 0):>6g}/{r.get('max_score', 0):<6g} {r['status']}"
                  + (f" ({'; '.join(r['reasons'])[:120]})" if r["reasons"] else ""))
    for student, error in sorted(errors):
        print(f"  {student:20s} GRADER ERROR, not graded (run grade again): {error[:300]}")
    return 1 if errors else 0


# --- grading processes: a process that dies takes only its own submission with it ------------------------------
# (kept apart: the process pool is the part a distributed scheduler replaces)

def _start_and_run(work: Callable[[str], dict], student: str, started: Path) -> dict:
    started.touch()   # so the parent knows which submissions were in flight if this process dies
    return work(student)


def _run_alone(conn, work: Callable[[str], dict], student: str, threads: int) -> None:
    _start_worker(threads)
    try:
        conn.send(("ok", work(student)))
    except Exception as exc:  # noqa: BLE001 - reported as a grader error
        conn.send(("error", f"{type(exc).__name__}: {exc}"))


def _how_it_died(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name if -exitcode in signal.Signals._value2member_map_ else str(-exitcode)
        return f"killed by {name}"
    return f"exit code {exitcode}"


def grade_in_processes(students: list[str], work: Callable[[str], dict], jobs: int, threads: int,
                       on_result: Callable[[str, dict], None], on_error: Callable[[str, str], None],
                       on_crash: Callable[[str, str], None]) -> None:
    """``work(student)`` for every student in ``jobs`` grading processes.

    A grading process that dies (killed by the notebook it grades, the OOM killer, a crash in torch) breaks the
    pool: submissions not started yet go to a fresh pool; each one in flight is graded once more in a process of
    its own, and if that process dies too, ``on_crash(student, reason)``. An exception from ``work`` is a grader
    error (``on_error``), never a verdict.
    """
    context = multiprocessing.get_context("spawn")   # not fork: a forked torch thread pool can deadlock
    pending, suspects = list(students), []
    while pending:
        flags = Path(tempfile.mkdtemp(prefix="cnn-grade-started-"))
        broken = []
        with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(threads,),
                                 mp_context=context) as pool:
            futures = {pool.submit(_start_and_run, work, s, flags / str(i)): s for i, s in enumerate(pending)}
            for fut in as_completed(futures):
                student = futures[fut]
                try:
                    on_result(student, fut.result())
                except BrokenProcessPool:
                    broken.append(student)
                except Exception as exc:  # noqa: BLE001 - one broken submission never stops the batch
                    on_error(student, f"{type(exc).__name__}: {exc}")
        in_flight = {s for i, s in enumerate(pending) if (flags / str(i)).exists() and s in broken}
        shutil.rmtree(flags, ignore_errors=True)
        if broken and not in_flight:   # no process ever started a submission: retrying would loop forever
            for student in broken:
                on_error(student, "the grading processes died before grading anything")
            break
        suspects += sorted(in_flight)
        pending = [s for s in broken if s not in in_flight]
    for student in suspects:
        parent, child = context.Pipe(duplex=False)
        proc = context.Process(target=_run_alone, args=(child, work, student, threads))
        proc.start()
        child.close()
        try:
            kind, value = parent.recv()
        except EOFError:
            proc.join()
            on_crash(student, "its grading process died while grading it, twice (the second time alone: "
                              f"{_how_it_died(proc.exitcode)}); a notebook that kills the grader or exhausts "
                              "the machine's memory does this")
            continue
        proc.join()
        (on_result if kind == "ok" else on_error)(student, value)


def find_source(notebook: Path, course: Path, assignment: str | None) -> Path:
    assignment = assignment or notebook.resolve().parent.name
    candidate = course / "source" / assignment / notebook.name
    if not candidate.exists():
        raise SystemExit(f"error: no source notebook {candidate}; pass --assignment NAME or --course DIR")
    return candidate


def cmd_check(args) -> int:
    course = course_dir(args.course)
    notebook = Path(args.notebook)
    if not notebook.exists():
        print(f"error: {notebook} does not exist", file=sys.stderr)
        return 2
    source = find_source(notebook, course, args.assignment)
    if not isolation_allowed(args):
        return 2
    limits = Limits(cell_seconds=args.cell_timeout, notebook_seconds=args.notebook_timeout)
    result = grade_notebook(source, notebook, limits=limits, hide=secret_paths(course))
    print(table(result))
    out = Path(args.html) if args.html else notebook.with_suffix(".feedback.html")
    out.write_text(html_page(result, f"{notebook.name}: feedback"))
    print(f"feedback: {out}")
    return 1 if result.status == "invalid notebook" else 0


def cmd_doctor(args) -> int:
    from autograder.sandbox.doctor import report

    text, isolated = report(tuple(str(p) for p in secret_paths(course_dir(args.course))))
    print(text)
    return 0 if isolated else 1


def cmd_report(args) -> int:
    course = course_dir(args.course)
    rows = []
    test_ids: list[str] = []
    for marker in sorted((course / "autograded").glob(f"*/{args.assignment}/{MARKER}")):
        student = marker.parent.parent.name
        data = json.loads(marker.read_text())
        for nb, r in data["results"].items():
            tests = {t["grade_id"]: t for t in r.get("tests", [])}
            test_ids += [t for t in tests if t not in test_ids]
            rows.append({"student": student, "notebook": nb, "status": r["status"],
                         "reason": "; ".join(r["reasons"]), "score": r.get("score", 0),
                         "max_score": r.get("max_score", 0),
                         **{t: tests[t]["points"] for t in tests}})
    graded = {r["student"] for r in rows}
    for sub in sorted((course / "submitted").glob(f"*/{args.assignment}")):
        if sub.parent.name not in graded:
            rows.append({"student": sub.parent.name, "notebook": "", "status": "not graded",
                         "reason": "run cnn-grade grade", "score": 0, "max_score": 0})
    outdir = course / "reports" / args.assignment
    outdir.mkdir(parents=True, exist_ok=True)
    fields = ["student", "notebook", "status", "reason", "score", "max_score", *test_ids]
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

    scores = [r["score"] for r in rows if r["status"] != "not graded"]
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cnn-grade", description=__doc__.splitlines()[0])
    parser.add_argument("--course", help="course directory (default: here if it has nbgrader_config.py)")
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="autograde submitted/*/ASSIGNMENT into the gradebook")
    g.add_argument("assignment")
    g.add_argument("--student", nargs="+", help="only these students")
    g.add_argument("--jobs", type=int, default=0, help="submissions graded at once (default: number of cores)")
    g.add_argument("--force", action="store_true", help="grade again even if already graded")
    g.add_argument("--quiet", action="store_true", help="no progress bar")
    c = sub.add_parser("check", help="self-study: grade one notebook against the hidden tests")
    c.add_argument("notebook")
    c.add_argument("--assignment", help="default: the notebook's folder name")
    c.add_argument("--html", help="where to write the HTML feedback (default: NOTEBOOK.feedback.html)")
    for p in (g, c):
        p.add_argument("--cell-timeout", type=float, default=60.0, help="seconds per cell or call (default 60)")
        p.add_argument("--notebook-timeout", type=float, default=600.0, help="seconds per notebook (default 600)")
        p.add_argument("--no-isolation", action="store_true",
                       help="run student code without any isolation where none is possible (trusted notebooks "
                            "only: it can then read and change everything you can)")
    r = sub.add_parser("report", help="CSV with a status and reason per submission, and plots")
    r.add_argument("assignment")
    sub.add_parser("doctor", help="what isolation student code gets here, which limits hold, what it sees")
    from autograder.cycle import add_parser as add_cycle

    add_cycle(sub)
    args = parser.parse_args(argv)
    if hasattr(args, "func"):
        return args.func(args)
    commands = {"grade": cmd_grade, "check": cmd_check, "report": cmd_report, "doctor": cmd_doctor}
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
