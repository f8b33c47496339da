"""What a sandbox starts with: its bubblewrap command line (the allow-listed view), its environment (the
allow-listed variables), and the grader's private state directory."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from autograder.sandbox.allowlist import (
    ENV_ALLOWED,
    ENV_FROM_GRADER,
    PACKAGE_ROOT,
    accounts,
    allow_list,
    bwrap_view,
)
from autograder.sandbox.isolation import Isolation
from autograder.sandbox.settings import THREADS_ENV

# OpenMP threads that wait sleep instead of spinning: a notebook that asks for 2 torch threads in a sandbox held
# to one CPU next to another sandbox would otherwise spend its quota spinning (10-50x slower).
OPENMP_ENV = {"OMP_WAIT_POLICY": "PASSIVE"}

_state: Path | None = None


def state_dir() -> Path:
    """This user's private directory for the grader's side of sandboxes (output files, /etc/passwd copies)."""
    global _state
    if _state is None:
        path = Path(tempfile.gettempdir()) / f"cnn-grade-{os.getuid()}"
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            pass
        st = path.lstat()
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
            path = Path(tempfile.mkdtemp(prefix=f"cnn-grade-{os.getuid()}-"))   # someone else made that one
        _state = path
    return _state


def environment(home: str, threads: int = 1, extra: Mapping[str, str] = ()) -> dict[str, str]:
    """The whole environment of student code: the allow-list's variables, nothing else of the grader's."""
    extra = dict(extra)
    unknown = set(extra) - set(ENV_ALLOWED)
    if unknown:
        raise ValueError(f"not in the sandbox's environment allow-list: {sorted(unknown)}")
    env = {k: os.environ[k] for k in ENV_FROM_GRADER if k in os.environ}
    env.update({"PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
                "HOME": home, "TMPDIR": home, "MPLBACKEND": "Agg", "MPLCONFIGDIR": f"{home}/.mpl",
                "PYTHONPATH": str(PACKAGE_ROOT), "PYTHONDONTWRITEBYTECODE": "1", THREADS_ENV: str(threads),
                "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads), **OPENMP_ENV, **extra})
    return env


def bwrap_argv(iso: Isolation, hidden: Sequence[Path] = ()) -> list[str]:
    """bubblewrap with the allow-listed view and fresh namespaces (the same for cold sandboxes and the zygote)."""
    state = state_dir()
    passwd, group = accounts(iso.uid, iso.gid)
    for name, text in (("passwd", passwd), ("group", group)):
        if not (state / name).exists() or (state / name).read_text() != text:
            new = state / f"{name}.{os.getpid()}.{threading.get_ident()}"
            new.write_text(text)
            new.chmod(0o644)
            os.replace(new, state / name)
    (state / "empty").mkdir(mode=0o555, exist_ok=True)
    argv = [iso.bwrap, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--hostname", "sandbox", "--die-with-parent", "--new-session"]
    if iso.mode == "user namespace":
        argv += ["--unshare-user", "--cap-add", "ALL"]
    view = bwrap_view(allow_list(tuple(str(p) for p in hidden)), state, state / "empty")
    return [*argv, *view, "--chdir", "/tmp", "--"]
