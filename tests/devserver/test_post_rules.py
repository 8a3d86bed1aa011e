"""POST requests.json: the key, the required fields, and idempotency by Idempotency-Key."""
from __future__ import annotations

import threading
from urllib.parse import urlencode

import pytest


def test_missing_or_wrong_api_key_is_403_and_creates_nothing(simulator, post, kiosk_body):
    for api_key in (None, "kunci-salah"):
        response = post(simulator, kiosk_body(), api_key=api_key)
        assert response.status_code == 403
        assert response.json() == [{"code": 403, "description": "Invalid api_key"}]
    assert simulator.requests() == []


def test_rotated_api_key_is_accepted_after_set_api_key(simulator, post, kiosk_body):
    simulator.set_api_key("kunci-baru")
    assert post(simulator, kiosk_body()).status_code == 403
    assert post(simulator, kiosk_body(), api_key="kunci-baru").status_code == 201


def test_unknown_service_code_is_404(simulator, post, kiosk_body):
    response = post(simulator, kiosk_body(service_code="TIDAK-ADA"))
    assert response.status_code == 404
    assert "TIDAK-ADA" in response.json()[0]["description"]
    assert simulator.requests() == []


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"service_code": None}, "service_code"),
        ({"lat": None, "long": None, "address_string": None}, "location"),
        ({"long": None, "address_string": None}, "long"),
        ({"lat": "selatan"}, "lat"),
        ({"long": "999"}, "long"),
        ({"attribute[JENIS]": None}, "attribute[JENIS]"),
        ({"attribute[JENIS]": "banjir"}, "attribute[JENIS]"),
        ({"description": "x" * 4001}, "description"),
    ],
)
def test_bad_fields_are_400_naming_the_field(simulator, post, kiosk_body, overrides, named):
    response = post(simulator, kiosk_body(**overrides))
    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400 and named in error["description"]
    assert simulator.requests() == []


def test_either_location_form_is_enough(simulator, post, kiosk_body):
    assert post(simulator, kiosk_body(lat=None, long=None)).status_code == 201
    assert post(simulator, kiosk_body(address_string=None)).status_code == 201


def test_description_of_exactly_4000_characters_is_accepted(simulator, post, kiosk_body):
    text = "ꦲ" * 4000  # Javanese script: characters, not bytes, count
    assert post(simulator, kiosk_body(description=text)).status_code == 201
    assert simulator.requests()[0]["description"] == text


def test_multivaluelist_checks_each_value(simulator, post, kiosk_body):
    base = kiosk_body(service_code="PSR-LAPAK", **{"attribute[JENIS]": None, "attribute[NOMOR_KIOS]": "A-07"})
    bad = post(simulator, {**base, "attribute[KERUSAKAN][]": ["atap", "genteng"]})
    assert bad.status_code == 400 and "attribute[KERUSAKAN]" in bad.json()[0]["description"]
    missing = post(simulator, base)
    assert missing.status_code == 400 and "attribute[KERUSAKAN]" in missing.json()[0]["description"]
    good = post(simulator, {**base, "attribute[KERUSAKAN][]": ["atap", "pintu"], "attribute[LUAS]": "2.5"})
    assert good.status_code == 201


def test_other_content_types_are_415(simulator, kiosk_body):
    import requests

    response = requests.post(f"{simulator.base_url}/requests.json", json=kiosk_body(api_key="demo-key"))
    assert response.status_code == 415
    assert simulator.requests() == []


def test_replay_with_same_key_and_payload_returns_the_stored_answer(simulator, post, kiosk_body, new_key):
    key = new_key()
    first = post(simulator, kiosk_body(), key=key)
    again = post(simulator, kiosk_body(), key=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    [stored] = simulator.requests()
    assert stored["replays"] == 1
    assert simulator.count_posts() == 2


def test_replay_of_a_batch_answer_gives_the_same_token(simulator, post, kiosk_body, new_key):
    body = kiosk_body(service_code="DKP-KK", **{"attribute[JENIS]": None})
    key = new_key()
    assert post(simulator, body, key=key).json() == post(simulator, body, key=key).json()
    assert len(simulator.requests()) == 1


def test_replay_ignores_a_rotated_api_key(simulator, post, kiosk_body, new_key):
    key = new_key()
    first = post(simulator, kiosk_body(), key=key)
    simulator.set_api_key("kunci-baru")
    again = post(simulator, kiosk_body(), key=key, api_key="kunci-baru")
    assert again.status_code == 201 and again.json() == first.json()
    assert len(simulator.requests()) == 1


def test_same_key_with_a_different_payload_is_422(simulator, post, kiosk_body, new_key):
    key = new_key()
    assert post(simulator, kiosk_body(), key=key).status_code == 201
    changed = post(simulator, kiosk_body(description="Teks lain"), key=key)
    assert changed.status_code == 422
    assert "Idempotency-Key" in changed.json()[0]["description"]
    assert len(simulator.requests()) == 1


def test_without_a_key_every_post_creates_a_request(simulator, post, kiosk_body):
    answers = [post(simulator, kiosk_body()).json()[0]["service_request_id"] for _ in range(3)]
    assert len(set(answers)) == 3
    assert len(simulator.requests()) == 3


def test_a_rejected_post_does_not_burn_its_key(simulator, post, kiosk_body, new_key):
    key = new_key()
    assert post(simulator, kiosk_body(**{"attribute[JENIS]": None}), key=key).status_code == 400
    # Nothing was created under the key, so the fixed payload may use it.
    assert post(simulator, kiosk_body(), key=key).status_code == 201


def test_racing_retries_with_one_key_create_one_request(simulator, post, kiosk_body, new_key):
    key = new_key()
    results: list[int] = []
    barrier = threading.Barrier(8)

    def send() -> None:
        barrier.wait()
        results.append(post(simulator, kiosk_body(), key=key).status_code)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [201] * 8
    [stored] = simulator.requests()
    assert stored["replays"] == 7


def test_body_order_of_fields_does_not_make_a_different_payload(simulator, post, kiosk_body, new_key):
    key = new_key()
    body = kiosk_body()
    assert post(simulator, urlencode(body), key=key).status_code == 201
    reordered = urlencode(dict(reversed(list(body.items()))))
    assert post(simulator, reordered, key=key).status_code == 201
    assert len(simulator.requests()) == 1
