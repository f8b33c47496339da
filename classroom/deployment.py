"""Where a class lives on the server, and who may read what there.

=========================================  =====================  ======  ====================================
path                                       owner                  mode    why
=========================================  =====================  ======  ====================================
ROOT/                                      root                   0755    every account reaches its parts
ROOT/hub/                                  root                   0700    hub database, cookie secret
ROOT/jupyter/{student,instructor}/         root                   0755    nbgrader and server settings by role
ROOT/grader/                               root:instructor        0750    cnn-grade (holds correct solutions)
ROOT/exchange/                             root                   1777    nbgrader's exchange root
ROOT/exchange/COURSE/                      instructor             0755    created by the setup, not a student
ROOT/exchange/COURSE/outbound/             instructor             0755    released assignments, readable
ROOT/exchange/COURSE/inbound/              instructor:instructor  3733    students write, cannot list; setgid
ROOT/exchange/COURSE/feedback/             instructor             0711    feedback by unguessable name
HOMES/USER/                                USER                   0700    a student's work and secrets
HOMES/INSTRUCTOR/COURSE/                   instructor             0700    source, gradebook, submissions
PREFIX/venv/                               root                   0755    the course's Python environment
=========================================  =====================  ======  ====================================

nbgrader's own modes (exchange 777, inbound 733 with setgid, feedback 711) get a sticky bit on the exchange root
and inbound, so nobody removes another's entries; ``classroom.exchange`` makes each submission folder 0770 (the
instructor's group, no one else) instead of nbgrader's 777 hidden by an unguessable name.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
from dataclasses import asdict, dataclass, field
from pathlib import Path

from classroom.roster import Member

CHECKOUT = Path(__file__).resolve().parent.parent
SETTINGS = "deployment.json"


@dataclass
class Deployment:
    """One class on one server; saved as ``ROOT/hub/deployment.json`` for jupyterhub_config.py and ``make``."""

    root: Path
    prefix: Path
    homes: Path
    members: list[Member]
    course_id: str = "cnn-course"
    port: int = 8000
    ip: str = "127.0.0.1"
    hub_port: int = 0            # the hub's internal API (0: picked once, then kept across restarts)
    proxy_api_port: int = 0
    assignments: list[str] = field(default_factory=list)  # generated into the gradebook (empty: all in source/)
    spawner_args: list[str] = field(default_factory=list)
    checkout: Path = CHECKOUT

    def __post_init__(self) -> None:
        self.root, self.prefix, self.homes, self.checkout = map(Path, (self.root, self.prefix, self.homes,
                                                                      self.checkout))
        self.members = [m if isinstance(m, Member) else Member(**m) for m in self.members]

    # -- places ------------------------------------------------------------
    @property
    def state(self) -> Path:
        return self.root / "hub"

    @property
    def exchange(self) -> Path:
        return self.root / "exchange"

    @property
    def grader(self) -> Path:
        return self.root / "grader"

    @property
    def venv(self) -> Path:
        return self.prefix / "venv"

    def config_dir(self, role: str) -> Path:
        return self.root / "jupyter" / role

    @property
    def instructor(self) -> Member:
        return next(m for m in self.members if m.role == "instructor")

    @property
    def students(self) -> list[Member]:
        return [m for m in self.members if m.role == "student"]

    def role(self, username: str) -> str | None:
        return next((m.role for m in self.members if m.username == username), None)

    @property
    def course_dir(self) -> Path:
        return Path(pwd.getpwnam(self.instructor.username).pw_dir) / self.course_id

    def exchange_course(self, part: str = "") -> Path:
        return self.exchange / self.course_id / part if part else self.exchange / self.course_id

    # -- settings file -------------------------------------------------------
    def save(self) -> Path:
        self.state.mkdir(parents=True, exist_ok=True)
        data = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(self).items()}
        path = self.state / SETTINGS
        path.write_text(json.dumps(data, indent=1) + "\n")
        return path

    @classmethod
    def load(cls, root: Path) -> Deployment:
        path = Path(root) / "hub" / SETTINGS
        if not path.exists():
            raise FileNotFoundError(f"{path}: no class set up here (run `make hub` first)")
        return cls(**json.loads(path.read_text()))


def ensure_dir(path: Path, mode: int, uid: int = 0, gid: int = 0) -> list[str]:
    """Create ``path`` if missing and give it exactly this owner and mode; returns what was changed."""
    changed = []
    if not path.is_dir():
        path.mkdir(parents=True)
        changed.append(f"created {path}")
    st = path.lstat()
    if (st.st_uid, st.st_gid) != (uid, gid):
        os.chown(path, uid, gid)
        changed.append(f"{path}: owner set to {pwd.getpwuid(uid).pw_name}:{grp.getgrgid(gid).gr_name}")
    if st.st_mode & 0o7777 != mode:
        path.chmod(mode)
        changed.append(f"{path}: mode {oct(st.st_mode & 0o7777)} -> {oct(mode)}")
    return changed


def ensure_layout(dep: Deployment) -> list[str]:
    """The deployment's folders and the exchange with the owners and modes of the table above."""
    teacher = pwd.getpwnam(dep.instructor.username)
    uid, gid = teacher.pw_uid, teacher.pw_gid
    changed = ensure_dir(dep.root, 0o755) + ensure_dir(dep.state, 0o700)
    changed += ensure_dir(dep.root / "jupyter", 0o755)
    for role in ("student", "instructor"):
        changed += ensure_dir(dep.config_dir(role), 0o755)
    changed += ensure_dir(dep.exchange, 0o1777)
    changed += ensure_dir(dep.exchange_course(), 0o755, uid, gid)
    changed += ensure_dir(dep.exchange_course("outbound"), 0o755, uid, gid)
    changed += ensure_dir(dep.exchange_course("inbound"), 0o3733, uid, gid)
    changed += ensure_dir(dep.exchange_course("feedback"), 0o711, uid, gid)
    return changed
