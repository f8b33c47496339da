"""Resource limits of one sandbox, and the errors a sandbox reports."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Limits:
    """Resource limits for one submission (all its processes together where a cgroup holds them)."""

    cell_seconds: float = 60.0          # wall time per cell / per call
    notebook_seconds: float = 600.0     # wall time for the whole submission
    memory_bytes: int = 4 * 2**30       # address space of each process (torch needs about 1 GB of it to start)
    total_memory_bytes: int = 4 * 2**30  # memory of all its processes together, /tmp included (cgroup)
    cpu_seconds: int = 900
    file_bytes: int = 64 * 2**20        # largest file the submission may write
    scratch_bytes: int = 512 * 2**20    # its /tmp (tmpfs, counted in its memory)
    open_files: int = 512
    processes: int = 64                 # tasks: threads count too
    cpus: float = 1.0                   # CPU share (cgroup quota)
    start_seconds: float = 90.0         # sandbox start-up (imports)

    def rlimits(self) -> dict[str, int]:
        return {"AS": self.memory_bytes, "CPU": self.cpu_seconds, "FSIZE": self.file_bytes,
                "NOFILE": self.open_files, "NPROC": self.processes, "CORE": 0}


class SandboxError(RuntimeError):
    """The sandbox stopped answering or could not start: ``kind`` is 'timeout', 'crash', 'protocol' or
    'isolation' (this host cannot isolate student code and running it unisolated was not allowed)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
