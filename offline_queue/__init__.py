"""offline_queue: a durable outbox of Open311 submissions and the engine that delivers them.

A library: it imports nothing from ``kiosk``/``ui`` and no Qt. Everything public is here::

    from offline_queue import Outbox, Open311Client, SyncWorker

    outbox = Outbox("/var/lib/kiosk/outbox.sqlite3")        # creates, migrates, recover()s
    item = outbox.enqueue(ref="BWI7K2M9QX", service_code="KBR-01",
                          body="service_code=KBR-01&description=...",   # exact form body
                          meta={"kind": "complaint"})                  # fsynced when it returns
    client = Open311Client("https://example.invalid/open311/v2", api_key="...",
                           jurisdiction_id="banyuwangikab.go.id", timeout=(5, 15))
    worker = SyncWorker(outbox, client, on_unknown_service=refresh_catalog)
    worker.subscribe(lambda status: print(status.network, status.counts))
    worker.start(); ...; worker.wake()   # after each new submission
    worker.stop()

**Outbox(path)** -- one SQLite file (WAL, ``synchronous=FULL``, one connection per thread,
``BEGIN IMMEDIATE`` for every state change). States::

    queued -> sending -> sent | awaiting_token -> sent
    queued/sending -> dead -> queued (requeue)        sending -> queued (retry, recover)

- ``enqueue(*, ref, service_code, body, meta, key=None, created_at=None) -> Item``: durable
  before it returns; ``body`` kept byte-for-byte; raises :class:`OutboxFull` on a full disk
  (nothing stored, nothing damaged) and :class:`DuplicateRef` for a reused tracking code.
- ``claim(now=None) -> Item | None``: oldest due ``queued`` row -> ``sending`` (None if paused).
- ``mark_sent(id, service_request_id)``, ``mark_awaiting_token(id, token)``,
  ``mark_retry(id, reason, next_attempt_at)``, ``mark_dead(id, reason)``; a transition from a
  wrong state raises :class:`StateError`.
- ``requeue(ref, *, service_code=None, body=None)``: ``dead`` -> ``queued``; a changed body or
  code gets a new idempotency key, an unchanged one keeps its key.
- ``recover()``: ``sending`` -> ``queued`` (run at open: a crash mid-send is re-sent with the
  same key). Assumes one sending process per outbox file.
- ``pause(reason)``, ``resume()``, ``paused``, ``pause_reason``: persistent queue pause.
- ``counts()`` (O(1), trigger-kept), ``oldest_waiting()`` (datetime), ``dead_items()``,
  ``awaiting_token_items()``, ``items(*states, limit=None)``, ``get(ref)``, ``get_by_id(id)``,
  ``next_due_at()``,
  ``last_success_at``, ``set_server_status(ref, dict)``, ``get_fact``/``set_fact``.
- ``erase_personal(retention_days, now=None) -> int``: bodies of rows ``sent`` long enough
  ago are erased (``secure_delete`` + WAL truncation); ref, service, meta, server id and
  status stay.
- ``integrity_check()``, ``checkpoint()``, ``connection()`` (this thread's sqlite3 connection,
  for diagnostics), ``close()``.
- Times come back as aware UTC ``datetime``; they are accepted as such or as epoch floats.
- Durability: every commit is fsynced (``synchronous=FULL``) except a claim, whose loss to a
  power cut leaves the row ``queued`` -- what ``recover()`` would make of it anyway.

**Open311Client(base_url, api_key, jurisdiction_id, timeout=(connect_s, read_s))** -- GeoReport
v2 on a ``requests.Session`` without urllib3 retries. ``post_request(body, key) -> Outcome``
(never raises for network or server trouble); ``services()``, ``service_definition(code)``,
``token(tok)``, ``requests(ids)``, ``request(id)``, ``server_date()`` raise
:class:`Open311Error` (``kind``: offline, refused, not_found, server, bad_answer).

**Outcome(action, service_request_id, token, reason, retry_after, http_status, fault,
uncertain)** -- ``action`` in ``sent | awaiting_token | retry | pause | hold | dead |
unknown_service`` per DESIGN.md's table; ``fault`` a :class:`FaultKind` (never parse
``reason``); ``uncertain`` when the server may have created it without saying so.
Each exchange has an overall ``deadline_s`` and ``max_answer_bytes``; ``search_requests``
lists recent requests (for reconciliation by the tracking code in the description).

**SyncWorker(outbox, client, *, retry_base=2.0, retry_cap=300.0, on_unknown_service=None,
token_poll_s=30.0, clock=time.time)** -- ``start()``, ``stop(timeout)``, ``wake()``,
``run_once() -> bool``, ``drain(deadline=None) -> int``, ``subscribe(callback)``, ``status``.
Events are :class:`SyncStatus` ``(network, paused, pause_reason, counts, last_error,
last_success_at, fault)``, delivered on the worker's thread.

**retry.backoff_delay(attempt, *, base, cap, retry_after)** -- full-jitter backoff.
"""
from ._client import Open311Client, Open311Error, Outcome
from ._fault import FaultKind
from ._reconcile import holds_code
from ._outbox import STATES, DuplicateRef, Item, Outbox, OutboxError, OutboxFull, StateError
from ._worker import SyncStatus, SyncWorker
from .retry import backoff_delay

__all__ = [
    "Outbox", "Item", "STATES", "OutboxError", "OutboxFull", "DuplicateRef", "StateError",
    "Open311Client", "Open311Error", "Outcome", "FaultKind", "holds_code",
    "SyncWorker", "SyncStatus",
    "backoff_delay",
]
