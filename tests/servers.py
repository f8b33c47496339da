"""Throw-away servers for the grading tests, each started by the test as separate commands on 127.0.0.1:
a Dask scheduler and workers (TLS), and PostgreSQL (Debian's package, installed when missing)."""

from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen, grace: float = 15) -> None:
    """End a process this module started, and its process group (nannies' workers, their zygotes)."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


# --- Dask ---------------------------------------------------------------------------------------------------

def make_tls(folder: Path) -> dict[str, str]:
    """A throw-away CA and one certificate it signed, used by scheduler, workers and client alike."""
    folder.mkdir(parents=True, exist_ok=True)
    ca, key, cert = folder / "ca.pem", folder / "node.key", folder / "node.pem"
    run = dict(check=True, capture_output=True, cwd=folder)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", ca,
                    "-days", "2", "-subj", "/CN=cnn-grade test CA"], **run)
    subprocess.run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", "node.csr",
                    "-subj", "/CN=127.0.0.1"], **run)
    subprocess.run(["openssl", "x509", "-req", "-in", "node.csr", "-CA", ca, "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", cert, "-days", "2"], **run)
    return {"ca": str(ca), "cert": str(cert), "key": str(key)}


def tls_flags(tls: dict[str, str]) -> list[str]:
    return ["--tls-ca-file", tls["ca"], "--tls-cert", tls["cert"], "--tls-key", tls["key"]]


@dataclass
class Cluster:
    address: str
    tls: dict[str, str]
    procs: list[subprocess.Popen] = field(default_factory=list)

    def security(self):
        from distributed.security import Security

        return Security(tls_ca_file=self.tls["ca"], tls_client_cert=self.tls["cert"],
                        tls_client_key=self.tls["key"], require_encryption=True)

    def client(self):
        from distributed import Client

        return Client(self.address, security=self.security(), timeout=30, set_as_default=False)

    def grade_flags(self) -> list[str]:
        return ["--scheduler", self.address, *tls_flags(self.tls)]


def _popen(cmd: list[str], log: Path, env: dict | None = None) -> subprocess.Popen:
    full_env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", **(env or {})}
    return subprocess.Popen(cmd, stdout=open(log, "wb"), stderr=subprocess.STDOUT, env=full_env,  # noqa: SIM115
                            start_new_session=True)


def start_cluster(folder: Path, workers: int = 2, worker_env: dict | None = None) -> Cluster:
    """``dask scheduler`` (TLS) and ``workers`` single-process workers: the first through ``dask worker``
    with our preload, the others through ``cnn-grade worker``; returns once all workers have joined."""
    tls = make_tls(folder / "tls")
    sched_file = folder / "scheduler.json"
    cluster = Cluster("", tls)
    cluster.procs.append(_popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                                 "--protocol", "tls", *tls_flags(tls), "--scheduler-file", str(sched_file),
                                 "--no-dashboard"], folder / "scheduler.log"))
    deadline = time.monotonic() + 60
    while not sched_file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sched_file.exists(), (folder / "scheduler.log").read_text()[-2000:]
    cluster.address = json.loads(sched_file.read_text())["address"]
    common = ["--host", "127.0.0.1", "--no-dashboard"]
    for i in range(workers):
        if i == 0:
            cmd = [str(BIN / "dask"), "worker", cluster.address, "--nthreads", "1", *tls_flags(tls), *common,
                   "--preload", "autograder.grading_worker"]
        else:
            cmd = [str(BIN / "cnn-grade"), "worker", cluster.address, *tls_flags(tls), *common]
        cluster.procs.append(_popen(cmd, folder / f"worker{i}.log", worker_env))
    with cluster.client() as client:
        client.wait_for_workers(workers, timeout=180)
    return cluster


def stop_cluster(cluster: Cluster) -> None:
    for proc in reversed(cluster.procs):
        stop(proc)


# --- PostgreSQL ---------------------------------------------------------------------------------------------

def postgres_bin() -> Path:
    """Debian's PostgreSQL server programs, installing the ``postgresql`` package when they are missing."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run([*sudo, "apt-get", "update"], check=True, capture_output=True)
        subprocess.run([*sudo, "apt-get", "install", "-y", "-o", "DPkg::Lock::Timeout=300", "postgresql"],
                       check=True, capture_output=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb and the server refuse to run as root: run them as Debian's ``postgres`` user then."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextlib.contextmanager
def postgres():
    """A PostgreSQL server in a temporary folder on a free 127.0.0.1 port (trust authentication); yields a
    function creating a database there and returning its URL ``postgresql://postgres@127.0.0.1:PORT/NAME``."""
    bindir = postgres_bin()
    folder = Path(tempfile.mkdtemp(prefix="cnn-grade-pg-"))   # not under pytest's root-only folders
    data, port = folder / "pgdata", free_port()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                                 "--no-sync"]), check=True, capture_output=True)
    options = f"-h 127.0.0.1 -p {port} -k {folder} -c fsync=off -c max_connections=200"
    subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                                 str(folder / "server.log"), "-w", "start"]), check=True, capture_output=True)
    base = f"postgresql://postgres@127.0.0.1:{port}"

    def create_database(name: str) -> str:
        subprocess.run([str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", name],
                       check=True, capture_output=True)
        return f"{base}/{name}"

    try:
        yield create_database
    finally:
        subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
