"""Run a command as another (non-root) user, with the interpreter and the checkout reachable for it.

``python tests/as_user.py UID GID PATHS_JSON -- COMMAND...`` must run as root. In a private mount namespace it
makes every directory on the way to PATHS traversable (a 0755 tmpfs over a closed one, such as /root when Python
lives under it, with the needed entries bound back), then runs COMMAND as UID/GID with no other group. Nothing
changes for the rest of the host.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True)


def open_the_way(paths: list[str]) -> None:
    """Every closed ancestor of ``paths`` becomes an open tmpfs holding only the entries on the way."""
    _mount("--make-rprivate", "/")
    closed: dict[Path, set[str]] = {}
    for p in map(Path, paths):
        for depth in range(1, len(p.parts) - 1):
            ancestor = Path(*p.parts[:depth + 1])
            if not os.stat(ancestor).st_mode & 0o001:
                closed.setdefault(ancestor, set()).add(p.parts[depth + 1])
    for ancestor in sorted(closed, key=lambda a: len(a.parts)):
        kept = {}
        for name in sorted(closed[ancestor]):
            kept[name] = tempfile.mkdtemp(prefix="keep-")
            _mount("--bind", str(ancestor / name), kept[name])
        _mount("-t", "tmpfs", "-o", "mode=0755,size=1m", "open", str(ancestor))
        for name, keep in kept.items():
            target = ancestor / name
            if os.path.isdir(keep):
                target.mkdir()
            _mount("--move", keep, str(target))


def main() -> None:
    uid, gid, paths = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
    command = sys.argv[sys.argv.index("--") + 1:]
    open_the_way([os.path.realpath(p) for p in paths])
    os.execvp("setpriv", ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--", *command])


if __name__ == "__main__":
    main()
