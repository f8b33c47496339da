"""The classroom's shared environment (classroom/environment.py) without building it: the course's Jupyter server
extension is enabled in a venv the way ``ensure_student_env`` does it for ``PREFIX/venv``."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from classroom.environment import copy_packages, enable_lab_server, site_packages


@pytest.fixture
def venv(tmp_path):
    """A small venv layered on this one (its packages by a ``.pth`` file) holding its own copy of ``course``."""
    path = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    site = site_packages(path)
    (site / "base.pth").write_text(next(p for p in sys.path if p.endswith("site-packages")) + "\n")
    copy_packages(("course",), site)
    return path


def test_the_lab_server_extension_is_enabled_for_the_venvs_servers(venv):
    config = enable_lab_server(venv)
    assert config == venv / "etc" / "jupyter" / "jupyter_server_config.d" / "course.lab_server.json"
    assert json.loads(config.read_text()) == {"ServerApp": {"jpserver_extensions": {"course.lab_server": True}}}
    listed = subprocess.run([str(venv / "bin" / "python"), "-m", "jupyter_server.extension.serverextension",
                             "list"],
                            capture_output=True, text=True, cwd=venv, env={"PATH": "/usr/bin:/bin"})
    text = re.sub(r"\x1b\[[0-9;]*m", "", listed.stdout + listed.stderr)        # without the colours
    assert re.search(r"course\.lab_server enabled\s+- Validating course\.lab_server\.\.\.\s+course\.lab_server\s+OK",
                     text), text
    assert enable_lab_server(venv) == config, "a second setup keeps it"


def test_a_venv_without_the_course_says_why(tmp_path):
    path = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    with pytest.raises(RuntimeError, match="enabling course.lab_server in .*bare failed"):
        enable_lab_server(path)
