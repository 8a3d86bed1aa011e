"""Durable, anonymous storage of survey responses: one table in ``<data dir>/skm.sqlite3``.

Why a file of its own, beside the outbox: the outbox is salvaged, exported and erased by rules
made for submissions; survey responses live longer (a year's report) and must never sit in
the same row sequence as the submissions they could be matched to.

What a row holds is what :class:`kiosk.skm.Response` holds -- answers, the *day*, profile
bands, a scrubbed suggestion, the language -- plus a random ``ref`` (the idempotency anchor for
delivery, never shown to anyone) and a ``released`` flag.  No time of day, no insertion order:
the table is ``WITHOUT ROWID`` keyed by the random ref, so neither a rowid nor the page order
says which response came after which submission.

Every write is one transaction in WAL mode with ``synchronous=FULL``: when :meth:`add`
returns, the response survives a power cut (the screen thanks the citizen only then).
A connection per call keeps it safe from any thread (the UI saves from a worker thread).
"""
from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator, Sequence

from kiosk.skm import ELEMENT_IDS, Response

_ANSWER_COLUMNS = ", ".join(f"{e} INTEGER NOT NULL CHECK ({e} BETWEEN 1 AND 4)" for e in ELEMENT_IDS)
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS skm_responses (
    ref TEXT PRIMARY KEY,
    day TEXT NOT NULL,
    {_ANSWER_COLUMNS},
    age TEXT NOT NULL DEFAULT '',
    gender TEXT NOT NULL DEFAULT '',
    education TEXT NOT NULL DEFAULT '',
    occupation TEXT NOT NULL DEFAULT '',
    suggestion TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT 'id',
    released INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS skm_responses_day ON skm_responses (day);
"""
COLUMNS = ("ref", "day", *ELEMENT_IDS, "age", "gender", "education", "occupation", "suggestion", "language", "released")


class SkmStoreFull(RuntimeError):
    """The disk is full: the response was not stored (nothing stored before is damaged)."""


class SkmStore:
    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self._init_lock = threading.Lock()
        self._ready = False

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        fresh = not self.path.exists()
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            if fresh:
                try:
                    os.chmod(self.path, 0o600)
                except OSError:
                    pass
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            if not self._ready:
                with self._init_lock:
                    conn.executescript(_SCHEMA)
                    self._ready = True
            yield conn
        finally:
            conn.close()

    def add(self, items: Sequence[tuple[str, Response]]) -> None:
        """Store ``(ref, response)`` pairs in one durable transaction (all or none)."""
        rows = [(ref, r.day.isoformat(), *(r.answers[e] for e in ELEMENT_IDS), r.age, r.gender,
                 r.education, r.occupation, r.suggestion, r.language, 0) for ref, r in items]
        try:
            with self._connect() as conn:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    conn.executemany(f"INSERT INTO skm_responses ({', '.join(COLUMNS)}) "
                                     f"VALUES ({', '.join('?' * len(COLUMNS))})", rows)
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
        except sqlite3.OperationalError as exc:
            if "full" in str(exc).lower():
                raise SkmStoreFull(str(exc)) from None
            raise

    def responses(self, date_from: date | None = None, date_to: date | None = None) -> list[Response]:
        """Responses of a period (days inclusive), ordered by day and then by the random ref."""
        where, params = [], []
        if date_from:
            where.append("day >= ?")
            params.append(date_from.isoformat())
        if date_to:
            where.append("day <= ?")
            params.append(date_to.isoformat())
        sql = f"SELECT {', '.join(COLUMNS)} FROM skm_responses"
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._connect() as conn:
            rows = conn.execute(sql + " ORDER BY day, ref", params).fetchall()
        return [_response(row) for row in rows]

    def unreleased(self, before: date) -> list[tuple[str, Response]]:
        """Responses not yet handed to the outbox from days before ``before``, in random order
        (ordered by the random ref), so the outbox's order says nothing about the day's order."""
        with self._connect() as conn:
            rows = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM skm_responses WHERE released = 0 AND day < ? "
                                "ORDER BY ref", (before.isoformat(),)).fetchall()
        return [(row[0], _response(row)) for row in rows]

    def mark_released(self, ref: str) -> None:
        with self._connect() as conn:
            conn.execute("UPDATE skm_responses SET released = 1 WHERE ref = ?", (ref,))

    def count(self) -> int:
        with self._connect() as conn:
            return int(conn.execute("SELECT count(*) FROM skm_responses").fetchone()[0])

    def count_unreleased(self) -> int:
        with self._connect() as conn:
            return int(conn.execute("SELECT count(*) FROM skm_responses WHERE released = 0").fetchone()[0])


def _response(row: Sequence) -> Response:
    values = dict(zip(COLUMNS, row))
    return Response(
        answers={e: int(values[e]) for e in ELEMENT_IDS}, day=date.fromisoformat(values["day"]),
        age=values["age"], gender=values["gender"], education=values["education"],
        occupation=values["occupation"], suggestion=values["suggestion"], language=values["language"],
    )


__all__ = ["SkmStore", "SkmStoreFull", "COLUMNS"]
