"""The durable outbox: one SQLite file holding every submission until the server has it.

Why it is built this way:

* WAL + ``synchronous=FULL``: ``enqueue`` returns only after the row is fsynced, so a
  receipt is never printed for a submission a power cut could lose.
* One connection per thread (``threading.local``): sqlite3 connections must not be shared
  between threads; each thread gets its own, all closed by :meth:`Outbox.close`, and a
  thread's connection is closed when that thread ends (``Outbox._all`` holds it weakly), so
  threads that come and go do not pile up open files.
* Every state change runs in ``BEGIN IMMEDIATE``: the write lock is taken up front, so two
  workers (or a worker and the CLI) can never claim the same row, and a busy database waits
  (``busy_timeout``) instead of failing half-way.
* Schema created with sqlite-utils (readable, nested-transaction safe) and versioned with
  ``PRAGMA user_version``; all row traffic is plain sqlite3, where we need exact control of
  transactions and error codes (``SQLITE_FULL`` -> :class:`OutboxFull`).
* ``secure_delete`` is on and the WAL is truncated after :meth:`Outbox.erase_personal`, so
  erased personal data does not linger in free pages or old WAL frames on the kiosk's disk.

Times are stored as INTEGER microseconds since the epoch (exact round trips, no float
rounding between what was written and what a caller compares); they come back as aware UTC
``datetime`` objects and are accepted as either epoch seconds (``time.time()``) or aware
datetimes.
"""
from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import math
import os
import sqlite3
import threading
import time
import uuid
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

import sqlite_utils
from filelock import FileLock
from filelock import Timeout as FileLockTimeout

log = logging.getLogger("offline_queue.outbox")

State = Literal["queued", "sending", "awaiting_token", "sent", "dead"]
STATES: tuple[str, ...] = ("queued", "sending", "awaiting_token", "sent", "dead")

SCHEMA_VERSION = 1
_FACT_PAUSED = "paused_reason"
_FACT_LAST_SUCCESS = "last_success_at"


class OutboxError(Exception):
    """Base class of every error the outbox raises (the sqlite3 error is the ``__cause__``)."""


class OutboxFull(OutboxError):
    """The disk (or the database's page limit) is full: the submission was NOT saved.

    Nothing already stored is damaged; the outbox works again once space is freed.
    """


class DuplicateRef(OutboxError):
    """A submission with this tracking code is already in the outbox."""


class StateError(OutboxError):
    """The row does not exist or is not in a state that allows this transition."""


@dataclass(frozen=True)
class Item:
    """One submission as stored. ``body`` is the exact form body (``None`` once erased)."""

    id: int
    ref: str
    key: str
    service_code: str
    body: str | None
    meta: dict[str, Any]
    state: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    service_request_id: str | None
    token: str | None
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None
    erased_at: datetime | None
    server_status: dict[str, Any] | None = field(default=None)
    #: Set by :meth:`Outbox.claim` when an earlier attempt's outcome is unknown (a timeout,
    #: a lost connection, a crash in ``sending``): when that attempt began. The worker must
    #: look for it on the server before it posts again.
    unsure_since: datetime | None = field(default=None)


_COLUMNS = (
    "id, ref, key, service_code, body, meta, state, attempts, next_attempt_at, last_error, "
    "service_request_id, token, created_at, updated_at, sent_at, erased_at, server_status"
)


Instant = float | datetime


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_US = timedelta(microseconds=1)


def _ts(value: Instant | None) -> int:
    """Epoch microseconds from epoch seconds, an aware datetime, or None (now)."""
    if value is None:
        return time.time_ns() // 1000
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime: give an aware one (e.g. UTC or +07:00)")
        return (value - _EPOCH) // _US
    return math.ceil(float(value) * 1_000_000)  # never earlier than asked (Retry-After)


def _dt(value: int | None) -> datetime | None:
    return None if value is None else _EPOCH + timedelta(microseconds=value)


def _item(row: tuple) -> Item:
    (id_, ref, key, code, body, meta, state, attempts, nxt, err, srid, token, created,
     updated, sent, erased, status) = row
    return Item(
        id=id_, ref=ref, key=key, service_code=code, body=body,
        meta=json.loads(meta) if meta else {}, state=state, attempts=attempts,
        next_attempt_at=_dt(nxt), last_error=err, service_request_id=srid, token=token,
        created_at=_dt(created), updated_at=_dt(updated), sent_at=_dt(sent), erased_at=_dt(erased),
        server_status=json.loads(status) if status else None,
    )


def _is_full(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) == sqlite3.SQLITE_FULL
    return "full" in str(exc)


def _translate(exc: sqlite3.Error) -> OutboxError:
    if _is_full(exc):
        return OutboxFull("the outbox disk is full; the submission was not saved")
    if isinstance(exc, sqlite3.IntegrityError) and "ref" in str(exc):
        return DuplicateRef("a submission with this tracking code already exists")
    return OutboxError(f"outbox database error: {exc}")


def _create_schema(db: sqlite_utils.Database) -> None:
    """Version 1 of the schema. Later versions add steps after it, keyed on user_version."""
    db["items"].create(
        {
            "id": int, "ref": str, "key": str, "service_code": str, "body": str,
            "meta": str, "state": str, "attempts": int, "next_attempt_at": int,
            "last_error": str, "service_request_id": str, "token": str,
            "created_at": int, "updated_at": int, "sent_at": int,
            "erased_at": int, "server_status": str,
        },
        pk="id",
        not_null={"ref", "key", "service_code", "meta", "state", "attempts",
                  "next_attempt_at", "created_at", "updated_at"},
        defaults={"meta": "{}", "state": "queued", "attempts": 0},
    )
    items = db["items"]
    items.create_index(["ref"], index_name="items_ref", unique=True)
    # claim(): the oldest due queued row; counts(): GROUP BY state over a covering index.
    items.create_index(["state", "next_attempt_at"], index_name="items_due")
    # oldest_waiting()
    items.create_index(["state", "created_at"], index_name="items_age")
    # erase_personal(): only rows that still hold personal data.
    db.execute(
        "CREATE INDEX items_erasable ON items(sent_at) WHERE state = 'sent' AND erased_at IS NULL"
    )
    db["facts"].create({"name": str, "value": str}, pk="name", not_null={"value"})
    # counts() reads five integers kept exact by triggers in the same transactions, instead of
    # scanning 100,000 index entries (~5 ms) every time the UI wants a status.
    db["state_counts"].create({"state": str, "n": int}, pk="state", not_null={"n"})
    db["state_counts"].insert_all({"state": s, "n": 0} for s in STATES)
    for sql in (
        """CREATE TRIGGER items_count_ins AFTER INSERT ON items BEGIN
             UPDATE state_counts SET n = n + 1 WHERE state = NEW.state; END""",
        """CREATE TRIGGER items_count_del AFTER DELETE ON items BEGIN
             UPDATE state_counts SET n = n - 1 WHERE state = OLD.state; END""",
        """CREATE TRIGGER items_count_upd AFTER UPDATE OF state ON items
             WHEN OLD.state IS NOT NEW.state BEGIN
             UPDATE state_counts SET n = n - 1 WHERE state = OLD.state;
             UPDATE state_counts SET n = n + 1 WHERE state = NEW.state; END""",
        # The counters only know the five states: refuse anything else outright.
        """CREATE TRIGGER items_state_ins BEFORE INSERT ON items
             WHEN NEW.state NOT IN ('queued', 'sending', 'awaiting_token', 'sent', 'dead')
             BEGIN SELECT RAISE(ABORT, 'invalid state'); END""",
        """CREATE TRIGGER items_state_upd BEFORE UPDATE OF state ON items
             WHEN NEW.state NOT IN ('queued', 'sending', 'awaiting_token', 'sent', 'dead')
             BEGIN SELECT RAISE(ABORT, 'invalid state'); END""",
    ):
        db.execute(sql)


class _ThreadConnection:
    """One thread's connection, owned by that thread's ``threading.local``: when the thread
    ends, this holder is freed and the connection closed (sqlite3 connections cannot be
    weakly referenced themselves)."""

    __slots__ = ("conn", "__weakref__")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def close(self) -> None:
        try:
            self.conn.close()
        except Exception:  # noqa: BLE001 - also runs at interpreter exit, from __del__
            pass

    def __del__(self) -> None:
        self.close()


class Outbox:
    """The durable outbox of submissions (see the package docstring for the whole API).

    ``Outbox(path)`` creates the file if needed, upgrades its schema and runs
    :meth:`recover` (a row left in ``sending`` by a crash goes back to ``queued``) unless
    another process is the sender right now (it holds the sender lock, see
    :meth:`acquire_sender`): a technician's ``kiosk queue`` must not pull the running app's
    in-flight row back into the queue.  Safe to use from several threads and processes at once.
    """

    def __init__(self, path: str | os.PathLike[str], *, busy_timeout_s: float = 10.0) -> None:
        self.path = os.fspath(path)
        self._busy_timeout_s = busy_timeout_s
        self._local = threading.local()
        self._all: weakref.WeakSet[_ThreadConnection] = weakref.WeakSet()
        self._all_lock = threading.Lock()
        self._closed = False
        parent = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(parent, exist_ok=True)
        self._migrate()
        # One sender per outbox file: the lock is held by whoever runs a SyncWorker.
        self._sender_lock = FileLock(self.path + ".sender.lock", thread_local=False)
        if self.acquire_sender():
            self.release_sender()

    # -- the sender lock ---------------------------------------------------------------------

    def acquire_sender(self) -> bool:
        """Become this file's only sender (non-blocking); on success rows a crashed sender left
        in ``sending`` go back to ``queued``.  False when another process or Outbox sends."""
        if self._sender_lock.is_locked:
            return True
        try:
            self._sender_lock.acquire(timeout=0)
        except FileLockTimeout:
            return False
        self.recover()
        return True

    def release_sender(self) -> None:
        if self._sender_lock.is_locked:
            self._sender_lock.release(force=True)

    @property
    def is_sender(self) -> bool:
        return self._sender_lock.is_locked

    def probe_write(self, busy_timeout_s: float = 1.0) -> bool:
        """Can this process still write the file?  Writes a fact and rolls it back.

        For a health check: False when another writer held the lock for ``busy_timeout_s``
        (busy is not broken); raises :class:`OutboxError` (:class:`OutboxFull` for a full
        disk) when the write itself fails, e.g. a read-only or vanished file.
        """
        conn = self.connection()
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    conn.execute("INSERT OR REPLACE INTO facts(name, value) VALUES ('health_probe', '1')")
                finally:
                    conn.execute("ROLLBACK")
            finally:
                conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_s * 1000)}")
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY or "locked" in str(exc):
                return False
            raise _translate(exc) from exc
        except sqlite3.Error as exc:
            raise _translate(exc) from exc
        return True

    # -- connections and transactions ------------------------------------------------------

    def connection(self) -> sqlite3.Connection:
        """This thread's own connection (opened on first use). For diagnostics and tests,
        e.g. ``PRAGMA max_page_count`` to simulate a full disk."""
        held = getattr(self._local, "held", None)
        if held is not None:
            return held.conn
        if self._closed:
            raise OutboxError("the outbox is closed")
        try:
            conn = sqlite3.connect(
                self.path, timeout=self._busy_timeout_s, isolation_level=None,
                check_same_thread=False,  # only Outbox.close() touches it from another thread
            )
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_s * 1000)}")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA secure_delete = ON")
        except sqlite3.Error as exc:
            raise _translate(exc) from exc
        held = _ThreadConnection(conn)
        self._local.held = held
        with self._all_lock:
            self._all.add(held)
        return conn

    def connection_count(self) -> int:
        """How many per-thread connections are open (diagnostics: bounded by live threads)."""
        with self._all_lock:
            return len(self._all)

    @contextlib.contextmanager
    def _write(self, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction; any failure rolls back and leaves the file as it was.

        ``durable=False`` commits without the fsync (``synchronous=NORMAL`` for this one
        transaction): still atomic and ordered, only the last such commits may be lost to a
        power cut. Used for ``claim``, whose loss leaves the row ``queued``, which is exactly
        what ``recover()`` would make of it anyway.
        """
        conn = self.connection()
        if not durable:
            conn.execute("PRAGMA synchronous = NORMAL")
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise _translate(exc) from exc
        finally:
            if not durable:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("PRAGMA synchronous = FULL")

    def _read(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        try:
            return self.connection().execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise _translate(exc) from exc

    def _migrate(self) -> None:
        conn = self.connection()
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.Error as exc:
            raise _translate(exc) from exc
        if mode.lower() != "wal":
            log.warning("outbox: WAL not available on this filesystem (journal_mode=%s)", mode)
        with self._write() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise OutboxError(
                    f"the outbox file has schema version {version}, newer than this program "
                    f"({SCHEMA_VERSION}); refusing to touch it"
                )
            if version < 1:
                _create_schema(sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False))
            # Attempts whose outcome is not known yet (see Item.unsure_since). Its own table,
            # created if missing, so older files gain it without a schema version step.
            conn.execute("CREATE TABLE IF NOT EXISTS unsure (item_id INTEGER PRIMARY KEY, since INTEGER NOT NULL)")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        """Close every thread's connection. The outbox cannot be used afterwards."""
        self._closed = True
        self.release_sender()
        with self._all_lock:
            held, self._all = list(self._all), weakref.WeakSet()
        for h in held:
            h.close()
        self._local = threading.local()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------

    def enqueue(
        self, *, ref: str, service_code: str, body: str, meta: dict[str, Any] | None = None,
        key: str | None = None, created_at: Instant | None = None, due_at: Instant | None = None,
    ) -> Item:
        """Store a new submission durably (fsynced before returning) as ``queued``.

        ``body`` is kept byte-for-byte; ``key`` defaults to a fresh UUID4 idempotency key.
        ``due_at`` (default: ``created_at``) is when it may first be claimed; ``0`` means "at
        once, whatever the clock says later" (a submission filed under a clock in 2040 must not
        wait for 2040 once the clock is corrected).
        Raises :class:`OutboxFull` (nothing stored) or :class:`DuplicateRef`.
        """
        now = _ts(None)
        created = now if created_at is None else _ts(created_at)
        due = created if due_at is None else _ts(due_at)
        if not isinstance(body, str):
            raise TypeError("body must be the form body as str")
        meta_json = json.dumps(meta or {}, ensure_ascii=False, sort_keys=True)
        with self._write() as conn:
            row = conn.execute(
                f"INSERT INTO items (ref, key, service_code, body, meta, state, attempts, "
                f"next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?) "
                f"RETURNING {_COLUMNS}",
                (ref, key or str(uuid.uuid4()), service_code, body, meta_json, due, created, now),
            ).fetchone()
        return _item(row)

    def claim(self, now: Instant | None = None, *, ignore_pause: bool = False) -> Item | None:
        """Move the oldest due ``queued`` row to ``sending`` (attempts + 1) and return it.

        Returns ``None`` when nothing is due or the outbox is paused. ``ignore_pause`` lets
        the sync worker send one probe item to learn whether a pause can end.
        """
        now = _ts(now)
        started = _ts(None)
        with self._write(durable=False) as conn:
            if not ignore_pause and self._fact(conn, _FACT_PAUSED) is not None:
                return None
            row = conn.execute(
                f"UPDATE items SET state = 'sending', attempts = attempts + 1, updated_at = ? "
                f"WHERE id = (SELECT id FROM items WHERE state = 'queued' AND next_attempt_at <= ? "
                f"ORDER BY next_attempt_at, id LIMIT 1) RETURNING {_COLUMNS}",
                (started, now),
            ).fetchone()
            if row is None:
                return None
            # From now until an answer is recorded, this attempt's outcome is unknown: a crash
            # leaves the mark, and the next sender reconciles before it posts again.
            prior = None
            if conn.execute("INSERT OR IGNORE INTO unsure (item_id, since) VALUES (?, ?)", (row[0], started)).rowcount == 0:
                prior = conn.execute("SELECT since FROM unsure WHERE item_id = ?", (row[0],)).fetchone()
        item = _item(row)
        return item if prior is None else dataclasses.replace(item, unsure_since=_dt(prior[0]))

    def _transition(self, id: int, allowed: tuple[str, ...], sets: str, params: tuple,
                    success_at: int | None = None, settled: bool = True) -> Item:
        marks = ",".join("?" * len(allowed))
        with self._write() as conn:
            row = conn.execute(
                f"UPDATE items SET {sets}, updated_at = ? WHERE id = ? AND state IN ({marks}) "
                f"RETURNING {_COLUMNS}",
                (*params, _ts(None), id, *allowed),
            ).fetchone()
            if row is None:
                current = conn.execute("SELECT state FROM items WHERE id = ?", (id,)).fetchone()
                raise StateError(
                    f"item {id} is {current[0] if current else 'missing'}, expected one of {allowed}"
                )
            if success_at is not None:
                self._set_fact(conn, _FACT_LAST_SUCCESS, success_at)
            if settled:  # an answer is recorded: no attempt of this row is unknown any more
                conn.execute("DELETE FROM unsure WHERE item_id = ?", (id,))
        return _item(row)

    def mark_sent(self, id: int, service_request_id: str | None, *, now: Instant | None = None) -> Item:
        """``sending``/``awaiting_token`` -> ``sent``: the server has it (id may be unknown)."""
        now = _ts(now)
        return self._transition(
            id, ("sending", "awaiting_token"),
            "state = 'sent', service_request_id = ?, sent_at = ?, last_error = NULL",
            (service_request_id, now), success_at=now,
        )

    def mark_awaiting_token(self, id: int, token: str, *, now: Instant | None = None) -> Item:
        """``sending`` -> ``awaiting_token``: accepted, the id comes later via ``token``."""
        now = _ts(now)
        return self._transition(
            id, ("sending",), "state = 'awaiting_token', token = ?, last_error = NULL",
            (token,), success_at=now,
        )

    def mark_retry(self, id: int, reason: str, next_attempt_at: Instant, *, unsure: bool = False) -> Item:
        """``sending`` -> ``queued``, not to be claimed before ``next_attempt_at``.

        ``unsure=True``: the attempt's outcome is unknown (timeout, lost connection), so the
        row stays marked for reconciliation; otherwise the server's answer settled it.
        """
        return self._transition(
            id, ("sending",), "state = 'queued', last_error = ?, next_attempt_at = ?",
            (reason, _ts(next_attempt_at)), settled=not unsure,
        )

    def recover_item(self, id: int) -> bool:
        """``sending`` -> ``queued`` for one row whose result could not be recorded (e.g. the
        disk filled right after the POST). Its unsure mark stays: it is reconciled before any
        re-post. True if the row was moved."""
        with self._write() as conn:
            return conn.execute(
                "UPDATE items SET state = 'queued', updated_at = ? WHERE id = ? AND state = 'sending'",
                (_ts(None), id),
            ).rowcount > 0

    def pull_back_holds(self, latest: Instant) -> int:
        """Queued rows due later than ``latest`` become due at ``latest``; returns how many.
        After the clock was wrong (a hold computed in 2040, then the clock corrected) nothing
        waits longer than the retry cap."""
        limit = _ts(latest)
        with self._write() as conn:
            return conn.execute(
                "UPDATE items SET next_attempt_at = ?, updated_at = ? WHERE state = 'queued' AND next_attempt_at > ?",
                (limit, _ts(None), limit),
            ).rowcount

    def dead_reasons(self) -> list[tuple[str, int]]:
        """The reasons of dead items with how many share each, most first (staff re-queue
        all the items of one reason in one action)."""
        rows = self._read(
            "SELECT coalesce(last_error, ''), count(*) FROM items WHERE state = 'dead' "
            "GROUP BY 1 ORDER BY 2 DESC, 1"
        )
        return [(r[0], r[1]) for r in rows]

    def mark_dead(self, id: int, reason: str) -> Item:
        """``sending``/``queued`` -> ``dead``: rejected for good, kept for staff to review."""
        return self._transition(id, ("sending", "queued"), "state = 'dead', last_error = ?", (reason,))

    def mark_dead_if_queued(self, id: int, reason: str) -> bool:
        """``queued`` -> ``dead`` (a refusal held back until the next answer showed it was this
        item's alone); False if the row moved meanwhile."""
        try:
            self._transition(id, ("queued",), "state = 'dead', last_error = ?", (reason,))
        except StateError:
            return False
        return True

    def requeue(self, ref: str, *, service_code: str | None = None, body: str | None = None,
                meta: dict[str, Any] | None = None, now: Instant | None = None) -> Item:
        """``dead`` -> ``queued`` after staff fixed it.

        A changed body or service code gets a NEW idempotency key (the server rejected the
        old payload, so nothing exists under the old key, and reusing a key with another
        payload is answered 422); an unchanged one keeps its key.  The new key is derived
        from the old key and the new payload (UUID5), so the same fix made on two machines
        (the kiosk, and the one that imported its bundle) yields the same key: still one
        request on the server.  ``meta`` replaces the stored meta (e.g. the new service name).
        """
        now = _ts(now)
        with self._write() as conn:
            row = conn.execute(
                "SELECT id, state, service_code, body, key, meta FROM items WHERE ref = ?", (ref,)
            ).fetchone()
            if row is None or row[1] != "dead":
                raise StateError(f"{ref} is {row[1] if row else 'missing'}, only dead items can be re-queued")
            id_, _, old_code, old_body, old_key, old_meta = row
            new_code = old_code if service_code is None else service_code
            new_body = old_body if body is None else body
            changed = (new_code, new_body) != (old_code, old_body)
            new_key = str(uuid.uuid5(uuid.UUID(old_key), f"{new_code}\n{new_body}")) if changed else old_key
            new_meta = old_meta if meta is None else json.dumps(meta, ensure_ascii=False, sort_keys=True)
            new = conn.execute(
                f"UPDATE items SET state = 'queued', service_code = ?, body = ?, key = ?, meta = ?, "
                f"attempts = 0, next_attempt_at = ?, last_error = NULL, updated_at = ? "
                f"WHERE id = ? RETURNING {_COLUMNS}",
                (new_code, new_body, new_key, new_meta, now, _ts(None), id_),
            ).fetchone()
        return _item(new)

    def recover(self) -> int:
        """``sending`` -> ``queued`` for rows a crashed sender left behind; returns how many.

        They keep their key and payload, so the re-send is deduplicated by the server.
        Only call it when no other process is sending from this file (it runs at open).
        """
        with self._write() as conn:
            n = conn.execute(
                "UPDATE items SET state = 'queued', updated_at = ? WHERE state = 'sending'",
                (_ts(None),),
            ).rowcount
        if n:
            log.info("outbox: %d interrupted item(s) returned to the queue", n)
        return n

    def set_server_status(self, ref: str, status: dict[str, Any]) -> None:
        """Remember the server's last status answer for this submission (shown on lookup)."""
        with self._write() as conn:
            n = conn.execute(
                "UPDATE items SET server_status = ?, updated_at = ? WHERE ref = ?",
                (json.dumps(status, ensure_ascii=False), _ts(None), ref),
            ).rowcount
        if not n:
            raise StateError(f"{ref} is not in the outbox")

    def erase_personal(self, retention_days: float, now: Instant | None = None) -> int:
        """Erase the body (name, phone, NIK, description...) of rows ``sent`` more than
        ``retention_days`` ago; keeps ref, service code, meta, server id and status.

        Returns how many rows were erased. The WAL is then checkpointed and truncated so the
        old text does not stay on disk in old frames.
        """
        now = _ts(now)
        cutoff = now - round(retention_days * 86400 * 1_000_000)
        with self._write() as conn:
            n = conn.execute(
                "UPDATE items SET body = NULL, last_error = NULL, erased_at = ?, updated_at = ? "
                "WHERE state = 'sent' AND erased_at IS NULL AND sent_at < ?",
                (now, _ts(None), cutoff),
            ).rowcount
        # Always (cheap when there is little to copy): a checkpoint that readers kept busy last
        # time is completed now, so erased text never lingers in old WAL frames for long.
        self.checkpoint()
        return n

    def restamp_sent(self, earliest: Instant, latest: Instant, now: Instant) -> int:
        """Rows ``sent`` (personal data not yet erased) whose ``sent_at`` lies outside
        ``[earliest, latest]`` get ``sent_at = now``; returns how many.

        A confirmation stamped by a clock in 2040 would otherwise keep personal data until
        2040 + the retention period, and one stamped in 2000 would be erased at once: the
        caller passes a window it trusts (and a ``now`` it trusts) once the clock is right.
        """
        with self._write() as conn:
            return conn.execute(
                "UPDATE items SET sent_at = ?, updated_at = ? WHERE state = 'sent' "
                "AND erased_at IS NULL AND (sent_at < ? OR sent_at > ?)",
                (_ts(now), _ts(None), _ts(earliest), _ts(latest)),
            ).rowcount

    def checkpoint(self) -> bool:
        """Copy the WAL into the main file and truncate it; False if readers kept it busy."""
        busy, _, _ = self._read("PRAGMA wal_checkpoint(TRUNCATE)")[0]
        return not busy

    # -- pause and facts -------------------------------------------------------------------

    @staticmethod
    def _fact(conn: sqlite3.Connection, name: str) -> Any:
        row = conn.execute("SELECT value FROM facts WHERE name = ?", (name,)).fetchone()
        return json.loads(row[0]) if row else None

    @staticmethod
    def _set_fact(conn: sqlite3.Connection, name: str, value: Any) -> None:
        if value is None:
            conn.execute("DELETE FROM facts WHERE name = ?", (name,))
        else:
            conn.execute(
                "INSERT INTO facts (name, value) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                (name, json.dumps(value, ensure_ascii=False)),
            )

    def get_fact(self, name: str, default: Any = None) -> Any:
        """A small persistent fact (any JSON value), e.g. when the catalog was refreshed."""
        rows = self._read("SELECT value FROM facts WHERE name = ?", (name,))
        return json.loads(rows[0][0]) if rows else default

    def set_fact(self, name: str, value: Any) -> None:
        """Store (or with ``None`` delete) a persistent fact."""
        with self._write() as conn:
            self._set_fact(conn, name, value)

    def update_fact(self, name: str, change: Any) -> Any:
        """Read-modify-write one fact in a single ``BEGIN IMMEDIATE`` transaction:
        ``change(old_value_or_None) -> new value`` (``None`` deletes); returns the new value.
        Two processes changing the same fact never lose an update (e.g. a lockout counter)."""
        with self._write() as conn:
            new = change(self._fact(conn, name))
            self._set_fact(conn, name, new)
        return new

    def pause(self, reason: str) -> None:
        """Stop all claims (e.g. the server refuses our key) until :meth:`resume`. Persistent."""
        with self._write() as conn:
            self._set_fact(conn, _FACT_PAUSED, str(reason))

    def resume(self) -> None:
        """Allow claims again."""
        with self._write() as conn:
            self._set_fact(conn, _FACT_PAUSED, None)

    @property
    def paused(self) -> bool:
        return self.pause_reason is not None

    @property
    def pause_reason(self) -> str | None:
        return self.get_fact(_FACT_PAUSED)

    @property
    def last_success_at(self) -> datetime | None:
        """When the server last accepted a submission, or None."""
        return _dt(self.get_fact(_FACT_LAST_SUCCESS))

    # -- reading ---------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """Rows per state, all five always present. Reads trigger-kept counters: O(1)."""
        out = dict.fromkeys(STATES, 0)
        for state, n in self._read("SELECT state, n FROM state_counts"):
            out[state] = n
        return out

    def get(self, ref: str) -> Item | None:
        rows = self._read(f"SELECT {_COLUMNS} FROM items WHERE ref = ?", (ref,))
        return _item(rows[0]) if rows else None

    def get_by_id(self, id: int) -> Item | None:
        rows = self._read(f"SELECT {_COLUMNS} FROM items WHERE id = ?", (id,))
        return _item(rows[0]) if rows else None

    def oldest_waiting(self) -> datetime | None:
        """When the oldest submission not yet handed to the server (``queued`` or
        ``sending``) was created, or None when nothing waits. Index-only."""
        return _dt(self._read(
            "SELECT min(t) FROM (SELECT min(created_at) AS t FROM items WHERE state = 'queued' "
            "UNION ALL SELECT min(created_at) FROM items WHERE state = 'sending')"
        )[0][0])

    def dead_items(self, limit: int | None = None) -> list[Item]:
        """Rejected submissions with their reasons, oldest first."""
        return self._by_state("dead", limit)

    def awaiting_token_items(self, limit: int | None = None) -> list[Item]:
        return self._by_state("awaiting_token", limit)

    def items(self, *states: str, limit: int | None = None) -> list[Item]:
        """Rows in any of ``states`` (every state if none given), oldest first."""
        states = states or STATES
        unknown = set(states) - set(STATES)
        if unknown:
            raise ValueError(f"unknown state(s): {', '.join(sorted(unknown))}")
        marks = ",".join("?" * len(states))
        rows = self._read(
            f"SELECT {_COLUMNS} FROM items WHERE state IN ({marks}) ORDER BY created_at, id LIMIT ?",
            (*states, -1 if limit is None else limit),
        )
        return [_item(r) for r in rows]

    def _by_state(self, state: str, limit: int | None) -> list[Item]:
        return self.items(state, limit=limit)

    def next_due_at(self) -> datetime | None:
        """When the next ``queued`` row becomes due (may be in the past), or None if none."""
        return _dt(self._read("SELECT min(next_attempt_at) FROM items WHERE state = 'queued'")[0][0])

    def integrity_check(self) -> str:
        """``PRAGMA integrity_check``: ``"ok"`` when the file is sound."""
        return "\n".join(r[0] for r in self._read("PRAGMA integrity_check"))
