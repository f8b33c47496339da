"""``cnn-grade``: grade a class, check one notebook, report an assignment, export grades.

    cnn-grade grade ASSIGNMENT [--student ID ...] [--jobs N]   autograde submitted/ into the gradebook
              [--scheduler ADDRESS [--tls-*]] [--db URL]       ... on a Dask cluster, into another gradebook
    cnn-grade worker ADDRESS [--nworkers N]                    a grading worker of a Dask cluster
    cnn-grade check NOTEBOOK [--assignment A]                  self-study: grade one notebook, no gradebook
    cnn-grade report ASSIGNMENT                                CSV with status and reason, plots
    cnn-grade export --format canvas|long [--roster CSV]       grades out, for an LMS or for analysis
    cnn-grade cycle ASSIGNMENT [--keep-open]                   close, collect, grade, release feedback
    cnn-grade doctor                                           what isolation student code gets on this host

Run from the course directory (the folder with nbgrader_config.py), or pass --course DIR.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.batch import MARKER, cmd_grade
from autograder.course_layout import course_dir
from autograder.course_settings import load_config
from autograder.feedback import html_page, table
from autograder.hidden_paths import secret_paths
from autograder.pipeline import grade_notebook
from autograder.sandbox.isolation import isolation_allowed
from autograder.settings import add_limit_options, configure_logging, limits_from

__all__ = ["MARKER", "main", "secret_paths", "course_dir"]


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
    limits = limits_from(args, load_config(course))
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


def _no_isolation_option(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--no-isolation", action="store_true",
                   help=f"{what} without any isolation where none is possible (trusted notebooks only: student "
                        "code can then read and change everything the grading user can)")


def _grade_options(g: argparse.ArgumentParser) -> None:
    g.add_argument("assignment")
    g.add_argument("--student", nargs="+", help="only these students")
    g.add_argument("--jobs", type=int, default=0,
                   help="grading processes of the embedded cluster (default: number of cores)")
    g.add_argument("--force", action="store_true", help="grade again even if already graded")
    g.add_argument("--quiet", action="store_true", help="no progress bar")
    g.add_argument("--db", help="gradebook URL (default: CourseDirectory.db_url of nbgrader_config.py)")
    g.add_argument("--scheduler", metavar="ADDRESS",
                   help="grade on this running Dask cluster (default: an embedded one on this machine)")
    g.add_argument("--pool", choices=["dask", "local-processes"], default="dask",
                   help="local-processes: the pre-Dask process pool (benchmark baseline)")
    g.add_argument("--connect-timeout", type=float, default=20.0, help="seconds to reach the scheduler")
    g.add_argument("--worker-timeout", type=float, default=60.0, help="seconds to wait for a first worker")
    _tls_options(g)


def _tls_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--tls-ca-file", help="Dask TLS: CA certificate (default: Dask's distributed.comm.tls config)")
    p.add_argument("--tls-cert", help="Dask TLS: this side's certificate")
    p.add_argument("--tls-key", help="Dask TLS: this side's private key")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cnn-grade", description=__doc__.splitlines()[0])
    parser.add_argument("--course", help="course directory (default: here if it has nbgrader_config.py)")
    parser.add_argument("--verbose", action="store_true", help="log what the grader does (logger 'autograder')")
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="autograde submitted/*/ASSIGNMENT into the gradebook")
    _grade_options(g)
    c = sub.add_parser("check", help="self-study: grade one notebook against the hidden tests")
    c.add_argument("notebook")
    c.add_argument("--assignment", help="default: the notebook's folder name")
    c.add_argument("--html", help="where to write the HTML feedback (default: NOTEBOOK.feedback.html)")
    for p in (g, c):
        add_limit_options(p)
        _no_isolation_option(p, "run student code (here, and on cluster workers that cannot isolate it)")
    r = sub.add_parser("report", help="CSV with a status and reason per submission, and plots")
    r.add_argument("assignment")
    w = sub.add_parser("worker", help="a Dask worker that grades: `dask worker ADDRESS` with our setup (other "
                                      "options go to dask worker)")
    w.add_argument("address")
    w.add_argument("--nworkers", type=int, default=1, help="grading processes on this host (default 1)")
    _no_isolation_option(w, "grade")
    _tls_options(w)
    e = sub.add_parser("export", help="grades out: Canvas import CSV, or one row per student and assignment")
    e.add_argument("--format", choices=["canvas", "long"], default="canvas")
    e.add_argument("--out", help="output CSV (default: grades-FORMAT.csv)")
    e.add_argument("--assignment", nargs="+", help="only these assignments")
    e.add_argument("--roster", help="Canvas gradebook export to match students against (canvas format)")
    e.add_argument("--db", help="gradebook URL (default: CourseDirectory.db_url of nbgrader_config.py)")
    sub.add_parser("doctor", help="what isolation student code gets here, which limits hold, what it sees")
    from autograder.cycle import add_parser as add_cycle

    add_cycle(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "worker":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.dask_args = extra
    configure_logging(args.verbose)
    if args.command == "grade":
        args.course_path = course_dir(args.course)
        return cmd_grade(args)
    if args.command == "worker":
        from autograder.grading_worker import worker_main

        return worker_main(args)
    if args.command == "export":
        from autograder.export import cmd_export

        return cmd_export(args)
    if args.command == "doctor":
        return cmd_doctor(args)
    if hasattr(args, "func"):   # cnn-grade cycle
        return args.func(args)
    if args.command == "report":
        from autograder.report import cmd_report

        return cmd_report(args)
    return cmd_check(args)


if __name__ == "__main__":
    sys.exit(main())
