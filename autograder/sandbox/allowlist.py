"""What student code sees: the one allow-list of paths and environment variables (``cnn-grade doctor`` prints it).

Everything else on the host does not exist inside the sandbox: bubblewrap builds its root from an empty tmpfs
and mounts only these entries into it, read-only except the sandbox's own ``/tmp`` and ``/dev/shm``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

#: the checkout (``autograder.course_layout.REPO_ROOT``, computed here: inside the sandbox only this package,
#: ``sandbox_worker.py`` and ``wire.py`` of autograder/ exist)
PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent

#: code and data of this checkout that student code reads (relative to the checkout, wherever it is): the course
#: package with its data files, and the grader's code that runs student code. Not source/, submitted/,
#: autograded/, feedback/, the gradebook, .git, reports/, nor the rest of autograder/ (the misconception
#: catalogue holds correct alternatives).
CHECKOUT_READABLE = ("course", "autograder/__init__.py", "autograder/sandbox", "autograder/sandbox_worker.py",
                     "autograder/wire.py")

#: data files the notebooks read from elsewhere: none (the datasets ship inside scikit-learn and matplotlib)
DATA_READABLE: tuple[str, ...] = ()

#: host files every program needs (the dynamic linker's cache; font configuration, matplotlib runs fc-list)
ETC_READABLE = ("/etc/ld.so.cache", "/etc/fonts")

#: environment variables student code gets; none of the grader's others
ENV_ALLOWED = ("PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE",
               "MPLBACKEND", "MPLCONFIGDIR", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OMP_WAIT_POLICY",
               "CNN_GRADE_THREADS", "NBGRADER_EXECUTION")
ENV_FROM_GRADER = ("LANG", "LC_ALL", "LC_CTYPE", "TZ")  # copied when the grader has them


DEVICES = ("null", "zero", "full", "random", "urandom")
DEVICE_LINKS = (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                ("stderr", "/proc/self/fd/2"))


@dataclass(frozen=True)
class Entry:
    """One path student code sees: ``kind`` is 'ro' (read-only bind of ``source``), 'symlink' (to ``source``),
    'tmpfs' (its own, writable), 'dev', 'proc', or 'cover' (an allowed path's secret part, shown empty)."""

    path: str
    kind: str
    why: str
    source: str = ""

    def describe(self) -> str:
        how = {"ro": "read-only", "symlink": f"-> {self.source}", "tmpfs": "its own, writable (tmpfs)",
               "dev": "null zero full (u)random", "proc": "its own PID namespace",
               "cover": "shown empty"}[self.kind]
        return f"{self.path:52s} {how:28s} {self.why}"


def _under(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def interpreter_paths() -> list[str]:
    """Where this Python and its packages live, outside /usr (a virtualenv, pyenv, conda)."""
    paths = []
    exe_dir = str(Path(os.path.realpath(sys.executable)).parent.parent)
    for p in (sys.base_prefix, sys.base_exec_prefix, sys.prefix, sys.exec_prefix, exe_dir):
        real = os.path.realpath(p)
        if not _under(real, ["/usr"]) and not _under(real, paths) and os.path.isdir(real):
            paths = [q for q in paths if not _under(q, [real])] + [real]
            if p != real and not _under(p, paths):
                paths.append(p)   # the unresolved path too, if a symlink leads there (sys.prefix is used as is)
    return paths


def allow_list(hidden: tuple[str, ...] = ()) -> list[Entry]:
    """Every path student code sees. ``hidden``: paths never shown even if an allowed directory holds them."""
    entries = [Entry("/usr", "ro", "interpreter, libraries, tools", "/usr")]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            entries.append(Entry(top, "symlink", "merged /usr", os.readlink(top)))
        elif os.path.isdir(top):
            entries.append(Entry(top, "ro", "system libraries", top))
    entries += [Entry(p, "ro", "Python and the installed packages", p) for p in interpreter_paths()]
    entries += [Entry(p, "ro", "system configuration (no secrets)", p) for p in ETC_READABLE if os.path.exists(p)]
    entries += [Entry(p, "ro", "accounts: root, nobody and the sandbox user only", "(written by the grader)")
                for p in ("/etc/passwd", "/etc/group")]
    for rel in CHECKOUT_READABLE:
        p = PACKAGE_ROOT / rel
        entries.append(Entry(str(p), "ro", "course package and its data" if rel == "course" else "grader code run "
                             "with student code", str(p)))
    entries += [Entry(p, "ro", "course data", p) for p in DATA_READABLE]
    entries += [Entry("/tmp", "tmpfs", "scratch: working directory, HOME, TMPDIR"),
                Entry("/dev", "dev", "minimal devices"), Entry("/dev/shm", "tmpfs", "shared memory (size-limited)"),
                Entry("/proc", "proc", "its own processes only")]
    readable = [e.path for e in entries if e.kind == "ro"]
    for secret in sorted(hidden):
        real = os.path.realpath(secret)
        if os.path.exists(real) and _under(real, readable):
            kind = "dir" if os.path.isdir(real) else "file"
            entries.append(Entry(real, "cover", "never shown (course secrets)", kind))
    return entries


def bwrap_view(entries: list[Entry], etc_dir: Path, empty_dir: Path) -> list[str]:
    """bubblewrap arguments that build exactly this view (the root is an empty tmpfs; read-only at the end)."""
    args: list[str] = []
    made = {"/"}
    for e in entries:
        for parent in reversed(Path(e.path).parents):   # bubblewrap would make missing parents 0700
            if str(parent) not in made and not _under(str(parent), [m.path for m in entries if m.kind == "ro"]):
                args += ["--dir", str(parent)]
            made.add(str(parent))
        if e.kind == "ro" and e.path in ("/etc/passwd", "/etc/group"):
            args += ["--ro-bind", str(etc_dir / Path(e.path).name), e.path]
        elif e.kind == "ro":
            args += ["--ro-bind", e.source, e.path]
        elif e.kind == "symlink":
            args += ["--symlink", e.source, e.path]
        elif e.kind == "dev":   # not bubblewrap's --dev: its devpts needs a second user namespace without root,
            args += ["--dir", e.path]   # and that one could not mount the sandbox's own /tmp and /proc
            args += [a for d in DEVICES for a in ("--dev-bind", f"/dev/{d}", f"/dev/{d}")]
            args += [a for name, target in DEVICE_LINKS for a in ("--symlink", target, f"/dev/{name}")]
        elif e.kind == "proc":
            args += ["--proc", e.path]
        elif e.kind == "tmpfs":
            args += ["--size", str(64 * 2**20), "--tmpfs", e.path]   # the zygote's; each sandbox mounts its own
        elif e.kind == "cover":
            args += ["--ro-bind", "/dev/null" if e.source == "file" else str(empty_dir), e.path]
    return [*args, "--remount-ro", "/"]


def accounts(uid: int, gid: int) -> tuple[str, str]:
    """/etc/passwd and /etc/group as student code sees them."""
    users = {0: "root", 65534: "nobody"}
    groups = {0: "root", 65534: "nogroup"}
    users.setdefault(uid, "student")
    groups.setdefault(gid, "student")
    passwd = "".join(f"{name}:x:{u}:{gid if u == uid else u}:{name}:/tmp:/usr/sbin/nologin\n"
                     for u, name in sorted(users.items()))
    group = "".join(f"{name}:x:{g}:\n" for g, name in sorted(groups.items()))
    return passwd, group
