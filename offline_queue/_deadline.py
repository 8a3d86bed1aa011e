"""An overall deadline for one HTTP exchange (connect + the whole answer) and a size cap.

``requests``' read timeout bounds only the silence between two bytes: a server that trickles
one byte a second never trips it, and ``resp.content`` reads a 50 MB answer whole. So each
exchange gets a :class:`Deadline` ticket; the connection it runs on registers itself when it
sends (a small urllib3 connection subclass), and one watchdog thread per process shuts that
socket down when the ticket expires, which ends any blocked read at once. The body is read in
chunks against the same deadline and the cap (:func:`read_capped`).

One thread for all clients, not a ``threading.Timer`` per request: a request costs a heap push
and a pop, not a thread start.
"""
from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_current = threading.local()


class Deadline:
    """One exchange's deadline (``time.monotonic`` seconds); usable as a context manager that
    makes it the current thread's ticket, so the connection that sends registers with it."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self.expired = False
        self._conns: list[Any] = []
        self._lock = threading.Lock()
        self._done = False

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def attach(self, conn: Any) -> None:
        with self._lock:
            if self._done:
                return
            self._conns.append(conn)
        _WATCHDOG.watch(self)

    def fire(self) -> None:
        """Called by the watchdog at the deadline: break every registered connection."""
        with self._lock:
            if self._done:
                return
            self.expired = True
            conns = list(self._conns)
        for conn in conns:
            sock = getattr(conn, "sock", None)
            if sock is None:
                continue
            try:  # the plain socket's shutdown, also under TLS: it wakes the reader with EOF
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except (OSError, TypeError, ValueError):
                pass

    def __enter__(self) -> "Deadline":
        self._prev = getattr(_current, "deadline", None)
        _current.deadline = self
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._done = True
            self._conns.clear()
        _current.deadline = self._prev
        if time.monotonic() >= self.at:
            self.expired = True


class _Watchdog:
    """One daemon thread that fires expired deadlines."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Deadline]] = []
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, deadline: Deadline) -> None:
        with self._cond:
            earliest = not self._heap or deadline.at < self._heap[0][0]
            heapq.heappush(self._heap, (deadline.at, next(self._seq), deadline))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="offline-queue-deadlines", daemon=True)
                self._thread.start()
            if earliest:  # the thread sleeps until the earliest deadline: wake it only if that changed
                self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._heap and self._heap[0][2]._done:  # finished in time: forget them
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait()
                    continue
                at, _, deadline = self._heap[0]
                wait = at - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)
            if not deadline._done:
                deadline.fire()


_WATCHDOG = _Watchdog()


def _register(conn: Any) -> None:
    deadline = getattr(_current, "deadline", None)
    if deadline is not None:
        deadline.attach(conn)


class _HTTPConnection(HTTPConnection):
    def request(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        _register(self)
        return super().request(*args, **kwargs)


class _HTTPSConnection(HTTPSConnection):
    def request(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        _register(self)
        return super().request(*args, **kwargs)


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` without retries whose connections honour the thread's :class:`Deadline`."""

    def __init__(self) -> None:
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


class TooLarge(Exception):
    """The answer is larger than the cap (what was read is in ``head``)."""

    def __init__(self, head: bytes) -> None:
        super().__init__("answer too large")
        self.head = head


class Expired(Exception):
    """The exchange's deadline passed before the whole answer was read."""


def read_capped(resp: requests.Response, deadline: Deadline, max_bytes: int) -> bytes:
    """The body of a ``stream=True`` response, at most ``max_bytes``, within ``deadline``.

    Raises :class:`TooLarge` (the first ``max_bytes`` are in ``head``) or :class:`Expired`.
    The response is left for the caller to close (which drops its connection).
    """
    length = resp.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise TooLarge(b"")
    parts: list[bytes] = []
    total = 0
    try:
        for chunk in resp.iter_content(64 * 1024):
            if deadline.expired or deadline.remaining() <= 0:
                raise Expired()
            parts.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise TooLarge(b"".join(parts)[:max_bytes])
    except (requests.RequestException, OSError, ValueError) as exc:
        if deadline.expired or deadline.remaining() <= 0:
            raise Expired() from None
        raise exc
    if deadline.expired:
        raise Expired()
    body = b"".join(parts)
    resp._content = body  # so resp.content / resp.text work on what was read
    resp._content_consumed = True
    return body
