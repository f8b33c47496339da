"""What each role's server loads: nbgrader's exchange settings, server and lab extensions.

``ROOT/jupyter/ROLE`` is put on ``JUPYTER_CONFIG_PATH`` of that role's servers (and of the instructor's
tools). Students get the Assignments tab and Validate; the formgrader, course list and create-assignment
toolbar are off in their servers. That is convenience, not the protection: a student who turns the
formgrader on in their own server runs it as themselves, on their own files; the instructor's course
directory is closed to them by its mode, and the instructor's server by JupyterHub's access scopes.
"""

from __future__ import annotations

import json
from pathlib import Path

from classroom.deployment import Deployment

STUDENT_OFF_SERVER = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list")
STUDENT_OFF_LAB = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list",
                   "@jupyter/nbgrader:create-assignment")
ALL_SERVER = ("nbgrader.server_extensions.assignment_list", "nbgrader.server_extensions.validate_assignment",
              "nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list")


def nbgrader_config(dep: Deployment, role: str) -> str:
    lines = [
        f'"""nbgrader settings of every {role} server of {dep.course_id} (written by classroom.roles)."""',
        "c = get_config()  # noqa: F821",
        f"c.CourseDirectory.course_id = {dep.course_id!r}",
        f"c.Exchange.root = {str(dep.exchange)!r}",
        "# checked submit (right notebooks, closed assignments) and collect (owner, no symlinks)",
        'c.ExchangeFactory.submit = "classroom.exchange.CheckedSubmit"',
        'c.ExchangeFactory.collect = "classroom.exchange.CheckedCollect"',
    ]
    if role == "instructor":
        lines.append(f"c.CourseDirectory.root = {str(dep.course_dir)!r}")
    return "\n".join(lines) + "\n"


def write_role_configs(dep: Deployment) -> None:
    for role in ("student", "instructor"):
        d = dep.config_dir(role)
        off = STUDENT_OFF_SERVER if role == "student" else ()
        server = {"ServerApp": {"jpserver_extensions": {e: e not in off for e in ALL_SERVER}}}
        lab_off = STUDENT_OFF_LAB if role == "student" else ()
        _write(d / "nbgrader_config.py", nbgrader_config(dep, role))
        _write(d / "jupyter_server_config.json", json.dumps(server, indent=1) + "\n")
        _write(d / "labconfig" / "page_config.json",
               json.dumps({"disabledExtensions": {e: True for e in lab_off}}, indent=1) + "\n")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o755)
    path.write_text(text)
    path.chmod(0o644)
