"""The instructor's nbgrader course directory: ``source/``, the gradebook, ``submitted/``, ``feedback/``.

It lives in the instructor's home (0700), owned by the instructor, so no student reads the hidden tests,
the gradebook or another student's submission. The setup copies ``nbgrader_config.py`` and ``source/`` from the
checkout without overwriting what the instructor changed, then runs ``nbgrader generate_assignment`` as the
instructor for every assignment the gradebook does not know yet.
"""

from __future__ import annotations

import os
import pwd
import shutil
from pathlib import Path

from classroom.accounts import run_as
from classroom.deployment import Deployment


def copy_missing(src: Path, dest: Path, uid: int, gid: int) -> int:
    """Copy files of ``src`` that ``dest`` lacks (owned by uid:gid); returns how many."""
    copied = 0
    if not dest.exists():
        dest.mkdir(mode=0o700)
        os.chown(dest, uid, gid)
    for path in sorted(src.rglob("*")):
        if "__pycache__" in path.parts or ".ipynb_checkpoints" in path.parts:
            continue
        target = dest / path.relative_to(src)
        if path.is_dir():
            if not target.exists():
                target.mkdir(mode=0o700)
                os.chown(target, uid, gid)
        elif not target.exists():
            shutil.copy2(path, target)
            os.chown(target, uid, gid)
            copied += 1
    return copied


def tool_env(dep: Deployment, role: str = "instructor") -> dict[str, str]:
    """The environment of the instructor's tools: the grader venv first, the role's nbgrader settings."""
    path = [str(dep.grader / "bin"), str(dep.venv / "bin"), "/usr/local/bin", "/usr/bin", "/bin"]
    return {"PATH": os.pathsep.join(path), "JUPYTER_CONFIG_PATH": str(dep.config_dir(role))}


def ensure_course(dep: Deployment, log=print) -> Path:
    teacher = pwd.getpwnam(dep.instructor.username)
    course = dep.course_dir
    if not course.exists():
        course.mkdir(mode=0o700)
    os.chown(course, teacher.pw_uid, teacher.pw_gid)
    course.chmod(0o700)
    if not (course / "nbgrader_config.py").exists():
        shutil.copy2(dep.checkout / "nbgrader_config.py", course / "nbgrader_config.py")
        os.chown(course / "nbgrader_config.py", teacher.pw_uid, teacher.pw_gid)
    (course / "source").mkdir(mode=0o700, exist_ok=True)
    os.chown(course / "source", teacher.pw_uid, teacher.pw_gid)
    names = dep.assignments or sorted(p.name for p in (dep.checkout / "source").iterdir() if p.is_dir())
    for name in names:
        n = copy_missing(dep.checkout / "source" / name, course / "source" / name, teacher.pw_uid, teacher.pw_gid)
        if n:
            log(f"{course}/source/{name}: {n} file(s) copied from the checkout")
        if not (course / "release" / name).is_dir():
            generate(dep, name)
            log(f"{course}/release/{name}: generated (nbgrader generate_assignment, as {dep.instructor.username})")
    import_students(dep)
    return course


def import_students(dep: Deployment) -> None:
    """The roster's students, with their names, in the gradebook (``nbgrader db student import``)."""
    teacher = pwd.getpwnam(dep.instructor.username)
    csv_file = dep.course_dir / ".roster-students.csv"
    rows = ["id,first_name,last_name"]
    for m in dep.students:
        first, _, last = m.name.partition(" ")
        rows.append(",".join(v.replace(",", " ") for v in (m.username, first, last)))
    csv_file.write_text("\n".join(rows) + "\n")
    os.chown(csv_file, teacher.pw_uid, teacher.pw_gid)
    try:
        nbgrader_as_instructor(dep, "db", "student", "import", str(csv_file))
    finally:
        csv_file.unlink(missing_ok=True)


def generate(dep: Deployment, assignment: str) -> None:
    nbgrader_as_instructor(dep, "generate_assignment", assignment, "--force")


def nbgrader_as_instructor(dep: Deployment, *args: str) -> None:
    proc = run_as(dep.instructor.username, [str(dep.grader / "bin" / "python"), "-m", "nbgrader", *args],
                  env=tool_env(dep), cwd=dep.course_dir, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed as {dep.instructor.username}:\n"
                           f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
