"""The HTTP side of the simulator: GeoReport v2 endpoints, the control endpoints, faults.

A stdlib ``ThreadingHTTPServer`` speaking HTTP/1.1 keep-alive with ``TCP_NODELAY`` on every
accepted socket (without it each keep-alive answer waits ~40 ms for Nagle and delayed ACK,
and the sync benchmarks would measure that instead of the kiosk).
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import socket
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import parse_qs, parse_qsl, unquote, urlsplit

from .catalog import Catalog, load_catalog
from .faults import Fault, FaultPlan
from .store import Store, as_open311, as_record

API_PREFIX = "/open311/v2/"
CONTROL_PREFIX = "/_control/"
MAX_DESCRIPTION = 4000
MAX_BODY = 1_000_000

NOTICE_REALTIME = "Laporan diterima. Petugas akan menindaklanjuti paling lambat 2 hari kerja."
NOTICE_BLACKBOX = "Pesan diterima dan diteruskan ke petugas."
CAPTIVE_PORTAL = (
    "<!DOCTYPE html><html><head><title>Login WiFi Pasar</title></head><body>"
    "<h1>Selamat datang di WiFi Gratis Pasar</h1><p>Silakan masuk untuk melanjutkan.</p>"
    '<form method="post" action="/login"><input name="voucher"><button>Masuk</button></form>'
    "</body></html>"
)
PROXY_PAGE = "<html><head><title>{code} {phrase}</title></head><body><center><h1>{code} {phrase}</h1></center><hr><center>nginx</center></body></html>"

#: ``default``: DESIGN.md's server, extensions included. ``plain``: what the Open311 servers
#: provinces really run do (see :mod:`devserver`): no Idempotency-Key, no attributes or
#: contact fields stored, other error shapes and codes, numeric codes, wrapped list values,
#: date filters that do not work.
PROFILES = ("default", "plain")
PLAIN_DROPPED_FIELDS = frozenset({"first_name", "last_name", "phone", "email"})

_ROUTE = re.compile(r"^(services|requests|tokens)(?:/(.+?))?\.([A-Za-z0-9]+)$")
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


class ClientError(Exception):
    """An Open311 error answer: ``[{"code": status, "description": ...}]``."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


class HangGate:
    """A server that stalls: while hung, every Open311 request (its body read) waits; when the
    hang ends they are served one by one in arrival order, as a stalled server works
    through its backlog (an abandoned POST lands before a later search is answered)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._until = 0.0
        self._next_ticket = 0
        self._serving = 0

    def hang(self, seconds: float) -> None:
        with self._cond:
            self._until = max(self._until, time.monotonic() + seconds)
            self._cond.notify_all()

    def release(self) -> None:
        with self._cond:
            self._until = 0.0
            self._cond.notify_all()

    @property
    def hung(self) -> bool:
        return time.monotonic() < self._until

    def enter(self, stopping: threading.Event) -> int | None:
        """Wait for our turn; returns a ticket to :meth:`leave`, or None when not hung."""
        with self._cond:
            if not self.hung and self._next_ticket == self._serving:
                return None
            ticket = self._next_ticket
            self._next_ticket += 1
            while not stopping.is_set() and (self.hung or self._serving != ticket):
                wait = self._until - time.monotonic()
                self._cond.wait(wait if wait > 0 else 0.5)
            return ticket

    def leave(self, ticket: int | None) -> None:
        if ticket is None:
            return
        with self._cond:
            self._serving = ticket + 1
            self._cond.notify_all()


class SimulatorHTTPServer(ThreadingHTTPServer):
    """Holds the simulator's state for the handlers and tracks open sockets for a clean stop."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # many kiosks (or a load test) connecting at once

    def __init__(self, address: tuple[str, int], *, store: Store, catalog: Catalog, api_key: str | None,
                 plan: FaultPlan, token_delay: float, verbose: bool = False, profile: str = "default") -> None:
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r} (known: {', '.join(PROFILES)})")
        self.profile = profile
        self.gate = HangGate()
        self.store = store
        self.catalog = catalog
        self.api_key = api_key
        self.plan = plan
        self.token_delay = token_delay
        self.verbose = verbose
        self.stopping = threading.Event()
        self.posts = 0
        self._count_lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        super().__init__(address, Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (a kiosk's deadline, a SIGKILL) is normal here: no traceback."""
        import sys as _sys

        if isinstance(_sys.exc_info()[1], (ConnectionResetError, BrokenPipeError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def count_post(self) -> None:
        with self._count_lock:
            self.posts += 1

    def track(self, sock: socket.socket, add: bool) -> None:
        with self._count_lock:
            (self._sockets.add if add else self._sockets.discard)(sock)

    def close_connections(self) -> None:
        """Wake every handler blocked on a keep-alive read so ``server_close`` can join them."""
        with self._count_lock:
            sockets = list(self._sockets)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def canonical_payload(form: list[tuple[str, str]]) -> str:
    """A hash of the decoded form fields without ``api_key`` (the kiosk appends the key at send
    time, so rotating it must not turn a retry into a "different payload")."""
    pairs = sorted((k, v) for k, v in form if k != "api_key")
    return hashlib.sha256(json.dumps(pairs, ensure_ascii=False).encode("utf-8")).hexdigest()


def parse_attributes(form: list[tuple[str, str]]) -> dict[str, Any]:
    """``attribute[CODE]=v`` -> ``{"CODE": "v"}``; ``attribute[CODE][]=v`` (or a repeated
    name) -> ``{"CODE": [...]}``."""
    attributes: dict[str, Any] = {}
    for name, value in form:
        match = _ATTRIBUTE.match(name)
        if not match:
            continue
        code, is_list = match.group(1), bool(match.group(2))
        if is_list:
            prev = attributes.get(code)
            attributes[code] = (prev if isinstance(prev, list) else ([] if prev is None else [prev])) + [value]
        elif code in attributes:
            prev = attributes[code]
            attributes[code] = (prev if isinstance(prev, list) else [prev]) + [value]
        else:
            attributes[code] = value
    return attributes


def _number(fields: Mapping[str, str], name: str, low: float, high: float) -> float | None:
    text = fields.get(name, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ClientError(400, f"{name} must be a number, not {text!r}") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise ClientError(400, f"{name} must be between {low:g} and {high:g}")
    return value


def validate(catalog: Catalog, fields: Mapping[str, str], attributes: Mapping[str, Any],
             check_attributes: bool = True) -> tuple[dict, float | None, float | None]:
    """The checks a GeoReport v2 server makes before it creates a request."""
    code = fields.get("service_code", "").strip()
    if not code:
        raise ClientError(400, "service_code is required")
    service = catalog.service(code)
    if service is None:
        raise ClientError(404, f"service_code {code!r} not found")
    lat = _number(fields, "lat", -90, 90)
    long = _number(fields, "long", -180, 180)
    if (lat is None) != (long is None):
        raise ClientError(400, f"{'long' if long is None else 'lat'} is required when {'lat' if long is None else 'long'} is given")
    if lat is None and not fields.get("address_string", "").strip() and not fields.get("address_id", "").strip():
        raise ClientError(400, "location is required: lat and long, or address_string")
    if len(fields.get("description", "")) > MAX_DESCRIPTION:
        raise ClientError(400, f"description is longer than {MAX_DESCRIPTION} characters")
    definition = (catalog.definition(code) if check_attributes else None) or {"attributes": []}
    for attribute in definition.get("attributes", []):
        if not attribute.get("variable", True):
            continue
        acode = attribute["code"]
        value = attributes.get(acode)
        values = value if isinstance(value, list) else ([] if value is None else [value])
        values = [v for v in values if v.strip()]
        if not values:
            if attribute.get("required"):
                raise ClientError(400, f"attribute[{acode}] is required")
            continue
        datatype = attribute.get("datatype")
        if datatype in ("singlevaluelist", "multivaluelist"):
            keys = {str(v.get("key")) for v in attribute.get("values") or []}
            if datatype == "singlevaluelist" and len(values) > 1:
                raise ClientError(400, f"attribute[{acode}] takes one value")
            for v in values:
                if keys and v not in keys:
                    raise ClientError(400, f"attribute[{acode}]: {v!r} is not one of {', '.join(sorted(keys))}")
        elif datatype == "number":
            try:
                float(values[0])
            except ValueError:
                raise ClientError(400, f"attribute[{acode}] must be a number") from None
    return service, lat, long


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Open311Simulator/1.0"
    timeout = 300  # an idle keep-alive connection is closed after this, as real servers do
    server: SimulatorHTTPServer

    # -- plumbing ----------------------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if self.server.verbose:
            # Only method, path and status: no bodies (personal data) and no api_key (secret).
            sys.stderr.write(f"{self.log_date_time_string()} {format % args}\n")

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        try:
            n = int(length)
        except ValueError:
            raise ClientError(400, "bad Content-Length") from None
        if n > MAX_BODY:
            self.close_connection = True
            raise ClientError(413, "request body too large")
        return self.rfile.read(n) if n > 0 else b""

    def _send(self, status: int, body: bytes, content_type: str, headers: Mapping[str, str] | None = None) -> None:
        trickle = getattr(self, "_trickle", None)
        if trickle is not None:
            return self._send_trickle(trickle, status, body, content_type, headers)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _send_trickle(self, seconds: float, status: int, body: bytes, content_type: str,
                      headers: Mapping[str, str] | None) -> None:
        """The whole answer, status line included, one byte every ``seconds``: no gap between
        bytes is long enough for a client's read timeout, only an overall deadline ends it."""
        self._trickle = None
        lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", f"Content-Type: {content_type}",
                 f"Content-Length: {len(body)}", *[f"{k}: {v}" for k, v in (headers or {}).items()]]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        self.close_connection = True
        for i in range(len(raw)):
            if self.server.stopping.wait(seconds):
                return
            self.wfile.write(raw[i:i + 1])
            self.wfile.flush()

    def _send_huge(self, megabytes: float) -> None:
        """200 with a JSON array of ``megabytes`` MB, streamed (the simulator keeps none of it)."""
        item = b'{"service_code":"X","service_name":"' + b"x" * 1000 + b'"},'
        count = max(1, int(megabytes * 1_000_000 // len(item)))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(1 + len(item) * count + 3))
        self.end_headers()
        self.close_connection = True
        self.wfile.write(b"[")
        chunk = item * 256
        left = count
        try:
            while left > 0 and not self.server.stopping.is_set():
                n = min(256, left)
                self.wfile.write(chunk if n == 256 else item * n)
                left -= n
            self.wfile.write(b"{}]")
        except OSError:
            pass

    def _plain_error(self, status: int, description: str) -> None:
        """Error answers as the real servers send them: not the specification's array."""
        if status == 400:
            self._json(400, {"non_field_errors": [description]})
        else:
            self._json(status, {"code": status, "detail": description})

    def _json(self, status: int, data: Any, headers: Mapping[str, str] | None = None) -> None:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8", headers)

    def _error(self, status: int, description: str, headers: Mapping[str, str] | None = None) -> None:
        self._json(status, [{"code": status, "description": description}], headers)

    def _drop(self) -> None:
        """Close the connection without a byte of answer (the client sees a connection error)."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _pre_fault(self, fault: Fault | None) -> bool:
        """Answer with a fault that happens before anything is stored; True if it answered."""
        if fault is None:
            return False
        kind = fault.kind
        if kind in ("503", "429"):
            retry_after = str(max(0, math.ceil(fault.param or 0)))
            status = int(kind)
            phrase = HTTPStatus(status).phrase
            self._error(status, phrase, {"Retry-After": retry_after})
        elif kind == "500":
            self._error(500, "Internal Server Error")
        elif kind in ("502", "504", "408", "409"):
            status = int(kind)
            page = PROXY_PAGE.format(code=status, phrase=HTTPStatus(status).phrase).encode()
            self._send(status, page, "text/html")
        elif kind == "html":
            self._send(200, CAPTIVE_PORTAL.encode("utf-8"), "text/html; charset=utf-8")
        elif kind == "badkey" and self.command == "POST":
            if self.server.profile == "plain":
                self._json(400, {"code": 400, "detail": ["Invalid API key"]})
            else:
                self._error(403, "Invalid api_key")
        elif kind == "error200":
            self._json(200, [{"code": 400, "description": "service_code is not valid for this jurisdiction"}])
        elif kind == "huge":
            self._send_huge(fault.param or 50.0)
        elif kind == "trickle":
            self._trickle = fault.param or 1.0
            return False  # answered normally, slowly
        else:
            return False
        return True

    def _post_fault(self, fault: Fault | None) -> bool:
        """Apply a fault that happens after the answer is decided; True if nothing may be sent."""
        if fault is None:
            return False
        if fault.kind in ("slow", "timeout"):
            self.server.stopping.wait(fault.param or 0)
            return self.server.stopping.is_set()
        if fault.kind == "drop":
            self._drop()
            return True
        return False

    # -- dispatch ----------------------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        try:
            body = self._read_body()
            if url.path.startswith(CONTROL_PREFIX):
                self._control(url.path[len(CONTROL_PREFIX):], url.query, body)
            elif url.path.startswith(API_PREFIX):
                ticket = self.server.gate.enter(self.server.stopping)
                try:
                    self._open311(url.path[len(API_PREFIX):], url.query, body)
                finally:
                    self.server.gate.leave(ticket)
            else:
                raise ClientError(404, f"no such endpoint: {url.path} (the API is under {API_PREFIX})")
        except ClientError as exc:
            if self.server.profile == "plain":
                self._plain_error(exc.status, exc.description)
            else:
                self._error(exc.status, exc.description)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as exc:  # a bug in the simulator: say so, keep serving
            sys.stderr.write(f"devserver: internal error on {self.command} {url.path}: {exc!r}\n")
            self._error(500, "simulator internal error")

    def _open311(self, path: str, query: str, body: bytes) -> None:
        match = _ROUTE.match(path)
        if not match:
            raise ClientError(404, f"no such endpoint: {API_PREFIX}{path}")
        resource, ident, fmt = match.group(1), match.group(2), match.group(3).lower()
        ident = unquote(ident) if ident else None
        if fmt != "json":
            raise ClientError(400, f"format {fmt!r} is not supported: use .json")
        if resource == "requests" and ident is None and self.command == "POST":
            return self._post_request(body)
        if self.command != "GET":
            raise ClientError(405, f"{self.command} is not allowed on {API_PREFIX}{path}")
        fault = self.server.plan.draw(on_get=True)
        if self._pre_fault(fault):
            return
        params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
        status, data = self._get(resource, ident, params)
        if self._post_fault(fault):
            return
        self._json(status, data)

    def _get(self, resource: str, ident: str | None, params: Mapping[str, str]) -> tuple[int, Any]:
        catalog, store = self.server.catalog, self.server.store
        delay = self.server.token_delay
        plain = self.server.profile == "plain"
        if resource == "services":
            if ident is None:
                return 200, [plain_service(s) for s in catalog.services] if plain else catalog.services
            definition = catalog.definition(ident)
            if definition is None:
                raise ClientError(404, f"service_code {ident!r} not found")
            return 200, plain_definition(definition) if plain else definition
        if resource == "tokens":
            if ident is None:
                raise ClientError(404, "a token is required: tokens/{token}.json")
            row = store.by_token(ident)
            if row is None:
                raise ClientError(404, f"token {ident!r} not found")
            if store.visible(row, delay):
                return 200, [{"service_request_id": row["service_request_id"], "token": ident}]
            return 200, [{"token": ident}]
        # requests
        if ident is not None:
            row = store.by_id(ident)
            if row is None or not store.visible(row, delay):
                raise ClientError(404, f"service_request_id {ident!r} not found")
            return 200, [as_open311(row)]
        if params.get("service_request_id"):
            rows = store.by_ids(params["service_request_id"].split(","))
        else:
            rows = store.search(params.get("service_code"), params.get("status"))
            if plain:
                rows = unreliable_date_filter(rows, params.get("start_date"), params.get("end_date"))
        return 200, [as_open311(r) for r in rows if store.visible(r, delay)]

    def _post_request(self, body: bytes) -> None:
        server = self.server
        server.count_post()
        fault = server.plan.draw(on_get=False)
        if self._pre_fault(fault):
            return
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type and content_type != "application/x-www-form-urlencoded":
            raise ClientError(415, f"Content-Type {content_type} is not supported: send application/x-www-form-urlencoded")
        try:
            raw = body.decode("utf-8")
        except UnicodeDecodeError:
            raise ClientError(400, "request body is not UTF-8") from None
        try:
            form = parse_qsl(raw, keep_blank_values=True, encoding="utf-8", errors="strict")
        except UnicodeDecodeError:
            raise ClientError(400, "request body has percent-encoded bytes that are not UTF-8") from None
        fields = {k: v for k, v in form if not _ATTRIBUTE.match(k)}
        plain = server.profile == "plain"
        if server.api_key is not None and fields.get("api_key") != server.api_key:
            if plain:
                return self._json(400, {"code": 400, "detail": ["Invalid API key"]})
            raise ClientError(403, "Invalid api_key")
        key = (self.headers.get("Idempotency-Key") or "").strip().strip('"').strip() or None
        if plain:
            # Real servers ignore the key, and store neither attributes nor contact fields.
            if server.catalog.service(fields.get("service_code", "").strip()) is None:
                raise ClientError(403, f"You do not have permission to submit to service {fields.get('service_code', '')!r}")
            key = None
            form = [(k, v) for k, v in form if not _ATTRIBUTE.match(k) and k not in PLAIN_DROPPED_FIELDS]
            raw = "&".join(p for p in raw.split("&")
                           if not p.startswith("attribute") and p.split("=", 1)[0] not in PLAIN_DROPPED_FIELDS)
        digest = canonical_payload(form)
        replayed = False
        with server.store.lock:  # the key lookup and the insert are one step
            row = server.store.by_key(key) if key else None
            if row is not None:
                if row["payload_hash"] != digest:
                    raise ClientError(422, "Idempotency-Key was already used with a different payload")
                server.store.mark_replay(row["seq"])
                status, answer = row["response_status"], json.loads(row["response_body"])
                replayed = True
            else:
                attributes = parse_attributes(form)
                if plain:
                    service, lat, long = validate(server.catalog, fields, {}, check_attributes=False)
                    attributes = {}
                else:
                    service, lat, long = validate(server.catalog, fields, attributes)
                kind = service.get("type") or "realtime"
                notice = NOTICE_REALTIME if kind == "realtime" else NOTICE_BLACKBOX if kind == "blackbox" else None
                status, answer = server.store.create(
                    service=service, agency=server.catalog.agency(service["service_code"]), key=key,
                    payload_hash=digest, raw_body=raw, form=form, attributes=attributes, fields=fields,
                    lat=lat, long=long, notice=notice,
                )
        if self._post_fault(fault):
            return
        self._json(status, answer, {"Idempotent-Replayed": "true"} if replayed else None)

    # -- control (tests and demos) -----------------------------------------------------

    def _control(self, path: str, query: str, body: bytes) -> None:
        server = self.server
        if path == "requests" and self.command == "GET":
            return self._json(200, [as_record(r) for r in server.store.all()])
        if path == "stats" and self.command == "GET":
            return self._json(200, {"posts": server.posts, "requests": server.store.count(),
                                    "faults": server.plan.spec(), "token_delay": server.token_delay})
        if path == "faults" and self.command == "GET":
            return self._json(200, {"faults": server.plan.spec()})
        if self.command != "POST":
            raise ClientError(404, f"no such control endpoint: {self.command} {CONTROL_PREFIX}{path}")
        try:
            data = json.loads(body.decode("utf-8")) if body.strip() else None
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ClientError(400, "control endpoints take a JSON body") from None
        if path == "faults":
            seed = None
            if isinstance(data, Mapping) and ("spec" in data or "seed" in data or "faults" in data):
                seed = data.get("seed")
                data = data.get("spec", data.get("faults"))
            try:
                server.plan.set(data, seed=seed)
            except ValueError as exc:
                raise ClientError(400, str(exc)) from None
            return self._json(200, {"faults": server.plan.spec()})
        if path == "status":
            if not isinstance(data, Mapping) or not data.get("service_request_id"):
                raise ClientError(400, 'expected {"service_request_id": ..., "status": ..., "notes": ...}')
            try:
                row = server.store.set_status(str(data["service_request_id"]), str(data.get("status", "closed")),
                                              data.get("notes", data.get("status_notes")))
            except KeyError:
                raise ClientError(404, f"service_request_id {data['service_request_id']!r} not found") from None
            except ValueError as exc:
                raise ClientError(400, str(exc)) from None
            return self._json(200, as_open311(row))
        if path == "hang":
            if not isinstance(data, Mapping) or not isinstance(data.get("seconds"), (int, float)):
                raise ClientError(400, 'expected {"seconds": N} (0 ends a hang)')
            if data["seconds"] > 0:
                server.gate.hang(float(data["seconds"]))
            else:
                server.gate.release()
            return self._json(200, {"hung": server.gate.hung})
        if path == "token_delay":
            if not isinstance(data, Mapping) or not isinstance(data.get("seconds"), (int, float)):
                raise ClientError(400, 'expected {"seconds": N}')
            server.token_delay = float(data["seconds"])
            return self._json(200, {"token_delay": server.token_delay})
        raise ClientError(404, f"no such control endpoint: POST {CONTROL_PREFIX}{path}")


def plain_service(service: Mapping[str, Any]) -> dict[str, Any]:
    """services.json as some real servers send it: a numeric code as a JSON number."""
    out = dict(service)
    code = str(out.get("service_code", ""))
    if code.isdigit():
        out["service_code"] = int(code)
    return out


def plain_definition(definition: Mapping[str, Any]) -> dict[str, Any]:
    """A definition whose list values come double-wrapped, ``{"key": {"key", "name"}, ...}``."""
    out = dict(definition)
    code = str(out.get("service_code", ""))
    if code.isdigit():
        out["service_code"] = int(code)
    attributes = []
    for attribute in definition.get("attributes") or []:
        attribute = dict(attribute)
        if attribute.get("values"):
            attribute["values"] = [{"key": dict(v), "name": dict(v)} for v in attribute["values"]]
        attributes.append(attribute)
    out["attributes"] = attributes
    return out


def unreliable_date_filter(rows: list, start: str | None, end: str | None) -> list:
    """start_date/end_date read as server-local wall time, whatever offset the client wrote
    (a ``Z`` or ``+00:00`` is dropped), and compared as text: a window in UTC misses the
    last seven hours of requests, as one of the real servers does."""
    def local(text: str | None) -> str | None:
        if not text:
            return None
        return re.sub(r"(Z|[+-]\d\d:?\d\d)$", "", text.strip())

    lo, hi = local(start), local(end)
    out = []
    for row in rows:
        when = re.sub(r"[+-]\d\d:\d\d$", "", row["requested_datetime"])
        if (lo is None or when >= lo) and (hi is None or when <= hi):
            out.append(row)
    return out


def make_server(host: str = "127.0.0.1", port: int = 0, *, db_path: str | Path | None = None,
                api_key: str | None = "demo-key", faults: Any = None, catalog: Any = None,
                token_delay: float = 0.0, seed: int | None = None, verbose: bool = False,
                profile: str = "default") -> SimulatorHTTPServer:
    """Bind (but do not start) a simulator server."""
    return SimulatorHTTPServer(
        (host, port), store=Store(db_path), catalog=load_catalog(catalog), api_key=api_key,
        plan=FaultPlan(faults, seed), token_delay=token_delay, verbose=verbose, profile=profile,
    )
