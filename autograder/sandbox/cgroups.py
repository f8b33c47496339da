"""A cgroup per sandbox capping its processes, memory and CPU, on cgroup v1 or v2, whichever the host has.

v1: one group per controller, under the grader's own group of that controller (``<mount>/<own>/cnn-grade/<box>``).
v2: ``<base>/<box>`` where ``<base>`` is ``/sys/fs/cgroup/cnn-grade`` for root, or a delegated group named by
``CNN_GRADE_CGROUP`` (e.g. a ``systemd-run --user -p Delegate=yes`` scope's empty child) for anyone else.
The grader (outside the sandbox) creates, fills, kills and removes the groups; the sandbox never sees them.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder.sandbox.limits import Limits
from autograder.sandbox.settings import delegated_cgroup

CONTROLLERS = ("pids", "memory", "cpu")
GROUP = "cnn-grade"


@dataclass
class Hierarchy:
    """Where this grader may create sandbox cgroups: ``bases`` maps a controller to the directory holding them."""

    version: int
    bases: dict[str, Path] = field(default_factory=dict)

    @property
    def controllers(self) -> list[str]:
        return [c for c in CONTROLLERS if c in self.bases]

    def describe(self) -> str:
        where = sorted({str(p) for p in self.bases.values()})
        return f"cgroup v{self.version} ({', '.join(self.controllers)} under {', '.join(where)})"


def _mounts(mountinfo: str) -> list[tuple[str, str, str, set[str]]]:
    """(mount root, mount point, fs type, super options) of each mount."""
    out = []
    for line in mountinfo.splitlines():
        left, _, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if len(fields) >= 5 and len(tail) >= 3:
            out.append((fields[3], fields[4].replace("\\040", " "), tail[0], set(tail[2].split(","))))
    return out


def _own_groups(proc_cgroup: str) -> dict[str, str]:
    """Controller (or '' for v2) -> this process's group path, from /proc/self/cgroup."""
    groups = {}
    for line in proc_cgroup.splitlines():
        _, names, path = line.split(":", 2)
        for name in names.split(",") if names else [""]:
            groups[name] = path
    return groups


def detect(mountinfo: str | None = None, proc_cgroup: str | None = None, euid: int | None = None,
           delegated: str | None = None) -> tuple[Hierarchy | None, str]:
    """The hierarchy sandbox groups go in (None if none is usable), and why."""
    mountinfo = Path("/proc/self/mountinfo").read_text() if mountinfo is None else mountinfo
    proc_cgroup = Path("/proc/self/cgroup").read_text() if proc_cgroup is None else proc_cgroup
    euid = os.geteuid() if euid is None else euid
    delegated = delegated_cgroup() if delegated is None else delegated
    mounts, own = _mounts(mountinfo), _own_groups(proc_cgroup)
    v2 = next((point for _, point, fstype, _ in mounts if fstype == "cgroup2"), None)
    if v2 is not None:
        base = Path(delegated) if delegated else Path(v2) / GROUP
        parent = base if delegated else Path(v2)
        try:
            available = set((parent / "cgroup.controllers").read_text().split())
        except OSError:
            available = set()
        if set(CONTROLLERS) <= available and (euid == 0 or os.access(base, os.W_OK)):
            return Hierarchy(2, {c: base for c in CONTROLLERS}), f"cgroup v2 at {base}"
    bases = {}
    for root, point, fstype, options in mounts:
        for controller in CONTROLLERS:
            if fstype == "cgroup" and controller in options and controller not in bases:
                mine = own.get(controller, "/")
                rel = os.path.relpath(mine, root) if mine.startswith(root) else "."
                bases[controller] = (Path(point) / rel).resolve() / GROUP
    if bases and euid == 0:
        return Hierarchy(1, bases), f"cgroup v1 ({', '.join(bases)})"
    if bases or v2:
        why = "cgroup v1 groups can only be made by root" if bases else (
            "cgroup v2 without the pids, memory and cpu controllers for this user; set CNN_GRADE_CGROUP to a "
            "delegated group (systemd-run --user -p Delegate=yes)")
        return None, why
    return None, "no cgroup file system is mounted"


class Cgroup:
    """The groups of one sandbox: ``create`` them, ``add`` its first process, ``kill`` and ``remove`` them."""

    def __init__(self, hierarchy: Hierarchy, name: str) -> None:
        self.hierarchy, self.name = hierarchy, name
        self.dirs = {c: base / name for c, base in hierarchy.bases.items()}

    def settings(self, limits: Limits) -> dict[str, dict[str, str]]:
        """Controller -> {file: value}, in the order they must be written."""
        period = 100_000
        quota = str(max(1000, int(period * limits.cpus)))
        if self.hierarchy.version == 1:
            return {"pids": {"pids.max": str(limits.processes)},
                    "memory": {"memory.limit_in_bytes": str(limits.total_memory_bytes),
                               "memory.memsw.limit_in_bytes": str(limits.total_memory_bytes)},
                    "cpu": {"cpu.cfs_period_us": str(period), "cpu.cfs_quota_us": quota}}
        return {"pids": {"pids.max": str(limits.processes)},
                "memory": {"memory.max": str(limits.total_memory_bytes), "memory.swap.max": "0"},
                "cpu": {"cpu.max": f"{quota} {period}"}}

    def create(self, limits: Limits) -> None:
        if self.hierarchy.version == 2:
            _enable_controllers(self.hierarchy.bases["pids"])
        for controller, files in self.settings(limits).items():
            if controller not in self.dirs:
                continue
            self.dirs[controller].mkdir(parents=True, exist_ok=True)
            for name, value in files.items():
                path = self.dirs[controller] / name
                if name.startswith(("memory.memsw", "memory.swap")) and not path.exists():
                    continue  # no swap accounting on this host
                path.write_text(value)

    def procs_files(self) -> list[Path]:
        return sorted({d / "cgroup.procs" for d in self.dirs.values()})

    def add(self, pid: int) -> None:
        for path in self.procs_files():
            path.write_text(str(pid))

    def pids(self) -> list[int]:
        found: set[int] = set()
        for path in self.procs_files():
            try:
                found.update(int(p) for p in path.read_text().split())
            except (OSError, ValueError):
                continue
        return sorted(found)

    def kill(self) -> None:
        """SIGKILL every process in the group (cgroup.kill on v2, one by one on v1)."""
        killer = self.dirs.get("pids", next(iter(self.dirs.values()))) / "cgroup.kill"
        if self.hierarchy.version == 2 and killer.exists():
            try:
                killer.write_text("1")
                return
            except OSError:
                pass
        for _ in range(250):
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            time.sleep(0.01)

    def oom_killed(self) -> bool:
        """True if the memory limit made the kernel kill one of its processes."""
        d = self.dirs.get("memory")
        name = "memory.events" if self.hierarchy.version == 2 else "memory.oom_control"
        try:
            text = (d / name).read_text() if d is not None else ""
        except OSError:
            return False
        counts = dict(line.split() for line in text.splitlines() if len(line.split()) == 2)
        return int(counts.get("oom_kill", 0)) > 0

    def remove(self) -> None:
        for d in self.dirs.values():
            for _ in range(100):
                try:
                    d.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:  # tasks still exiting (or not a cgroup file system)
                    time.sleep(0.05)


def _enable_controllers(base: Path) -> None:
    """v2: the base group exists and passes pids, memory and cpu on to its children."""
    wanted = " ".join(f"+{c}" for c in CONTROLLERS)
    if not base.exists():
        enabled = set((base.parent / "cgroup.subtree_control").read_text().split())
        if not set(CONTROLLERS) <= enabled:
            (base.parent / "cgroup.subtree_control").write_text(wanted)
        base.mkdir(exist_ok=True)
    control = base / "cgroup.subtree_control"
    if not set(CONTROLLERS) <= set(control.read_text().split() if control.exists() else []):
        control.write_text(wanted)


def sweep(hierarchy: Hierarchy) -> None:
    """Remove empty groups left behind by grading processes that died (a group's name starts with its pid)."""
    for base in set(hierarchy.bases.values()):
        for group in base.glob("box-*") if base.is_dir() else []:
            pid = group.name.split("-")[1]
            try:
                os.kill(int(pid), 0)
                continue
            except ProcessLookupError:
                pass
            except (ValueError, PermissionError):
                continue
            try:
                group.rmdir()
            except OSError:
                pass
