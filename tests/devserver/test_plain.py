"""The `plain` profile behaves like the Open311 servers provinces really run (issue 8), while
the default profile keeps DESIGN.md's extensions."""
from __future__ import annotations

import socket
import threading
import time

import pytest
import requests
from queuetest import NUMERIC_CATALOG

@pytest.fixture
def plain(simulator_factory):
    return simulator_factory(profile="plain")


def test_plain_ignores_the_idempotency_key_and_drops_attributes_and_contacts(plain, post, kiosk_body, new_key):
    key = new_key()
    body = kiosk_body(description="Got mampet\n\nKode laporan: BG0-7K3M-9QX2")
    first, second = post(plain, body, key=key), post(plain, body, key=key)
    assert first.status_code == second.status_code == 201
    stored = plain.requests()
    assert len(stored) == 2  # the same key twice: two requests, as on the real servers
    for req in stored:
        assert req["idempotency_key"] is None and req["attributes"] == {}
        assert not {"first_name", "last_name", "phone"} & set(req["fields"])
        assert req["description"] == "Got mampet\n\nKode laporan: BG0-7K3M-9QX2"  # byte-exact
    listed = requests.get(f"{plain.base_url}/requests.json").json()
    assert [r["description"] for r in listed] == [body["description"]] * 2


def test_default_profile_still_deduplicates(simulator, post, kiosk_body, new_key):
    key = new_key()
    post(simulator, kiosk_body(), key=key), post(simulator, kiosk_body(), key=key)
    assert len(simulator.requests()) == 1


def test_plain_bad_key_is_400_with_detail_and_unknown_service_is_403(plain, post, kiosk_body):
    bad = post(plain, kiosk_body(), api_key="salah")
    assert (bad.status_code, bad.json()) == (400, {"code": 400, "detail": ["Invalid API key"]})
    gone = post(plain, kiosk_body(service_code="SUDAH-PENSIUN"))
    assert gone.status_code == 403 and "service" in gone.json()["detail"]
    invalid = post(plain, kiosk_body(lat=None, long=None, address_string=None))
    assert invalid.status_code == 400 and list(invalid.json()) == ["non_field_errors"]


def test_plain_sends_numeric_codes_as_numbers_and_wraps_list_values(simulator_factory):
    sim = simulator_factory(profile="plain", catalog=NUMERIC_CATALOG)
    services = requests.get(f"{sim.base_url}/services.json").json()
    assert services[0]["service_code"] == 101
    definition = requests.get(f"{sim.base_url}/services/101.json").json()
    value = definition["attributes"][0]["values"][0]
    assert value["key"] == {"key": "plastik", "name": "Plastik"}


def test_plain_date_filters_miss_recent_requests(plain, post, kiosk_body):
    post(plain, kiosk_body())
    window = {"start_date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 600)),
              "end_date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 600))}
    assert requests.get(f"{plain.base_url}/requests.json", params=window).json() == []
    assert len(requests.get(f"{plain.base_url}/requests.json").json()) == 1


def test_error_array_in_a_200_stores_nothing(simulator_factory, post, kiosk_body):
    sim = simulator_factory(faults="error200:1")
    answer = post(sim, kiosk_body())
    assert answer.status_code == 200 and answer.json()[0]["code"] == 400
    assert sim.requests() == []


def test_trickle_sends_one_byte_at_a_time(simulator_factory):
    sim = simulator_factory(faults="gettrickle:1:0.05")
    with socket.create_connection(("127.0.0.1", sim.port), timeout=5) as sock:
        sock.sendall(b"GET /open311/v2/services.json HTTP/1.1\r\nHost: x\r\n\r\n")
        sizes = []
        while len(sizes) < 5:
            sizes.append(len(sock.recv(65536)))
    assert sizes == [1, 1, 1, 1, 1]


def test_huge_answer_is_streamed(simulator_factory):
    sim = simulator_factory(faults="gethuge:1:5")
    with requests.get(f"{sim.base_url}/services.json", stream=True, timeout=10) as resp:
        assert int(resp.headers["Content-Length"]) > 4_900_000
        assert sum(len(c) for c in resp.iter_content(1 << 20)) == int(resp.headers["Content-Length"])


def test_a_hang_serves_its_backlog_in_arrival_order(plain, post, kiosk_body):
    plain.hang(0.6)
    order: list[str] = []
    lock = threading.Lock()

    def send(i: int) -> None:
        post(plain, kiosk_body(description=f"no {i}"), timeout=10)
        with lock:
            order.append(str(i))

    threads = []
    for i in range(4):
        threads.append(threading.Thread(target=send, args=(i,)))
        threads[-1].start()
        time.sleep(0.05)
    assert plain.requests() == []  # hung: nothing stored yet
    for t in threads:
        t.join()
    assert [r["description"] for r in plain.requests()] == ["no 0", "no 1", "no 2", "no 3"]
