"""Copy the released notebooks into the student's workspace without touching existing work.

Run as ``python -m course.workspace [--release DIR] [--workspace DIR]``.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# nbgrader's Validate button reads this in the student's workspace.
STUDENT_CONFIG = """\
# nbgrader settings for Validate in this workspace (written by `make lab`; edit freely).
c = get_config()  # noqa: F821
c.Execute.timeout = 120
"""


def sync_workspace(release: Path, workspace: Path) -> tuple[list[Path], list[Path]]:
    """Copy every file under ``release`` into ``workspace``; never overwrite a file that exists.

    Returns ``(copied, kept)``: the files copied and the student's files left as they were.
    """
    if not release.is_dir():
        raise FileNotFoundError(f"no released assignments at {release}; run `make release` first")
    copied: list[Path] = []
    kept: list[Path] = []
    for src in sorted(release.rglob("*")):
        if src.is_dir() or ".ipynb_checkpoints" in src.parts:
            continue
        dst = workspace / src.relative_to(release)
        if dst.exists():
            kept.append(dst)
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)
        copied.append(dst)
    config = workspace / "nbgrader_config.py"
    if not config.exists():
        config.write_text(STUDENT_CONFIG)
    return copied, kept


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", type=Path, default=ROOT / "release")
    parser.add_argument("--workspace", type=Path, default=ROOT / "workspace")
    args = parser.parse_args(argv)
    copied, kept = sync_workspace(args.release, args.workspace)
    print(f"workspace {args.workspace}: {len(copied)} new file(s) copied, {len(kept)} of yours kept as they are")


if __name__ == "__main__":
    main()
