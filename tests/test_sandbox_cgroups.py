"""Sandbox cgroups: the hierarchy this host has (cgroup v1 as root here) for real, cgroup v2 on a fake hierarchy."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from autograder.sandbox import Limits, Sandbox, isolation
from autograder.sandbox.cgroups import Cgroup, Hierarchy, detect

V2_HOST = """\
24 1 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate
25 1 0:23 / /proc rw shared:10 - proc proc rw
"""
V1_HOST = """\
30 25 0:26 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
31 25 0:27 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
32 25 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
33 25 0:29 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
"""


def fake_v2(tmp_path: Path) -> Path:
    root = tmp_path / "cgroup"
    root.mkdir()
    (root / "cgroup.controllers").write_text("cpuset cpu io memory hugetlb pids rdma misc\n")
    (root / "cgroup.subtree_control").write_text("")
    return root


def test_detect_prefers_cgroup_v2_with_its_controllers(tmp_path):
    root = fake_v2(tmp_path)
    mountinfo = V2_HOST.replace("/sys/fs/cgroup", str(root))
    hierarchy, why = detect(mountinfo, "0::/user.slice/session-1.scope\n", euid=0, delegated="")
    assert hierarchy is not None and hierarchy.version == 2, why
    assert hierarchy.bases == {c: root / "cnn-grade" for c in ("pids", "memory", "cpu")}


def test_detect_v2_without_root_needs_a_delegated_group(tmp_path):
    root = fake_v2(tmp_path)
    mountinfo = V2_HOST.replace("/sys/fs/cgroup", str(root))
    hierarchy, why = detect(mountinfo, "0::/user.slice\n", euid=1000, delegated="")
    assert hierarchy is None and "CNN_GRADE_CGROUP" in why
    delegated = root / "user.slice" / "grading"
    delegated.mkdir(parents=True)
    (delegated / "cgroup.controllers").write_text("cpu memory pids\n")
    hierarchy, why = detect(mountinfo, "0::/user.slice\n", euid=1000, delegated=str(delegated))
    assert hierarchy is not None and hierarchy.bases["memory"] == delegated, why


def test_detect_v1_puts_groups_under_the_graders_own(tmp_path):
    proc_cgroup = "12:pids:/\n11:memory:/machine/grader\n10:cpu,cpuacct:/\n0::/\n"
    hierarchy, _ = detect(V1_HOST, proc_cgroup, euid=0, delegated="")
    assert hierarchy is not None and hierarchy.version == 1  # the hybrid host's empty cgroup2 is not used
    assert hierarchy.bases["memory"] == Path("/sys/fs/cgroup/memory/machine/grader/cnn-grade")
    assert hierarchy.bases["cpu"] == Path("/sys/fs/cgroup/cpu,cpuacct/cnn-grade")
    assert detect(V1_HOST, proc_cgroup, euid=1000, delegated="")[0] is None   # only root makes v1 groups


def test_v2_group_gets_every_limit_and_the_process(tmp_path):
    root = fake_v2(tmp_path)
    hierarchy = Hierarchy(2, {c: root / "cnn-grade" for c in ("pids", "memory", "cpu")})
    limits = Limits(processes=32, total_memory_bytes=3 * 2**30, cpus=0.5)
    group = Cgroup(hierarchy, "box-1")
    group.create(limits)
    box = root / "cnn-grade" / "box-1"
    for parent in (root, root / "cnn-grade"):   # the controllers are passed down to the sandbox's group
        assert {"+pids", "+memory", "+cpu"} <= set((parent / "cgroup.subtree_control").read_text().split())
    assert (box / "pids.max").read_text() == "32"
    assert (box / "memory.max").read_text() == str(3 * 2**30)
    assert (box / "cpu.max").read_text() == "50000 100000"
    group.add(4242)
    assert (box / "cgroup.procs").read_text() == "4242" and group.pids() == [4242]
    (box / "memory.events").write_text("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n")
    assert group.oom_killed()


@pytest.mark.skipif(isolation().cgroups is None, reason="this host gives sandboxes no cgroup")
def test_a_real_sandbox_is_held_by_its_cgroups():
    """The path this host has: each sandbox process sits in its own groups with the limits written in them."""
    limits = Limits(processes=48, total_memory_bytes=3 * 2**30, cpus=0.5, start_seconds=900)
    with Sandbox(limits=limits) as box:
        group = box._cgroup
        assert group is not None and box.proc.host_pid in group.pids()
        settings = group.settings(limits)
        for controller, directory in group.dirs.items():
            for name, value in settings[controller].items():
                if (directory / name).exists():
                    assert (directory / name).read_text().strip() == value, name
        dirs = list(group.dirs.values())
    assert not any(d.exists() for d in dirs), "the groups outlive the sandbox"


@pytest.mark.skipif("memory" not in (isolation().cgroups.controllers if isolation().cgroups else []),
                    reason="no memory cgroup on this host")
def test_the_memory_limit_holds_for_all_processes_together():
    """Four processes of 200 MB each stay under the address-space limit but not under 500 MB together."""
    code = ("import os, time\nkids = []\nfor _ in range(4):\n    pid = os.fork()\n    if pid == 0:\n"
            "        b = bytearray(200 * 2**20)\n        time.sleep(20)\n        os._exit(0)\n    kids.append(pid)\n"
            "time.sleep(4)\nprint([os.waitpid(k, os.WNOHANG)[1] for k in kids])")
    with Sandbox(limits=Limits(total_memory_bytes=500 * 2**20, start_seconds=900)) as box:
        try:
            reply = box.request("exec", source=code, cell=0, timeout=60)
            statuses = eval(reply["stdout"])   # noqa: S307 - a list of ints printed by the cell above
            assert 9 in [os.WSTOPSIG(s) if os.WIFSTOPPED(s) else s & 0x7F for s in statuses], reply
        except Exception as exc:  # noqa: BLE001 - the OOM killer may pick the worker itself
            assert "out of memory" in str(exc), exc
        assert box._cgroup.oom_killed()
