"""Helpers for the simulator's own tests: a kiosk-like form POST through real ``requests``."""
from __future__ import annotations

import uuid
from typing import Any, Callable
from urllib.parse import urlencode

import pytest
import requests

FORM = "application/x-www-form-urlencoded; charset=utf-8"


def kiosk_body(**overrides: Any) -> dict[str, Any]:
    """A realistic submission as the kiosk sends it (before api_key is appended)."""
    body: dict[str, Any] = {
        "jurisdiction_id": "banyuwangikab.go.id",
        "service_code": "PSR-KEBERSIHAN",
        "description": "Sampah menumpuk di depan los ikan sejak kemarin.",
        "lat": "-8.3648",
        "long": "114.1501",
        "address_string": "Pasar Genteng, Jl. Raya Genteng, Banyuwangi; los B-12",
        "first_name": "Siti",
        "last_name": "Aminah",
        "phone": "+6281234567890",
        "device_id": "BWI-GENTENG-01",
        "attribute[JENIS]": "sampah",
        "attribute[kiosk_ref]": "BG01-7K3M-9QX2",
        "attribute[client_datetime]": "2026-11-23T10:15:00+07:00",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


@pytest.fixture
def post() -> Callable[..., requests.Response]:
    """``post(sim, fields, key=..., api_key="demo-key")``: POST requests.json the kiosk's way:
    the urlencoded body, then ``&api_key=...`` appended, ``Idempotency-Key`` quoted."""
    session = requests.Session()

    def send(sim: Any, fields: dict[str, Any] | str, key: str | None = None, api_key: str | None = "demo-key",
             timeout: float = 10, headers: dict[str, str] | None = None) -> requests.Response:
        body = fields if isinstance(fields, str) else urlencode(fields, doseq=True)
        if api_key is not None:
            body += "&" + urlencode({"api_key": api_key})
        h = {"Content-Type": FORM}
        if key:
            h["Idempotency-Key"] = f'"{key}"'
        h.update(headers or {})
        return session.post(f"{sim.base_url}/requests.json", data=body.encode("utf-8"), headers=h, timeout=timeout)

    yield send
    session.close()


@pytest.fixture
def new_key() -> Callable[[], str]:
    return lambda: str(uuid.uuid4())


@pytest.fixture(name="kiosk_body")
def kiosk_body_fixture() -> Callable[..., dict[str, Any]]:
    return kiosk_body
