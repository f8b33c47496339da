"""The embedded cluster's grading processes: forked warm from a forkserver, with the grader's own environment,
without Dask's dashboard profiler (``grading_pool.EMBEDDED_CONFIG``)."""

from __future__ import annotations

import os
import sys

import pytest

from autograder.grading_pool import FORKSERVER_PRELOAD, embedded_cluster


def _facts(dask_worker) -> dict:      # Dask passes the worker to a function with this parameter
    import dask
    import psutil

    parent = psutil.Process(os.getppid())
    return {"parent": " ".join(parent.cmdline()), "env": dict(os.environ),
            "preloaded": [m for m in FORKSERVER_PRELOAD if m in sys.modules],
            "profiler": dask.config.get("distributed.worker.profile.enabled"),
            "prepared": any(type(p).__name__ == "GradingWorker" for p in dask_worker.plugins.values())}


@pytest.mark.slow
def test_embedded_workers_are_forked_warm_with_the_graders_environment(monkeypatch):
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    pool = embedded_cluster(2, 1, [])
    try:
        facts = pool.client.run(_facts)
        assert len(facts) == 2
    finally:
        pool.close()
    for worker, f in facts.items():
        assert "forkserver" in f["parent"], f"{worker} was not forked by the forkserver: {f['parent']}"
        assert f["preloaded"] == list(FORKSERVER_PRELOAD), worker
        # Dask's nanny would have set these; the old pool's processes never had them
        assert "MALLOC_TRIM_THRESHOLD_" not in f["env"], worker
        assert f["env"].get("OMP_NUM_THREADS") == "1", worker
        assert f["env"].get("OPENBLAS_NUM_THREADS") == os.environ.get("OPENBLAS_NUM_THREADS"), worker
        assert f["profiler"] is False and f["prepared"], worker
