"""`kiosk salvage`: every readable row of a damaged outbox into a fresh one.

A power cut on a cheap SSD, or a failing sector, can overwrite some pages of the outbox
file.  SQLite then refuses the file ("database disk image is malformed") and the kiosk stops
saving; the rows on the good pages are still there.  Salvage reads them without trusting
the damaged structure as a whole:

1. it collects row ids from every path into the table that still works (the table itself and
   each of its indexes, read row by row until the first bad page), and probes the id range
   around them;
2. it reads each row by its id (one B-tree descent per row: a bad leaf loses the rows on it,
   not the rest);
3. it writes the rows, unchanged (key, body, state, attempts, times), into a fresh outbox
   next to the damaged one (rows left ``sending`` go back to ``queued``, as after a crash);
4. it moves the damaged file (and its WAL/SHM) aside as ``outbox.sqlite3.damaged-<time>``
   and puts the fresh file in its place.  ``kiosk check`` names the file moved aside.

Optionally the unsent rows also go into a bundle (``--bundle FILE``) for another machine.
The kiosk must be stopped first (the sender lock tells): salvage refuses otherwise.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import FileLock
from filelock import Timeout as FileLockTimeout

if TYPE_CHECKING:
    from kiosk.config import Config

log = logging.getLogger("kiosk.salvage")

COLUMNS = ("id", "ref", "key", "service_code", "body", "meta", "state", "attempts", "next_attempt_at",
           "last_error", "service_request_id", "token", "created_at", "updated_at", "sent_at",
           "erased_at", "server_status")
_REQUIRED = ("ref", "key", "service_code", "state")
_STATES = ("queued", "sending", "awaiting_token", "sent", "dead")
_INDEXES = ("items_ref", "items_due", "items_age", "items_erasable")
DAMAGED_SUFFIX = ".damaged-"
PROBE_AHEAD = 64  # ids tried past the highest one seen (rows after a lost interior page)


class SalvageError(Exception):
    """Salvage cannot run; ``str()`` is one line for the technician."""


@dataclass
class SalvageResult:
    recovered: int = 0
    unreadable_ids: list[int] = field(default_factory=list)
    by_state: dict[str, int] = field(default_factory=dict)
    moved_aside: Path | None = None
    bundle: Path | None = None
    bundled: int = 0


def damaged_copies(cfg: "Config") -> list[Path]:
    """Outbox files a salvage moved aside, newest first (``kiosk check`` names them)."""
    base = cfg.outbox_path
    return sorted((p for p in base.parent.glob(base.name + DAMAGED_SUFFIX + "*")
                   if not p.name.endswith(("-wal", "-shm"))), reverse=True)


def _ids(conn: sqlite3.Connection) -> tuple[set[int], int | None]:
    """Row ids reachable through the table or any index, each read until its first bad page."""
    found: set[int] = set()
    queries = ["SELECT id FROM items"] + [f"SELECT id FROM items INDEXED BY {ix}" for ix in _INDEXES]
    queries += ["SELECT id FROM items ORDER BY id DESC"]
    for sql in queries:
        if "items_erasable" in sql:
            sql += " WHERE state = 'sent' AND erased_at IS NULL"
        elif "items_due" in sql:
            sql += " WHERE state IN ('queued','sending','awaiting_token','sent','dead')"
        elif "items_age" in sql:
            sql += " WHERE state IN ('queued','sending','awaiting_token','sent','dead')"
        elif "items_ref" in sql:
            sql += " WHERE ref > ''"
        try:
            cur = conn.execute(sql)
            while True:
                row = cur.fetchone()
                if row is None:
                    break
                if isinstance(row[0], int):
                    found.add(row[0])
        except sqlite3.DatabaseError:
            continue
    top = None
    with contextlib.suppress(sqlite3.DatabaseError):
        top = conn.execute("SELECT max(id) FROM items").fetchone()[0]
    return found, top


def _rows(conn: sqlite3.Connection, result: SalvageResult) -> Iterator[dict[str, Any]]:
    ids, top = _ids(conn)
    highest = max([*ids, top or 0])
    for id_ in range(1, highest + PROBE_AHEAD + 1):
        try:
            row = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM items WHERE id = ?", (id_,)).fetchone()
        except sqlite3.DatabaseError:
            result.unreadable_ids.append(id_)
            continue
        if row is None:
            if id_ <= highest:  # rows are never deleted: a gap below the top was lost
                result.unreadable_ids.append(id_)
            continue
        data = dict(zip(COLUMNS, row))
        if not all(isinstance(data[k], str) and data[k] for k in _REQUIRED) or data["state"] not in _STATES:
            result.unreadable_ids.append(id_)
            continue
        if data["meta"]:
            try:
                json.loads(data["meta"])
            except ValueError:
                data["meta"] = "{}"
        yield data


def _facts(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    try:
        return [(n, v) for n, v in conn.execute("SELECT name, value FROM facts").fetchall()
                if isinstance(n, str) and isinstance(v, str)]
    except sqlite3.DatabaseError:
        return []


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + s) for s in ("-wal", "-shm")]


def salvage(cfg: "Config", *, bundle: str | os.PathLike[str] | None = None,
            now: datetime | None = None) -> SalvageResult:
    """Copy every readable row of ``cfg.outbox_path`` into a fresh outbox put in its place."""
    from offline_queue import Outbox

    src = cfg.outbox_path
    if not src.exists():
        raise SalvageError(f"no outbox at {src}: nothing to salvage")
    lock = FileLock(str(src) + ".sender.lock", thread_local=False)
    try:
        lock.acquire(timeout=0)
    except FileLockTimeout:
        raise SalvageError("the kiosk (or `kiosk sync`) is using this outbox: stop it first "
                           "(systemctl stop kiosk), then run `kiosk salvage` again") from None
    result = SalvageResult()
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%d-%H%M%S")
    fresh = src.with_name(src.name + ".salvage-" + stamp)
    try:
        conn = sqlite3.connect(f"file:{src}?mode=ro", uri=True, timeout=5)
        try:
            with contextlib.suppress(sqlite3.DatabaseError):
                conn.execute("PRAGMA cell_size_check = ON")  # a bad cell is an error, not a crash
            rows = list(_rows(conn, result))
            facts = _facts(conn)
        finally:
            conn.close()
        for p in [fresh, *_sidecars(fresh)]:
            p.unlink(missing_ok=True)
        box = Outbox(fresh)
        try:
            with box._write() as w:  # noqa: SLF001 - one transaction for the whole copy
                for data in rows:
                    if data["state"] == "sending":
                        data["state"] = "queued"  # as recover() does after a crash
                    w.execute(f"INSERT INTO items ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                              tuple(data[c] for c in COLUMNS))
                    result.by_state[data["state"]] = result.by_state.get(data["state"], 0) + 1
                for name, value in facts:
                    w.execute("INSERT OR REPLACE INTO facts (name, value) VALUES (?, ?)", (name, value))
            result.recovered = len(rows)
            if bundle is not None:
                from kiosk.bundle import export_bundle

                result.bundled = export_bundle(Path(bundle), cfg, outbox=box)
                result.bundle = Path(bundle)
            box.checkpoint()
        finally:
            box.close()
        aside = src.with_name(src.name + DAMAGED_SUFFIX + stamp)
        for old, new in zip([src, *_sidecars(src)], [aside, *_sidecars(aside)]):
            if old.exists():
                os.replace(old, new)
        os.replace(fresh, src)
        for p in _sidecars(fresh):
            p.unlink(missing_ok=True)
        (Path(str(fresh) + ".sender.lock")).unlink(missing_ok=True)
        result.moved_aside = aside
    finally:
        lock.release(force=True)
    result.unreadable_ids = sorted(set(result.unreadable_ids))
    log.warning("salvage: %d rows copied into a fresh outbox, %d ids unreadable; damaged file moved to %s",
                result.recovered, len(result.unreadable_ids), result.moved_aside)
    return result
