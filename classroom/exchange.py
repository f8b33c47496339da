"""nbgrader's file-system exchange, checked: configured with ``ExchangeFactory.submit`` / ``.collect``.

nbgrader's default exchange trusts names: a submission folder is ``STUDENT+ASSIGNMENT+TIMESTAMP+RANDOM`` in
mode 777, hidden only because others cannot list ``inbound/``; ``collect`` takes the newest folder claiming a
student (an owner mismatch is only a warning) and copies it following symbolic links, as the instructor. So
a student could hand in work under another's name, replace a file of their own submission with a link to the
instructor's ``source/`` (hidden tests, solutions) and get it back as feedback, or stop the collection with a
badly named entry. These subclasses keep nbgrader's layout and add:

* submit: only as yourself; the notebooks must be the assignment's (names and graded cells), else nothing is
  submitted and the message says which notebook belongs where; a closed (no longer released) assignment gets
  a clear refusal; the submission's folders are made 0770 with the instructor's group (inbound's setgid gives
  it): no other student enters it, even knowing its name.
* collect: a folder counts only if it is a real folder owned by the student it names; files are copied through
  descriptors opened without following links (regular files only); malformed entries are skipped with a
  warning instead of stopping the whole collection.
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import shutil
import stat
from collections import defaultdict

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.exchange.default.submit import ExchangeSubmit
from nbgrader.utils import check_mode, find_all_files, get_username, is_ignored

SUBMISSION_DIR_MODE = 0o770  # group: inbound's setgid gave it the instructor's (a student cannot set setgid)


def notebooks(path: str, ignore: list[str]) -> list[str]:
    """Notebooks under ``path`` (relative), without checkpoints and other ignored files."""
    return sorted(os.path.relpath(f, path) for f in find_all_files(path, ignore) if f.endswith(".ipynb"))


def graded_ids(path: str) -> set[str] | None:
    """grade_ids of the nbgrader cells of a notebook; None if it is not a readable notebook.

    (Not ``autograder.notebook_cells``: the students' servers run this, and their environment holds ``course``
    and ``classroom`` only, never the grader.)"""
    try:
        with open(path, encoding="utf-8") as f:
            cells = json.load(f)["cells"]
        return {c["metadata"]["nbgrader"]["grade_id"] for c in cells
                if isinstance(c.get("metadata", {}).get("nbgrader"), dict)
                and c["metadata"]["nbgrader"].get("grade_id")}
    except (OSError, ValueError, KeyError, TypeError):
        return None


class CheckedSubmit(ExchangeSubmit):
    """``nbgrader submit`` (and the Assignments tab's Submit) with the checks described above."""

    def init_dest(self) -> None:
        me = get_username()
        if self.coursedir.student_id not in ("*", "", me):
            self.fail(f"You can only submit as yourself ({me}), not as {self.coursedir.student_id}.")
        super().init_dest()
        if not os.stat(self.inbound_path).st_mode & stat.S_ISGID:
            self.fail(f"The exchange is not set up for this course ({self.inbound_path} must be setgid): nothing "
                      "was submitted; ask your instructor (the hub's setup fixes it).")

    def init_release(self) -> None:
        assignment = self.coursedir.assignment_id
        if not os.path.isdir(os.path.join(self.root, self.coursedir.course_id, "outbound", assignment)):
            earlier = sorted(glob.glob(os.path.join(self.cache, self.coursedir.course_id, f"*+{assignment}+*")))
            kept = (f" Your last submission ({earlier[-1].rsplit('+', 1)[-1]}) is kept and is the one graded."
                    if earlier else "")
            self.fail(f"{assignment} is closed: your instructor has collected it for grading and it no longer "
                      f"takes submissions, so nothing was submitted now.{kept} Your files here are unchanged; "
                      "ask your instructor if you need to hand in late.")
        super().init_release()

    def check_filename_diff(self) -> None:
        problems = self.problems()
        if problems:
            self.fail(f"{self.coursedir.assignment_id} was not submitted: " + " ".join(problems)
                      + " Nothing was submitted now; your earlier submissions are kept.")

    def problems(self) -> list[str]:
        """What keeps this folder from being a submission of the assignment, one sentence each."""
        assignment, ignore = self.coursedir.assignment_id, self.coursedir.ignore
        outbound = os.path.dirname(self.release_path)
        released, submitted = notebooks(self.release_path, ignore), notebooks(self.src_path, ignore)
        found = []
        for name in sorted(set(submitted) - set(released)):
            owners = sorted({os.path.basename(os.path.dirname(p)) for p in glob.glob(os.path.join(outbound, "*", name))}
                            - {assignment})
            where = f"; it belongs to {', '.join(owners)}" if owners else ""
            found.append(f"{name} is not a notebook of {assignment} (its notebooks: {', '.join(released)}){where}: "
                         f"move it out of the {assignment} folder.")
        for name in sorted(set(released) - set(submitted)):
            found.append(f"{name} is missing from the {assignment} folder (fetch the assignment again to restore it; "
                         "your other files are kept).")
        for name in sorted(set(released) & set(submitted)):
            expected, got = graded_ids(os.path.join(self.release_path, name)), graded_ids(os.path.join(self.src_path,
                                                                                                        name))
            if got is None:
                found.append(f"{name} is not a readable notebook: open it in JupyterLab, save it, and submit again.")
            elif expected and not expected & got:
                found.append(f"{name} does not hold the exercises of {assignment}/{name} (none of its graded cells "
                             f"{', '.join(sorted(expected)[:4])}, ...){self._looks_like(outbound, got)}.")
        return found

    def _looks_like(self, outbound: str, ids: set[str]) -> str:
        for path in sorted(glob.glob(os.path.join(outbound, "*", "*.ipynb"))):
            if ids & (graded_ids(path) or set()):
                return f"; it looks like {os.path.relpath(path, outbound)}"
        return ""

    def copy_files(self) -> None:
        super().copy_files()
        # nbgrader leaves it 0777; files keep nbgrader's 0644 (some are the student's group: written after
        # copytree cleared the folder's setgid), the instructor reads them through the folder's group
        for dirpath, _, _ in os.walk(os.path.join(self.inbound_path, self.assignment_filename)):
            os.chmod(dirpath, SUBMISSION_DIR_MODE)


class CheckedCollect(ExchangeCollect):
    """``nbgrader collect`` that takes only what each student really handed in."""

    def init_src(self) -> None:
        course_id, assignment = self.coursedir.course_id, self.coursedir.assignment_id
        if course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        if not check_mode(self.inbound_path, read=True, execute=True):
            self.fail(f"You don't have read permissions for the directory: {self.inbound_path}")
        student = self.coursedir.student_id or "*"
        found = sorted(glob.glob(os.path.join(self.inbound_path, f"{student}+{assignment}+*")))
        by_user = defaultdict(list)
        for record in filter(None, map(self.checked_record, found)):
            by_user[record["username"]].append(record)
        with Gradebook(self.coursedir.db_url, course_id) as gb:
            try:
                self.duedate = gb.find_assignment(assignment).duedate
            except MissingEntry:
                self.duedate = None
        self.src_records = [self.choose(records) for records in by_user.values()]

    def choose(self, records: list[dict]) -> dict:
        """The newest submission (the newest before the due date with ``--before-duedate``)."""
        records = self._sort_by_timestamp(records)
        if self.duedate is not None and self.before_duedate:
            on_time = [r for r in records if r["timestamp"] <= self.duedate]
            return (on_time or records)[0]
        return records[0]

    def checked_record(self, path: str) -> dict | None:
        name = os.path.basename(path)
        st = os.lstat(path)
        if not stat.S_ISDIR(st.st_mode):
            self.log.warning("Skipped %s: not a folder (a link or a file is never a submission)", name)
            return None
        try:
            record = self._path_to_record(path)
        except Exception as exc:  # noqa: BLE001 - one bad name must not stop everyone's collection
            self.log.warning("Skipped %s: not a submission name (%s)", name, exc)
            return None
        try:
            owner = pwd.getpwuid(st.st_uid).pw_name
        except KeyError:
            owner = f"uid {st.st_uid}"
        if owner != record["username"]:
            self.log.error("Skipped %s: it claims to be %s's submission but belongs to %s (not collected)",
                           name, record["username"], owner)
            return None
        return record

    def do_copy(self, src: str, dest: str, log=None) -> None:
        budget = [1000 * self.coursedir.max_dir_size]
        fd = os.open(src, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        try:
            self._copy_dir(fd, dest, src, budget)
        except BaseException:
            shutil.rmtree(dest, ignore_errors=True)
            raise
        finally:
            os.close(fd)

    def _copy_dir(self, dir_fd: int, dest: str, label: str, budget: list[int]) -> None:
        os.makedirs(dest, exist_ok=True)
        for name in sorted(os.listdir(dir_fd)):
            if is_ignored(name, self.coursedir.ignore):
                continue
            try:
                fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
            except OSError as exc:
                self.log.warning("Skipped %s/%s: %s (links are not followed)", label, name, exc.strerror)
                continue
            try:
                st = os.fstat(fd)
                if stat.S_ISDIR(st.st_mode):
                    self._copy_dir(fd, os.path.join(dest, name), f"{label}/{name}", budget)
                elif not stat.S_ISREG(st.st_mode):
                    self.log.warning("Skipped %s/%s: not a regular file", label, name)
                elif st.st_size > 1000 * self.coursedir.max_file_size:
                    self.log.warning("Skipped %s/%s: larger than %s kB", label, name, self.coursedir.max_file_size)
                else:
                    budget[0] -= st.st_size
                    if budget[0] < 0:
                        raise RuntimeError(f"{label} is larger than {self.coursedir.max_dir_size} kB: not collected")
                    with os.fdopen(os.dup(fd), "rb") as f, open(os.path.join(dest, name), "wb") as out:
                        shutil.copyfileobj(f, out)
            finally:
                os.close(fd)
