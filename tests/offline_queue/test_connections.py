"""Connections are bounded by live threads: a thread's connection closes when the thread ends."""
from __future__ import annotations

import os
import threading

from offline_queue import Outbox


def _fds() -> int:
    return len(os.listdir(f"/proc/{os.getpid()}/fd"))


def test_threads_that_come_and_go_leave_no_connection_open(tmp_path):
    """A UI that ran each call on a fresh thread state once leaked two descriptors a call."""
    ob = Outbox(tmp_path / "o.sqlite3")
    try:
        def one_call() -> None:
            t = threading.Thread(target=ob.counts)
            t.start()
            t.join()

        one_call()
        fds = _fds()
        for _ in range(200):
            one_call()
        assert ob.connection_count() == 1  # this thread's, opened by Outbox(...) itself
        assert _fds() <= fds
    finally:
        ob.close()
    assert ob.connection_count() == 0


def test_a_live_thread_keeps_its_connection_until_close(tmp_path):
    ob = Outbox(tmp_path / "o.sqlite3")
    stop = threading.Event()
    ready = threading.Event()

    def worker() -> None:
        ob.counts()
        ready.set()
        stop.wait(10)

    t = threading.Thread(target=worker)
    t.start()
    try:
        assert ready.wait(10)
        assert ob.connection_count() == 2
    finally:
        ob.close()
        stop.set()
        t.join()
    assert ob.connection_count() == 0
