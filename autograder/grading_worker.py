"""A grading process on a Dask worker: set up once (torch threads, a private task folder, the warm sandbox
zygote), refuse to grade where student code cannot be isolated unless that was explicitly allowed.

Three ways in, one setup (:func:`prepare`):

* ``cnn-grade worker ADDRESS`` (:func:`worker_main`) checks the sandbox, then runs ``dask worker`` with
  this module as its preload;
* ``dask worker ADDRESS --preload autograder.grading_worker [--no-isolation]``;
* the embedded cluster of ``cnn-grade grade`` gives its workers :class:`GradingWorker` as a worker plugin.

A plain ``dask worker`` without the preload still grades: the first task prepares its process.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import click
from distributed.diagnostics.plugin import WorkerPlugin

from autograder.grading_task import WARM_MODULES
from autograder.hidden_paths import local_secrets
from autograder.sandbox import allow_no_isolation, isolation, warm_up
from autograder.sandbox.settings import DEBUG_ENV
from autograder.sandbox.settings import no_isolation as no_isolation_set
from autograder.settings import configure_logging


def no_isolation_help() -> str:
    return (f"this host cannot isolate student code ({'; '.join(isolation().reasons)}): it would run with this "
            "user's rights. Install bubblewrap (make sandbox-deps) or run the worker as root; or pass "
            "--no-isolation to grade trusted notebooks anyway")


class NoIsolationRefused(RuntimeError):
    """This worker cannot isolate student code and nobody allowed it to grade without."""


def isolated() -> bool:
    """Whether sandboxes of this process isolate student code (:func:`autograder.sandbox.isolation`)."""
    return isolation().isolated


def warm_zygote(hide: list[Path]) -> bool:
    """Start (or reuse) this process's warm sandbox zygote for ``hide``; False when sandboxes start cold."""
    return warm_up(hide)


@dataclass
class WorkerState:
    """What one grading process set up, once."""

    task_root: Path                      # where task files are written (hidden from every sandbox)
    no_isolation: bool                   # may grade without isolation where this host has none
    isolated: bool
    threads: int
    hide: list[Path] = field(default_factory=list)

    def hide_for(self, extra: list[str]) -> list[Path]:
        """The paths a sandbox must not see: this worker's own, plus the coordinator's that exist here."""
        here = [Path(p) for p in extra if Path(p).exists()]
        return sorted(set(self.hide) | set(here))


_STATE: WorkerState | None = None


def prepare(no_isolation: bool = False, threads: int | None = None, local_directory: str | None = None,
            extra_hide: list[str] | None = None) -> WorkerState:
    """Set up this process for grading (idempotent); raise :class:`NoIsolationRefused` where it must not grade.

    ``no_isolation`` permits grading without isolation where this host has none (it never switches off an
    isolation that works; ``--no-isolation`` on the embedded cluster does that before its workers start).
    """
    global _STATE
    permitted = (no_isolation or no_isolation_set()
                 or (_STATE is not None and _STATE.no_isolation))
    strong = isolated()
    if not strong and not permitted:
        raise NoIsolationRefused(f"cnn-grade worker (pid {os.getpid()}): {no_isolation_help()}")
    if not strong and not isolation().requested_off:
        allow_no_isolation()
    if _STATE is None:
        if os.environ.get(DEBUG_ENV):       # --verbose on the grading command: its grading processes log too
            configure_logging(True)
        threads = max(1, threads or int(os.environ.get("OMP_NUM_THREADS") or 1))
        os.environ["OMP_NUM_THREADS"] = str(threads)
        import torch

        torch.set_num_threads(threads)
        for module in WARM_MODULES:
            importlib.import_module(module)
        root = Path(tempfile.mkdtemp(prefix=f"cnn-grade-tasks-{os.getpid()}-"))
        hide = [root, *local_secrets()]
        if local_directory and Path(local_directory).exists():
            hide.append(Path(local_directory))    # Dask's spill folder may hold other students' bytes
        _STATE = WorkerState(root, permitted, strong, threads, sorted(set(hide)))
    _STATE.no_isolation = _STATE.no_isolation or permitted
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

    def __init__(self, no_isolation: bool, threads: int, extra_hide: list[str]) -> None:
        self.no_isolation, self.threads, self.extra_hide = no_isolation, threads, extra_hide

    def setup(self, worker) -> None:
        prepare(self.no_isolation, self.threads, worker.local_directory, self.extra_hide)

    def teardown(self, worker) -> None:
        teardown()


@click.command()
@click.option("--no-isolation", is_flag=True, help="grade even where student code cannot be isolated")
@click.option("--torch-threads", type=int, default=0, help="torch threads per grading process (default 1)")
def dask_setup(worker, no_isolation: bool, torch_threads: int) -> None:
    """Preload of ``dask worker``: prepare the grading process before it accepts tasks (options after the
    dask worker options: ``dask worker ADDRESS --preload autograder.grading_worker --no-isolation``)."""
    prepare(no_isolation, torch_threads or None, worker.local_directory)


def dask_teardown(worker) -> None:
    teardown()


def worker_command(address: str, nworkers: int, no_isolation: bool, tls: dict[str, str | None],
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
    return cmd + extra + [f"--torch-threads={threads}"] + (["--no-isolation"] if no_isolation else [])


def worker_main(args) -> int:
    """``cnn-grade worker ADDRESS``: refuse a host that cannot isolate student code unless allowed, then become
    ``dask worker``."""
    permitted = args.no_isolation or no_isolation_set()
    if not isolated() and not permitted:
        print(f"error: {no_isolation_help()}", file=sys.stderr)
        return 2
    print(f"sandbox: {isolation().summary}", file=sys.stderr)
    cmd = worker_command(args.address, args.nworkers, args.no_isolation,
                         {"ca": args.tls_ca_file, "cert": args.tls_cert, "key": args.tls_key}, args.dask_args)
    sys.stdout.flush()
    os.execv(cmd[0], cmd)
    return 0  # not reached
