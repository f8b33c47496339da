"""The course's Jupyter Server extension (course/lab_server.py): kernel websockets with TCP_NODELAY."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

from course import lab_server
from course.lab_server import LowLatencyKernelConnection


def fake_server(connection_class) -> SimpleNamespace:
    return SimpleNamespace(web_app=SimpleNamespace(settings={"kernel_websocket_connection_class": connection_class}),
                           log=logging.getLogger("test"), kernel_websocket_connection_class=connection_class)


def test_replaces_the_stock_connection_class():
    server = fake_server(ZMQChannelsWebsocketConnection)
    lab_server._load_jupyter_server_extension(server)
    assert server.web_app.settings["kernel_websocket_connection_class"] is LowLatencyKernelConnection
    assert server.kernel_websocket_connection_class is LowLatencyKernelConnection


def test_leaves_another_connection_class_alone():
    class Gateway(ZMQChannelsWebsocketConnection):
        pass

    server = fake_server(Gateway)
    lab_server._load_jupyter_server_extension(server)
    assert server.web_app.settings["kernel_websocket_connection_class"] is Gateway


def test_connect_switches_nagle_off_first(monkeypatch):
    calls = []
    handler = KernelWebsocketHandler.__new__(KernelWebsocketHandler)  # a handler object, no server needed
    handler.set_nodelay = lambda value: calls.append(("nodelay", value))
    monkeypatch.setattr(ZMQChannelsWebsocketConnection, "connect", lambda self: calls.append("connect") or "done")
    connection = LowLatencyKernelConnection.__new__(LowLatencyKernelConnection)
    connection.websocket_handler = handler
    assert connection.connect() == "done"
    assert calls == [("nodelay", True), "connect"]


def test_extension_point():
    assert lab_server._jupyter_server_extension_points() == [{"module": "course.lab_server"}]


def test_enabled_in_this_environment():
    """`make setup` enables it (python -m course.lab_server) for every server of the environment."""
    config = Path(sys.prefix) / "etc" / "jupyter" / "jupyter_server_config.d" / "course.lab_server.json"
    assert config.exists(), f"{config} is missing: run `make setup`"
    listed = subprocess.run([sys.executable, "-m", "jupyter", "server", "extension", "list"],
                            capture_output=True, text=True, timeout=120)
    text = listed.stdout + listed.stderr
    assert "course.lab_server \x1b[32menabled" in text or "course.lab_server enabled" in text, text
