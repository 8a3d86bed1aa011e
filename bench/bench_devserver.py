"""The simulator must never be the bottleneck of the kiosk's sync benchmarks.

Measured over loopback with one keep-alive ``requests.Session`` (as the kiosk's client uses):
- POST requests.json with an Idempotency-Key (validation + SQLite commit) beside the same loop
  against a trivial HTTP/1.1 server that answers a fixed 201 with no work;
- GET requests/{id}.json beside the trivial server;
- the trivial server without TCP_NODELAY, to show the Nagle/delayed-ACK stall DESIGN.md warns of.
"""
from __future__ import annotations

import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import requests

from bench._trivial import trivial_server

from devserver import Simulator

N_POST = 600
N_GET = 600
N_NAGLE = 40
BODY = urlencode({
    "jurisdiction_id": "banyuwangikab.go.id", "service_code": "PSR-KEBERSIHAN",
    "description": "Sampah menumpuk di depan los ikan sejak kemarin.", "lat": "-8.3648", "long": "114.1501",
    "address_string": "Pasar Genteng, los B-12", "device_id": "BWI-GENTENG-01", "attribute[JENIS]": "sampah",
    "attribute[kiosk_ref]": "BG01-7K3M-9QX2", "attribute[client_datetime]": "2026-11-23T10:15:00+07:00",
})
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


def _rate(n: int, call) -> float:
    session = requests.Session()
    call(session)  # connect and warm up
    started = time.perf_counter()
    for _ in range(n):
        call(session)
    elapsed = time.perf_counter() - started
    session.close()
    return n / elapsed


def run() -> list[dict]:
    rows: list[dict] = []
    trivial = trivial_server(nodelay=True)
    trivial_url = f"http://127.0.0.1:{trivial.server_address[1]}/open311/v2"
    with tempfile.TemporaryDirectory() as tmp, Simulator(db_path=Path(tmp) / "sim.db") as sim:
        body = BODY + "&api_key=demo-key"

        def post_sim(s: requests.Session) -> None:
            r = s.post(f"{sim.base_url}/requests.json", data=body, headers={**FORM, "Idempotency-Key": f'"{uuid.uuid4()}"'})
            assert r.status_code == 201, r.text

        def post_trivial(s: requests.Session) -> None:
            s.post(f"{trivial_url}/requests.json", data=body, headers={**FORM, "Idempotency-Key": f'"{uuid.uuid4()}"'})

        sim_post = _rate(N_POST, post_sim)
        ref_post = _rate(N_POST, post_trivial)
        rows.append({"name": "simulator POST requests.json (keep-alive, new key each)", "value": sim_post,
                     "unit": "req/s", "reference_name": "trivial HTTP/1.1 server, fixed 201", "reference": ref_post,
                     "target": ">= 0.5x reference"})

        request_id = sim.requests()[0]["service_request_id"]
        sim_get = _rate(N_GET, lambda s: s.get(f"{sim.base_url}/requests/{request_id}.json"))
        ref_get = _rate(N_GET, lambda s: s.get(f"{trivial_url}/requests/{request_id}.json"))
        rows.append({"name": "simulator GET requests/{id}.json", "value": sim_get, "unit": "req/s",
                     "reference_name": "trivial HTTP/1.1 server", "reference": ref_get, "target": ">= 0.5x reference"})
    trivial.shutdown()
    trivial.server_close()

    nagle = trivial_server(nodelay=False)
    nagle_url = f"http://127.0.0.1:{nagle.server_address[1]}/open311/v2/requests.json"
    nagle_rate = _rate(N_NAGLE, lambda s: s.post(nagle_url, data=body, headers=FORM))
    nagle.shutdown()
    nagle.server_close()
    rows.append({"name": "trivial server WITHOUT TCP_NODELAY, POST", "value": nagle_rate, "unit": "req/s",
                 "reference_name": "same server with TCP_NODELAY", "reference": ref_post,
                 "target": "why the simulator sets TCP_NODELAY"})
    return rows
