"""A grading process on a Dask worker: set up once (torch threads, a private task folder, the warm sandbox
zygote), refuse to grade where only the weak sandbox is available unless that was explicitly allowed.

Three ways in, one setup (:func:`prepare`):

* ``cnn-grade worker ADDRESS`` (:func:`worker_main`) checks the sandbox, then runs ``dask worker`` with
  this module as its preload;
* ``dask worker ADDRESS --preload autograder.grading_worker [--preload-argv --allow-weak-sandbox]``;
* the embedded cluster of ``cnn-grade grade`` registers :class:`GradingWorker` as a worker plugin.

A plain ``dask worker`` without the preload still grades: the first task prepares its process.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import click
from distributed.diagnostics.plugin import WorkerPlugin

from autograder.hidden_paths import local_secrets

WEAK_HELP = ("only the weak sandbox is available here (no root, or no unshare/setpriv): student code could read "
             "what this user can read. Run the worker as root, or pass --allow-weak-sandbox to grade anyway")


class WeakSandboxRefused(RuntimeError):
    """This worker would grade with the weak sandbox and nobody allowed it."""


def isolated() -> bool:
    """Whether sandboxes on this machine get the strong isolation (the one call to rewire to the sandbox's own
    isolation check)."""
    from autograder.sandbox import strong_isolation_available

    return strong_isolation_available()


def warm_zygote(hide: list[Path]) -> bool:
    """Start (or reuse) this process's warm sandbox factory for ``hide``; False when sandboxes start cold (the
    one call to rewire to the sandbox's own warm-up)."""
    from autograder.grading import _zygote_for

    return _zygote_for(hide) is not None


@dataclass
class WorkerState:
    """What one grading process set up, once."""

    task_root: Path                      # where task files are written (hidden from every sandbox)
    allow_weak: bool
    isolated: bool
    threads: int
    hide: list[Path] = field(default_factory=list)

    def hide_for(self, extra: list[str]) -> list[Path]:
        """The paths a sandbox must not see: this worker's own, plus the coordinator's that exist here."""
        here = [Path(p) for p in extra if Path(p).exists()]
        return sorted(set(self.hide) | set(here))


_STATE: WorkerState | None = None


def prepare(allow_weak: bool = False, threads: int | None = None, local_directory: str | None = None,
            extra_hide: list[str] | None = None) -> WorkerState:
    """Set up this process for grading (idempotent); raise :class:`WeakSandboxRefused` where it must not grade."""
    global _STATE
    allow_weak = (allow_weak or os.environ.get("CNN_GRADE_ALLOW_WEAK_SANDBOX") == "1"
                  or (_STATE is not None and _STATE.allow_weak))
    strong = isolated()
    if not strong and not allow_weak:
        raise WeakSandboxRefused(f"cnn-grade worker (pid {os.getpid()}): {WEAK_HELP}")
    if _STATE is None:
        threads = max(1, threads or int(os.environ.get("OMP_NUM_THREADS") or 1))
        os.environ["OMP_NUM_THREADS"] = str(threads)
        import torch

        torch.set_num_threads(threads)
        root = Path(tempfile.mkdtemp(prefix=f"cnn-grade-tasks-{os.getpid()}-"))
        hide = [root, *local_secrets()]
        if local_directory and Path(local_directory).exists():
            hide.append(Path(local_directory))    # Dask's spill folder may hold other students' bytes
        _STATE = WorkerState(root, allow_weak, strong, threads, sorted(set(hide)))
    _STATE.allow_weak = _STATE.allow_weak or allow_weak
    warm_zygote(_STATE.hide_for(extra_hide or []))
    return _STATE


def state() -> WorkerState | None:
    return _STATE


def teardown() -> None:
    """Remove this process's task folder."""
    if _STATE is not None:
        shutil.rmtree(_STATE.task_root, ignore_errors=True)


class GradingWorker(WorkerPlugin):
    """Worker plugin of the embedded cluster: prepares each worker process as it starts (restarts too)."""

    name = "cnn-grade"
    idempotent = True

    def __init__(self, allow_weak: bool, threads: int, extra_hide: list[str]) -> None:
        self.allow_weak, self.threads, self.extra_hide = allow_weak, threads, extra_hide

    def setup(self, worker) -> None:
        prepare(self.allow_weak, self.threads, worker.local_directory, self.extra_hide)

    def teardown(self, worker) -> None:
        teardown()


@click.command()
@click.option("--allow-weak-sandbox", is_flag=True, help="grade even where only the weak sandbox is available")
@click.option("--torch-threads", type=int, default=0, help="torch threads per grading process (default 1)")
def dask_setup(worker, allow_weak_sandbox: bool, torch_threads: int) -> None:
    """Preload of ``dask worker``: prepare the grading process before it accepts tasks (options after the
    dask worker options: ``dask worker ADDRESS --preload autograder.grading_worker --allow-weak-sandbox``)."""
    prepare(allow_weak_sandbox, torch_threads or None, worker.local_directory)


def dask_teardown(worker) -> None:
    teardown()


def worker_command(address: str, nworkers: int, allow_weak: bool, tls: dict[str, str | None],
                   extra: list[str]) -> list[str]:
    """The ``dask worker`` command line that ``cnn-grade worker`` runs."""
    cores = os.cpu_count() or 1
    threads = max(1, cores // max(1, nworkers))
    cmd = [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nworkers", str(nworkers),
           "--nthreads", "1", "--preload", __name__]
    for flag, value in (("--tls-ca-file", tls.get("ca")), ("--tls-cert", tls.get("cert")),
                        ("--tls-key", tls.get("key"))):
        if value:
            cmd += [flag, value]
    # what follows the options goes to this module's dask_setup
    return cmd + extra + [f"--torch-threads={threads}"] + (["--allow-weak-sandbox"] if allow_weak else [])


def worker_main(args) -> int:
    """``cnn-grade worker ADDRESS``: refuse a weak-only machine unless allowed, then become ``dask worker``."""
    if not isolated() and not args.allow_weak_sandbox and os.environ.get("CNN_GRADE_ALLOW_WEAK_SANDBOX") != "1":
        print(f"error: {WEAK_HELP}", file=sys.stderr)
        return 2
    cmd = worker_command(args.address, args.nworkers, args.allow_weak_sandbox,
                         {"ca": args.tls_ca_file, "cert": args.tls_cert, "key": args.tls_key}, args.dask_args)
    sys.stdout.flush()
    os.execv(cmd[0], cmd)
    return 0  # not reached
