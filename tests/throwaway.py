"""A throw-away class for the classroom tests: its own Unix accounts, folders, exchange and (optionally) hub.

``throwaway_class()`` sets up what ``make hub`` sets up (the same code: ``classroom.hub.setup``) with random
account names in a temporary folder, and removes the accounts, their processes and the folder afterwards. The
course's Python environment is the machine's ``HUB_PREFIX`` (``make hub-deps`` builds it; built here if missing).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from classroom import accounts
from classroom.coursedir import tool_env
from classroom.deployment import Deployment
from classroom.hub import free_port, hub_command, setup, stop_servers
from classroom.proxy import ensure_proxy, stop_proxy
from classroom.roster import Member

PREFIX = Path(os.environ.get("HUB_PREFIX", "/opt/cnn-course"))
A01 = "01_convolution"


@dataclass
class Class:
    dep: Deployment
    passwords: dict[str, str]
    hub: subprocess.Popen | None = None
    log: Path | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def teacher(self) -> str:
        return self.dep.instructor.username

    @property
    def students(self) -> list[str]:
        return [m.username for m in self.dep.students]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.dep.port}"

    def student_env(self, user: str) -> dict[str, str]:
        return {"PATH": f"{self.dep.venv / 'bin'}:/usr/bin:/bin",
                "JUPYTER_CONFIG_PATH": str(self.dep.config_dir("student"))}

    def student(self, user: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        """``nbgrader ARGS`` as student ``user`` in their home, as their server would run it."""
        return accounts.run_as(user, [str(self.dep.venv / "bin" / "python"), "-m", "nbgrader", *args],
                               env=self.student_env(user), cwd=cwd, capture_output=True, text=True, timeout=300)

    def instructor(self, *args: str, tool: str = "nbgrader") -> subprocess.CompletedProcess:
        """``nbgrader ARGS`` (or ``cnn-grade ARGS`` with tool='cnn-grade') as the instructor in the course."""
        cmd = ([str(self.dep.grader / "bin" / "python"), "-m", "nbgrader", *args] if tool == "nbgrader"
               else [str(self.dep.grader / "bin" / "cnn-grade"), *args])
        return accounts.run_as(self.teacher, cmd, env=tool_env(self.dep), cwd=self.dep.course_dir,
                               capture_output=True, text=True, timeout=900)

    def shell(self, user: str, script: str) -> subprocess.CompletedProcess:
        return accounts.run_as(user, ["/bin/sh", "-c", script], capture_output=True, text=True, timeout=60)

    def log_tail(self, n: int = 80) -> str:
        if self.log is None or not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])


def require_root() -> None:
    if os.geteuid() != 0:
        pytest.fail("the classroom tests create Unix accounts: run them as root (CI does)")
    if not (Path(__file__).resolve().parents[1] / "classroom" / "node_modules").exists():
        pytest.fail("configurable-http-proxy is missing: run `make hub-deps`")


@contextlib.contextmanager
def throwaway_class(assignments: tuple[str, ...] = (A01,), spawner_args: tuple[str, ...] = ()) -> Iterator[Class]:
    """Set up a class (instructor + two students, demo passwords) and remove every trace afterwards."""
    require_root()
    tag = secrets.token_hex(3)
    base = Path(tempfile.mkdtemp(prefix="cnn-hub-"))
    base.chmod(0o755)
    members = [Member(f"cnn{tag}t", "instructor", "Test Teacher"), Member(f"cnn{tag}a", "student", "Student A"),
               Member(f"cnn{tag}b", "student", "Student B")]
    dep = Deployment(root=base / "srv", prefix=PREFIX, homes=base / "home", members=members,
                     course_id="cnn-course", port=free_port(), hub_port=free_port(), proxy_api_port=free_port(),
                     assignments=list(assignments), spawner_args=list(spawner_args))
    klass = Class(dep, {})
    try:
        klass.passwords = setup(dep, demo_passwords=True, log=klass.notes.append)
        yield klass
    finally:
        if klass.hub is not None:
            stop_hub(klass)
        if dep.state.exists():
            stop_servers(dep)
            stop_proxy(dep)
        for m in members:
            accounts.remove_account(m.username)
        shutil.rmtree(base, ignore_errors=True)


def start_hub(klass: Class, timeout: float = 90.0) -> None:
    """``jupyterhub -f classroom/jupyterhub_config.py`` as ``make hub`` starts it; returns once it answers."""
    ensure_proxy(klass.dep)
    cmd, env = hub_command(klass.dep)
    klass.log = klass.dep.root / "hub.log"
    with klass.log.open("a") as out:
        klass.hub = subprocess.Popen(cmd, env=env, cwd=klass.dep.state, stdout=out, stderr=subprocess.STDOUT,
                                     start_new_session=True)
    deadline = time.monotonic() + timeout
    while True:
        if klass.hub.poll() is not None:
            raise RuntimeError(f"jupyterhub exited with {klass.hub.returncode}:\n{klass.log_tail()}")
        try:
            with urllib.request.urlopen(f"{klass.url}/hub/api/", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"jupyterhub did not answer within {timeout:.0f} s:\n{klass.log_tail()}")
        time.sleep(0.3)


def stop_hub(klass: Class) -> None:
    """SIGTERM the hub (as Ctrl-C would); the users' servers and the proxy stay up."""
    proc, klass.hub = klass.hub, None
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def python() -> str:
    return sys.executable
