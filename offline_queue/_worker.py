"""The sync worker: delivers the outbox to the server in a background thread.

How it behaves, and why:

* It sleeps on a ``threading.Event`` until the next thing it has to do (the next due row, a
  token poll, a pause probe), at most ``max_sleep_s`` so rows queued by another process are
  picked up too. :meth:`SyncWorker.wake` (called after each new submission) ends the sleep
  at once. No CPU polling.
* One POST at a time, oldest due first. A failure that is not the item's fault (network down,
  5xx, 429, captive portal, timeout) reschedules that row with backoff **and holds the whole
  queue** for the same delay, counted from the *end* of the attempt in monotonic time: with
  the server hung there is one attempt per backoff window, not one per queued row, and a
  clock jump does not shorten or stretch a hold. The backoff exponent is the number of such
  failures in a row (or the row's own attempts, if higher); a success resets it.
  ``Retry-After`` is a lower bound; it, and the hold after an attempt whose outcome is
  unknown, survive :meth:`wake`; an ordinary hold is lifted by ``wake()`` so a new
  submission is tried at once.
* **Exactly once without the server's help.** An attempt whose outcome is unknown (timeout,
  connection lost after the request was written, a crash in ``sending``) leaves the row
  marked in the outbox. Before posting it again the worker searches the server's recent
  requests (``GET requests.json`` for the service and a time window, then unfiltered) for
  the tracking code in the description and records what it finds as ``sent``. A search
  counts only once the server has answered something sent after the abandoned attempt (a
  stalled server works through its backlog first), and it is repeated just before the
  re-post. Only a server that cannot be searched gets the same body again (logged).
* 401/403 naming the key (or any refusal naming the key, e.g. 400 "Invalid API key"), and
  the same refusal for ``repeat_refusals`` different services in a row, pause the outbox
  (persistently); nothing goes dead. Open311 GETs need no key, so only a POST can show that
  a key works again: every ``retry_cap`` seconds (and at once when the worker starts) the
  worker sends the next queued row as a probe, ignoring the pause; an answer that is not
  the same refusal resumes the queue. ``outbox.resume()`` + ``wake()`` resumes at once.
* A 401/403 naming a service holds only that item (and asks for a catalog refresh).
* 404: ``on_unknown_service(service_code)`` (the core refreshes its catalog), then ``dead``;
  when the callback returns ``False`` (the refresh failed, or the server still lists the code,
  so the 404 came from a wrong URL or a proxy) the item is retried instead.
* ``awaiting_token`` rows are polled with ``GET tokens/{token}.json`` every ``token_poll_s``.
* A row whose result cannot be recorded (the disk filled right after the POST) goes back to
  ``queued`` within the same pass, still marked unsure, so it is reconciled, not re-posted.
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
from datetime import datetime, timezone
from typing import Literal

from ._client import Open311Client, Open311Error, Outcome
from ._fault import FaultKind
from ._outbox import Item, Outbox, OutboxError, StateError
from ._reconcile import Unsearchable, find_on_server
from .retry import backoff_delay

log = logging.getLogger("offline_queue.sync")

Network = Literal["online", "offline", "paused", "unknown"]

#: Persistent fact: the kind of the fault that paused the queue.
_FACT_PAUSE_FAULT = "pause_fault"
#: Persistent fact: until when (epoch seconds) the whole queue waits after a failure, so a
#: restarted sender (a crash, `kiosk sync` run again) keeps the backoff window too.
_FACT_HOLD_UNTIL = "hold_until"
#: A wall clock that moved this much more (or less) than the monotonic clock jumped.
CLOCK_JUMP_S = 120.0


@dataclass(frozen=True)
class SyncStatus:
    """What the UI and staff see about delivery.

    ``network``: ``online`` (the server answered last time), ``offline`` (no answer, or a
    captive portal), ``paused`` (the server refuses our key), ``unknown`` (nothing tried yet).
    ``fault``: the kind of the last problem (None when the last attempt went well); the UI
    words it, never the text of ``last_error``.
    """

    network: Network
    paused: bool
    pause_reason: str | None
    counts: dict[str, int] = field(default_factory=dict)
    last_error: str | None = None
    last_success_at: datetime | None = None
    fault: FaultKind | None = None


@dataclass
class _Refusal:
    item_id: int
    ref: str
    service_code: str
    reason: str


class SyncWorker:
    """Delivers ``outbox`` through ``client``; see the module docstring for the behaviour.

    ``clock`` returns epoch seconds (``time.time`` by default; tests pass their own) and
    stamps what is stored; ``monotonic`` times the holds inside the process (by default
    ``time.monotonic``, or ``clock`` itself when a test passes only a clock).
    ``rng`` is the source of jitter (a seeded ``random.Random`` in tests).
    ``reconcile=False`` (``server.dedupe = "idempotency-key"``) re-posts an unsure row
    without searching, trusting the server's ``Idempotency-Key``.
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
        monotonic: Callable[[], float] | None = None,
        rng: random.Random | None = None,
        max_sleep_s: float = 60.0,
        counts_every_s: float = 0.25,
        reconcile: bool = True,
        repeat_refusals: int = 3,
    ) -> None:
        self.outbox = outbox
        self.client = client
        self.retry_base = retry_base
        self.retry_cap = retry_cap
        self.on_unknown_service = on_unknown_service
        self.token_poll_s = token_poll_s
        self.max_sleep_s = max_sleep_s
        self.reconcile = reconcile
        self.repeat_refusals = max(2, repeat_refusals)
        self._clock = clock
        self._mono = monotonic or (time.monotonic if clock is time.time else clock)
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
        self._fault: FaultKind | None = None
        self._failures = 0  # retry outcomes in a row: the backoff exponent
        self._hold_until = -math.inf  # no claims before this (monotonic seconds)
        self._hold_firm = False  # Retry-After or an unknown outcome: wake() keeps the hold
        self._next_token_poll = -math.inf  # at once after start, then every token_poll_s (monotonic)
        self._next_pause_probe = -math.inf  # at once after start, then every retry_cap (monotonic)
        self._counts: dict[str, int] | None = None
        self._counts_at = -math.inf
        self._published: SyncStatus | None = None
        self._attempts_made = 0
        self._standby = False  # another process holds the sender lock: wait, do not spin
        self._started_up = False  # holds pulled back once we became the sender
        self._last_clocks: tuple[float, float] | None = None
        #: Rows whose attempt this process abandoned, and when (monotonic): a search counts
        #: only after an answer to a request sent later.
        self._abandoned: dict[int, float] = {}
        #: When the latest request that got a server answer was sent (monotonic), or None.
        self._answered_sent_at: float | None = None
        #: Rows whose result could not be recorded: back to queued at the next chance.
        self._stuck: set[int] = set()
        #: Refusals held back until the next answer shows whose fault they are.
        self._refusals: list[_Refusal] = []
        #: How many times the background loop woke up (tests check it does not spin).
        self.iterations = 0
        #: Reconciliation results since start (for logs, tests and the bench).
        self.reconciled = {"found": 0, "clear": 0, "unsearchable": 0}

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

        A POST in flight is not interrupted (it ends within the client's deadline); if the
        process exits meanwhile its row stays ``sending`` and is reconciled after the next start.
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
        """Something new to send: stop sleeping now (an ordinary backoff hold is lifted; a
        server's ``Retry-After`` and the hold after an unknown outcome are not)."""
        if not self._hold_firm:
            self._hold_until = -math.inf
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
                self._fault = FaultKind.INTERNAL
                timeout = backoff_delay(self._failures, base=self.retry_base, cap=self.retry_cap, rng=self._rng)
                self._failures += 1
            self._recover_stuck()
            self._publish(fresh_counts=True)
            self._wake.wait(timeout)

    def _sleep_s(self) -> float:
        if self._standby:
            return self.max_sleep_s
        now, mono = self._clock(), self._mono()
        waits = [self.max_sleep_s, self._next_token_poll - mono]
        if self.outbox.paused:
            waits.append(self._next_pause_probe - mono)
        else:
            due = self.outbox.next_due_at()
            if due is not None:
                waits.append(max(due.timestamp() - now, self._hold_until - mono))
        return max(0.01, min(waits))

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
            now, mono = self._clock(), self._mono()
            self._watch_clock(now, mono)
            self._recover_stuck()
            did = self._poll_tokens(now, mono)
            if self.outbox.paused:
                self._network = "paused"
                if mono < self._next_pause_probe:
                    self._publish()
                    return did
                self._next_pause_probe = mono + self.retry_cap
                item = self.outbox.claim(now, ignore_pause=True)
                if item is None:
                    self._publish()
                    return did
                self._send(item, probe=True)
                return True
            if mono < self._hold_until:
                return did
            self._hold_firm = False
            item = self.outbox.claim(now)
            if item is None:
                if self._refusals:  # nobody else left to compare with: they were the items' own
                    self._settle_refusals()
                    return True
                return did
            self._send(item, probe=False)
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
        self._recover_stuck()
        self._publish(fresh_counts=True)
        return n

    def _watch_clock(self, now: float, mono: float) -> None:
        """Holds stored as wall-clock times must never outlast the retry cap: pull back the
        ones further out at start-up and whenever the wall clock jumps."""
        jumped = False
        if self._last_clocks is not None:
            wall0, mono0 = self._last_clocks
            jumped = abs((now - wall0) - (mono - mono0)) > CLOCK_JUMP_S
        self._last_clocks = (now, mono)
        if self._started_up and not jumped:
            return
        if not self._started_up:
            held = self.outbox.get_fact(_FACT_HOLD_UNTIL)
            if isinstance(held, (int, float)) and now < held:  # never beyond the cap (clock jumps)
                self._hold_until = max(self._hold_until, mono + min(held - now, self.retry_cap))
        self._started_up = True
        try:
            n = self.outbox.pull_back_holds(now + self.retry_cap)
        except OutboxError as exc:
            log.warning("sync: cannot pull back retry holds: %s", type(exc).__name__)
            return
        if n:
            log.info("sync: %d retry hold(s) beyond the cap pulled back%s", n, " after a clock jump" if jumped else "")

    def _recover_stuck(self) -> None:
        for item_id in list(self._stuck):
            try:
                self.outbox.recover_item(item_id)
            except OutboxError:
                continue
            self._stuck.discard(item_id)
            log.info("sync: item %d whose result could not be recorded is queued again (to reconcile)", item_id)

    def _answered(self, sent_at: float) -> None:
        if self._answered_sent_at is None or sent_at > self._answered_sent_at:
            self._answered_sent_at = sent_at

    def _fresh_for(self, item: Item) -> bool:
        """Has the server answered a request sent after ``item``'s abandoned attempt?"""
        if self._answered_sent_at is None:
            return False
        abandoned = self._abandoned.get(item.id)
        return abandoned is None or self._answered_sent_at > abandoned

    def _reconcile(self, item: Item) -> str:
        """Look for ``item`` on the server: ``found`` (recorded as sent), ``clear`` (searched
        twice after a fresh answer, not there), ``unsearchable`` or ``unreachable``."""
        since = item.unsure_since or item.created_at
        valid_clear = 0
        for _ in range(3):
            fresh = self._fresh_for(item)
            sent_at = self._mono()
            try:
                found = find_on_server(self.client, item, since, datetime.fromtimestamp(self._clock(), timezone.utc))
            except Unsearchable as exc:
                self._answered(sent_at)
                log.warning("sync: %s: the server cannot be searched (%s); sending the same body again",
                            item.ref, exc)
                return "unsearchable"
            except Open311Error as exc:
                log.info("sync: %s: search for an unsure attempt failed (%s); later", item.ref, exc.kind)
                return "unreachable"
            self._answered(sent_at)
            if found is not None:
                srid = found or None
                self.outbox.mark_sent(item.id, srid, now=self._clock())
                self._abandoned.pop(item.id, None)
                log.info("sync: %s was already on the server as %s; not sent again", item.ref, srid or "(no id)")
                return "found"
            if fresh:
                valid_clear += 1
                if valid_clear >= 2:
                    break
        return "clear"

    def _send(self, item: Item, *, probe: bool) -> None:
        self._attempts_made += 1
        if item.body is None:  # cannot happen for a queued row; never send an empty payload
            self._record(item, Outcome("dead", reason="no stored payload", fault=FaultKind.REJECTED), probe)
            return
        unsure = item.unsure_since is not None or item.id in self._abandoned
        if unsure and self.reconcile:
            try:
                verdict = self._reconcile(item)
            except StateError:
                return
            except OutboxError as exc:
                log.error("sync: %s: cannot record the reconciliation: %s", item.ref, type(exc).__name__)
                self._stuck.add(item.id)
                self._recover_stuck()
                return
            if verdict in self.reconciled:
                self.reconciled[verdict] += 1
            if verdict == "found":
                self._after_answer(probe)
                self._publish()
                return
            if verdict == "unreachable":
                self._record(item, Outcome("retry", reason="the server did not answer a search",
                                           fault=FaultKind.TIMEOUT, uncertain=True), probe)
                return
        elif unsure:
            log.info("sync: %s: outcome of an earlier attempt unknown; re-sent with the same key", item.ref)
        sent_at = self._mono()
        try:
            outcome = self.client.post_request(item.body, item.key)
        except Exception as exc:  # a bug or an odd transport error: not the item's fault
            outcome = Outcome("retry", reason=f"client error ({type(exc).__name__})",
                              fault=FaultKind.INTERNAL, uncertain=True)
        if outcome.http_status is not None and outcome.reached_server:
            self._answered(sent_at)
        self._record(item, outcome, probe)

    def _record(self, item: Item, outcome: Outcome, probe: bool) -> None:
        try:
            self._finish(item, outcome, self._clock(), self._mono(), probe)
        except StateError:
            log.warning("sync: %s changed state while it was being sent", item.ref)
        except OutboxError as exc:
            # The answer cannot be written (disk full right after the POST...). The row must not
            # stay `sending`: back to queued, still marked unsure, so it is reconciled first.
            log.error("sync: %s: cannot record the answer (%s); it will be reconciled", item.ref, type(exc).__name__)
            self._abandoned[item.id] = self._mono()
            self._stuck.add(item.id)
            self._recover_stuck()
            self._hold(outcome, self._mono(), item.attempts)
        self._publish()

    def _hold(self, outcome: Outcome, mono: float, attempts: int) -> float:
        """Back off the whole queue after a failure that is not the item's; returns the delay."""
        self._failures += 1
        exponent = max(self._failures, attempts) - 1
        delay = backoff_delay(exponent, base=self.retry_base, cap=self.retry_cap,
                              retry_after=outcome.retry_after, rng=self._rng)
        self._hold_until = mono + delay - 1e-6  # never later than the stored next_attempt_at
        self._hold_firm = outcome.retry_after is not None or outcome.uncertain
        try:
            self.outbox.set_fact(_FACT_HOLD_UNTIL, self._clock() + delay)
        except OutboxError:
            pass  # a full disk: the in-process hold still holds
        return delay

    def _after_answer(self, probe: bool) -> None:
        """The server answered for an item: the key is good and the network works."""
        if probe:
            log.info("sync: the server accepts the key again; queue resumed")
            self.outbox.resume()
            self.outbox.set_fact(_FACT_PAUSE_FAULT, None)
        self._failures = 0
        self._hold_until = -math.inf
        self._network = "online"

    def _pause(self, reason: str, fault: FaultKind, mono: float) -> None:
        self.outbox.pause(reason)
        self.outbox.set_fact(_FACT_PAUSE_FAULT, fault.value)
        self._next_pause_probe = mono + self.retry_cap
        self._network = "paused"
        self._last_error = reason
        self._fault = fault

    def _settle_refusals(self) -> None:
        """The refusals held back were each item's own: they go dead now."""
        refusals, self._refusals = self._refusals, []
        for r in refusals:
            if self.outbox.mark_dead_if_queued(r.item_id, r.reason):
                log.info("sync: %s -> dead", r.ref)

    def _refused(self, item: Item, outcome: Outcome, now: float, mono: float, probe: bool) -> None:
        """A rejection (400, 413, 415, 422...). Alone it is the item's; the same words for
        several different services in a row are the kiosk's (a key or config the server
        dislikes): then pause, and nothing goes dead."""
        reason = outcome.reason
        if probe and reason == self.outbox.pause_reason:
            self.outbox.mark_retry(item.id, reason, item.next_attempt_at)
            self._network = "paused"
            return
        if probe:
            self._after_answer(True)
        if self._refusals and self._refusals[-1].reason != reason:
            self._settle_refusals()
        self._refusals.append(_Refusal(item.id, item.ref, item.service_code, reason))
        services = {r.service_code for r in self._refusals}
        self._network = "online"
        self._last_error = reason
        self._fault = FaultKind.REJECTED
        if len(services) >= self.repeat_refusals:
            log.warning("sync: the same refusal for %d different services: queue paused, nothing dead", len(services))
            self.outbox.mark_retry(item.id, reason, now)
            self.outbox.pull_back_holds(now)  # the held ones wait with the queue, not longer
            self._refusals = []
            self._pause(reason, FaultKind.REPEATED_REFUSAL, mono)
            return
        others = self.outbox.counts()["queued"]
        if others == 0:  # nobody to compare with: it is this item's
            self._refusals.pop()
            self._settle_refusals()
            self.outbox.mark_dead(item.id, reason)
            return
        self.outbox.mark_retry(item.id, reason, now + self.retry_cap)  # held until the next answer

    def _finish(self, item: Item, outcome: Outcome, now: float, mono: float, probe: bool) -> None:
        action = outcome.action
        log.info("sync: %s -> %s%s", item.ref, action,
                 f" (HTTP {outcome.http_status})" if outcome.http_status else "")
        if action == "retry":
            delay = self._hold(outcome, mono, item.attempts)
            if outcome.uncertain:
                self._abandoned[item.id] = mono
            self.outbox.mark_retry(item.id, outcome.reason, now + delay, unsure=outcome.uncertain)
            self._network = "online" if outcome.reached_server else "offline"
            self._last_error = outcome.reason
            self._fault = outcome.fault or FaultKind.SERVER
            if probe:
                self._network = "paused"
            return
        if action == "pause":
            self._pause(outcome.reason, outcome.fault or FaultKind.KEY_REFUSED, mono)
            self.outbox.mark_retry(item.id, outcome.reason, item.next_attempt_at)
            self._refusals = []  # the key's fault, not theirs: they wait with the queue
            return
        self._abandoned.pop(item.id, None)
        if action == "dead":
            self._refused(item, outcome, now, mono, probe)
            return
        self._after_answer(probe)
        if action in ("sent", "awaiting_token") and self._refusals:
            self._settle_refusals()  # another item went through: those refusals were their own
        if action == "sent":
            self.outbox.mark_sent(item.id, outcome.service_request_id, now=now)
            self._last_error = None
            self._fault = None
        elif action == "awaiting_token":
            self.outbox.mark_awaiting_token(item.id, outcome.token or "", now=now)
            self._next_token_poll = min(self._next_token_poll, mono + self.token_poll_s)
            self._last_error = None
            self._fault = None
        elif action == "hold":
            # 401/403 naming the service: this item's trouble only. Maybe the province retired
            # the service: a refresh that no longer lists it makes the item dead for staff.
            if self._service_gone(item.service_code):
                self.outbox.mark_dead(item.id, outcome.reason)
            else:
                self.outbox.mark_retry(item.id, outcome.reason, now + self.retry_cap)
            self._last_error = outcome.reason
            self._fault = FaultKind.SERVICE_REFUSED
        elif action == "unknown_service":
            # A 404 may be the service gone from the catalog, or a wrong base_url / a proxy's
            # page. Only a catalog refresh that worked and no longer lists the code makes the
            # item dead; otherwise it waits and retries, so a moved server does not kill the queue.
            if not self._service_gone(item.service_code):
                self._finish(item, Outcome("retry", reason=outcome.reason, http_status=outcome.http_status,
                                           fault=FaultKind.UNKNOWN_SERVICE), now, mono, probe)
                return
            self.outbox.mark_dead(item.id, outcome.reason)
            self._last_error = outcome.reason
            self._fault = FaultKind.UNKNOWN_SERVICE

    def _service_gone(self, service_code: str) -> bool:
        if self.on_unknown_service is None:
            return True
        try:
            return self.on_unknown_service(service_code) is not False
        except Exception as exc:
            log.warning("on_unknown_service failed: %s", type(exc).__name__)
            return False

    def _poll_tokens(self, now: float, mono: float) -> bool:
        """Ask the server for the ids of ``awaiting_token`` rows; True if any was resolved."""
        if mono < self._next_token_poll:
            return False
        items = self.outbox.awaiting_token_items()
        # With none waiting, no timer: a new awaiting_token row sets one in _finish().
        self._next_token_poll = mono + self.token_poll_s if items else math.inf
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
        fault = self._fault
        if reason is not None:
            try:
                fault = FaultKind(self.outbox.get_fact(_FACT_PAUSE_FAULT) or FaultKind.KEY_REFUSED.value)
            except ValueError:
                fault = FaultKind.KEY_REFUSED
        return SyncStatus(
            network=network, paused=reason is not None, pause_reason=reason,
            counts=dict(self._counts), last_error=self._last_error,
            last_success_at=self.outbox.last_success_at, fault=fault,
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
