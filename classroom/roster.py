"""The class roster: a CSV file with one account per line (``username,role,name``)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

ROLES = ("instructor", "student")
# what useradd accepts on Debian without --badname, and nbgrader's exchange can carry ('+' separates fields)
USERNAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")


class RosterError(ValueError):
    """The roster file cannot be used as it is; the message says which line and why."""


@dataclass(frozen=True)
class Member:
    username: str
    role: str
    name: str = ""


def read_roster(path: Path) -> list[Member]:
    """The members listed in ``path``; exactly one instructor, every username valid and listed once."""
    path = Path(path)
    if not path.exists():
        raise RosterError(f"{path}: no such roster file (copy classroom/roster.example.csv and edit it)")
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        if not reader.fieldnames or not {"username", "role"} <= set(reader.fieldnames):
            raise RosterError(f"{path}: the first line must be the header 'username,role,name'")
        members, seen = [], set()
        for line, row in enumerate(reader, start=2):
            username, role = (row.get("username") or "").strip(), (row.get("role") or "").strip().lower()
            if not username and not role:
                continue
            if not USERNAME.match(username):
                raise RosterError(f"{path}:{line}: {username!r} is not a valid login (lowercase letters, digits, "
                                  "'_' or '-', starting with a letter, at most 32 characters)")
            if role not in ROLES:
                raise RosterError(f"{path}:{line}: role {role!r} of {username} must be one of {', '.join(ROLES)}")
            if username in seen:
                raise RosterError(f"{path}:{line}: {username} is listed twice")
            seen.add(username)
            members.append(Member(username, role, (row.get("name") or "").strip()))
    instructors = [m.username for m in members if m.role == "instructor"]
    if len(instructors) != 1:
        raise RosterError(f"{path}: the roster needs exactly one instructor (the owner of the course directory), "
                          f"found {len(instructors)}: {', '.join(instructors) or 'none'}")
    return members


def write_roster(path: Path, members: list[Member]) -> None:
    with Path(path).open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["username", "role", "name"])
        writer.writerows([m.username, m.role, m.name] for m in members)
