"""The Python environments the users' servers run, outside any home and outside the checkout.

``PREFIX/venv`` (every account reads it): the pinned requirements plus the student-side packages ``course``
and ``classroom``. Never ``autograder``: its misconception catalogue holds correct implementations.
``ROOT/grader`` (root:instructor, 0750): a small venv layered on ``PREFIX/venv`` by a ``.pth`` file, with
``autograder`` and the ``cnn-grade`` command; only the instructor's server puts it on its PATH.

Every server started from ``PREFIX/venv`` loads the course's Jupyter server extension (``course.lab_server``,
enabled as ``make setup`` does locally), so the widgets answer as fast on the hub as in ``make lab``.

The shared environment is rebuilt only when requirements.txt or the Python version changes (a stamp file); the
packages are copied again at every setup (cheap), so ``make hub`` always serves the checkout's code.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from classroom.deployment import CHECKOUT

STUDENT_PACKAGES = ("course", "classroom")
GRADER_PACKAGES = ("course", "classroom", "autograder")
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules")


def usable_by_all(path: Path) -> bool:
    """Can every account run ``path`` (itself o+rx, every folder above it o+x)?"""
    path = path.resolve()
    if not path.exists() or path.stat().st_mode & 0o005 != 0o005:
        return False
    return all(p.stat().st_mode & 0o001 for p in path.parents)


def shared_python() -> str:
    """An interpreter every account can run, of this Python's version, to build the shared venv from.

    This interpreter's base may live where students cannot enter (pyenv in /root): then Debian's
    ``/usr/bin/pythonX.Y`` of the same version (``apt-get install python3-venv``).
    """
    base = Path(getattr(sys, "_base_executable", sys.executable))
    debian = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    for candidate in (base, debian):
        if usable_by_all(candidate):
            return str(candidate)
    raise RuntimeError(f"no Python {sys.version_info.major}.{sys.version_info.minor} that every account can run: "
                       f"{base.resolve()} is closed to other accounts and {debian} is missing "
                       "(apt-get install python3 python3-venv)")


def site_packages(venv: Path) -> Path:
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    return venv / "lib" / version / "site-packages"


def stamp_of(checkout: Path = CHECKOUT) -> str:
    h = hashlib.sha256((checkout / "requirements.txt").read_bytes())
    h.update(shared_python().encode())
    return h.hexdigest()


def _pip(venv: Path, *args: str) -> None:
    proc = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", *args],
                          capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"pip {' '.join(args)} failed in {venv}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")


def copy_packages(names: tuple[str, ...], dest: Path, checkout: Path = CHECKOUT) -> None:
    for name in names:
        shutil.rmtree(dest / name, ignore_errors=True)
        shutil.copytree(checkout / name, dest / name, ignore=IGNORE)


def ensure_student_env(prefix: Path, checkout: Path = CHECKOUT, log=print) -> Path:
    """Build ``PREFIX/venv`` from the pins if its stamp is stale, refresh the course packages; return the venv."""
    venv = prefix / "venv"
    old = os.umask(0o022)  # everything readable by every account, whatever root's umask is
    try:
        prefix.mkdir(parents=True, exist_ok=True)
        prefix.chmod(0o755)
        with open(prefix / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one build at a time (make hub and a test may race)
            stamp = venv / ".cnn-course-stamp"
            if not stamp.exists() or stamp.read_text() != stamp_of(checkout):
                log(f"building the course environment in {venv} (pinned requirements; a few minutes, once)")
                shutil.rmtree(venv, ignore_errors=True)
                subprocess.run([shared_python(), "-m", "venv", str(venv)], check=True)
                _pip(venv, "install", "--quiet", "-r", str(checkout / "requirements.txt"))
                for ext in ("@jupyter-widgets/jupyterlab-manager", "@jupyter/nbgrader"):
                    subprocess.run([str(venv / "bin" / "jupyter"), "labextension", "enable", "--level=sys_prefix",
                                    ext], check=True, capture_output=True)
                stamp.write_text(stamp_of(checkout))
            copy_packages(STUDENT_PACKAGES, site_packages(venv), checkout)
            overrides = venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
            overrides.parent.mkdir(parents=True, exist_ok=True)  # a class is not asked about Jupyter's news
            overrides.write_text(json.dumps({"@jupyterlab/apputils-extension:notification": {"fetchNews": "false"}}))
            subprocess.run([str(venv / "bin" / "python"), "-m", "compileall", "-q",
                            *[str(site_packages(venv) / n) for n in STUDENT_PACKAGES]], check=True)
            enable_lab_server(venv)
    finally:
        os.umask(old)
    return venv


def enable_lab_server(venv: Path) -> Path:
    """Enable the course's Jupyter server extension (course/lab_server.py: kernel websockets without Nagle's
    delay) for every server ``venv`` starts, as ``make setup`` does for the local venv; return its config file."""
    config = venv / "etc" / "jupyter" / "jupyter_server_config.d" / "course.lab_server.json"
    if not config.exists():
        # run outside the checkout: the venv's own copy of ``course`` is the one its servers import
        proc = subprocess.run([str(venv / "bin" / "python"), "-m", "course.lab_server"], capture_output=True,
                              text=True, cwd=venv)
        if proc.returncode or not config.exists():
            raise RuntimeError(f"enabling course.lab_server in {venv} failed:\n{proc.stdout[-2000:]}"
                               f"{proc.stderr[-2000:]}")
    return config


def ensure_grader_env(grader: Path, venv: Path, gid: int, checkout: Path = CHECKOUT) -> Path:
    """``grader``: a venv on top of ``venv`` with autograder and ``cnn-grade``, readable by ``gid`` only."""
    old = os.umask(0o027)
    try:
        if not (grader / "bin" / "python").exists():
            # made by the shared venv's interpreter: the same base, so its site-packages can be layered
            subprocess.run([str(venv / "bin" / "python"), "-m", "venv", "--without-pip", str(grader)], check=True)
        site = site_packages(grader)
        (site / "course-environment.pth").write_text(str(site_packages(venv)) + "\n")
        share = grader / "share" / "jupyter"  # nbconvert's templates (feedback), kernels: the shared venv's
        if not share.is_symlink():
            share.parent.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(share, ignore_errors=True)
            share.symlink_to(venv / "share" / "jupyter")
        copy_packages(GRADER_PACKAGES, site, checkout)
        script = grader / "bin" / "cnn-grade"
        script.write_text(f'#!/bin/sh\nexec "{grader}/bin/python" -m autograder.cli "$@"\n')
        script.chmod(0o750)
        for dirpath, dirs, files in os.walk(grader):  # never into the symlinked shared folders
            for name in [*dirs, *files]:
                os.lchown(os.path.join(dirpath, name), 0, gid)
        os.chown(grader, 0, gid)
    finally:
        os.umask(old)
    grader.chmod(0o750)
    return grader


if __name__ == "__main__":  # make hub-deps: python -m classroom.environment PREFIX
    print(f"course environment: {ensure_student_env(Path(sys.argv[1]))}")
