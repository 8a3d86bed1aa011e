"""The sync worker: delivers the outbox to the server in a background thread.

How it behaves, and why:

* It sleeps on a ``threading.Event`` until the next thing it has to do (the next due row, a
  token poll, a pause probe), at most ``max_sleep_s`` so rows queued by another process are
  picked up too. :meth:`SyncWorker.wake` (called after each new submission) ends the sleep
  at once. No CPU polling.
* One POST at a time, oldest due first. A failure that is not the item's fault (network down,
  5xx, 429, captive portal) reschedules that row with backoff **and holds the whole queue**
  for the same delay: with the network down there is one attempt per backoff window, not one
  per queued row. The backoff exponent is the number of such failures in a row (or the row's
  own attempts, if higher); a success resets it. ``Retry-After`` is a lower bound and is also
  respected by :meth:`wake`; an ordinary hold is lifted by ``wake()`` so a new submission is
  tried at once.
* 401/403: the outbox is paused (persistently) and the row goes back to ``queued`` at its old
  place. Open311 GETs need no key, so only a POST can show that a key works again: every
  ``retry_cap`` seconds (and at once when the worker starts) the worker sends the next queued
  row as a probe, ignoring the pause; any answer that is not 401/403 (nor a network failure)
  resumes the queue. ``outbox.resume()`` + ``wake()`` resumes at once (staff action).
* 404: ``on_unknown_service(service_code)`` (the core refreshes its catalog), then ``dead``;
  when the callback returns ``False`` (the refresh failed, or the server still lists the code,
  so the 404 came from a wrong URL or a proxy) the item is retried instead.
* ``awaiting_token`` rows are polled with ``GET tokens/{token}.json`` every ``token_poll_s``.
* Status events (:class:`SyncStatus`) go to subscribers when the status changes; counts are
  re-read at most every ``counts_every_s`` while a backlog drains, and always when the
  worker goes idle, so the last event is exact.
"""
from __future__ import annotations

import logging
import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from ._client import Open311Client, Open311Error, Outcome
from ._outbox import Item, Outbox, OutboxError, StateError
from .retry import backoff_delay

log = logging.getLogger("offline_queue.sync")

Network = Literal["online", "offline", "paused", "unknown"]


@dataclass(frozen=True)
class SyncStatus:
    """What the UI and staff see about delivery.

    ``network``: ``online`` (the server answered last time), ``offline`` (no answer, or a
    captive portal), ``paused`` (the server refuses our key), ``unknown`` (nothing tried yet).
    """

    network: Network
    paused: bool
    pause_reason: str | None
    counts: dict[str, int] = field(default_factory=dict)
    last_error: str | None = None
    last_success_at: datetime | None = None


class SyncWorker:
    """Delivers ``outbox`` through ``client``; see the module docstring for the behaviour.

    ``clock`` returns epoch seconds (``time.time`` by default; tests pass their own).
    ``rng`` is the source of jitter (a seeded ``random.Random`` in tests).
    """

    def __init__(
        self,
        outbox: Outbox,
        client: Open311Client,
        *,
        retry_base: float = 2.0,
        retry_cap: float = 300.0,
        on_unknown_service: Callable[[str], bool | None] | None = None,
        token_poll_s: float = 30.0,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        max_sleep_s: float = 60.0,
        counts_every_s: float = 0.25,
    ) -> None:
        self.outbox = outbox
        self.client = client
        self.retry_base = retry_base
        self.retry_cap = retry_cap
        self.on_unknown_service = on_unknown_service
        self.token_poll_s = token_poll_s
        self.max_sleep_s = max_sleep_s
        self._clock = clock
        self._rng = rng or random.Random()
        self._counts_every_s = counts_every_s

        self._work_lock = threading.RLock()  # run_once from the thread and drain() never overlap
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._subs_lock = threading.Lock()
        self._subscribers: list[Callable[[SyncStatus], None]] = []

        self._network: Network = "unknown"
        self._last_error: str | None = None
        self._failures = 0  # retry outcomes in a row: the backoff exponent
        self._hold_until = 0.0  # no claims before this (clock seconds)
        self._hold_firm = False  # the hold came from the server's Retry-After: wake() keeps it
        self._next_token_poll = 0.0  # at once after start, then every token_poll_s
        self._next_pause_probe = 0.0  # at once after start, then every retry_cap
        self._counts: dict[str, int] | None = None
        self._counts_at = -math.inf
        self._published: SyncStatus | None = None
        self._attempts_made = 0
        self._standby = False  # another process holds the sender lock: wait, do not spin
        #: How many times the background loop woke up (tests check it does not spin).
        self.iterations = 0

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Start the background thread (no-op if it runs)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name="offline-queue-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = 5.0) -> bool:
        """Ask the thread to stop and wait up to ``timeout`` s; True if it has stopped.

        A POST in flight is not interrupted (it ends within the client's timeouts); if the
        process exits meanwhile its row stays ``sending`` and is re-sent with the same key
        after the next start.
        """
        self._stopping.set()
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                return False
        self._thread = None
        with self._work_lock:
            self.outbox.release_sender()
        return True

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wake(self) -> None:
        """Something new to send: stop sleeping now (an ordinary backoff hold is lifted,
        a server's ``Retry-After`` is not)."""
        if not self._hold_firm:
            self._hold_until = 0.0
        self._wake.set()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            self.iterations += 1
            try:
                while not self._stopping.is_set() and self.run_once():
                    pass
                timeout = self._sleep_s()
            except Exception as exc:  # never let the thread die; no traceback in logs
                log.error("sync worker error: %s", type(exc).__name__)
                self._last_error = f"internal error ({type(exc).__name__})"
                timeout = backoff_delay(self._failures, base=self.retry_base, cap=self.retry_cap, rng=self._rng)
                self._failures += 1
            self._publish(fresh_counts=True)
            self._wake.wait(timeout)

    def _sleep_s(self) -> float:
        if self._standby:
            return self.max_sleep_s
        now = self._clock()
        times = [now + self.max_sleep_s]
        if self.outbox.paused:
            times.append(self._next_pause_probe)
        else:
            due = self.outbox.next_due_at()
            if due is not None:
                times.append(max(due.timestamp(), self._hold_until))
        times.append(self._next_token_poll)
        return max(0.01, min(times) - now)

    # -- the work ---------------------------------------------------------------------------

    def run_once(self) -> bool:
        """Do one step: poll due tokens, then send at most one due row. True if it did work."""
        with self._work_lock:
            if not self.outbox.acquire_sender():
                # Another process (the app, or a technician's `kiosk sync`) is sending from this
                # outbox: two senders would pull each other's in-flight rows back into the queue.
                self._standby = True
                return False
            self._standby = False
            now = self._clock()
            did = self._poll_tokens(now)
            if self.outbox.paused:
                self._network = "paused"
                if now < self._next_pause_probe:
                    self._publish()
                    return did
                self._next_pause_probe = now + self.retry_cap
                item = self.outbox.claim(now, ignore_pause=True)
                if item is None:
                    self._publish()
                    return did
                self._send(item, now, probe=True)
                return True
            if now < self._hold_until:
                return did
            self._hold_firm = False
            item = self.outbox.claim(now)
            if item is None:
                return did
            self._send(item, now, probe=False)
            return True

    def drain(self, deadline: float | None = None) -> int:
        """Send until nothing can be sent now (queue empty, the rest waits for a later retry,
        or paused), or until ``deadline`` (clock seconds). Returns how many POSTs were made.
        For ``kiosk sync --once``; runs on the caller's thread."""
        n = 0
        while deadline is None or self._clock() < deadline:
            before = self._attempts_made
            if not self.run_once():
                break
            n += self._attempts_made - before
        self._publish(fresh_counts=True)
        return n

    def _send(self, item: Item, now: float, *, probe: bool) -> None:
        self._attempts_made += 1
        if item.body is None:  # cannot happen for a queued row; never send an empty payload
            self._finish(item, Outcome("dead", reason="no stored payload"), now, probe)
            return
        try:
            outcome = self.client.post_request(item.body, item.key)
        except Exception as exc:  # a bug or an odd transport error: not the item's fault
            outcome = Outcome("retry", reason=f"client error ({type(exc).__name__})")
        try:
            self._finish(item, outcome, now, probe)
        except StateError:
            log.warning("sync: %s changed state while it was being sent", item.ref)
        self._publish()

    def _finish(self, item: Item, outcome: Outcome, now: float, probe: bool) -> None:
        action = outcome.action
        log.info("sync: %s -> %s%s", item.ref, action,
                 f" (HTTP {outcome.http_status})" if outcome.http_status else "")
        if action == "retry":
            self._failures += 1
            exponent = max(self._failures, item.attempts) - 1
            delay = backoff_delay(exponent, base=self.retry_base, cap=self.retry_cap,
                                  retry_after=outcome.retry_after, rng=self._rng)
            retried = self.outbox.mark_retry(item.id, outcome.reason, now + delay)
            self._hold_until = retried.next_attempt_at.timestamp()  # exactly what is stored
            self._hold_firm = outcome.retry_after is not None
            self._network = "online" if outcome.reached_server else "offline"
            self._last_error = outcome.reason
            if probe:
                self._network = "paused"
            return
        if action == "pause":
            self.outbox.pause(outcome.reason)
            self.outbox.mark_retry(item.id, outcome.reason, item.next_attempt_at)
            self._next_pause_probe = now + self.retry_cap
            self._network = "paused"
            self._last_error = outcome.reason
            return
        # The server answered for this item: the key is good and the network works.
        if probe:
            log.info("sync: the server accepts the key again; queue resumed")
            self.outbox.resume()
        self._failures = 0
        self._hold_until = 0.0
        self._network = "online"
        if action == "sent":
            self.outbox.mark_sent(item.id, outcome.service_request_id, now=now)
            self._last_error = None
        elif action == "awaiting_token":
            self.outbox.mark_awaiting_token(item.id, outcome.token or "", now=now)
            self._next_token_poll = min(self._next_token_poll, now + self.token_poll_s)
            self._last_error = None
        elif action == "unknown_service":
            # A 404 may be the service gone from the catalog, or a wrong base_url / a proxy's
            # page. Only a catalog refresh that worked and no longer lists the code makes the
            # item dead; otherwise it waits and retries, so a moved server does not kill the queue.
            confirmed = True
            if self.on_unknown_service is not None:
                try:
                    confirmed = self.on_unknown_service(item.service_code) is not False
                except Exception as exc:
                    log.warning("on_unknown_service failed: %s", type(exc).__name__)
                    confirmed = False
            if not confirmed:
                self._finish(item, Outcome("retry", reason=outcome.reason, http_status=outcome.http_status), now, probe)
                return
            self.outbox.mark_dead(item.id, outcome.reason)
            self._last_error = outcome.reason
        else:  # dead
            self.outbox.mark_dead(item.id, outcome.reason)
            self._last_error = outcome.reason

    def _poll_tokens(self, now: float) -> bool:
        """Ask the server for the ids of ``awaiting_token`` rows; True if any was resolved."""
        if now < self._next_token_poll:
            return False
        items = self.outbox.awaiting_token_items()
        # With none waiting, no timer: a new awaiting_token row sets one in _finish().
        self._next_token_poll = now + self.token_poll_s if items else math.inf
        resolved = False
        for item in items:
            try:
                rows = self.client.token(item.token or "")
            except Open311Error as exc:
                if exc.kind == "offline":
                    self._network = "offline"
                    break
                log.info("sync: token lookup for %s failed: %s", item.ref, exc.kind)
                continue
            srid = next((str(r["service_request_id"]) for r in rows if r.get("service_request_id")), None)
            if srid:
                try:
                    self.outbox.mark_sent(item.id, srid, now=now)
                except StateError:
                    continue
                resolved = True
        if resolved:
            self._publish()
        return resolved

    # -- events -----------------------------------------------------------------------------

    def subscribe(self, callback: Callable[[SyncStatus], None]) -> Callable[[], None]:
        """Call ``callback(status)`` on every status change (on the worker's thread, or the
        thread calling :meth:`run_once`/:meth:`drain`). Returns a function that unsubscribes."""
        with self._subs_lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._subs_lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def _snapshot(self, fresh_counts: bool) -> SyncStatus:
        mono = time.monotonic()
        if fresh_counts or self._counts is None or mono - self._counts_at >= self._counts_every_s:
            self._counts = self.outbox.counts()
            self._counts_at = mono
        reason = self.outbox.pause_reason
        network: Network = "paused" if reason is not None else self._network
        if network == "paused" and reason is None:
            network = "unknown"
        return SyncStatus(
            network=network, paused=reason is not None, pause_reason=reason,
            counts=dict(self._counts), last_error=self._last_error,
            last_success_at=self.outbox.last_success_at,
        )

    @property
    def status(self) -> SyncStatus:
        """The current status (counts read now)."""
        return self._snapshot(fresh_counts=True)

    def _publish(self, fresh_counts: bool = False) -> None:
        try:
            status = self._snapshot(fresh_counts)
        except OutboxError as exc:
            log.warning("sync: status unavailable: %s", type(exc).__name__)
            return
        if status == self._published:
            return
        self._published = status
        with self._subs_lock:
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback(status)
            except Exception as exc:
                log.warning("sync: a status subscriber failed: %s", type(exc).__name__)
