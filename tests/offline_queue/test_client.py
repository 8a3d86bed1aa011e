"""The Open311 client against real HTTP servers on 127.0.0.1: the simulator with each of its
faults, and a tiny scripted server for answer shapes the simulator does not produce (other
real servers and proxies do)."""
from __future__ import annotations

import json
import socket
import threading
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from offline_queue import Open311Client, Open311Error

JURISDICTION = "banyuwangikab.go.id"


def client_for(base_url: str, api_key: str = "demo-key", **kwargs: Any) -> Open311Client:
    kwargs.setdefault("timeout", (2.0, 5.0))
    return Open311Client(base_url, api_key, JURISDICTION, **kwargs)


# -- against the simulator ----------------------------------------------------------------

def test_a_good_post_is_sent_with_the_exact_body_key_and_api_key(simulator, make_body) -> None:
    body = make_body(description="Jalan berlubang di depan pasar 🚧 — tolong segera")
    outcome = client_for(simulator.base_url).post_request(body, "1b4e28ba-2fa1-11d2-883f-0016d3cca427")
    assert outcome.action == "sent" and outcome.service_request_id and outcome.http_status in (200, 201)
    [stored] = simulator.requests()
    assert stored["body"] == body  # byte-for-byte what the outbox stored
    assert stored["raw_body"] == body + "&api_key=demo-key"
    assert stored["idempotency_key"] == "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
    assert stored["service_request_id"] == outcome.service_request_id


def test_batch_service_answers_a_token_that_later_gives_the_id(simulator_factory, make_body) -> None:
    sim = simulator_factory(token_delay=3600)
    client = client_for(sim.base_url)
    outcome = client.post_request(make_body("DKP-KK"), "k-1")
    assert outcome.action == "awaiting_token" and outcome.token
    assert [r.get("service_request_id") for r in client.token(outcome.token)] == [None]
    sim.set_token_delay(0)
    [row] = client.token(outcome.token)
    assert row["service_request_id"] == sim.requests()[0]["service_request_id"]


def test_blackbox_service_is_sent_without_an_id(simulator, make_body) -> None:
    outcome = client_for(simulator.base_url).post_request(make_body("INFO-UMUM"), "k-1")
    assert (outcome.action, outcome.service_request_id) == ("sent", None)


@pytest.mark.parametrize("fault, status, retry_after", [
    ("500:1", 500, None),
    ("502:1", 502, None),
    ("504:1", 504, None),
    ("408:1", 408, None),
    ("409:1", 409, None),
    ("503:1:7", 503, 7.0),
    ("429:1:3", 429, 3.0),
])
def test_server_trouble_means_retry_later_honouring_retry_after(simulator_factory, make_body, fault, status, retry_after) -> None:
    sim = simulator_factory(faults=fault)
    outcome = client_for(sim.base_url).post_request(make_body(), "k-1")
    assert (outcome.action, outcome.http_status, outcome.retry_after) == ("retry", status, retry_after)
    assert outcome.reason.startswith(f"HTTP {status}")
    assert "<" not in outcome.reason  # a proxy's HTML page is reduced to its text
    assert sim.requests() == []
    assert sim.count_posts() == 1  # the client itself never re-sends


def test_a_captive_portal_page_with_200_is_not_a_success(simulator_factory, make_body) -> None:
    sim = simulator_factory(faults="html:1")
    outcome = client_for(sim.base_url).post_request(make_body(), "k-1")
    assert outcome.action == "retry" and outcome.http_status == 200
    assert not outcome.reached_server and "<" not in outcome.reason


def test_dropped_connection_after_commit_is_retried_and_the_resend_is_deduplicated(simulator_factory, make_body) -> None:
    sim = simulator_factory(faults="drop:1")
    client = client_for(sim.base_url)
    body = make_body()
    first = client.post_request(body, "same-key")
    assert first.action == "retry" and first.http_status is None
    assert sim.count_posts() == 1, "urllib3 must not re-send a POST on its own"
    assert len(sim.requests()) == 1  # the server did create it before the line dropped
    sim.set_faults(None)
    second = client.post_request(body, "same-key")
    assert second.action == "sent"
    assert [r["service_request_id"] for r in sim.requests()] == [second.service_request_id]


def test_a_slow_answer_within_the_read_timeout_is_still_sent(simulator_factory, make_body) -> None:
    sim = simulator_factory(faults="slow:1:0.3")
    outcome = client_for(sim.base_url, timeout=(2.0, 5.0)).post_request(make_body(), "k-1")
    assert outcome.action == "sent" and outcome.service_request_id


def test_no_answer_in_time_is_retry(simulator_factory, make_body) -> None:
    sim = simulator_factory(faults="timeout:1:5")
    outcome = client_for(sim.base_url, timeout=(2.0, 0.2)).post_request(make_body(), "k-1")
    assert outcome.action == "retry" and outcome.http_status is None and "in time" in outcome.reason


def test_nobody_listening_is_retry(make_body) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the block ends: nothing listens there
    outcome = client_for(f"http://127.0.0.1:{port}/open311/v2").post_request(make_body(), "k")
    assert outcome.action == "retry" and not outcome.reached_server


def test_a_refused_key_pauses(simulator_factory, make_body) -> None:
    sim = simulator_factory(faults="badkey:1")
    outcome = client_for(sim.base_url).post_request(make_body(), "k-1")
    assert (outcome.action, outcome.http_status) == ("pause", 403)
    assert "Invalid api_key" in outcome.reason
    wrong = client_for(sim.base_url, api_key="wrong")
    sim.set_faults(None)
    assert wrong.post_request(make_body(), "k-2").action == "pause"
    wrong.api_key = "demo-key"  # a fixed key works on the live client
    assert wrong.post_request(make_body(), "k-2").action == "sent"


def test_unknown_service_and_rejected_payloads_keep_the_servers_words(simulator, make_body) -> None:
    client = client_for(simulator.base_url)
    unknown = client.post_request(make_body("TIDAK-ADA"), "k-1")
    assert unknown.action == "unknown_service" and "TIDAK-ADA" in unknown.reason
    no_place = make_body().replace("address_string=", "x=").replace("lat=", "y=").replace("long=", "z=")
    rejected = client.post_request(no_place, "k-2")
    assert rejected.action == "dead" and rejected.http_status == 400
    assert "location is required" in rejected.reason
    client.post_request(make_body(description="satu"), "k-3")
    reused = client.post_request(make_body(description="dua"), "k-3")
    assert reused.action == "dead" and reused.http_status == 422 and "Idempotency-Key" in reused.reason


def test_gets_return_open311_documents(simulator, make_body, open311_validate) -> None:
    client = client_for(simulator.base_url)
    services = client.services()
    open311_validate("services.json", services)
    definition = client.service_definition("PSR-KEBERSIHAN")
    open311_validate("service-definition.json", definition)
    sent = client.post_request(make_body(), "k-1")
    one = client.request(sent.service_request_id)
    open311_validate("request.json", one)
    assert one["status"] == "open"
    simulator.close_request(sent.service_request_id, "Sudah diperbaiki")
    [closed] = client.requests([sent.service_request_id])
    assert (closed["status"], closed["status_notes"]) == ("closed", "Sudah diperbaiki")
    server_now = client.server_date()
    assert abs((server_now - datetime.now(timezone.utc)).total_seconds()) < 120


def test_get_errors_say_what_kind_of_trouble(simulator_factory) -> None:
    sim = simulator_factory()
    client = client_for(sim.base_url)
    with pytest.raises(Open311Error) as missing:
        client.request("JTM-404404")
    assert missing.value.kind == "not_found"
    sim.set_faults("gethtml:1")
    with pytest.raises(Open311Error) as portal:
        client.services()
    assert portal.value.kind == "bad_answer"
    sim.set_faults("get503:1")
    with pytest.raises(Open311Error) as busy:
        client.services()
    assert (busy.value.kind, busy.value.http_status) == ("server", 503)
    sim.stop()
    with pytest.raises(Open311Error) as offline:
        client.services()
    assert offline.value.kind == "offline"


def test_a_session_that_retries_posts_is_refused() -> None:
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=Retry(total=3, allowed_methods=None)))
    with pytest.raises(ValueError, match="duplicates"):
        Open311Client("http://127.0.0.1:9/open311/v2", "k", JURISDICTION, session=session)


# -- against a scripted server: shapes other servers and proxies send ------------------------

class Scripted(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), ScriptedHandler)
        self.answer: tuple[int, dict[str, str], bytes] = (200, {}, b"[]")
        self.seen: list[tuple[str, dict[str, str], bytes]] = []


class ScriptedHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Scripted

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append((self.path, dict(self.headers), body))
        status, headers, payload = self.server.answer
        self.send_response_only(status)
        if "Date" not in headers:
            self.send_header("Date", self.date_time_string())
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST


@pytest.fixture
def scripted() -> Iterator[Scripted]:
    server = Scripted()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def post_with(server: Scripted, status: int, payload: Any, headers: dict[str, str] | None = None):
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    server.answer = (status, {"Content-Type": "application/json", **(headers or {})}, raw)
    host, port = server.server_address
    return client_for(f"http://{host}:{port}/v2/").post_request("service_code=S&description=x", "key-1")


@pytest.mark.parametrize("status, payload, action, srid, token", [
    (200, [{"service_request_id": "A-1", "service_notice": ""}], "sent", "A-1", None),
    (201, {"service_request_id": 42}, "sent", "42", None),  # object, numeric id
    (200, [{"token": "t-9"}], "awaiting_token", None, "t-9"),
    (201, {"token": "t-9", "service_request_id": None}, "awaiting_token", None, "t-9"),
    (200, [{"service_notice": "diterima", "account_id": None}], "sent", None, None),
    (200, [], "sent", None, None),
    (204, b"", "sent", None, None),
    (200, b"", "sent", None, None),  # DESIGN.md: 2xx with nothing -> sent (no id)
    (201, b"  \n", "sent", None, None),
])
def test_every_success_shape_is_understood(scripted, status, payload, action, srid, token) -> None:
    outcome = post_with(scripted, status, payload)
    assert (outcome.action, outcome.service_request_id, outcome.token) == (action, srid, token)


def test_the_request_on_the_wire(scripted) -> None:
    post_with(scripted, 201, {"service_request_id": "1"})
    [(path, headers, body)] = scripted.seen
    assert path == "/v2/requests.json"
    assert headers["Content-Type"] == "application/x-www-form-urlencoded; charset=utf-8"
    assert headers["Idempotency-Key"] == '"key-1"'
    assert body == b"service_code=S&description=x&api_key=demo-key"


@pytest.mark.parametrize("payload", [b'"ok"', b"null", b"<html><body>Login WiFi Pasar</body></html>", b"[1, 2]"])
def test_a_2xx_that_is_not_an_open311_answer_is_retried(scripted, payload) -> None:
    assert post_with(scripted, 200, payload).action == "retry"


def test_a_redirect_is_not_followed_for_a_post(scripted) -> None:
    outcome = post_with(scripted, 302, b"", {"Location": "http://portal.example/login"})
    assert outcome.action == "retry" and "portal.example" in outcome.reason
    assert len(scripted.seen) == 1


@pytest.mark.parametrize("status, payload, action, reason", [
    (400, [{"code": 400, "description": "attribute[stall] is required"}], "dead", "HTTP 400: attribute[stall] is required"),
    (422, {"code": "E_DUP", "description": "sudah ada"}, "dead", "HTTP 422: E_DUP: sudah ada"),
    (413, {"detail": "Payload too large"}, "dead", "HTTP 413: Payload too large"),
    (415, {"message": "bad type"}, "dead", "HTTP 415: bad type"),
    (418, {"whatever": [1, 2]}, "dead", "HTTP 418: whatever: 1; 2"),
    (401, {"error": "invalid_token"}, "pause", "HTTP 401: invalid_token"),
    (403, b"Forbidden", "pause", "HTTP 403: Forbidden"),
    (404, [{"code": 404, "description": "service_code not found"}], "unknown_service", "HTTP 404: service_code not found"),
    (502, b"<html><head><title>x</title><style>p{}</style></head><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>",
     "retry", "HTTP 502: 502 Bad Gateway nginx"),
    (507, b"", "retry", "HTTP 507 Insufficient Storage"),
])
def test_error_shapes_keep_the_servers_text(scripted, status, payload, action, reason) -> None:
    outcome = post_with(scripted, status, payload)
    assert (outcome.action, outcome.reason, outcome.http_status) == (action, reason, status)


def test_a_huge_error_page_is_capped(scripted) -> None:
    outcome = post_with(scripted, 400, {"description": "salah " * 1000})
    assert outcome.action == "dead" and len(outcome.reason) <= 500


def test_retry_after_as_an_http_date_counts_from_the_servers_clock(scripted) -> None:
    server_now = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)  # the kiosk's clock may be wrong
    headers = {"Date": format_datetime(server_now, usegmt=True),
               "Retry-After": format_datetime(server_now + timedelta(seconds=90), usegmt=True)}
    outcome = post_with(scripted, 503, b"", headers)
    assert (outcome.action, outcome.retry_after) == ("retry", 90.0)
    assert post_with(scripted, 429, b"", {"Retry-After": "soon"}).retry_after is None


@pytest.mark.parametrize("status, payload, action, fault, reason", [
    # a 2xx whose body is an error is that error, never "sent"
    (200, [{"code": 400, "description": "service_code is not valid"}], "dead", "rejected",
     "HTTP 200 (error 400): service_code is not valid"),
    (201, {"code": 422, "detail": "duplicate"}, "dead", "rejected", "HTTP 201 (error 422): duplicate"),
    (200, {"errors": ["boom"]}, "dead", "rejected", "HTTP 200 (error 400): boom"),
    (200, [{"code": 503, "description": "busy"}], "retry", "server", "HTTP 200 (error 503): busy"),
    # refusals read by their words
    (400, {"code": 400, "detail": ["Invalid API key"]}, "pause", "key_refused", "HTTP 400: Invalid API key"),
    (400, {"non_field_errors": ["Invalid API key."]}, "pause", "key_refused", "HTTP 400: Invalid API key."),
    (403, {"detail": "You do not have permission to submit to service 'S'"}, "hold", "service_refused",
     "HTTP 403: You do not have permission to submit to service 'S'"),
    (403, {"detail": "Invalid api_key for this service"}, "pause", "key_refused", "HTTP 403: Invalid api_key for this service"),
    (400, {"phone": ["This field is required."]}, "dead", "rejected", "HTTP 400: phone: This field is required."),
])
def test_answers_are_classified_by_meaning(scripted, status, payload, action, fault, reason) -> None:
    outcome = post_with(scripted, status, payload)
    assert (outcome.action, outcome.fault.value, outcome.reason) == (action, fault, reason)
    assert outcome.uncertain is False
