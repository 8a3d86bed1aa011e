"""The simulator's own SQLite store: requests, their idempotency keys and stored answers.

One connection behind one lock: the check "is this key known?" and the insert that follows
must be atomic, or two racing retries of one submission would create two requests, which is
exactly the bug the simulator exists to catch in the kiosk. WAL keeps readers (the tests'
``requests()``) cheap; ``synchronous=NORMAL`` is durable enough for a test server that is not
itself the one being crash-tested.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable

WIB = timezone(timedelta(hours=7), "WIB")
EXPECTED_AFTER = timedelta(days=2)

SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    service_request_id TEXT UNIQUE,
    service_code TEXT NOT NULL,
    service_name TEXT,
    type TEXT NOT NULL,
    token TEXT UNIQUE,
    idempotency_key TEXT UNIQUE,
    payload_hash TEXT NOT NULL,
    raw_body TEXT NOT NULL,
    form TEXT NOT NULL,
    attributes TEXT NOT NULL,
    description TEXT,
    address_string TEXT,
    address_id TEXT,
    lat REAL,
    long REAL,
    device_id TEXT,
    agency_responsible TEXT,
    service_notice TEXT,
    response_status INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    created_at REAL NOT NULL,
    requested_datetime TEXT NOT NULL,
    updated_datetime TEXT NOT NULL,
    expected_datetime TEXT,
    status TEXT NOT NULL DEFAULT 'open',
    status_notes TEXT,
    replays INTEGER NOT NULL DEFAULT 0
);
"""


def now_iso() -> str:
    """Server time in WIB, ISO 8601 with its offset (as a provincial server would send)."""
    return datetime.now(WIB).replace(microsecond=0).isoformat()


class Store:
    """Thread-safe access to the simulator's SQLite file (or ``:memory:``)."""

    def __init__(self, path: str | Path | None = None, id_prefix: str = "JTM-") -> None:
        self.path = str(path) if path else ":memory:"
        self.id_prefix = id_prefix
        self.lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        with self.lock:
            if self.path != ":memory:":
                self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self.lock:
            self._db.close()

    # -- POST --------------------------------------------------------------------------

    def by_key(self, key: str) -> sqlite3.Row | None:
        with self.lock:
            return self._db.execute("SELECT * FROM requests WHERE idempotency_key = ?", (key,)).fetchone()

    def mark_replay(self, seq: int) -> None:
        with self.lock:
            self._db.execute("UPDATE requests SET replays = replays + 1 WHERE seq = ?", (seq,))

    def create(
        self,
        *,
        service: dict[str, Any],
        agency: str,
        key: str | None,
        payload_hash: str,
        raw_body: str,
        form: list[tuple[str, str]],
        attributes: dict[str, Any],
        fields: dict[str, str],
        lat: float | None,
        long: float | None,
        notice: str | None,
    ) -> tuple[int, list[dict[str, Any]]]:
        """Store one new request and the answer given for it; returns (status, body).

        The caller holds ``self.lock`` across its key lookup and this call.
        """
        kind = service.get("type") or "realtime"
        now = datetime.now(WIB).replace(microsecond=0)
        token = str(uuid.uuid4()) if kind == "batch" else None
        with self.lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                cur = self._db.execute(
                    """INSERT INTO requests (service_code, service_name, type, token, idempotency_key,
                        payload_hash, raw_body, form, attributes, description, address_string, address_id,
                        lat, long, device_id, agency_responsible, service_notice, response_status,
                        response_body, created_at, requested_datetime, updated_datetime, expected_datetime)
                       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0,'',?,?,?,?)""",
                    (
                        service["service_code"], service.get("service_name"), kind, token, key,
                        payload_hash, raw_body, json.dumps(form, ensure_ascii=False),
                        json.dumps(attributes, ensure_ascii=False), fields.get("description"),
                        fields.get("address_string"), fields.get("address_id"), lat, long,
                        fields.get("device_id"), agency, notice, time.time(), now.isoformat(),
                        now.isoformat(), (now + EXPECTED_AFTER).isoformat(),
                    ),
                )
                seq = cur.lastrowid
                request_id = f"{self.id_prefix}{seq:06d}"
                if kind == "realtime":
                    body: list[dict[str, Any]] = [{"service_request_id": request_id, "service_notice": notice}]
                elif kind == "batch":
                    body = [{"token": token}]
                else:
                    body = [{"service_notice": notice}]
                self._db.execute(
                    "UPDATE requests SET service_request_id = ?, response_status = 201, response_body = ? WHERE seq = ?",
                    (request_id, json.dumps(body, ensure_ascii=False), seq),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return 201, body

    # -- GET ---------------------------------------------------------------------------

    def visible(self, row: sqlite3.Row, token_delay: float) -> bool:
        """A batch request's id is known to clients only once its token has resolved."""
        return row["type"] != "batch" or time.time() - row["created_at"] >= token_delay

    def by_id(self, request_id: str) -> sqlite3.Row | None:
        with self.lock:
            return self._db.execute("SELECT * FROM requests WHERE service_request_id = ?", (request_id,)).fetchone()

    def by_token(self, token: str) -> sqlite3.Row | None:
        with self.lock:
            return self._db.execute("SELECT * FROM requests WHERE token = ?", (token,)).fetchone()

    def by_ids(self, ids: Iterable[str]) -> list[sqlite3.Row]:
        ids = list(dict.fromkeys(i for i in ids if i))
        if not ids:
            return []
        with self.lock:
            rows = self._db.execute(
                f"SELECT * FROM requests WHERE service_request_id IN ({','.join('?' * len(ids))})", ids
            ).fetchall()
        order = {i: n for n, i in enumerate(ids)}
        return sorted(rows, key=lambda r: order[r["service_request_id"]])

    def search(self, service_code: str | None = None, status: str | None = None, limit: int = 1000) -> list[sqlite3.Row]:
        sql, args = "SELECT * FROM requests WHERE 1=1", []
        if service_code:
            codes = [c for c in service_code.split(",") if c]
            sql += f" AND service_code IN ({','.join('?' * len(codes))})"
            args += codes
        if status:
            states = [s for s in status.split(",") if s]
            sql += f" AND status IN ({','.join('?' * len(states))})"
            args += states
        sql += " ORDER BY seq DESC LIMIT ?"
        args.append(limit)
        with self.lock:
            return self._db.execute(sql, args).fetchall()

    def all(self) -> list[sqlite3.Row]:
        with self.lock:
            return self._db.execute("SELECT * FROM requests ORDER BY seq").fetchall()

    def count(self) -> int:
        with self.lock:
            return self._db.execute("SELECT count(*) FROM requests").fetchone()[0]

    def set_status(self, request_id: str, status: str, notes: str | None = None,
                   expected_datetime: str | None = None) -> sqlite3.Row:
        if status not in ("open", "closed"):
            raise ValueError(f"status must be 'open' or 'closed', not {status!r}")
        with self.lock:
            cur = self._db.execute(
                """UPDATE requests SET status = ?, status_notes = ?, updated_datetime = ?,
                   expected_datetime = COALESCE(?, expected_datetime) WHERE service_request_id = ?""",
                (status, notes, now_iso(), expected_datetime, request_id),
            )
            if cur.rowcount == 0:
                raise KeyError(request_id)
            return self.by_id(request_id)  # type: ignore[return-value]


def as_open311(row: sqlite3.Row) -> dict[str, Any]:
    """A stored request as GeoReport v2 ``requests.json`` shows it (no personal data)."""
    return {
        "service_request_id": row["service_request_id"],
        "status": row["status"],
        "status_notes": row["status_notes"],
        "service_name": row["service_name"],
        "service_code": row["service_code"],
        "description": row["description"],
        "agency_responsible": row["agency_responsible"],
        "service_notice": row["service_notice"],
        "requested_datetime": row["requested_datetime"],
        "updated_datetime": row["updated_datetime"],
        "expected_datetime": row["expected_datetime"],
        "address": row["address_string"],
        "address_id": row["address_id"],
        "zipcode": None,
        "lat": row["lat"],
        "long": row["long"],
        "media_url": None,
    }


def as_record(row: sqlite3.Row) -> dict[str, Any]:
    """Everything stored about a request, for tests' assertions."""
    form = [tuple(p) for p in json.loads(row["form"])]
    fields: dict[str, Any] = {}
    for name, value in form:
        if name.endswith("[]"):
            fields.setdefault(name, []).append(value)
        elif name in fields:
            prev = fields[name]
            fields[name] = (prev if isinstance(prev, list) else [prev]) + [value]
        else:
            fields[name] = value
    return {
        "service_request_id": row["service_request_id"],
        "id": row["service_request_id"],
        "service_code": row["service_code"],
        "type": row["type"],
        "token": row["token"],
        "idempotency_key": row["idempotency_key"],
        "fields": fields,
        "form": form,
        "attributes": json.loads(row["attributes"]),
        "body": strip_api_key(row["raw_body"]),
        "raw_body": row["raw_body"],
        "description": row["description"],
        "requested_datetime": row["requested_datetime"],
        "updated_datetime": row["updated_datetime"],
        "expected_datetime": row["expected_datetime"],
        "status": row["status"],
        "status_notes": row["status_notes"],
        "notes": row["status_notes"],
        "response_status": row["response_status"],
        "response": json.loads(row["response_body"]),
        "replays": row["replays"],
    }


def strip_api_key(raw_body: str) -> str:
    """The body as the kiosk stored it: the raw body without its ``api_key=`` pair(s)."""
    return "&".join(p for p in raw_body.split("&") if not p.startswith("api_key="))
