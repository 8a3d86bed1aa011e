"""Each injected fault does what a flaky server or network does, seen by a real requests client."""
from __future__ import annotations

import pytest
import requests

from devserver import FaultSpecError, parse_faults


@pytest.mark.parametrize("status", [500, 502, 504])
def test_plain_server_errors_store_nothing(simulator_factory, post, kiosk_body, new_key, status):
    sim = simulator_factory(faults=f"{status}:1")
    response = post(sim, kiosk_body(), key=new_key())
    assert response.status_code == status
    assert "Retry-After" not in response.headers
    assert sim.requests() == []
    assert sim.count_posts() == 1


@pytest.mark.parametrize(("status", "seconds"), [(503, 7), (429, 2)])
def test_busy_answers_carry_retry_after_and_store_nothing(simulator_factory, post, kiosk_body, status, seconds):
    sim = simulator_factory(faults=f"{status}:1:{seconds}")
    response = post(sim, kiosk_body())
    assert response.status_code == status
    assert response.headers["Retry-After"] == str(seconds)
    assert response.json()[0]["code"] == status
    assert sim.requests() == []


def test_html_fault_is_a_200_captive_portal_that_stores_nothing(simulator_factory, post, kiosk_body):
    sim = simulator_factory(faults="html:1")
    response = post(sim, kiosk_body())
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    with pytest.raises(ValueError):
        response.json()
    assert sim.requests() == []


def test_badkey_refuses_every_post_even_with_the_right_key(simulator_factory, post, kiosk_body):
    sim = simulator_factory(faults="badkey:1")
    for _ in range(3):
        response = post(sim, kiosk_body())
        assert response.status_code == 403
        assert response.json() == [{"code": 403, "description": "Invalid api_key"}]
    assert sim.requests() == []
    # GETs still work: the catalog and status lookups are not refused.
    assert requests.get(f"{sim.base_url}/services.json").status_code == 200


def test_drop_commits_then_closes_and_the_retry_replays(simulator, post, kiosk_body, new_key):
    simulator.set_faults("drop:1")
    key = new_key()
    with pytest.raises(requests.ConnectionError):
        post(simulator, kiosk_body(), key=key)
    [stored] = simulator.requests()  # committed although the client got no answer
    simulator.set_faults(None)
    retry = post(simulator, kiosk_body(), key=key)
    assert retry.status_code == 201
    assert retry.json()[0]["service_request_id"] == stored["service_request_id"]
    assert len(simulator.requests()) == 1
    assert simulator.count_posts() == 2


def test_slow_commits_before_the_client_gives_up_and_the_retry_replays(simulator, post, kiosk_body, new_key):
    simulator.set_faults("slow:1:30")
    key = new_key()
    with pytest.raises(requests.Timeout):
        post(simulator, kiosk_body(), key=key, timeout=0.3)
    [stored] = simulator.requests()
    simulator.set_faults("")
    retry = post(simulator, kiosk_body(), key=key)
    assert retry.json()[0]["service_request_id"] == stored["service_request_id"]
    assert len(simulator.requests()) == 1


def test_slow_answer_arrives_for_a_patient_client(simulator_factory, post, kiosk_body):
    sim = simulator_factory(faults="slow:1:0.2")
    response = post(sim, kiosk_body())
    assert response.status_code == 201
    assert len(sim.requests()) == 1


def test_faults_touch_only_posts_unless_prefixed_get(simulator_factory):
    sim = simulator_factory(faults="500:1,drop:1")
    assert requests.get(f"{sim.base_url}/services.json").status_code == 200
    sim.set_faults("get503:1:4")
    response = requests.get(f"{sim.base_url}/services.json")
    assert response.status_code == 503 and response.headers["Retry-After"] == "4"
    sim.set_faults("getdrop:1")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{sim.base_url}/services.json")


def test_control_endpoints_answer_even_with_every_fault_on(simulator_factory):
    sim = simulator_factory(faults="get500:1,500:1")
    assert requests.get(f"{sim.root_url}/_control/requests").json() == []


def test_set_faults_over_http_changes_the_running_server(simulator, post, kiosk_body):
    response = requests.post(f"{simulator.root_url}/_control/faults", json={"spec": "503:1:3"})
    assert response.status_code == 200 and response.json() == {"faults": "503:1:3"}
    assert post(simulator, kiosk_body()).status_code == 503
    requests.post(f"{simulator.root_url}/_control/faults", json={"500": 1})
    assert post(simulator, kiosk_body()).status_code == 500
    requests.post(f"{simulator.root_url}/_control/faults", json="")
    assert post(simulator, kiosk_body()).status_code == 201
    bad = requests.post(f"{simulator.root_url}/_control/faults", json="teapot:1")
    assert bad.status_code == 400 and "teapot" in bad.json()[0]["description"]


def test_a_mixed_spec_with_a_seed_gives_the_same_outcomes_twice(simulator_factory, post, kiosk_body):
    spec = "500:0.2,503:0.2:1,429:0.1:1,html:0.1"
    runs = []
    for _ in range(2):
        sim = simulator_factory(faults=spec, seed=42)
        runs.append([post(sim, kiosk_body()).status_code for _ in range(40)])
    assert runs[0] == runs[1]
    assert {500, 503, 429, 200, 201} <= set(runs[0])  # every outcome occurs in 40 draws with this seed


def test_half_failing_server_still_stores_each_success_once(simulator_factory, post, kiosk_body, new_key):
    sim = simulator_factory(faults="500:0.3,503:0.2:0,drop:0.2", seed=7)
    keys = [new_key() for _ in range(15)]
    for n, key in enumerate(keys):
        for _attempt in range(100):
            try:
                if post(sim, kiosk_body(description=f"laporan {n}"), key=key).status_code == 201:
                    break
            except requests.ConnectionError:
                pass
        else:
            pytest.fail("never accepted")
    stored = sim.requests()
    assert sorted(r["idempotency_key"] for r in stored) == sorted(keys)
    assert sim.count_posts() > len(keys)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("500:0.1,503:0.05:2,429:0.05:1,slow:0.05:3,drop:0.1,html:0.05,badkey:1",
         "500:0.1,503:0.05:2,429:0.05:1,slow:0.05:3,drop:0.1,html:0.05,badkey:1"),
        ("", ""),
        ({"503": [0.5, 2], "drop": {"probability": 0.1}}, "503:0.5:2,drop:0.1"),
        ("503:1", "503:1:1"),  # Retry-After defaults to 1 s
    ],
)
def test_fault_specs_parse(spec, expected):
    assert ",".join(f.spec() for f in parse_faults(spec)) == expected


@pytest.mark.parametrize("spec", ["teapot:0.1", "500", "500:2", "500:x", "slow:1:-3", "503:0.1:2:9"])
def test_bad_fault_specs_name_the_problem(spec):
    with pytest.raises(FaultSpecError):
        parse_faults(spec)
