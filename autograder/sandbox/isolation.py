"""How well this host can isolate student code, and why: root, a user namespace, or nothing at all.

- **root**: bubblewrap builds the allow-listed view in fresh mount, PID, network, IPC and UTS namespaces; student
  code runs as ``nobody`` with no capabilities; cgroups cap its processes, memory and CPU.
- **user namespace** (not root): the same view and namespaces inside an unprivileged user namespace (student
  code runs as the grading user, but sees only the allow-list, read-only); cgroups only where delegated.
- **none**: only rlimits, time limits and the out-of-process verdicts. Used only when asked for explicitly
  (``--no-isolation``, which sets ``CNN_GRADE_NO_ISOLATION=1`` for the grading processes).
"""

from __future__ import annotations

import functools
import os
import pwd
import shutil
import subprocess
import sys
from dataclasses import dataclass, field

from autograder.sandbox.cgroups import Hierarchy, detect
from autograder.sandbox.settings import NO_ISOLATION_ENV, no_isolation

RISKS = ("student code runs as you, with your rights: it can read every file you can read (source/ with the "
         "hidden tests, other submissions, other checkouts of the course, your keys), change or delete them, "
         "write the gradebook, reach the network, read your environment variables (tokens, passwords) and kill "
         "the grading processes")


@dataclass
class Isolation:
    """What ``isolation()`` found. ``isolated`` is False only for the mode 'none'."""

    isolated: bool
    mode: str                         # 'root', 'user namespace' or 'none'
    reasons: list[str] = field(default_factory=list)
    bwrap: str | None = None
    uid: int | None = None            # student code's uid (as the host sees it)
    gid: int | None = None
    cgroups: Hierarchy | None = None
    cgroup_note: str = ""
    requested_off: bool = False       # --no-isolation

    @property
    def summary(self) -> str:
        if self.mode == "root":
            who = f"as uid {self.uid} ({_user(self.uid)}), no capabilities"
        elif self.mode == "user namespace":
            who = f"as the grading user (uid {self.uid}) inside a user namespace, no capabilities"
        else:
            return "NOT isolated: " + "; ".join(self.reasons)
        limits = f"cgroup v{self.cgroups.version} limits" if self.cgroups else "rlimits only, no cgroup"
        return f"isolated ({self.mode}): allow-listed read-only files, no network, {who}; {limits}"

    def refusal(self) -> str:
        """What ``grade`` says when it will not run student code here."""
        return ("this host cannot isolate student code (" + "; ".join(self.reasons) + "). Without isolation "
                + RISKS + ". Install bubblewrap (make sandbox-deps) or run as root; or pass --no-isolation to "
                "grade trusted notebooks anyway.")


def _user(uid: int | None) -> str:
    try:
        return pwd.getpwuid(uid).pw_name if uid is not None else "?"
    except KeyError:
        return "no name"


def nobody() -> tuple[int, int]:
    try:
        entry = pwd.getpwnam("nobody")
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        return 65534, 65534


def find_bwrap() -> str | None:
    return shutil.which("bwrap") or next((p for p in ("/usr/bin/bwrap", "/bin/bwrap") if os.access(p, os.X_OK)), None)


@functools.lru_cache(maxsize=4)
def _bwrap_works(bwrap: str, euid: int) -> str:
    """'' if bubblewrap can build a sandbox for this user here, else why not."""
    args = [bwrap, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--ro-bind", "/", "/",
            "--proc", "/proc", "--dev-bind", "/dev/null", "/dev/null", "true"]
    if euid != 0:   # as a sandbox is started without root (see command.bwrap_argv)
        args[1:1] = ["--unshare-user", "--cap-add", "ALL"]
    try:
        run = subprocess.run(args, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap does not run ({exc})"
    if run.returncode == 0:
        return ""
    return ("unprivileged user namespaces are not available (bubblewrap: " if euid else "bubblewrap failed (") + (
        run.stderr.strip()[:200] + ")")


def isolation() -> Isolation:
    """The isolation sandboxes of this process get (cheap after the first call)."""
    off = no_isolation()
    if off:
        return Isolation(False, "none", ["--no-isolation was given"], requested_off=True)
    if not sys.platform.startswith("linux"):
        return Isolation(False, "none", [f"namespaces need Linux, this is {sys.platform}"])
    bwrap = find_bwrap()
    if bwrap is None:
        return Isolation(False, "none", ["bubblewrap (bwrap) is not installed"])
    euid = os.geteuid()
    problem = _bwrap_works(bwrap, euid)
    if problem:
        return Isolation(False, "none", [problem], bwrap=bwrap)
    hierarchy, note = detect()
    if euid == 0:
        uid, gid = nobody()
        return Isolation(True, "root", ["the grader runs as root"], bwrap, uid, gid, hierarchy, note)
    return Isolation(True, "user namespace", ["unprivileged user namespaces work"], bwrap, os.getuid(),
                     os.getgid(), hierarchy, note)


def allow_no_isolation() -> None:
    """Run student code without isolation in this process and the grading processes it starts (trusted code only)."""
    os.environ[NO_ISOLATION_ENV] = "1"


def isolation_allowed(args) -> bool:
    """True when student code may run here: isolated, or without isolation because --no-isolation says so
    (``args`` are a command's parsed flags; the verdict is printed for the user)."""
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
