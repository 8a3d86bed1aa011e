"""An Open311 GeoReport v2 client that never retries on its own and never crashes on an answer.

Every POST is tried exactly once per call: urllib3's ``Retry`` is off (``max_retries=0``)
because with POST allowed it re-sends after a read error and duplicates submissions, and
redirects are not followed for POSTs (a captive portal's 302 would turn the POST into a GET).
Retrying is the outbox's job, where attempts survive a restart.
"""
from __future__ import annotations

import json
import logging
import os
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any, Literal
from urllib.parse import quote, quote_plus

import requests

from ._deadline import Deadline, DeadlineAdapter, Expired, TooLarge, read_capped
from ._fault import FaultKind

log = logging.getLogger("offline_queue.client")

Action = Literal["sent", "awaiting_token", "retry", "pause", "hold", "dead", "unknown_service"]

#: Statuses that say "try again later, same key" (DESIGN.md's answer table).
RETRY_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
PAUSE_STATUSES = frozenset({401, 403})
REASON_MAX = 500
#: Default overall deadline of one exchange (connect + the whole answer), seconds.
DEFAULT_DEADLINE_S = 30.0
#: Default cap on an answer's size: a catalog of a few hundred services is well below it.
DEFAULT_MAX_ANSWER_BYTES = 4 * 1024 * 1024
#: Text that says the key (not the item) is what the server refuses, in any status.
_NAMES_KEY = re.compile(r"api[\s_-]*key|apikey|access[\s_-]*key|credential|token\s+auth", re.IGNORECASE)
#: Text that names a service (a 401/403 about one service, not the kiosk's key).
_NAMES_SERVICE = re.compile(r"service|layanan", re.IGNORECASE)
DEFAULT_USER_AGENT = "pasar-kiosk-offline-queue/0.1 (+Open311 GeoReport v2)"


@dataclass(frozen=True)
class Outcome:
    """What one POST attempt means for the outbox row (see DESIGN.md's answer table).

    ``reason`` is the server's own text (or what went wrong on the way), at most ~500
    characters; ``retry_after`` is the server's ``Retry-After`` in seconds, if it sent one.
    """

    action: Action
    service_request_id: str | None = None
    token: str | None = None
    reason: str = ""
    retry_after: float | None = None
    http_status: int | None = None
    #: What kind of trouble it was (None for a success).
    fault: FaultKind | None = None
    #: True when the server may have created the request although no answer said so
    #: (timeout, connection lost after the request was written, a 2xx too large to read):
    #: the worker reconciles before it posts again.
    uncertain: bool = False

    @property
    def reached_server(self) -> bool:
        """True when a real Open311 answer came back (the network works)."""
        return self.http_status is not None and self.fault not in (FaultKind.NOT_OPEN311, FaultKind.TOO_LARGE)


class Open311Error(Exception):
    """A GET failed. ``kind``: ``offline`` (no answer), ``refused`` (401/403), ``not_found``
    (404), ``server`` (other error status) or ``bad_answer`` (not the expected JSON)."""

    def __init__(self, kind: str, reason: str, http_status: int | None = None) -> None:
        super().__init__(reason)
        self.kind = kind  # offline | timeout | too_large | refused | not_found | server | bad_answer
        self.reason = reason
        self.http_status = http_status


_NOT_JSON = "unexpected answer"


class _TextOfHtml(HTMLParser):
    """The visible text of an HTML page (a proxy's or captive portal's error page)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style", "head"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _html_text(text: str) -> str:
    parser = _TextOfHtml()
    try:
        parser.feed(text)
        parser.close()
    except Exception:  # malformed markup: fall back to the raw text
        return text
    return " ".join(parser.parts)


_PLAIN_KEYS = ("description", "detail", "message", "error_description", "error", "title", "errors",
               "non_field_errors", "__all__")


def _json_text(data: Any, depth: int = 0) -> str:
    """Whatever human text an error body holds, whatever its shape: plain words, never a
    dump of JSON (``{"non_field_errors": ["Invalid API key"]}`` -> ``Invalid API key``,
    ``{"phone": ["Required."]}`` -> ``phone: Required.``)."""
    if depth > 5:
        return ""
    if isinstance(data, str):
        return data
    if isinstance(data, (int, float)) and not isinstance(data, bool):
        return str(data)
    if isinstance(data, list):
        return "; ".join(t for t in (_json_text(x, depth + 1) for x in data) if t)
    if isinstance(data, dict):
        for key in _PLAIN_KEYS:
            if key in data and data[key] not in (None, "", [], {}):
                text = _json_text(data[key], depth + 1)
                code = data.get("code")
                if key == "description" and code not in (None, "") and not isinstance(code, (dict, list)):
                    return f"{code}: {text}"
                return text
        parts = []
        for key, value in data.items():
            if key in ("code", "status", "status_code") or value in (None, "", [], {}):
                continue
            text = _json_text(value, depth + 1)
            if text:
                parts.append(f"{key}: {text}")
        return "; ".join(parts)
    return ""


def _clip(text: str, limit: int = REASON_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _decode(resp: requests.Response) -> str:
    raw = resp.content or b""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode(resp.encoding or "latin-1", errors="replace")


def _parse_json(resp: requests.Response) -> tuple[bool, Any]:
    try:
        return True, json.loads(_decode(resp))
    except ValueError:
        return False, None


def _reason(resp: requests.Response) -> str:
    """``HTTP 422: <the server's words>``, from JSON of any shape, HTML or plain text."""
    ok, data = _parse_json(resp)
    text = _decode(resp)
    if ok:
        said = _json_text(data)
    elif "html" in resp.headers.get("Content-Type", "").lower() or text.lstrip().startswith("<"):
        said = _html_text(text)
    else:
        said = text
    said = " ".join(said.split())
    head = f"HTTP {resp.status_code}"
    if said.startswith(f"{resp.status_code}: "):  # spec errors repeat the status as their code
        said = said[len(f"{resp.status_code}: "):]
    return _clip(f"{head}: {said}" if said else f"{head} {resp.reason or ''}".strip())


def _retry_after(resp: requests.Response) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP-date (measured against the server's
    own ``Date`` header when present, so a kiosk with a wrong clock still waits the right time)."""
    value = (resp.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
        return seconds if seconds >= 0 else None
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = datetime.now(timezone.utc)
    date = resp.headers.get("Date")
    if date:
        try:
            now = parsedate_to_datetime(date)
            now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
        except (TypeError, ValueError, IndexError):
            pass
    return max(0.0, (when - now).total_seconds())


def _first_object(data: Any) -> dict | None:
    """The POST answer: an array of one object (spec) or a bare object (some servers)."""
    if isinstance(data, dict):
        return data
    if isinstance(data, list):
        if not data:
            return {}
        if isinstance(data[0], dict):
            return data[0]
    return None


def _str_or_none(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def _error_code(obj: dict) -> int | None:
    """A 2xx body that is really an error (``[{"code": 400, "description": ...}]``, an object
    with ``detail``/``errors``...): the error's status (400 when it gives none); else None."""
    if _str_or_none(obj.get("service_request_id")) or _str_or_none(obj.get("token")):
        return None
    if not any(k in obj for k in ("code", "description", "detail", "message", "status_code")) \
            and not any("error" in str(k).lower() for k in obj):
        return None
    for key in ("code", "status_code", "status"):
        try:
            code = int(obj.get(key))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        if 400 <= code < 600:
            return code
    return 400


def _by_status(status: int, reason: str, retry_after: float | None, service_code: str | None) -> Outcome:
    """DESIGN.md's answer table for an error status, read together with the server's words."""
    if status in RETRY_STATUSES or status >= 500:
        return Outcome("retry", reason=reason, retry_after=retry_after, http_status=status, fault=FaultKind.SERVER)
    names_key = bool(_NAMES_KEY.search(reason))
    if status in PAUSE_STATUSES:
        names_service = bool(_NAMES_SERVICE.search(reason)) or bool(service_code and service_code in reason)
        if names_service and not names_key:
            return Outcome("hold", reason=reason, http_status=status, fault=FaultKind.SERVICE_REFUSED)
        return Outcome("pause", reason=reason, http_status=status, fault=FaultKind.KEY_REFUSED)
    if names_key:  # e.g. 400 {"code": 400, "detail": ["Invalid API key"]}: the kiosk's fault
        return Outcome("pause", reason=reason, http_status=status, fault=FaultKind.KEY_REFUSED)
    if status == 404:
        return Outcome("unknown_service", reason=reason, http_status=status, fault=FaultKind.UNKNOWN_SERVICE)
    return Outcome("dead", reason=reason, http_status=status, fault=FaultKind.REJECTED)  # 400, 413, 415, 422


def classify(resp: requests.Response, service_code: str | None = None) -> Outcome:
    """Turn one HTTP answer to ``POST requests.json`` into an :class:`Outcome`, by meaning:
    a 2xx whose body is an error is that error; a refusal naming the key pauses the queue
    whatever its status; a 401/403 naming a service holds only that item."""
    status = resp.status_code
    retry_after = _retry_after(resp)
    if 200 <= status < 300:
        if status == 204 or not resp.content.strip():
            # DESIGN.md: "2xx with nothing -> sent". An empty answer is an accepted request
            # with no id; retrying it would create a duplicate on a server without idempotency.
            return Outcome("sent", http_status=status)
        ok, data = _parse_json(resp)
        obj = _first_object(data) if ok else None
        if obj is None:
            # A captive portal's login page or a proxy's notice: the server never saw it.
            text = _decode(resp)
            shown = _html_text(text) if text.lstrip().startswith("<") else text
            return Outcome("retry", reason=_clip(f"{_NOT_JSON} (HTTP {status}): {' '.join(shown.split())}"),
                           retry_after=retry_after, http_status=status, fault=FaultKind.NOT_OPEN311)
        code = _error_code(obj)
        if code is not None:
            said = " ".join(_json_text(data).split())
            if said.startswith(f"{code}: "):  # spec errors repeat the status as their code
                said = said[len(f"{code}: "):]
            head = f"HTTP {status} (error {code})"
            return _by_status(code, _clip(f"{head}: {said}" if said else head), retry_after, service_code)
        srid, token = _str_or_none(obj.get("service_request_id")), _str_or_none(obj.get("token"))
        if srid:
            return Outcome("sent", service_request_id=srid, token=token, http_status=status)
        if token:
            return Outcome("awaiting_token", token=token, http_status=status)
        return Outcome("sent", http_status=status)  # blackbox service: accepted, no id
    reason = _reason(resp)
    if 300 <= status < 400:
        where = resp.headers.get("Location", "")
        return Outcome("retry", reason=_clip(f"{_NOT_JSON}: HTTP {status} redirect {where}"),
                       retry_after=retry_after, http_status=status, fault=FaultKind.NOT_OPEN311)
    return _by_status(status, reason, retry_after, service_code)


def _service_code_of(body: str) -> str | None:
    for part in body.split("&"):
        if part.startswith("service_code="):
            from urllib.parse import unquote_plus

            return unquote_plus(part[len("service_code="):])
    return None


def _nothing_written(exc: requests.RequestException) -> bool:
    """True when the request certainly never reached the server (connect refused, DNS,
    connect timeout); False when it may have been written before the connection broke."""
    from urllib3.exceptions import NewConnectionError

    if isinstance(exc, requests.ConnectTimeout):
        return True
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, NewConnectionError):
            return True
        nxt = getattr(cur, "reason", None)
        if not isinstance(nxt, BaseException):
            nxt = cur.args[0] if cur.args and isinstance(cur.args[0], BaseException) else cur.__cause__ or cur.__context__
        cur = nxt
    return False


def _no_retries(session: requests.Session) -> None:
    for prefix in ("http://", "https://"):
        retries = getattr(session.get_adapter(prefix), "max_retries", None)
        total = getattr(retries, "total", 0)
        methods = getattr(retries, "allowed_methods", None)
        if total and (methods is None or "POST" in methods):
            raise ValueError("the session retries POSTs (urllib3 Retry): that duplicates submissions")


class Open311Client:
    """Open311 GeoReport v2 over one ``requests.Session``.

    ``timeout`` is ``(connect_s, read_s)``; the read timeout is the longest silence between
    bytes, so every exchange also has an overall ``deadline_s`` (connect + the whole answer,
    enforced by a watchdog that breaks the socket) and answers are read up to
    ``max_answer_bytes`` only. ``api_key`` may be changed on a live client (a fixed key takes
    effect at the next POST); it is sent only in POST bodies, never in URLs or logs.
    ``ca_bundle`` trusts a province's own CA (a PEM file); ``send_idempotency_key=False``
    leaves the ``Idempotency-Key`` header out (``server.dedupe = "reconcile"``).
    """

    def __init__(
        self, base_url: str, api_key: str | None, jurisdiction_id: str | None = None,
        timeout: tuple[float, float] | float = (5.0, 15.0), session: requests.Session | None = None,
        user_agent: str = DEFAULT_USER_AGENT, *, deadline_s: float = DEFAULT_DEADLINE_S,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES, ca_bundle: str | None = None,
        send_idempotency_key: bool = True,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.jurisdiction_id = jurisdiction_id
        self.timeout = timeout
        self.deadline_s = float(deadline_s)
        self.max_answer_bytes = int(max_answer_bytes)
        self.send_idempotency_key = send_idempotency_key
        if session is None:
            session = requests.Session()
            adapter = DeadlineAdapter()
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            # requests re-reads proxy settings from the environment on every call (about 15%
            # of a loopback POST); read them, and the CA bundle override, once here instead.
            session.trust_env = False
            session.proxies.update(requests.utils.get_environ_proxies(self.base_url))
            ca_bundle = ca_bundle or os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
            if ca_bundle:
                session.verify = ca_bundle
        else:
            _no_retries(session)
            if ca_bundle:
                session.verify = ca_bundle
        session.headers["User-Agent"] = user_agent
        self.session = session
        # The server's clock, read off every answer for free (a kiosk's own clock may lie).
        self.last_server_date: tuple[datetime, float] | None = None
        session.hooks.setdefault("response", []).append(self._note_date)

    def _note_date(self, resp: requests.Response, *args: object, **kwargs: object) -> None:
        """Remember ``(Date header, time.monotonic())`` of the latest answer that had one."""
        value = resp.headers.get("Date")
        if not value:
            return
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return
        self.last_server_date = (when if when.tzinfo else when.replace(tzinfo=timezone.utc), time.monotonic())

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> Open311Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _url(self, *parts: str) -> str:
        return self.base_url + "/" + "/".join(parts)

    def _timeouts(self) -> tuple[float, float]:
        connect, read = self.timeout if isinstance(self.timeout, tuple) else (self.timeout, self.timeout)
        return min(connect, self.deadline_s), max(0.05, min(read, self.deadline_s))

    def _exchange(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """One request within the overall deadline; the body read (at most the cap) into
        ``resp.content``. Raises :class:`Expired`, :class:`TooLarge` (``.resp`` set, closed)
        or ``requests.RequestException``."""
        deadline = Deadline(self.deadline_s)
        with deadline:
            try:
                resp = self.session.request(method, url, timeout=self._timeouts(), stream=True, **kwargs)
            except requests.RequestException:
                if deadline.expired or deadline.remaining() <= 0:
                    raise Expired() from None
                raise
            try:
                read_capped(resp, deadline, self.max_answer_bytes)
            except TooLarge as exc:
                resp.close()
                exc.resp = resp  # type: ignore[attr-defined]
                raise
            except BaseException:
                resp.close()
                raise
        return resp

    # -- POST -------------------------------------------------------------------------------

    def post_request(self, body: str, key: str) -> Outcome:
        """POST one stored form body (``api_key`` appended here, never stored) with its
        ``Idempotency-Key``; classify the answer. Never raises for network or server trouble."""
        data = body
        if self.api_key:
            data = f"{body}&api_key={quote_plus(self.api_key)}" if body else f"api_key={quote_plus(self.api_key)}"
        headers = {
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Accept": "application/json",
        }
        if self.send_idempotency_key:
            # A structured-field string, as the IETF httpapi draft writes it.
            headers["Idempotency-Key"] = f'"{key}"'
        try:
            resp = self._exchange("POST", self._url("requests.json"), data=data.encode("utf-8"),
                                  headers=headers, allow_redirects=False)
        except Expired:
            return Outcome("retry", reason=f"no whole answer within {self.deadline_s:g} s",
                           fault=FaultKind.TIMEOUT, uncertain=True)
        except TooLarge as exc:
            status = exc.resp.status_code  # type: ignore[attr-defined]
            created = 200 <= status < 300
            return Outcome("retry", reason=f"answer larger than {self.max_answer_bytes} bytes (HTTP {status})",
                           http_status=status, fault=FaultKind.TOO_LARGE, uncertain=created)
        except requests.Timeout as exc:
            if isinstance(exc, requests.ConnectTimeout):
                return Outcome("retry", reason="no connection to the server (ConnectTimeout)", fault=FaultKind.OFFLINE)
            return Outcome("retry", reason=f"no answer in time ({type(exc).__name__})",
                           fault=FaultKind.TIMEOUT, uncertain=True)
        except requests.RequestException as exc:
            if _nothing_written(exc):
                return Outcome("retry", reason=f"no connection to the server ({type(exc).__name__})",
                               fault=FaultKind.OFFLINE)
            return Outcome("retry", reason=f"connection lost before the answer ({type(exc).__name__})",
                           fault=FaultKind.CONNECTION_LOST, uncertain=True)
        with resp:
            outcome = classify(resp, _service_code_of(body))
        log.debug("POST requests.json -> %s %s", resp.status_code, outcome.action)
        return outcome

    # -- GETs -------------------------------------------------------------------------------

    def _get(self, url: str, params: dict[str, str] | None = None) -> Any:
        query = dict(params or {})
        if self.jurisdiction_id:
            query.setdefault("jurisdiction_id", self.jurisdiction_id)
        try:
            resp = self._exchange("GET", url, params=query, headers={"Accept": "application/json"})
        except Expired:
            raise Open311Error("timeout", f"no whole answer within {self.deadline_s:g} s") from None
        except TooLarge as exc:
            raise Open311Error("too_large", f"answer larger than {self.max_answer_bytes} bytes",
                               exc.resp.status_code) from None  # type: ignore[attr-defined]
        except requests.RequestException as exc:
            raise Open311Error("offline", f"no connection to the server ({type(exc).__name__})") from None
        with resp:
            status = resp.status_code
            if status in PAUSE_STATUSES:
                raise Open311Error("refused", _reason(resp), status)
            if status == 404:
                raise Open311Error("not_found", _reason(resp), status)
            if not 200 <= status < 300:
                raise Open311Error("server", _reason(resp), status)
            ok, data = _parse_json(resp)
            if not ok:
                raise Open311Error("bad_answer", _clip(f"{_NOT_JSON} (HTTP {status}): {_decode(resp)}"), status)
            return data

    def _get_list(self, url: str, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
        data = self._get(url, params)
        if isinstance(data, dict):
            data = [data]
        if not isinstance(data, list):
            raise Open311Error("bad_answer", f"{_NOT_JSON}: expected a JSON array")
        return [x for x in data if isinstance(x, dict)]

    def search_requests(self, service_code: str | None = None, start: datetime | None = None,
                        end: datetime | None = None) -> list[dict[str, Any]]:
        """``GET requests.json`` filtered by service and a time window (either may be left
        out): the server's recent requests, to find one whose answer was lost."""
        params: dict[str, str] = {}
        if service_code:
            params["service_code"] = service_code
        for name, when in (("start_date", start), ("end_date", end)):
            if when is not None:
                params[name] = when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return self._get_list(self._url("requests.json"), params)

    def services(self) -> list[dict[str, Any]]:
        """``GET services.json``: the catalog as the server sends it."""
        return self._get_list(self._url("services.json"))

    def service_definition(self, code: str) -> dict[str, Any]:
        """``GET services/{code}.json``: the service's ``attributes``."""
        data = self._get(self._url("services", quote(code, safe="") + ".json"))
        if isinstance(data, list) and data and isinstance(data[0], dict):
            data = data[0]
        if not isinstance(data, dict):
            raise Open311Error("bad_answer", f"{_NOT_JSON}: expected a JSON object")
        return data

    def token(self, token: str) -> list[dict[str, Any]]:
        """``GET tokens/{token}.json``: ``[{service_request_id, token}]`` (id None until known)."""
        return self._get_list(self._url("tokens", quote(token, safe="") + ".json"))

    def requests(self, ids: list[str] | tuple[str, ...]) -> list[dict[str, Any]]:
        """``GET requests.json?service_request_id=a,b``: statuses of several requests."""
        if not ids:
            return []
        return self._get_list(self._url("requests.json"), {"service_request_id": ",".join(map(str, ids))})

    def request(self, service_request_id: str) -> dict[str, Any] | None:
        """``GET requests/{id}.json``: one request's status (None if the server sent none)."""
        rows = self._get_list(self._url("requests", quote(str(service_request_id), safe="") + ".json"))
        return rows[0] if rows else None

    def server_date(self) -> datetime:
        """The server's clock, from the ``Date`` header of a cheap GET (the body is not read),
        to check the kiosk's own clock."""
        try:
            with Deadline(self.deadline_s):
                resp = self.session.get(self._url("services.json"), timeout=self._timeouts(), stream=True,
                                        params={"jurisdiction_id": self.jurisdiction_id} if self.jurisdiction_id else None)
        except requests.RequestException as exc:
            raise Open311Error("offline", f"no connection to the server ({type(exc).__name__})") from None
        with resp:
            date = resp.headers.get("Date")
        if not date:
            raise Open311Error("bad_answer", "the server's answer has no Date header", resp.status_code)
        try:
            when = parsedate_to_datetime(date)
        except (TypeError, ValueError, IndexError):
            raise Open311Error("bad_answer", "the server's Date header cannot be read", resp.status_code) from None
        return when if when.tzinfo else when.replace(tzinfo=timezone.utc)
