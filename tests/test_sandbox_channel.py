"""The sandbox's one channel: JSON lines with deadlines, whatever the other end does."""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest

from autograder.sandbox.channel import Channel, ChannelError
from autograder.sandbox.launcher import Zygote


def pair() -> tuple[Channel, socket.socket]:
    return Channel.pair()


def test_messages_go_through_in_order_and_whole():
    ours, theirs = pair()
    other = Channel(theirs)
    big = {"data": "x" * (3 * 2**20)}   # larger than a socket buffer: sent while the other end reads
    reader = threading.Thread(target=lambda: received.extend([other.recv(time.monotonic() + 30) for _ in range(2)]))
    received: list = []
    reader.start()
    ours.send({"n": 1}, deadline=time.monotonic() + 30)
    ours.send(big, deadline=time.monotonic() + 30)
    reader.join()
    assert received == [{"n": 1}, big]


def test_a_silent_other_end_times_out_at_the_deadline():
    ours, theirs = pair()
    t0 = time.monotonic()
    with pytest.raises(ChannelError) as err:
        ours.recv(time.monotonic() + 0.5)
    assert err.value.kind == "timeout" and time.monotonic() - t0 < 5
    theirs.sendall(b'{"no": "newline yet"')
    with pytest.raises(ChannelError) as err:
        ours.recv(time.monotonic() + 0.5)
    assert err.value.kind == "timeout"


def test_an_other_end_that_stops_reading_cannot_block_a_send():
    ours, theirs = pair()
    with pytest.raises(ChannelError) as err:
        ours.send({"data": "x" * (16 * 2**20)}, deadline=time.monotonic() + 1)
    assert err.value.kind == "timeout"
    theirs.close()


def test_a_closed_or_dead_other_end_and_bad_messages_are_reported():
    ours, theirs = pair()
    theirs.sendall(b"[1, 2]\nnot json\n")
    for _ in range(2):
        with pytest.raises(ChannelError) as err:
            ours.recv(time.monotonic() + 5)
        assert err.value.kind == "protocol"
    with pytest.raises(ChannelError) as err:
        ours.recv(time.monotonic() + 5, alive=lambda: False)
    assert err.value.kind == "closed"
    theirs.close()
    with pytest.raises(ChannelError) as err:
        ours.recv(time.monotonic() + 5)
    assert err.value.kind == "closed"


def test_descriptors_pass_only_where_accepted():
    r, w = os.pipe()
    try:
        accepting, theirs = Channel.pair(accept_fds=True)
        Channel(theirs).send({"op": "fd"}, [w])
        assert accepting.recv(time.monotonic() + 5) == {"op": "fd"}
        (fd,) = accepting.take_fds()
        os.write(fd, b"ok")
        os.close(fd)
        assert os.read(r, 2) == b"ok"
        refusing, theirs = Channel.pair()
        Channel(theirs).send({"op": "fd"}, [w])
        assert refusing.recv(time.monotonic() + 5) == {"op": "fd"} and refusing.take_fds() == []
    finally:
        os.close(r)
        os.close(w)


def test_a_zygote_that_never_answers_does_not_hang_the_grader():
    t0 = time.monotonic()
    with pytest.raises(RuntimeError, match="did not start"):
        Zygote(["/bin/sh", "-c", "sleep 60", "sh"], {"PATH": "/usr/bin:/bin"}, "autograder.sandbox_worker", 1.0)
    assert time.monotonic() - t0 < 15
