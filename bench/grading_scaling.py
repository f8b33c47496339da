"""Grading beyond one process: Dask against the old local pool, 1 against 2 grading processes, a running
cluster against stock nbgrader, and the figures for a sizing model — all in one run on this machine.

1. **Scaling**: the same class graded by the embedded cluster with 1 and with 2 grading processes.
2. **Dask against the old pool**: the same class, embedded Dask cluster (the default) against
   ``--pool local-processes`` (the pre-Dask ProcessPoolExecutor), both 2 processes, both starting their
   processes in the command; plus the per-task overhead of each on no-op tasks.
3. **Warm cluster against stock nbgrader**: one course with every assignment; stock ``nbgrader autograde``
   per assignment against ``cnn-grade grade --scheduler`` on a local cluster started beforehand
   (``dask scheduler`` + ``cnn-grade worker --nworkers 2``), and against the embedded default.
4. **Sizing**: busy seconds of a grading process per notebook (from the markers), the coordinator's seconds per
   submission, and the parallel efficiency from 1, give the wall time of 1,000 students x 7 notebooks on N hosts
   of C cores.

    .venv/bin/python bench/grading_scaling.py [--per-assignment 9] [--repeat 3] [--scaling-assignment A]
                                              [--assignments A ...] [--skip-stock]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grading_throughput import make_course

from autograder.batch import MARKER
from autograder.nbgrader_cli import nbgrader
from autograder.release import assignments

BIN = Path(sys.executable).parent


def cnn_grade(course: Path, assignment: str, *flags: str) -> float:
    """Wall seconds of one ``cnn-grade grade`` command (a fresh process, as an instructor runs it)."""
    t0 = time.perf_counter()
    subprocess.run([str(BIN / "cnn-grade"), "--course", str(course), "grade", assignment, "--quiet", "--force",
                    *flags], check=True, capture_output=True)
    return time.perf_counter() - t0


def median_of(repeat: int, run) -> tuple[float, list[float]]:
    times = [run() for _ in range(repeat)]
    return statistics.median(times), times


def marker_seconds(course: Path, assignment: str) -> tuple[list[float], list[float]]:
    """Per submission: the grading process's busy seconds, and the coordinator's seconds to record it."""
    worker, coordinator = [], []
    for m in course.glob(f"autograded/*/{assignment}/{MARKER}"):
        s = json.loads(m.read_text()).get("seconds") or {}
        worker.append(s.get("worker") or 0.0)
        coordinator.append(s.get("coordinator") or 0.0)
    return worker, coordinator


def noop(x: int) -> int:
    return x


def task_overhead(n: int = 400) -> tuple[float, float]:
    """Milliseconds per no-op task: a 2-process LocalCluster against a 2-process ProcessPoolExecutor."""
    import concurrent.futures as cf
    import multiprocessing

    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.gather(client.map(noop, range(20)))
        t0 = time.perf_counter()
        client.gather(client.map(noop, range(n), pure=False))
        dask_ms = (time.perf_counter() - t0) / n * 1000
    with cf.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(noop, range(20)))
        t0 = time.perf_counter()
        for fut in [pool.submit(noop, i) for i in range(n)]:
            fut.result()
        pool_ms = (time.perf_counter() - t0) / n * 1000
    return dask_ms, pool_ms


class LocalRunningCluster:
    """``dask scheduler`` and ``cnn-grade worker --nworkers 2`` as separate commands, started before timing."""

    def __init__(self, folder: Path) -> None:
        env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
        sched = folder / "scheduler.json"
        self.procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                                        "--scheduler-file", str(sched), "--no-dashboard"], env=env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)]
        while not sched.exists():
            time.sleep(0.2)
        self.address = json.loads(sched.read_text())["address"]
        log = folder / "workers.log"
        self.procs.append(subprocess.Popen([str(BIN / "cnn-grade"), "worker", self.address, "--nworkers", "2",
                                            "--host", "127.0.0.1", "--no-dashboard"], env=env,
                                           stdout=open(log, "wb"), stderr=subprocess.STDOUT,  # noqa: SIM115
                                           start_new_session=True))
        from distributed import Client

        try:
            with Client(self.address, timeout=60) as client:
                client.wait_for_workers(2, timeout=900)
        except Exception:
            print(log.read_text()[-3000:])
            self.close()
            raise

    def close(self) -> None:
        import signal

        for proc in reversed(self.procs):
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def scaling_and_pool(work: Path, assignment: str, n: int, repeat: int) -> dict:
    course = work / "scaling"
    make_course(course, assignment, n)
    one, t1 = median_of(repeat, lambda: cnn_grade(course, assignment, "--jobs", "1"))
    # Dask and the old pool alternate, round by round, so that a drift in the machine's speed falls on both
    t2, t3 = [], []
    for _ in range(repeat):
        t2.append(cnn_grade(course, assignment, "--jobs", "2"))
        busy, coord = marker_seconds(course, assignment)
        t3.append(cnn_grade(course, assignment, "--jobs", "2", "--pool", "local-processes"))
    two, old = statistics.median(t2), statistics.median(t3)
    print(f"\n1. scaling, {assignment} x {n} (embedded Dask; medians of {repeat}):")
    print(f"   1 process {one:6.1f} s {fmt(t1)}   2 processes {two:6.1f} s {fmt(t2)}   speed-up {one / two:4.2f}x")
    print("\n2. Dask against the old pool (2 processes, each started by the command):")
    print(f"   old pool {old:6.1f} s {fmt(t3)}   embedded Dask {two:6.1f} s   ratio old/Dask {old / two:4.2f} "
          "(target >= 0.95)")
    dask_ms, pool_ms = task_overhead()
    print(f"   per no-op task: Dask {dask_ms:.2f} ms, ProcessPoolExecutor {pool_ms:.2f} ms")
    return {"t1": one, "t2": two, "busy": busy, "coordinator": coord}


def warm_against_stock(work: Path, names: list[str], n: int, skip_stock: bool) -> dict:
    course = work / "all"
    for a in names:
        make_course(course, a, n)
    stock_course = work / "stock"
    shutil.copytree(course, stock_course)
    stock = {}
    if not skip_stock:
        for a in names:
            t0 = time.perf_counter()
            nbgrader("autograde", a, "--create", course_root=stock_course, timeout=7200)
            stock[a] = time.perf_counter() - t0
    cluster = LocalRunningCluster(work)
    try:
        warm = {a: cnn_grade(course, a, "--scheduler", cluster.address) for a in names}
    finally:
        cluster.close()
    embedded = {a: cnn_grade(course, a) for a in names}
    busy = {a: marker_seconds(course, a)[0] for a in names}
    print(f"\n3. {len(names)} assignments x {n} submissions, one course:")
    for a in names:
        s = f"stock {stock[a]:6.1f} s   " if stock else ""
        print(f"   {a:24s} {s}running cluster {warm[a]:6.1f} s   embedded {embedded[a]:6.1f} s")
    total_w, total_e = sum(warm.values()), sum(embedded.values())
    line = f"   {'all':24s} "
    if stock:
        total_s = sum(stock.values())
        line += f"stock {total_s:6.1f} s   running cluster {total_w:6.1f} s ({total_s / total_w:4.2f}x, target >= 5x)"
        line += f"   embedded {total_e:6.1f} s ({total_s / total_e:4.2f}x)"
    else:
        line += f"running cluster {total_w:6.1f} s   embedded {total_e:6.1f} s"
    print(line)
    return {"busy": busy}


def fmt(times: list[float]) -> str:
    return "(" + ", ".join(f"{t:.1f}" for t in times) + ")"


def sizing(per_notebook: float, coordinator: float, efficiency: float, notebooks: int = 7,
           students: int = 1000) -> None:
    print(f"\n4. sizing: {students} students x {notebooks} notebooks; {per_notebook:.2f} busy s per notebook, "
          f"parallel efficiency {efficiency:.2f}, coordinator {coordinator * 1000:.0f} ms per submission")
    total = students * notebooks * per_notebook
    floor = students * notebooks * coordinator      # the coordinator records submissions one after another
    print("   hosts x cores  ->  wall time (one grading process per core)")
    for hosts in (1, 2, 4, 8):
        row = []
        for cores in (2, 8, 32):
            wall = max(total / (hosts * cores * efficiency), floor)
            row.append(f"{hosts} x {cores:2d}: {wall / 60:6.1f} min")
        print("   " + "   ".join(row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-assignment", type=int, default=9)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scaling-assignment", default="01_convolution")
    parser.add_argument("--assignments", nargs="*")
    parser.add_argument("--skip-stock", action="store_true", help="no stock nbgrader run (section 3 ratio)")
    args = parser.parse_args()
    names = args.assignments or assignments()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}; "
          f"{args.per_assignment} submissions per assignment")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        first = scaling_and_pool(work, args.scaling_assignment, args.per_assignment, args.repeat)
        warm = warm_against_stock(work, names, args.per_assignment, args.skip_stock)
    per_nb = statistics.mean(statistics.median(v) for v in warm["busy"].values() if v)
    efficiency = min(1.0, first["t1"] / first["t2"] / 2)
    sizing(per_nb, statistics.median(first["coordinator"]), efficiency)


if __name__ == "__main__":
    main()
