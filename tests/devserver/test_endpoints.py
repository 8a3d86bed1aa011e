"""Each GeoReport v2 endpoint answers as a kiosk (and the schemas) expect."""
from __future__ import annotations

from datetime import datetime

import pytest
import requests


def test_services_list_all_three_types_and_validate(simulator, open311_validate):
    response = requests.get(f"{simulator.base_url}/services.json", params={"jurisdiction_id": "banyuwangikab.go.id"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    services = response.json()
    open311_validate("services.json", services)
    by_code = {s["service_code"]: s for s in services}
    assert by_code["PSR-KEBERSIHAN"]["type"] == "realtime"
    assert by_code["DKP-KTP"]["type"] == "batch"
    assert by_code["INFO-UMUM"]["type"] == "blackbox"


def test_every_service_definition_validates_and_lists_carry_values(simulator, open311_validate):
    services = requests.get(f"{simulator.base_url}/services.json").json()
    datatypes = set()
    for service in services:
        response = requests.get(f"{simulator.base_url}/services/{service['service_code']}.json")
        assert response.status_code == 200
        definition = response.json()
        open311_validate("service-definition.json", definition)
        assert definition["service_code"] == service["service_code"]
        assert bool(definition["attributes"]) == service["metadata"]
        for attribute in definition["attributes"]:
            datatypes.add(attribute["datatype"])
            if attribute["datatype"].endswith("valuelist"):
                assert attribute["values"], attribute["code"]
    assert {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"} <= datatypes


def test_unknown_service_definition_is_404_error_array(simulator):
    response = requests.get(f"{simulator.base_url}/services/TIDAK-ADA.json")
    assert response.status_code == 404
    assert response.json() == [{"code": 404, "description": "service_code 'TIDAK-ADA' not found"}]


@pytest.mark.parametrize("path", ["services.xml", "services/PSR-LAPAK.xml", "requests/JTM-000001.xml"])
def test_formats_other_than_json_are_refused_with_400(simulator, path):
    response = requests.get(f"{simulator.base_url}/{path}")
    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400 and "json" in error["description"]


def test_unknown_path_is_404_error_array(simulator):
    response = requests.get(f"{simulator.root_url}/v1/services.json")
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404


def test_realtime_post_creates_an_open_request_visible_by_id(simulator, post, kiosk_body, new_key, open311_validate):
    response = post(simulator, kiosk_body(), key=new_key())
    assert response.status_code == 201
    [answer] = response.json()
    assert answer["service_request_id"] and answer["service_notice"]
    assert "token" not in answer

    one = requests.get(f"{simulator.base_url}/requests/{answer['service_request_id']}.json")
    assert one.status_code == 200
    open311_validate("requests.json", one.json())
    [request] = one.json()
    assert request["status"] == "open"
    assert request["service_code"] == "PSR-KEBERSIHAN"
    assert request["address"].startswith("Pasar Genteng")
    assert request["lat"] == pytest.approx(-8.3648) and request["long"] == pytest.approx(114.1501)
    requested = datetime.fromisoformat(request["requested_datetime"])
    assert requested.utcoffset() is not None
    assert datetime.fromisoformat(request["expected_datetime"]) > requested
    # A public status lookup shows no personal data.
    assert "Siti" not in one.text and "6281234567890" not in one.text


def test_status_lookup_by_several_ids_keeps_order_and_skips_unknown(simulator, post, kiosk_body, open311_validate):
    ids = [post(simulator, kiosk_body(description=f"laporan {n}")).json()[0]["service_request_id"] for n in range(3)]
    wanted = [ids[2], "JTM-999999", ids[0]]
    response = requests.get(f"{simulator.base_url}/requests.json", params={"service_request_id": ",".join(wanted)})
    assert response.status_code == 200
    open311_validate("requests.json", response.json())
    assert [r["service_request_id"] for r in response.json()] == [ids[2], ids[0]]


def test_set_status_closes_a_request_with_notes(simulator, post, kiosk_body, open311_validate):
    request_id = post(simulator, kiosk_body()).json()[0]["service_request_id"]
    before = requests.get(f"{simulator.base_url}/requests/{request_id}.json").json()[0]
    simulator.set_status(request_id, "closed", notes="Sampah sudah diangkut petugas.")
    after = requests.get(f"{simulator.base_url}/requests/{request_id}.json").json()
    open311_validate("requests.json", after)
    assert after[0]["status"] == "closed"
    assert after[0]["status_notes"] == "Sampah sudah diangkut petugas."
    assert after[0]["updated_datetime"] >= before["updated_datetime"]
    assert simulator.request(request_id)["status"] == "closed"


def test_unknown_request_id_is_404(simulator):
    response = requests.get(f"{simulator.base_url}/requests/JTM-424242.json")
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404


def test_requests_list_filters_by_service_code_and_status(simulator, post, kiosk_body, open311_validate):
    first = post(simulator, kiosk_body()).json()[0]["service_request_id"]
    post(simulator, kiosk_body(service_code="PDAM-AIR", **{"attribute[JENIS]": None}))
    simulator.close_request(first, "selesai")
    response = requests.get(f"{simulator.base_url}/requests.json", params={"service_code": "PSR-KEBERSIHAN", "status": "closed"})
    open311_validate("requests.json", response.json())
    assert [r["service_request_id"] for r in response.json()] == [first]


def test_batch_post_answers_a_token_that_resolves_after_the_delay(simulator_factory, post, kiosk_body, open311_validate):
    sim = simulator_factory(token_delay=3600)
    body = kiosk_body(service_code="DKP-KTP", **{"attribute[JENIS]": None, "attribute[NIK]": "3510014101900001",
                                                 "attribute[ALASAN]": "hilang"})
    response = post(sim, body)
    assert response.status_code == 201
    [answer] = response.json()
    assert set(answer) == {"token"}
    token = answer["token"]

    pending = requests.get(f"{sim.base_url}/tokens/{token}.json")
    assert pending.status_code == 200 and pending.json() == [{"token": token}]
    [stored] = sim.requests()
    # Until the token resolves, the id is not known to clients.
    assert requests.get(f"{sim.base_url}/requests/{stored['service_request_id']}.json").status_code == 404

    sim.set_token_delay(0)
    resolved = requests.get(f"{sim.base_url}/tokens/{token}.json").json()
    assert resolved == [{"service_request_id": stored["service_request_id"], "token": token}]
    lookup = requests.get(f"{sim.base_url}/requests/{stored['service_request_id']}.json")
    assert lookup.status_code == 200
    open311_validate("requests.json", lookup.json())


def test_unknown_token_is_404(simulator):
    assert requests.get(f"{simulator.base_url}/tokens/nope.json").status_code == 404


def test_blackbox_post_answers_neither_id_nor_token_but_stores_it(simulator, post, kiosk_body):
    response = post(simulator, kiosk_body(service_code="INFO-UMUM", **{"attribute[JENIS]": None}))
    assert response.status_code == 201
    [answer] = response.json()
    assert "service_request_id" not in answer and "token" not in answer
    assert answer["service_notice"]
    [stored] = simulator.requests()
    assert stored["service_code"] == "INFO-UMUM" and stored["type"] == "blackbox"


def test_stored_request_keeps_every_form_field_and_the_exact_body(simulator, post, kiosk_body, new_key):
    from urllib.parse import urlencode

    body = kiosk_body(service_code="PSR-LAPAK", description="Atap bocor 🌧️ — “tolong” & segera",
                      **{"attribute[JENIS]": None, "attribute[KERUSAKAN][]": ["atap", "listrik"],
                         "attribute[NOMOR_KIOS]": "A-07"})
    encoded = urlencode(body, doseq=True)
    key = new_key()
    assert post(simulator, encoded, key=key).status_code == 201
    [stored] = simulator.requests()
    assert stored["body"] == encoded  # what the kiosk stored, byte for byte, without api_key
    assert stored["idempotency_key"] == key
    assert stored["fields"]["description"] == "Atap bocor 🌧️ — “tolong” & segera"
    assert stored["fields"]["phone"] == "+6281234567890"
    assert stored["attributes"]["KERUSAKAN"] == ["atap", "listrik"]
    assert stored["attributes"]["kiosk_ref"] == "BG01-7K3M-9QX2"
    assert stored["attributes"]["client_datetime"] == "2026-11-23T10:15:00+07:00"
    assert datetime.fromisoformat(stored["requested_datetime"]).utcoffset() is not None
    assert stored["status"] == "open" and stored["replays"] == 0


def test_custom_catalog_replaces_the_builtin_one(simulator_factory, post, kiosk_body, open311_validate, tmp_path):
    import json

    catalog = {
        "services": [{"service_code": "PLN-PADAM", "service_name": "Listrik padam", "description": None,
                      "metadata": True, "type": "realtime", "keywords": "listrik", "group": "Utilitas"}],
        "definitions": {"PLN-PADAM": {"service_code": "PLN-PADAM", "attributes": [
            {"variable": True, "code": "SEJAK", "datatype": "datetime", "required": True,
             "datatype_description": None, "order": 1, "description": "Sejak kapan?"}]}},
    }
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(catalog), encoding="utf-8")
    sim = simulator_factory(catalog=path)
    services = requests.get(f"{sim.base_url}/services.json").json()
    open311_validate("services.json", services)
    assert [s["service_code"] for s in services] == ["PLN-PADAM"]
    assert post(sim, kiosk_body()).status_code == 404  # PSR-KEBERSIHAN is not in this catalog
    missing = post(sim, kiosk_body(service_code="PLN-PADAM"))
    assert missing.status_code == 400 and "attribute[SEJAK]" in missing.json()[0]["description"]
    ok = post(sim, kiosk_body(service_code="PLN-PADAM", **{"attribute[SEJAK]": "2026-11-23T08:00:00+07:00"}))
    assert ok.status_code == 201


def test_keep_alive_connection_serves_many_requests(simulator, post, kiosk_body):
    session = requests.Session()
    for n in range(20):
        assert session.get(f"{simulator.base_url}/services.json").status_code == 200
    # urllib3 reused one connection: the server answered HTTP/1.1 keep-alive each time.
    pool = session.get_adapter(simulator.base_url).poolmanager
    [connection_pool] = pool.pools._container.values()
    assert connection_pool.num_connections == 1
