"""Unix accounts for the roster: created with a locked password, homes closed to other accounts.

JupyterHub's PAMAuthenticator checks the password of the Unix account, so a new account cannot log in until
its password is set (``passwd NAME``, ``chpasswd < FILE``, or ``--demo-passwords``, which generates them).
"""

from __future__ import annotations

import os
import pwd
import secrets
import signal
import subprocess
import time
from pathlib import Path

from classroom.roster import Member

HOME_MODE = 0o700  # nobody else may read a student's work, their nbgrader cache (submission secrets) or feedback


def exists(username: str) -> bool:
    try:
        pwd.getpwnam(username)
        return True
    except KeyError:
        return False


def ensure_account(member: Member, homes: Path) -> tuple[pwd.struct_passwd, str]:
    """Create ``member``'s account (locked password) unless it exists; close its home. Returns (entry, what)."""
    what = "exists"
    if not exists(member.username):
        homes.mkdir(parents=True, exist_ok=True)
        subprocess.run(["useradd", "--create-home", "--home-dir", str(homes / member.username), "--shell",
                        "/bin/bash", "--user-group", "--comment", member.name or member.role, member.username],
                       check=True, capture_output=True, text=True)
        what = "created"
    entry = pwd.getpwnam(member.username)
    home = Path(entry.pw_dir)
    if not home.is_dir():
        home.mkdir(parents=True)
        os.chown(home, entry.pw_uid, entry.pw_gid)
    if home.stat().st_mode & 0o777 != HOME_MODE:
        home.chmod(HOME_MODE)
        what += ", home closed to others" if what == "exists" else ""
    return entry, what


def password_status(username: str) -> str:
    """'P' usable password, 'L' locked, 'NP' none (``passwd --status``)."""
    out = subprocess.run(["passwd", "--status", username], check=True, capture_output=True, text=True).stdout
    return out.split()[1]


def set_passwords(passwords: dict[str, str]) -> None:
    """Set each account's password (``chpasswd``: hashed by the system, never stored by us)."""
    lines = "".join(f"{user}:{password}\n" for user, password in passwords.items())
    subprocess.run(["chpasswd"], input=lines, check=True, capture_output=True, text=True)


def demo_passwords(usernames: list[str]) -> dict[str, str]:
    """Generate and set a random password for each account that has none; returns them (print them once)."""
    new = {u: secrets.token_urlsafe(9) for u in usernames if password_status(u) != "P"}
    if new:
        set_passwords(new)
    return new


def processes_of(uid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def remove_account(username: str) -> None:
    """Stop what the account still runs (by pid), then delete it with its home and mail spool."""
    if not exists(username):
        return
    uid = pwd.getpwnam(username).pw_uid
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in processes_of(uid):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 5
        while processes_of(uid) and time.monotonic() < deadline:
            time.sleep(0.1)
    subprocess.run(["userdel", "--remove", username], capture_output=True, text=True)
    if exists(username):
        subprocess.run(["userdel", "--force", username], check=True, capture_output=True, text=True)


def run_as(username: str, cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
           **kwargs) -> subprocess.CompletedProcess:
    """Run ``cmd`` as ``username`` (its uid, primary and supplementary groups, HOME), as JupyterHub's spawner does."""
    entry = pwd.getpwnam(username)
    groups = os.getgrouplist(username, entry.pw_gid)
    full_env = {"HOME": entry.pw_dir, "USER": username, "LOGNAME": username, "PATH": "/usr/bin:/bin",
                "LANG": "C.UTF-8", **(env or {})}
    return subprocess.run(cmd, user=entry.pw_uid, group=entry.pw_gid, extra_groups=groups, env=full_env,
                          cwd=cwd or entry.pw_dir, **kwargs)
