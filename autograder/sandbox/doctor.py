"""``cnn-grade doctor``: what isolation this host gives student code, which limits hold, and what it sees."""

from __future__ import annotations

import os
import subprocess

from autograder.sandbox.allowlist import ENV_ALLOWED, allow_list
from autograder.sandbox.isolation import RISKS, Isolation, _user, isolation
from autograder.sandbox.limits import Limits


def _bwrap_version(bwrap: str | None) -> str:
    if bwrap is None:
        return "not installed (make sandbox-deps, or apt-get install bubblewrap)"
    try:
        out = subprocess.run([bwrap, "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        out = "?"
    return f"{bwrap} ({out})"


def limit_rows(iso: Isolation, limits: Limits) -> list[tuple[str, str, str]]:
    """(limit, value, what enforces it) for one submission."""
    cg = iso.cgroups
    controllers = cg.controllers if cg else []

    def via(controller: str, what: str) -> str:
        return f"cgroup v{cg.version} {what}" if controller in controllers else ""

    gib, mib = 2**30, 2**20
    pids = via("pids", "pids.max") or "RLIMIT_NPROC (counts all the user's processes)"
    memory = " + ".join(x for x in (via("memory", "memory limit (all its processes)"), "RLIMIT_AS (each process)") if x)
    cpu = via("cpu", "CPU quota") or "not capped (no cpu cgroup): nice 5 only"
    scratch = "tmpfs /tmp (counts as its memory)" if iso.isolated else "a directory on the host's disk (not capped)"
    return [("processes", str(limits.processes), pids),
            ("memory", f"{limits.total_memory_bytes / gib:g} GiB total, {limits.memory_bytes / gib:g} GiB a process",
             memory),
            ("CPU", f"{limits.cpus:g} core", cpu),
            ("CPU time", f"{limits.cpu_seconds} s", "RLIMIT_CPU"),
            ("file size", f"{limits.file_bytes / mib:g} MiB", "RLIMIT_FSIZE"),
            ("scratch", f"{limits.scratch_bytes / mib:g} MiB" if iso.isolated else "-", scratch),
            ("open files", str(limits.open_files), "RLIMIT_NOFILE"),
            ("wall time", f"{limits.cell_seconds:g} s a cell, {limits.notebook_seconds:g} s a notebook",
             "the grader kills the sandbox")]


def report(hidden: tuple[str, ...] = (), limits: Limits | None = None) -> tuple[str, bool]:
    """The doctor's text, and whether student code is isolated on this host."""
    limits = limits or Limits()
    iso = isolation()
    uid = os.geteuid()
    lines = ["cnn-grade doctor: how student code is isolated on this host", "",
             f"isolation:   {iso.summary}",
             f"grader:      uid {uid} ({_user(uid)}){' - root mode' if uid == 0 else ''}",
             f"bubblewrap:  {_bwrap_version(iso.bwrap)}"]
    if iso.isolated:
        userns = ", user (unprivileged)" if iso.mode == "user namespace" else ""
        lines += [f"namespaces:  mount, PID, network (empty), IPC, UTS{userns}",
                  f"student uid: {iso.uid} ({_user(iso.uid)}){' in the user namespace' if userns else ''}; "
                  "no capability, no_new_privs, no new user namespace (seccomp)",
                  f"cgroups:     {iso.cgroups.describe() if iso.cgroups else 'none: ' + iso.cgroup_note}",
                  "warm start:  a zygote per grading process (imports once, forks a sandbox per submission)"]
    else:
        lines += ["", "Without isolation " + RISKS + ".",
                  "`cnn-grade grade` refuses to run here unless given --no-isolation."]
    lines += ["", "limits per submission:"]
    lines += [f"  {name:11s} {value:30s} {how}" for name, value, how in limit_rows(iso, limits)]
    lines += ["", "what student code sees (the allow-list; nothing else of the host exists for it):"]
    lines += ["  " + e.describe() for e in allow_list(hidden)] if iso.isolated else [
        "  everything the grading user can read (no isolation)"]
    lines += ["", f"environment (no other variable of the grader's): {' '.join(ENV_ALLOWED)}"]
    return "\n".join(lines), iso.isolated
