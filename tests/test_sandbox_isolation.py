"""Student code sees nothing but the allow-list: no other file of the host, no variable of the grader's.

The sandboxes here are set up as grading sets them up (the course's secret paths hidden, autograde's variable).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from nbformat.v4 import new_code_cell

from autograder.cli import MARKER, secret_paths
from autograder.pipeline.student_code import AUTOGRADE_ENV
from autograder.sandbox import Limits, Sandbox, isolation
from autograder.sandbox.allowlist import ENV_ALLOWED

pytestmark = pytest.mark.skipif(not isolation().isolated, reason=f"no isolation here: {isolation().summary}")

#: what student code may see, read-only: the interpreter and its packages, a few system files, the course
#: package and the grader code that runs student code. Nothing else (not source/, the gradebook, .git, ...).
ALLOWED = ["/usr", "/bin", "/sbin", "/lib", "/lib64", "/etc/ld.so.cache", "/etc/fonts", "/etc/passwd",
           "/etc/group", os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix), sys.prefix,
           str(ROOT / "course"), str(ROOT / "autograder" / "__init__.py"), str(ROOT / "autograder" / "sandbox"),
           str(ROOT / "autograder" / "sandbox_worker.py"), str(ROOT / "autograder" / "wire.py")]
#: its own: scratch (/tmp, also HOME), devices, and the processes of its own PID namespace
OWN = ["/tmp", "/dev", "/proc"]

WALK = """
import json, os
allowed, own = {allowed!r}, {own!r}
def under(p, roots):
    return any(p == r or p.startswith(r.rstrip('/') + '/') for r in roots)
def parent_of_allowed(p):
    return os.path.isdir(p) and not os.path.islink(p) and any(r.startswith(p.rstrip('/') + '/') for r in allowed)
outside, writable, owned, readable = [], [], [], 0
for top, dirs, files in os.walk('/'):
    for name in dirs + files:
        p = os.path.join(top, name)
        if under(p, own):
            continue
        if not under(p, allowed) and not parent_of_allowed(p):
            outside.append(p)
        if os.access(p, os.W_OK, follow_symlinks=False):
            writable.append(p)
        if os.lstat(p).st_uid == os.getuid():
            owned.append(p)
        readable += name in files and os.access(p, os.R_OK)
    dirs[:] = [d for d in dirs if not under(os.path.join(top, d), own)]
print(json.dumps({{'outside': outside[:30], 'n_outside': len(outside), 'writable': writable[:30],
                  'owned': owned[:30], 'readable': readable, 'uid': os.getuid()}}))
"""


def student_sandbox(**kw) -> Sandbox:
    """A sandbox as grading starts one (start-up may take minutes on a loaded machine: this is not a timing test)."""
    return Sandbox(limits=Limits(start_seconds=900), hidden=secret_paths(ROOT), env=AUTOGRADE_ENV, **kw)


def run(box: Sandbox, code: str, timeout: float = 60) -> str:
    reply = box.request("exec", source=code, cell=0, timeout=timeout)
    assert reply.get("ok"), reply
    return reply["stdout"]


@pytest.fixture(scope="module")
def walk():
    with student_sandbox() as box:
        return json.loads(run(box, WALK.format(allowed=ALLOWED, own=OWN), timeout=600))


def test_a_walk_over_everything_visible_finds_only_allow_listed_paths(walk):
    assert walk["readable"] > 1000, "the walk saw almost nothing: is the interpreter even there?"
    assert walk["n_outside"] == 0, f"visible outside the allow-list: {walk['outside']}"


def test_visible_files_are_not_writable_and_not_owned_by_the_sandbox_user(walk):
    assert walk["writable"] == [], f"writable outside its own /tmp: {walk['writable']}"
    if os.geteuid() == 0:   # without root, student code runs as the grading user, who may own the checkout
        assert walk["uid"] != 0
        assert walk["owned"] == [], f"owned by the sandbox's uid {walk['uid']}: {walk['owned']}"


@pytest.fixture()
def planted():
    """Copies of the course's source/ elsewhere on the host (a temporary directory, a home directory, /root),
    made after the grader started, plus a secret variable in the grader's environment."""
    made = [Path(tempfile.mkdtemp(prefix="course-copy-", dir="/tmp"))]
    for parent in ("/home", "/root"):
        try:
            made.append(Path(tempfile.mkdtemp(prefix="cnn-grade-test-", dir=parent)))
        except OSError:
            pass   # not writable for this user: nothing of ours there
    for d in made:
        shutil.copytree(ROOT / "source" / "01_convolution", d / "source" / "01_convolution")
    os.environ["CNN_GRADE_TEST_SECRET"] = token = "tok-" + os.urandom(8).hex()
    yield [str(p) for d in made for p in sorted(d.rglob("*.ipynb"))], token
    os.environ.pop("CNN_GRADE_TEST_SECRET")
    for d in made:
        shutil.rmtree(d)


PROBE = """
import json, os
found = {{}}
for p in {paths!r}:
    try:
        found[p] = ('listed', sorted(os.listdir(p))) if os.path.isdir(p) else ('read', len(open(p, 'rb').read()))
    except OSError as exc:
        found[p] = ('denied', type(exc).__name__)
environ = []
for pid in os.listdir('/proc'):
    try:
        environ.append(open(f'/proc/{{pid}}/environ', 'rb').read().decode(errors='replace'))
    except (OSError, NotADirectoryError):
        pass
print(json.dumps({{'found': found, 'env': dict(os.environ), 'proc_environ': environ}}))
"""


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
def test_secrets_elsewhere_on_the_host_and_in_the_environment_stay_out(planted, warm):
    copies, token = planted
    secrets = [*copies, "/etc/shadow", str(ROOT / "source"), str(ROOT / ".git"), str(ROOT / "autograder" / "cli.py"),
               str(ROOT / "autograder" / "misconceptions")]
    with student_sandbox(warm=warm) as box:
        seen = json.loads(run(box, PROBE.format(paths=[*secrets, "/root", "/home"])))
    found = seen["found"]
    for path in secrets:
        assert found[path][0] == "denied", f"{path} is visible to student code: {found[path]}"
    python_home = [p for p in ALLOWED if p.startswith("/root/")]
    assert set(found["/root"][1] if found["/root"][0] == "listed" else []) <= {
        p.split("/")[2] for p in python_home}, f"/root shows more than the way to the interpreter: {found['/root']}"
    assert found["/home"][0] == "denied" or not [p for p in found["/home"][1] if not any(
        a.startswith(f"/home/{p}/") for a in ALLOWED)], f"/home shows: {found['/home']}"
    assert token not in json.dumps(seen), "the grader's secret variable reached student code"
    set_by_torch = {"TORCHINDUCTOR_CACHE_DIR"}   # torch's import sets it in the sandbox itself
    assert set(seen["env"]) - set_by_torch <= set(ENV_ALLOWED), set(seen["env"]) - set(ENV_ALLOWED)
    assert seen["env"].get("NBGRADER_EXECUTION") == "autograde"


@pytest.mark.slow
def test_a_secret_variable_never_reaches_an_autograded_notebook(tmp_path):
    from autograder.mutation import honest_submission
    from autograder.release import generate_elsewhere

    course = tmp_path / "course"
    course.mkdir()
    generate_elsewhere("01_convolution", course)
    shutil.copytree(ROOT / "release" / "01_convolution", course / "release" / "01_convolution", dirs_exist_ok=True)
    nb = honest_submission("01_convolution")[1]
    nb.cells.append(new_code_cell("import os\nprint('ENVIRONMENT', dict(os.environ))\nfor p in os.listdir('/proc'):\n"
                                  "    try:\n        print(open(f'/proc/{p}/environ').read())\n"
                                  "    except (OSError, NotADirectoryError):\n        pass"))
    dest = course / "submitted" / "snoop" / "01_convolution"
    dest.mkdir(parents=True)
    nbformat.write(nb, dest / "convolution.ipynb")
    token = "tok-" + os.urandom(8).hex()
    env = {**os.environ, "CNN_GRADE_TEST_SECRET": token, "GRADER_DB_PASSWORD": token}
    run_ = subprocess.run([sys.executable, "-m", "autograder.cli", "--course", str(course), "grade", "01_convolution",
                           "--quiet"], env=env, capture_output=True, text=True, timeout=900)
    assert run_.returncode == 0, run_.stderr
    autograded = (course / "autograded" / "snoop" / "01_convolution" / "convolution.ipynb").read_text()
    assert "ENVIRONMENT" in autograded, "the snooping cell's output is not in the autograded notebook"
    assert token not in autograded
    assert token not in (course / "autograded" / "snoop" / "01_convolution" / MARKER).read_text()


PRIVILEGES = """
import ctypes, json, os, socket
status = dict(line.split(':', 1) for line in open('/proc/self/status') if line.startswith('Cap'))
libc = ctypes.CDLL(None, use_errno=True)
made_userns = libc.unshare(0x10000000) == 0
try:
    socket.create_connection(('1.1.1.1', 53), timeout=3)
    network = 'reached the internet'
except OSError as exc:
    network = type(exc).__name__
print(json.dumps({'caps': {k: int(v, 16) for k, v in status.items()}, 'userns': made_userns,
                  'network': network, 'interfaces': [n for _, n in socket.if_nameindex()],
                  'processes': sorted(int(p) for p in os.listdir('/proc') if p.isdigit())}))
"""


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
def test_student_code_has_no_privilege_no_network_and_sees_only_its_processes(warm):
    with student_sandbox(warm=warm) as box:
        seen = json.loads(run(box, PRIVILEGES))
    assert seen["caps"] and not any(seen["caps"].values()), f"capabilities left: {seen['caps']}"
    assert not seen["userns"], "student code could make a user namespace of its own"
    assert seen["interfaces"] == ["lo"] and seen["network"] != "reached the internet"
    assert len(seen["processes"]) <= 3, f"processes visible: {seen['processes']}"
