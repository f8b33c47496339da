"""configurable-http-proxy, run beside the hub rather than by it, so that restarting the hub never touches it.

The proxy keeps its routes to the users' servers while the hub is down or restarting: students keep working
in their open JupyterLab (only logging in waits for the hub). Its API token lives in ``ROOT/hub`` (0600).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from classroom.deployment import Deployment

PROXY = Path(__file__).resolve().parent / "node_modules" / ".bin" / "configurable-http-proxy"


def proxy_token(dep: Deployment) -> str:
    path = dep.state / "proxy_token"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def _record(dep: Deployment) -> Path:
    return dep.state / "proxy.json"


def running(dep: Deployment) -> dict | None:
    """The running proxy's record (pid, addresses), if its process is alive."""
    try:
        rec = json.loads(_record(dep).read_text())
        cmdline = Path(f"/proc/{rec['pid']}/cmdline").read_bytes()
    except (OSError, ValueError, KeyError):
        return None
    return rec if b"configurable-http-proxy" in cmdline else None


def api_answers(dep: Deployment) -> bool:
    request = urllib.request.Request(f"http://127.0.0.1:{dep.proxy_api_port}/api/routes",
                                     headers={"Authorization": f"token {proxy_token(dep)}"})
    try:
        with urllib.request.urlopen(request, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def ensure_proxy(dep: Deployment, timeout: float = 30.0) -> str:
    """Start the proxy unless it already runs with these addresses; returns what happened."""
    want = {"ip": dep.ip, "port": dep.port, "api_port": dep.proxy_api_port}
    rec = running(dep)
    if rec and {k: rec.get(k) for k in want} == want and api_answers(dep):
        return f"proxy running (pid {rec['pid']}), kept"
    stop_proxy(dep)
    cmd = [str(PROXY), "--ip", dep.ip, "--port", str(dep.port), "--api-ip", "127.0.0.1",
           "--api-port", str(dep.proxy_api_port), "--error-target", f"http://127.0.0.1:{dep.hub_port}/hub/error",
           "--log-level", "warn"]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "CONFIGPROXY_AUTH_TOKEN": proxy_token(dep)}
    with open(dep.state / "proxy.log", "a") as log:
        proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    _record(dep).write_text(json.dumps({"pid": proc.pid, **want}))
    deadline = time.monotonic() + timeout
    while not api_answers(dep):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"configurable-http-proxy did not start on {dep.ip}:{dep.port}: see "
                               f"{dep.state / 'proxy.log'}")
        time.sleep(0.2)
    return f"proxy started on http://{dep.ip}:{dep.port} (pid {proc.pid})"


def stop_proxy(dep: Deployment, timeout: float = 10.0) -> bool:
    rec = running(dep)
    if rec is None:
        return False
    os.kill(rec["pid"], signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while running(dep) and time.monotonic() < deadline:
        time.sleep(0.1)
    if running(dep):
        os.kill(rec["pid"], signal.SIGKILL)
    _record(dep).unlink(missing_ok=True)
    return True
