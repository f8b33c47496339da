"""The course's Jupyter Server extension: kernel websockets without Nagle's delay, so widgets answer at once.

Jupyter Server leaves Nagle's algorithm on for the kernel websocket. A widget update sends the browser a
burst of small messages (each control's new state, the picture, the status line, the kernel's busy and idle):
with Nagle, each small message written while an earlier one is unacknowledged waits for the browser's delayed
ACK, up to 40 ms on Linux. That was most of the 50 ms from a control change to the new picture
(``bench/browser_latency.py``; bench/RESULTS.md, section 4). The extension switches Nagle off on every kernel
websocket (``TCP_NODELAY``, as Tornado recommends for interactive websockets).

``make setup`` enables it for every server started from the course's environment (``make lab``, ``make
instructor``, the tests' servers, JupyterHub's single-user servers) with ``python -m course.lab_server``, which
writes ``<prefix>/etc/jupyter/jupyter_server_config.d/course.lab_server.json``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

SETTING = "kernel_websocket_connection_class"


class LowLatencyKernelConnection(ZMQChannelsWebsocketConnection):
    """Jupyter Server's kernel websocket connection with ``TCP_NODELAY`` set when the browser connects."""

    def connect(self):  # noqa: ANN201 - same signature as the base class
        self.websocket_handler.set_nodelay(True)
        return super().connect()


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "course.lab_server"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Use :class:`LowLatencyKernelConnection` unless the server was configured with another connection class
    (a kernel gateway's, say), which is left alone."""
    settings = serverapp.web_app.settings
    if settings.get(SETTING) is not ZMQChannelsWebsocketConnection:
        serverapp.log.info("course.lab_server: kernel websocket class %s kept", settings.get(SETTING))
        return
    settings[SETTING] = LowLatencyKernelConnection
    serverapp.kernel_websocket_connection_class = LowLatencyKernelConnection
    serverapp.log.info("course.lab_server: kernel websockets without Nagle's delay (TCP_NODELAY)")


def enable() -> Path:
    """Enable the extension for every Jupyter server of this Python environment; return the config file."""
    from jupyter_server.extension.serverextension import toggle_server_extension_python

    toggle_server_extension_python(__name__ if __name__ != "__main__" else "course.lab_server", enabled=True,
                                   sys_prefix=True)
    return Path(sys.prefix) / "etc" / "jupyter" / "jupyter_server_config.d" / "course.lab_server.json"


if __name__ == "__main__":
    print(f"course.lab_server enabled: {enable()}")
