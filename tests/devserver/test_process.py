"""``python -m devserver`` as a real subprocess: start, serve, control, stop on signals."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]


def test_port_0_prints_the_real_port_and_serves(simulator_process, post, kiosk_body):
    assert simulator_process.base_url.startswith("http://127.0.0.1:")
    assert simulator_process.base_url.endswith("/open311/v2")
    assert simulator_process.port > 0
    assert requests.get(f"{simulator_process.base_url}/services.json").status_code == 200
    response = post(simulator_process, kiosk_body(), key="3f1c2a9e-5b7d-4c1e-9a8f-0d6e2b4c7a11")
    assert response.status_code == 201
    [stored] = simulator_process.requests()
    assert stored["idempotency_key"] == "3f1c2a9e-5b7d-4c1e-9a8f-0d6e2b4c7a11"
    assert simulator_process.count_posts() == 1


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signals_stop_it_cleanly_and_the_db_keeps_what_it_stored(simulator_process_factory, post, kiosk_body, signum):
    sim = simulator_process_factory()
    request_id = post(sim, kiosk_body()).json()[0]["service_request_id"]
    # An idle keep-alive connection must not keep it from stopping.
    session = requests.Session()
    session.get(f"{sim.base_url}/services.json")
    sim.proc.send_signal(signum)
    assert sim.proc.wait(timeout=30) == 0
    assert "Traceback" not in sim.log()

    again = simulator_process_factory(extra_args=["--db", str(sim.db_path)])
    lookup = requests.get(f"{again.base_url}/requests/{request_id}.json")
    assert lookup.status_code == 200 and lookup.json()[0]["service_request_id"] == request_id


def test_faults_token_delay_and_status_through_the_control_endpoints(simulator_process_factory, post, kiosk_body):
    sim = simulator_process_factory(faults="503:1:5", token_delay=3600, seed=1)
    assert sim.stats()["faults"] == "503:1:5"
    assert post(sim, kiosk_body()).status_code == 503
    sim.set_faults("")
    token = post(sim, kiosk_body(service_code="DKP-KK", **{"attribute[JENIS]": None})).json()[0]["token"]
    assert requests.get(f"{sim.base_url}/tokens/{token}.json").json() == [{"token": token}]
    sim.set_token_delay(0)
    [resolved] = requests.get(f"{sim.base_url}/tokens/{token}.json").json()
    closed = sim.set_status(resolved["service_request_id"], "closed", "Kartu Keluarga sudah dicetak.")
    assert closed["status"] == "closed"
    assert requests.get(f"{sim.base_url}/requests/{resolved['service_request_id']}.json").json()[0]["status"] == "closed"
    assert sim.count_posts() == 2


def test_api_key_and_catalog_options(simulator_process_factory, post, kiosk_body, tmp_path):
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps({"services": [{"service_code": "SAMPAH", "service_name": "Sampah",
                                                 "metadata": False, "type": "realtime"}]}), encoding="utf-8")
    sim = simulator_process_factory(api_key="rahasia", catalog=catalog)
    assert [s["service_code"] for s in requests.get(f"{sim.base_url}/services.json").json()] == ["SAMPAH"]
    assert post(sim, kiosk_body(service_code="SAMPAH")).status_code == 403
    assert post(sim, kiosk_body(service_code="SAMPAH"), api_key="rahasia").status_code == 201


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--faults", "teapot:1"], "teapot"), (["--catalog", "/nonexistent/catalog.json"], "catalog")],
)
def test_bad_options_exit_2_with_one_clear_line(args, message):
    result = subprocess.run([sys.executable, "-m", "devserver", "--port", "0", *args], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_taken_port_is_a_clear_error(simulator_process):
    result = subprocess.run([sys.executable, "-m", "devserver", "--port", str(simulator_process.port)], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "cannot listen" in result.stderr and "Traceback" not in result.stderr
