"""``cnn-grade export``: grades out of the gradebook, for an LMS or for analysis.

* ``--format canvas``: Canvas's gradebook-import CSV (``Student, ID, SIS User ID, SIS Login ID, Section``, one
  column per assignment, a ``Points Possible`` row). With ``--roster`` (the CSV Canvas exports from its
  gradebook) each roster row is matched to a gradebook student by SIS login, SIS user id or Canvas id
  (nbgrader's ``lms_user_id``) — never by name; roster students with no gradebook entry and gradebook students
  with no roster row are listed, not guessed. Without a roster every gradebook student gets a row keyed by
  their nbgrader id as SIS login.
* ``--format long``: one row per student and assignment: score, max, raw score, late penalty, status and
  reason (from cnn-grade's markers), submission time.

Scores are nbgrader's: the submission's score minus its late penalty, never below 0 (``nbgrader export``).
"""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from autograder.batch import ERROR_MARKER, MARKER
from autograder.pipeline.results import SEVERITY, Status

FIXED = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


@dataclass
class Grade:
    student: str
    assignment: str
    score: float
    max_score: float
    raw_score: float
    late_penalty: float
    timestamp: str
    submitted: bool


def gradebook_grades(db_url: str, course_id: str, assignments: list[str] | None):
    """(students {id: Student columns}, assignments {name: max score}, [Grade]) from the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    students, maxima, grades = {}, {}, []
    with Gradebook(db_url, course_id) as gb:
        for s in gb.students:
            students[s.id] = {"id": s.id, "name": f"{s.last_name or ''}, {s.first_name or ''}".strip(", ") or s.id,
                              "lms_user_id": s.lms_user_id or "", "email": s.email or ""}
        for a in gb.assignments:
            if assignments and a.name not in assignments:
                continue
            maxima[a.name] = a.max_score
            for sid in students:
                try:
                    sub = gb.find_submission(a.name, sid)
                except MissingEntry:
                    grades.append(Grade(sid, a.name, 0.0, a.max_score, 0.0, 0.0, "", False))
                    continue
                penalty = sub.late_submission_penalty or 0.0
                grades.append(Grade(sid, a.name, max(0.0, sub.score - penalty), a.max_score, sub.score, penalty,
                                    sub.timestamp.isoformat() if sub.timestamp else "", True))
    return students, maxima, grades


def status_of(course: Path, g: Grade) -> tuple[str, str]:
    """cnn-grade's status and reason for one student's assignment (the worst of its notebooks)."""
    folder = course / "autograded" / g.student / g.assignment
    if (folder / MARKER).exists():
        results = json.loads((folder / MARKER).read_text())["results"].values()
        status = min((r["status"] for r in results), key=SEVERITY.index, default=Status.GRADED)
        return status, "; ".join(x for r in results for x in r["reasons"])
    if (folder / ERROR_MARKER).exists():
        error = json.loads((folder / ERROR_MARKER).read_text())["results"]["_error"]
        return error["status"], "; ".join(error["reasons"])
    return ("not submitted", "") if not g.submitted else ("graded by nbgrader", "")


def write_long(out, course: Path, grades: list[Grade]) -> None:
    writer = csv.writer(out)
    writer.writerow(["student", "assignment", "score", "max_score", "raw_score", "late_penalty", "status", "reason",
                     "timestamp"])
    for g in sorted(grades, key=lambda g: (g.student, g.assignment)):
        status, reason = status_of(course, g)
        writer.writerow([g.student, g.assignment, f"{g.score:g}", f"{g.max_score:g}", f"{g.raw_score:g}",
                         f"{g.late_penalty:g}", status, reason, g.timestamp])


def match_roster(roster: list[dict], students: dict) -> tuple[dict[int, str], list[str], list[str]]:
    """Roster row index -> gradebook id by SIS login, SIS user id or Canvas id; (missing, unknown) lists."""
    by_lms = {s["lms_user_id"]: sid for sid, s in students.items() if s["lms_user_id"]}
    matched: dict[int, str] = {}
    for i, row in enumerate(roster):
        keys = [row.get("SIS Login ID", ""), row.get("SIS User ID", "")]
        sid = next((k for k in keys if k and k in students), None) or by_lms.get(row.get("ID", ""))
        if sid:
            matched[i] = sid
    missing = [f"{r.get('Student', '')} (SIS login {r.get('SIS Login ID', '') or '-'}, id {r.get('ID', '') or '-'})"
               for i, r in enumerate(roster) if i not in matched]
    unknown = sorted(set(students) - set(matched.values()))
    return matched, missing, unknown


def read_roster(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    missing = [c for c in ("Student", "ID", "SIS Login ID") if rows and c not in rows[0]]
    if missing:
        raise ValueError(f"{path} is not a Canvas gradebook export: no column {', '.join(missing)}")
    return [r for r in rows if r.get("Student", "").strip() not in ("Points Possible", "")]


def write_canvas(out, students: dict, maxima: dict, grades: list[Grade], roster: list[dict] | None) -> list[str]:
    """Write the import CSV; return the lines that list unmatched students."""
    score = {(g.student, g.assignment): g.score for g in grades}
    names = sorted(maxima)
    writer = csv.writer(out)
    writer.writerow(FIXED + names)
    writer.writerow(["Points Possible", "", "", "", ""] + [f"{maxima[a]:g}" for a in names])
    notes: list[str] = []
    if roster is None:
        for sid, s in sorted(students.items()):
            writer.writerow([s["name"], s["lms_user_id"], "", sid, ""] + [f"{score[(sid, a)]:g}" for a in names])
        return notes
    matched, missing, unknown = match_roster(roster, students)
    for i, row in enumerate(roster):
        sid = matched.get(i)
        cells = [f"{score[(sid, a)]:g}" if sid else "" for a in names]
        writer.writerow([row.get(c, "") for c in FIXED] + cells)
    notes += [f"in the roster, not in the gradebook (left blank): {m}" for m in missing]
    notes += [f"in the gradebook, not in the roster (not exported): {u}" for u in unknown]
    return notes


def cmd_export(args) -> int:
    from autograder.course_layout import course_dir
    from autograder.course_settings import course_settings

    course = course_dir(args.course)
    settings = course_settings(course, args.db)
    students, maxima, grades = gradebook_grades(settings.db_url, settings.course_id, args.assignment)
    if args.assignment and set(args.assignment) - set(maxima):
        print(f"error: not in the gradebook: {', '.join(sorted(set(args.assignment) - set(maxima)))}",
              file=sys.stderr)
        return 2
    try:
        roster = read_roster(Path(args.roster)) if args.roster else None
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out_path = Path(args.out or f"grades-{args.format}.csv")
    with open(out_path, "w", newline="") as out:
        notes = write_long(out, course, grades) if args.format == "long" else write_canvas(
            out, students, maxima, grades, roster)
    print(f"{out_path}: {len(students)} student(s), {len(maxima)} assignment(s)")
    for note in notes or []:
        print(f"  {note}")
    return 0
