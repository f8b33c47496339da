"""The one way every end of the sandbox talks: JSON lines over a Unix stream socket, with deadlines.

Used by the grader and the process it sandboxes, and by the grader and its zygote. A message is one JSON
object on one line; file descriptors may ride along (``SCM_RIGHTS``) where the receiver accepts them. Reads and
writes never block past their deadline, whatever the other end does (stops reading, sends no newline, floods).
"""

from __future__ import annotations

import array
import json
import os
import select
import socket
import time
from collections.abc import Callable, Sequence

MAX_MESSAGE = 512 * 2**20
_MAX_FDS = 8


class ChannelError(Exception):
    """``kind``: 'timeout' (deadline passed), 'closed' (the other end is gone) or 'protocol' (bad message)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class Channel:
    """One end of a socket carrying JSON lines. ``accept_fds``: keep descriptors the other end sends (else closed)."""

    def __init__(self, sock: socket.socket, accept_fds: bool = False) -> None:
        self.sock = sock
        self.sock.setblocking(False)
        self.accept_fds = accept_fds
        self._buf = bytearray()
        self._scanned = 0
        self._fds: list[int] = []

    @classmethod
    def pair(cls, accept_fds: bool = False) -> tuple[Channel, socket.socket]:
        """A channel, and the other end's socket (to hand to another process)."""
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        return cls(mine, accept_fds), theirs

    @classmethod
    def from_fd(cls, fd: int, accept_fds: bool = False) -> Channel:
        return cls(socket.socket(fileno=fd), accept_fds)

    def fileno(self) -> int:
        return self.sock.fileno()

    def close(self) -> None:
        for fd in self.take_fds():
            _close(fd)
        self.sock.close()

    def take_fds(self) -> list[int]:
        """Descriptors received so far (the caller owns them now)."""
        fds, self._fds = self._fds, []
        return fds

    # -- sending ------------------------------------------------------------
    def send(self, message: dict, fds: Sequence[int] = (), deadline: float | None = None) -> None:
        """Send one message (and ``fds`` with its first byte) before ``deadline`` (``time.monotonic()``)."""
        view = memoryview((json.dumps(message, separators=(",", ":")) + "\n").encode())
        ancillary = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] if fds else []
        while view:
            self._wait(write=True, deadline=deadline)
            try:
                n = self.sock.sendmsg([view], ancillary)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError as exc:
                raise ChannelError("closed", f"the other end is gone ({exc.strerror})") from None
            ancillary = []
            view = view[n:]

    # -- receiving ----------------------------------------------------------
    def recv(self, deadline: float | None = None, alive: Callable[[], bool] | None = None,
             watch: int | None = None) -> dict:
        """The next message, before ``deadline``. While waiting, ``alive()`` is asked every second (and when
        ``watch``, e.g. a pidfd, becomes readable): False ends the wait as 'closed'."""
        while True:
            end = self._buf.find(b"\n", self._scanned)
            if end >= 0:
                break
            self._scanned = len(self._buf)
            if len(self._buf) > MAX_MESSAGE:
                raise ChannelError("protocol", f"a message over {MAX_MESSAGE // 2**20} MB")
            ready = self._wait(write=False, deadline=deadline, watch=watch)
            if not ready:
                if alive is not None and not alive():
                    raise ChannelError("closed", "the other end is gone")
                continue
            self._read_some()
        line = bytes(self._buf[:end])
        del self._buf[:end + 1]
        self._scanned = 0
        try:
            message = json.loads(line)
        except ValueError:
            raise ChannelError("protocol", "a message that is not JSON") from None
        if not isinstance(message, dict):
            raise ChannelError("protocol", "a message that is not a JSON object")
        return message

    def _read_some(self) -> None:
        try:
            data, ancdata, _, _ = self.sock.recvmsg(1 << 20, socket.CMSG_SPACE(_MAX_FDS * 4))
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            raise ChannelError("closed", f"the other end is gone ({exc.strerror})") from None
        for level, kind, payload in ancdata:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds = array.array("i")
                fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
                for fd in fds:
                    self._fds.append(fd) if self.accept_fds else _close(fd)
        if not data:
            raise ChannelError("closed", "the other end closed the channel")
        self._buf += data

    def _wait(self, write: bool, deadline: float | None, watch: int | None = None) -> bool:
        """Wait until the socket is ready (True), or a second passed / ``watch`` is readable (False)."""
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            raise ChannelError("timeout", "the deadline passed")
        step = 1.0 if remaining is None else min(remaining, 1.0)
        rlist = ([] if write else [self.sock]) + ([watch] if watch is not None else [])
        readable, writable, _ = select.select(rlist, [self.sock] if write else [], [], step)
        return bool(writable) if write else self.sock in readable


def _close(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass
