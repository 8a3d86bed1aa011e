"""Finding a submission on a server that ignores ``Idempotency-Key`` and drops our attributes.

Every description ends with a line carrying the tracking code (``Kode laporan: T1M-ZQAD-7SWP``),
and the servers provinces run keep the description byte-exact and list recent requests. So a
submission whose POST outcome is unknown is looked for among ``GET requests.json`` for its
service and a time window around the attempt, then among the unfiltered recent list (real
servers' date filters are unreliable: the window is a hint).

A match is a description line holding the code as a word, compared without case, spaces or
hyphens (``T1M-ZQAD-7SWP`` = ``t1mzqad7swp``), so a server that re-wraps lines or changes the
separators still matches and ``BWI1`` never matches ``BWI10``.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from ._client import Open311Client, Open311Error
from ._outbox import Item

#: How far around the attempt the filtered search looks (servers' clocks and filters differ).
WINDOW = timedelta(hours=6)
_WORD = re.compile(r"[^\s:;,.()\[\]]+")


class Unsearchable(Exception):
    """The server cannot be searched: its list has no descriptions, or it refuses the query."""


def _norm(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def holds_code(description: Any, ref: str) -> bool:
    """Does ``description`` carry the tracking code ``ref`` as a word of one of its lines?"""
    if not isinstance(description, str) or not ref:
        return False
    wanted = _norm(ref)
    if wanted not in _norm(description):
        return False
    for line in description.splitlines():
        if wanted not in _norm(line):
            continue
        words = [_norm(w) for w in _WORD.findall(line)]
        # The code may be written with spaces between its groups: join neighbours too.
        for i in range(len(words)):
            joined = ""
            for w in words[i:i + 4]:
                joined += w
                if joined == wanted:
                    return True
                if len(joined) >= len(wanted):
                    break
    return False


def _match(rows: list[dict[str, Any]], ref: str) -> str | None:
    for row in rows:
        if holds_code(row.get("description"), ref):
            srid = row.get("service_request_id")
            return "" if srid in (None, "") else str(srid)
    return None


def _refused_search(exc: Open311Error) -> bool:
    """An answer that says "this server cannot be searched" (not "try later")."""
    return exc.kind in ("not_found", "bad_answer") or (exc.kind == "server" and exc.http_status in (400, 405, 406, 422, 501))


def find_on_server(client: Open311Client, item: Item, since: datetime, now: datetime) -> str | None:
    """The server's id of ``item`` (``""`` when found without an id), or None if it is not
    among the recent requests. The filtered search is only a hint (date filters lie); the
    unfiltered list decides. Raises :class:`Unsearchable` when that list is refused or carries
    no descriptions, :class:`Open311Error` when the server could not be asked now (offline,
    timeout: try later)."""
    try:
        found = _match(client.search_requests(item.service_code, since - WINDOW, now + WINDOW), item.ref)
    except Open311Error as exc:
        if not _refused_search(exc):
            raise
        found = None  # some servers refuse the filters but list fine without them
    if found is not None:
        return found
    try:
        rows = client.search_requests()
    except Open311Error as exc:
        if _refused_search(exc):
            raise Unsearchable(f"{exc.kind}: {exc.reason}") from None
        raise
    if rows and not any("description" in r for r in rows):
        raise Unsearchable("its request list carries no descriptions")
    return _match(rows, item.ref)
