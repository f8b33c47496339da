"""``cnn-grade grade``: the coordinator. It plans the batch (what is left to grade), sends each submission as a
self-contained task to the grading pool, and alone writes the gradebook (one session per batch), the
autograded notebooks and the resume markers, in that order, as results come back.

A marker ``autograded/<student>/<assignment>/.cnn-grade.json`` holds the result and a digest of the submitted
files; a rerun skips every submission whose marker matches, so after any interruption it grades only what is
left and nothing twice. A submission the grader could not grade (its grading process died on every try, or a
grader error) gets no marker, only ``.cnn-grade-error.json`` with the reason: a rerun tries it again, and the
command exits with status 1 so that nobody takes the batch for complete.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import time
from functools import partial
from pathlib import Path

from autograder.course_settings import course_settings
from autograder.deadlines import LatePolicy, read_timestamp
from autograder.grading_pool import PoolError, killed_reason
from autograder.grading_task import make_payload
from autograder.hidden_paths import secret_paths
from autograder.pipeline.results import NotebookResult
from autograder.sandbox.limits import Limits
from autograder.settings import limits_from

MARKER = ".cnn-grade.json"
ERROR_MARKER = ".cnn-grade-error.json"
#: files of a submission that ``nbgrader autograde`` copies beside the graded notebooks, and so do we: feedback
#: needs them (release_feedback names each feedback file by a hash of the submission's secret)
SUBMISSION_FILES = ("timestamp.txt", "submission_secret.txt")
log = logging.getLogger(__name__)


def digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.name.encode())
        h.update(p.read_bytes() if p.exists() else b"<missing>")
    return h.hexdigest()


def submitted_files(course: Path, assignment: str, student: str) -> list[Path]:
    folder = course / "submitted" / student / assignment
    stamp = folder / "timestamp.txt"
    return sorted(folder.glob("*.ipynb")) + ([stamp] if stamp.exists() else [])


def plan(course: Path, assignment: str, students: list[str] | None, force: bool) -> tuple[list, int]:
    """[(student, digest)] still to grade, and how many are already graded."""
    subdir = course / "submitted"
    students = list(dict.fromkeys(students)) if students else sorted(
        q.parent.name for q in subdir.glob(f"*/{assignment}") if q.is_dir())
    todo, skipped = [], 0
    for student in students:
        dig = digest(submitted_files(course, assignment, student))
        marker = course / "autograded" / student / assignment / MARKER
        if not force and marker.exists():
            try:
                if json.loads(marker.read_text()).get("digest") == dig:
                    skipped += 1
                    continue
            except (ValueError, OSError):
                pass
        log.debug("%s: to grade (%s)", student, "forced" if force else "no marker for this digest")
        todo.append((student, dig))
    return todo, skipped


def security(args):
    """Dask's TLS settings: the command's --tls-* options, else Dask's configuration (``distributed.comm.tls``)."""
    from distributed.security import Security

    if args.tls_ca_file or args.tls_cert or args.tls_key:
        return Security(tls_ca_file=args.tls_ca_file, tls_client_cert=args.tls_cert, tls_client_key=args.tls_key,
                        require_encryption=True)
    return Security()


def open_pool(args, hide: list[str]):
    from autograder.grading_pool import ProcessPool, embedded_cluster, existing_cluster

    jobs = max(1, args.jobs or os.cpu_count() or 1)
    threads = max(1, (os.cpu_count() or 1) // jobs)
    if args.scheduler:
        return existing_cluster(args.scheduler, security(args), args.connect_timeout, args.worker_timeout,
                                args.no_isolation)
    if args.pool == "local-processes":
        return ProcessPool(jobs, threads, hide)
    return embedded_cluster(jobs, threads, hide)


class Recorder:
    """Writes what comes back, in order: autograded notebooks, gradebook, then the marker."""

    def __init__(self, course: Path, assignment: str, session) -> None:
        self.course, self.assignment, self.session = course, assignment, session

    def folder(self, student: str) -> Path:
        out = self.course / "autograded" / student / self.assignment
        out.mkdir(parents=True, exist_ok=True)
        return out

    def failed(self, student: str, exc: BaseException) -> dict:
        reason = killed_reason(exc) or f"grader error: {type(exc).__name__}: {exc}"
        log.warning("%s: not graded: %s", student, reason)
        error = {"status": "crashed", "reasons": [reason]}
        (self.folder(student) / ERROR_MARKER).write_text(json.dumps({"results": {"_error": error}}, indent=1))
        return {"_error": error}

    def graded(self, student: str, dig: str, value: dict) -> dict:
        started = time.perf_counter()
        out = self.folder(student)
        for name, text in value["autograded"].items():
            (out / name).write_text(text)
        submission_dir = self.course / "submitted" / student / self.assignment
        for name in SUBMISSION_FILES:   # regular files only: a link could point at anything the grader can read
            if (submission_dir / name).is_file() and not (submission_dir / name).is_symlink():
                shutil.copy2(submission_dir / name, out / name)
        submitted = [nb for nb in value["results"] if (submission_dir / f"{nb}.ipynb").exists()]
        results = {nb: NotebookResult.from_json(r) for nb, r in value["results"].items()}
        late = self.session.save(student, results, submitted, read_timestamp(submission_dir))
        (out / MARKER).write_text(json.dumps({
            "digest": dig, "results": value["results"], "late": late, "worker": value.get("worker"),
            "seconds": {"worker": value.get("seconds"), "coordinator": round(time.perf_counter() - started, 3)},
        }, indent=1))
        (out / ERROR_MARKER).unlink(missing_ok=True)
        for nb, r in value["results"].items():
            r["late_penalty"] = late["penalty"].get(nb, 0.0)
        log.debug("%s: recorded in %.3f s (graded in %s s by %s)", student, time.perf_counter() - started,
                  value.get("seconds"), value.get("worker"))
        return value["results"]


def line(student: str, nb: str, r: dict) -> str:
    penalty = r.get("late_penalty") or 0
    text = (f"  {student:20s} {nb:24s} {r.get('score', 0):>6g}/{r.get('max_score', 0):<6g} {r['status']}"
            + (f", late penalty -{penalty:g}" if penalty else ""))
    return text + (f" ({'; '.join(r['reasons'])[:120]})" if r["reasons"] else "")


def check_timestamps(course: Path, assignment: str, todo: list) -> tuple[list, list[str]]:
    """Drop submissions whose timestamp.txt is unreadable (stock nbgrader stops there too), saying why."""
    ok, bad = [], []
    for student, dig in todo:
        try:
            read_timestamp(course / "submitted" / student / assignment)
            ok.append((student, dig))
        except ValueError as exc:
            bad.append(f"  {student:20s} not graded: {exc}")
    return ok, bad


def cmd_grade(args) -> int:
    from autograder.grading_pool import Opening
    from autograder.sandbox.isolation import isolation_allowed

    course, assignment = args.course_path, args.assignment
    if not args.scheduler and not isolation_allowed(args):
        return 2
    todo, skipped = plan(course, assignment, args.student, args.force)
    hide = [str(p) for p in secret_paths(course)]
    log.debug("course %s: %d to grade, %d already graded", course, len(todo), skipped)
    # the pool's processes start (or the cluster is reached) while this thread reads the settings and the gradebook
    opening = Opening(partial(open_pool, args, hide)) if todo else None
    missing, ok = None, False
    try:
        todo, bad = check_timestamps(course, assignment, todo)
        settings = course_settings(course, args.db)
        limits = limits_from(args, settings.config)  # a wrong limit stops the command before anything is graded
        log.debug("limits %s", limits)
        missing = not_in_gradebook(settings, assignment)
        ok = missing is None and bool(todo)
    finally:
        if opening is not None and not ok:
            opening.discard()
    if missing:
        print(missing, file=sys.stderr)
        return 2
    if not todo:
        print(f"{assignment}: 0 to grade, {skipped} already graded", *bad, sep="\n")
        return 0
    try:
        pool = opening.pool()
    except PoolError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        print(f"{assignment}: {len(todo)} to grade, {skipped} already graded, {pool.slots} in parallel "
              f"({pool.label})", flush=True)
        summary = run_batch(args, pool, settings, todo, hide, limits)
    except PoolError as exc:
        print(f"error: {exc}; rerun to grade the rest", file=sys.stderr)
        return 3
    finally:
        pool.close()
    for student, results in sorted(summary):
        for nb, r in results.items():
            print(line(student, nb, r))
    if bad:
        print(*bad, sep="\n")
    return 1 if any("_error" in results for _, results in summary) else 0


def not_in_gradebook(settings, assignment: str) -> str | None:
    """The error to show when ``assignment`` is not in the gradebook (it must be released first), else None."""
    from sqlalchemy.engine import make_url

    from autograder.gradebook_io import known_notebooks

    shown = make_url(settings.db_url).render_as_string(hide_password=True)
    log.debug("assignment %s, gradebook %s", assignment, shown)
    if known_notebooks(settings.db_url, assignment, settings.course_id):
        return None
    return (f"error: {assignment} is not in the gradebook ({shown}); run `nbgrader generate_assignment "
            f"{assignment}` (make release) first")


def run_batch(args, pool, settings, todo: list, hide: list[str], limits: Limits) -> list[tuple[str, dict]]:
    """Grade ``todo`` on ``pool``, recording each submission as it comes back; [(student, results)]."""
    from tqdm.auto import tqdm

    from autograder.gradebook_io import GradebookSession

    course, assignment = args.course_path, args.assignment
    jobs = [(s, partial(make_payload, course, assignment, s, limits, hide, args.no_isolation)) for s, _ in todo]
    digests, summary = dict(todo), []
    late = LatePolicy(settings.config, course)
    with GradebookSession(settings.db_url, settings.course_id, assignment, late) as gb:
        recorder = Recorder(course, assignment, gb)
        results = pool.run(jobs, window=max(4, 2 * pool.slots))
        for student, value in tqdm(results, total=len(jobs), unit="submission", disable=args.quiet):
            summary.append((student, record(recorder, student, digests[student], value)))
    return summary


def record(recorder: Recorder, student: str, dig: str, value) -> dict:
    """What came back for ``student``, written; a failure to write it is that submission's grader error (no
    marker: a rerun grades it), never the batch's."""
    try:
        if isinstance(value, BaseException):
            return recorder.failed(student, value)
        return recorder.graded(student, dig, value)
    except Exception as exc:  # noqa: BLE001 - one unwritable submission never stops the batch
        reason = f"GRADER ERROR, not graded (run grade again): {type(exc).__name__}: {exc}"
        return {"_error": {"status": "crashed", "reasons": [reason]}}
