"""Where submissions are graded: Dask distributed (an embedded ``LocalCluster`` by default, or an existing
cluster by address) or, as the benchmark's baseline, a local process pool.

Both take (student, payload maker) pairs and yield (student, result or exception) as grading finishes, with at
most ``window`` submissions in flight, so the coordinator never holds a whole class in memory.

Dask re-runs the task of a worker that died on another worker; a task whose worker died on every try
(``allowed-failures`` + 1 times: the embedded cluster allows one retry) ends in ``KilledWorker``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import logging
import multiprocessing
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator

from autograder.grading_task import WARM_MODULES, grade_payload

Job = tuple[str, Callable[[], dict]]
log = logging.getLogger(__name__)


class PoolError(RuntimeError):
    """The grading cluster cannot be used (unreachable, no workers, lost): nothing more can be graded."""


def killed_reason(exc: BaseException) -> str | None:
    """The reason to report when ``exc`` says the submission's grading process died on every try."""
    from distributed.scheduler import KilledWorker

    if isinstance(exc, KilledWorker):
        return (f"the grading process died on each of {exc.allowed_failures + 1} tries "
                f"(last on {getattr(exc.last_worker, 'address', exc.last_worker)}); the submission was not graded")
    if type(exc).__name__ == "BrokenProcessPool":
        return "the grading process died; the submission was not graded"
    return None


class DaskPool:
    """Grade on a Dask cluster through ``client``; ``cluster`` is the embedded one, closed with the pool."""

    def __init__(self, client, cluster=None, label: str = "") -> None:
        self.client, self.cluster = client, cluster
        self.label = label or client.scheduler.address
        self.tag = uuid.uuid4().hex[:8]

    @property
    def slots(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def run(self, jobs: Iterable[Job], window: int) -> Iterator[tuple[str, object]]:
        from distributed import as_completed

        pending, names, done = iter(jobs), {}, as_completed(loop=self.client.loop)

        def submit_next() -> None:
            for student, make in pending:
                fut = self.client.submit(grade_payload, make(), key=f"cnn-grade-{student}-{self.tag}", pure=False)
                log.debug("%s: sent to %s as task %s", student, self.label, fut.key)
                names[fut.key] = student
                done.add(fut)
                return

        for _ in range(window):
            submit_next()
        for fut in done:
            student = names.pop(fut.key)
            try:
                value = fut.result()
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # noqa: BLE001 - a task's failure is that submission's result
                if isinstance(exc, cf.CancelledError | asyncio.CancelledError) or self.client.status != "running":
                    raise PoolError(f"lost the Dask scheduler at {self.label}: {exc!r}") from exc
                log.warning("%s: task %s failed: %r", student, fut.key, exc)
                value = exc
            fut.release()
            yield student, value
            submit_next()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


class ProcessPool:
    """The pre-Dask local pool (``--pool local-processes``): spawned processes on this machine only."""

    def __init__(self, jobs: int, threads: int, extra_hide: list[str]) -> None:
        # "spawn", not fork: a forked copy of a process that already ran torch's thread pool can deadlock in it.
        self.executor = cf.ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                                               initializer=_start_local, initargs=(threads, extra_hide))
        self.slots, self.label = jobs, "local processes"

    def run(self, jobs: Iterable[Job], window: int) -> Iterator[tuple[str, object]]:
        pending, running = iter(jobs), {}
        for student, make in pending:
            running[self.executor.submit(grade_payload, make())] = student
            if len(running) >= window:
                break
        while running:
            finished, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
            for fut in finished:
                student = running.pop(fut)
                try:
                    value = fut.result()
                except Exception as exc:  # noqa: BLE001 - a job's failure is that submission's result
                    log.warning("%s: grading process failed: %r", student, exc)
                    value = exc
                yield student, value
                for nxt, make in pending:
                    running[self.executor.submit(grade_payload, make())] = nxt
                    break

    def close(self) -> None:
        self.executor.shutdown(cancel_futures=True)


class Opening:
    """A pool opened in a background thread, so that its processes start while the coordinator gets ready
    (settings, gradebook check); :meth:`pool` waits for it, :meth:`discard` closes it unused."""

    def __init__(self, open_pool: Callable[[], DaskPool | ProcessPool]) -> None:
        self._open, self._pool, self._error = open_pool, None, None
        self._thread = threading.Thread(target=self._run, name="cnn-grade-open-pool", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._pool = self._open()
        except BaseException as exc:  # noqa: BLE001 - raised again in the coordinator's thread by pool()
            self._error = exc

    def pool(self) -> DaskPool | ProcessPool:
        """The open pool; the opener's exception (e.g. :class:`PoolError`) if it failed."""
        try:
            self._thread.join()
        except BaseException:   # Ctrl-C while waiting: no cluster left behind
            self.discard()
            raise
        if self._error is not None:
            raise self._error
        return self._pool

    def discard(self) -> None:
        self._thread.join()
        if self._pool is not None:
            self._pool.close()


def _start_local(threads: int, extra_hide: list[str]) -> None:
    """A local pool process ends when the grader is killed (Linux), so a rerun never races old ones."""
    from autograder.grading_worker import prepare
    from autograder.sandbox.privileges import die_with_parent

    die_with_parent()
    prepare(False, threads, None, extra_hide)


#: Dask settings of the embedded cluster. Its workers are forked from a forkserver that imported distributed,
#: torch and the grader once (spawned workers each import them again: about 2 s of CPU per worker on a machine
#: whose cores grade); they run with the grader's own environment (Dask's nanny would set
#: ``MALLOC_TRIM_THRESHOLD_`` and one-thread OpenMP variables, which the old pool never had); and without Dask's
#: statistical profiler, which samples every task's stack every 10 ms for a dashboard the embedded cluster has not.
EMBEDDED_CONFIG = {
    "distributed.scheduler.allowed-failures": 1,
    "distributed.worker.multiprocessing-method": "forkserver",
    "distributed.nanny.pre-spawn-environ": {},
    "distributed.worker.profile.enabled": False,
}
#: what the forkserver imports before it forks a worker
FORKSERVER_PRELOAD = ("distributed", "torch", "autograder.grading_worker")


def _start_forkserver() -> None:
    """Start the forkserver the embedded workers are forked from, importing what every worker needs, before
    this process imports distributed itself: the two imports overlap. Nothing runs in the forkserver (no torch
    thread pool a fork could inherit), so a fork of it is as clean as a spawn. Dask's ``get_mp_context`` later
    sets its own preload list, which a running forkserver ignores."""
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload([*FORKSERVER_PRELOAD, *WARM_MODULES])
    forkserver.ensure_running()


def embedded_cluster(jobs: int, threads: int, extra_hide: list[str]) -> DaskPool:
    """A LocalCluster of ``jobs`` single-threaded grading processes on this machine, warm before it returns."""
    log.debug("starting an embedded Dask cluster: %d grading processes of %d torch threads", jobs, threads)
    _start_forkserver()
    import dask
    from distributed import Client, LocalCluster

    from autograder.grading_worker import GradingWorker

    # the plugin goes to each worker process with its arguments (a restarted one too): it prepares the process
    # before the worker joins the scheduler, with no registration round trip after the start
    plugin = GradingWorker(False, threads, extra_hide)
    with dask.config.set(EMBEDDED_CONFIG):
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None, memory_limit=0, silence_logs=logging.ERROR,
                               plugins=(plugin,))
    client = Client(cluster, set_as_default=False)
    log.debug("embedded cluster ready at %s", cluster.scheduler_address)
    return DaskPool(client, cluster, f"embedded cluster, {jobs} processes")


def existing_cluster(address: str, security, timeout: float, worker_timeout: float, no_isolation: bool
                     ) -> DaskPool:
    """Connect to a running scheduler; fail clearly when it cannot be reached or cannot grade."""
    from distributed import Client

    log.debug("connecting to the Dask scheduler at %s (timeout %g s)", address, timeout)
    try:
        client = Client(address, security=security, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise PoolError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        client.wait_for_workers(1, timeout=worker_timeout)
    except (TimeoutError, OSError):
        client.close()
        raise PoolError(f"no worker joined the Dask scheduler at {address} within {worker_timeout:g} s; "
                        f"start some with `cnn-grade worker {address}`") from None
    exposed = [w for w, ok in client.run(_can_grade, no_isolation).items() if not ok]
    if exposed:
        client.close()
        raise PoolError(f"worker(s) {', '.join(sorted(exposed))} of {address} cannot isolate student code; install "
                        "bubblewrap there or run them as root, or pass --no-isolation (to the workers or to "
                        "cnn-grade grade) for trusted notebooks")
    log.debug("%s: %d worker(s), all able to grade: %s", address, len(client.nthreads()),
              ", ".join(sorted(client.nthreads())))
    return DaskPool(client, None, address)


def _can_grade(no_isolation: bool) -> bool:
    from autograder.grading_worker import isolated, state
    from autograder.sandbox.settings import no_isolation as no_isolation_set

    here = state()
    return (isolated() or no_isolation or no_isolation_set()
            or (here is not None and here.no_isolation))
