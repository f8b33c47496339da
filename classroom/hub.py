"""``python -m classroom.hub``: set up a class on this server and run its JupyterHub (what ``make hub`` runs).

    python -m classroom.hub start  [--roster FILE] [--port 8000] [--demo-passwords] ...   set up, then serve
    python -m classroom.hub setup  [...]             accounts, environments, exchange, course; no hub
    python -m classroom.hub cycle ASSIGNMENT [...]   collect, grade, feedback, release: as the instructor
    python -m classroom.hub stop-servers             stop the users' servers (they outlive the hub)

Run as root: it creates Unix accounts, and the hub starts each user's server as that user.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from classroom import accounts, roles
from classroom.coursedir import ensure_course, tool_env
from classroom.deployment import CHECKOUT, Deployment, ensure_dir, ensure_layout
from classroom.environment import ensure_grader_env, ensure_student_env
from classroom.proxy import PROXY, ensure_proxy, stop_proxy
from classroom.roster import RosterError, read_roster

CONFIG = Path(__file__).resolve().parent / "jupyterhub_config.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def deployment_from(args) -> Deployment:
    """The deployment the arguments describe; internal ports are kept from an earlier setup of the same root."""
    members = read_roster(Path(args.roster))
    dep = Deployment(root=Path(args.root).resolve(), prefix=Path(args.prefix).resolve(),
                     homes=Path(args.homes).resolve(), members=members, course_id=args.course_id, port=args.port,
                     ip=args.ip, assignments=args.assignment or [], spawner_args=args.spawner_arg or [])
    try:
        old = Deployment.load(dep.root)
        dep.hub_port, dep.proxy_api_port = old.hub_port, old.proxy_api_port
    except (FileNotFoundError, ValueError, TypeError):
        pass
    dep.hub_port = dep.hub_port or free_port()
    dep.proxy_api_port = dep.proxy_api_port or free_port()
    return dep


def setup(dep: Deployment, demo_passwords: bool = False, log=print) -> dict[str, str]:
    """Everything but the hub itself; returns the demo passwords it generated (empty otherwise)."""
    if os.geteuid() != 0:
        raise SystemExit("classroom setup needs root (it creates Unix accounts): run `sudo make hub`")
    if not PROXY.exists():
        raise SystemExit(f"{PROXY} is missing: run `make hub-deps` (npm ci in classroom/)")
    if not dep.homes.exists():
        ensure_dir(dep.homes, 0o755)
    for member in dep.members:
        entry, what = accounts.ensure_account(member, dep.homes)
        log(f"account {member.username:12s} {member.role:10s} {entry.pw_dir} ({what})")
    venv = ensure_student_env(dep.prefix, dep.checkout, log=log)
    for change in ensure_layout(dep):
        log(f"  {change}")
    teacher_gid = pwd.getpwnam(dep.instructor.username).pw_gid
    ensure_grader_env(dep.grader, venv, teacher_gid, dep.checkout)
    roles.write_role_configs(dep)
    ensure_course(dep, log=log)
    dep.save()
    passwords = accounts.demo_passwords([m.username for m in dep.members]) if demo_passwords else {}
    missing = [m.username for m in dep.members if m.username not in passwords
               and accounts.password_status(m.username) != "P"]
    if missing:
        log(f"no password yet (cannot log in): {', '.join(missing)}: set them with `passwd NAME` or "
            "`chpasswd < FILE` (lines NAME:PASSWORD), or use `make hub-demo` to generate them")
    return passwords


def open_to_students(dep: Deployment) -> list[Path]:
    """Which of the checkout's secret parts (hidden tests, solutions) a student account could read."""
    secret = [dep.checkout / "source", dep.checkout / "autograder", dep.checkout / "tests"]
    git = dep.checkout / ".git"
    if git.is_file():  # a worktree: the repository (history with every solution) lives elsewhere
        secret.append(Path(git.read_text().split("gitdir:", 1)[-1].strip()).parent.parent)
    student = dep.students[0].username if dep.students else None
    if student is None:
        return []
    return [p for p in secret if p.exists() and accounts.run_as(student, ["test", "-r", str(p)]).returncode == 0]


def close_checkout(dep: Deployment, log=print) -> None:
    """The checkout holds solutions and hidden tests: no other account may enter it."""
    if open_to_students(dep):
        dep.checkout.chmod(dep.checkout.stat().st_mode & 0o700)
        log(f"{dep.checkout}: closed to other accounts (chmod go-rwx): it holds the solutions and hidden tests")
    still = open_to_students(dep)
    if still:
        log(f"WARNING: students can read {', '.join(map(str, still))}: move the checkout somewhere private")


def summary(dep: Deployment) -> str:
    released = sorted(p.name for p in dep.exchange_course("outbound").iterdir() if p.is_dir())
    try:
        inbound = os.listdir(dep.exchange_course("inbound"))
    except OSError:
        inbound = []
    counts = {}
    for name in inbound:
        user, _, rest = name.partition("+")
        counts.setdefault(rest.split("+")[0], set()).add(user)
    lines = [f"{dep.course_id} on http://{dep.ip}:{dep.port}  (state {dep.state}, exchange {dep.exchange})",
             f"  instructor {dep.instructor.username}: course directory {dep.course_dir}",
             f"  students: {', '.join(m.username for m in dep.students) or 'none'}",
             f"  released: {', '.join(released) or 'nothing yet'}"]
    lines += [f"  {a}: submissions from {len(users)} student(s) in the exchange" for a, users in sorted(counts.items())]
    return "\n".join(lines)


def hub_command(dep: Deployment) -> tuple[list[str], dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_"))}
    env.update({"CLASSROOM_ROOT": str(dep.root), "PYTHONUNBUFFERED": "1"})
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "/usr/bin:/bin")])
    return [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)], env


def running_servers(dep: Deployment) -> list[int]:
    """Process ids of the users' servers the hub's database records (they outlive the hub)."""
    db = dep.state / "jupyterhub.sqlite"
    if not db.exists():
        return []
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT state FROM spawners WHERE state IS NOT NULL").fetchall()
    finally:
        con.close()
    pids = []
    for (state,) in rows:
        pid = (json.loads(state) if isinstance(state, str) else {}).get("pid")
        if pid:
            pids.append(int(pid))
    return pids


def stop_servers(dep: Deployment, timeout: float = 15.0) -> int:
    pids = [p for p in running_servers(dep) if os.path.exists(f"/proc/{p}")]
    for pid in pids:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while any(os.path.exists(f"/proc/{p}") for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in pids:
        if os.path.exists(f"/proc/{pid}"):
            os.kill(pid, signal.SIGKILL)
    return len(pids)


def cycle(dep: Deployment, argv: list[str], grade_as_root: bool = True) -> int:
    """``cnn-grade cycle ARGS`` as the instructor, in the course directory.

    With ``grade_as_root`` (run by root: ``make cycle``) the grading step runs as root, so ``cnn-grade`` puts each
    submission in its sandbox as nobody (namespaces, allow-listed files); unprivileged, the sandbox runs in a user
    namespace (see docs/GRADING.md). Its results are then handed back to the instructor.
    """
    def as_instructor(*extra: str) -> int:
        cmd = [str(dep.grader / "bin" / "cnn-grade"), "--course", str(dep.course_dir), "cycle", *argv, *extra]
        return accounts.run_as(dep.instructor.username, cmd, env=tool_env(dep), cwd=dep.course_dir).returncode

    if not grade_as_root or os.geteuid() != 0:
        return as_instructor()
    if rc := as_instructor("--steps", "close,collect"):
        return rc
    assignment = next(a for a in argv if not a.startswith("-"))
    if not any((dep.course_dir / "submitted").glob(f"*/{assignment}")):
        return 0
    print(f"== grade {assignment} as root (student code runs as nobody in the sandbox)", flush=True)
    grade = subprocess.run([sys.executable, "-m", "autograder.cli", "--course", str(dep.course_dir), "grade",
                            assignment, "--quiet"], cwd=dep.course_dir)
    teacher = pwd.getpwnam(dep.instructor.username)
    for path in [dep.course_dir / "autograded", *dep.course_dir.glob("gradebook.db*")]:
        for p in [path, *path.rglob("*")]:
            os.lchown(p, teacher.pw_uid, teacher.pw_gid)
    if grade.returncode:
        print("cycle stopped at 'grade': nothing was lost; fix the cause and run the cycle again", file=sys.stderr)
        return grade.returncode
    return as_instructor("--steps", "feedback")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m classroom.hub", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["start", "setup", "cycle", "stop-servers"])
    parser.add_argument("rest", nargs=argparse.REMAINDER, help="for cycle: ASSIGNMENT and cnn-grade cycle options")
    parser.add_argument("--root", default="/srv/cnn-course", help="hub state, exchange, settings (default %(default)s)")
    parser.add_argument("--prefix", default="/opt/cnn-course", help="the course's Python environment")
    parser.add_argument("--homes", default="/home", help="where new accounts get their home")
    parser.add_argument("--roster", default=str(CHECKOUT / "classroom" / "roster.example.csv"))
    parser.add_argument("--course-id", default="cnn-course")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--ip", default="127.0.0.1", help="public address (put TLS in front: docs/DEPLOY.md)")
    parser.add_argument("--assignment", action="append", help="generate only these into the gradebook")
    parser.add_argument("--spawner-arg", action="append", help="extra argument for every user's server")
    parser.add_argument("--demo-passwords", action="store_true",
                        help="DEMO: generate a password for every account without one and print it once")
    parser.add_argument("--keep-checkout-open", action="store_true", help="do not chmod the checkout go-rwx")
    args = parser.parse_args(argv)
    if args.command in ("cycle", "stop-servers"):
        dep = Deployment.load(Path(args.root))
        if args.command == "cycle":
            return cycle(dep, args.rest)
        print(f"stopped {stop_servers(dep)} user server(s)" + (" and the proxy" if stop_proxy(dep) else ""))
        return 0
    try:
        dep = deployment_from(args)
    except RosterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    passwords = setup(dep, demo_passwords=args.demo_passwords)
    if not args.keep_checkout_open:
        close_checkout(dep)
    if passwords:
        print("\nDEMO passwords (shown once, not stored; change them with `passwd NAME`):")
        for user, password in passwords.items():
            print(f"  {user:12s} {password}")
    print("\n" + summary(dep))
    if args.command == "setup":
        return 0
    print(ensure_proxy(dep))
    cmd, env = hub_command(dep)
    print(f"\nJupyterHub on http://{dep.ip}:{dep.port} (Ctrl-C stops the hub; users' servers keep running: "
          "`make hub-stop` stops them)", flush=True)
    os.chdir(dep.state)
    os.execve(cmd[0], cmd, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
