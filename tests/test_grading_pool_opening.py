"""The grading pool opened in the background while the coordinator gets ready (:class:`Opening`)."""

from __future__ import annotations

import threading

import pytest

from autograder.grading_pool import Opening, PoolError


class FakePool:
    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


def test_pool_waits_for_the_opener_running_in_another_thread():
    started, release = threading.Event(), threading.Event()
    opened = FakePool()

    def slow_open():
        started.set()
        release.wait(10)
        return opened

    opening = Opening(slow_open)
    assert started.wait(10)       # running while this thread goes on
    release.set()
    assert opening.pool() is opened and not opened.closed


def test_the_opener_error_reaches_the_coordinator():
    def unreachable():
        raise PoolError("cannot reach the Dask scheduler at tcp://127.0.0.1:9")

    with pytest.raises(PoolError, match="tcp://127.0.0.1:9"):
        Opening(unreachable).pool()


def test_discard_closes_a_pool_nobody_used():
    opened = FakePool()
    Opening(lambda: opened).discard()
    assert opened.closed


def test_discard_after_a_failed_open_raises_nothing():
    def broken():
        raise PoolError("no worker joined")

    Opening(broken).discard()
