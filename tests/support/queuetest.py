"""Helpers shared by the outbox, sync-engine and simulator tests: form bodies the simulator
accepts, a clock the tests move by hand, and the catalog a plain provincial server sends."""
from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

JURISDICTION = "banyuwangikab.go.id"

#: A catalog with a numeric service code and a list question (the plain profile sends the
#: code as a JSON number and the values double-wrapped).
NUMERIC_CATALOG = {
    "services": [{"service_code": "101", "service_name": "Sampah menumpuk", "description": "", "metadata": True,
                  "type": "realtime", "keywords": "", "group": "Pasar"}],
    "definitions": {"101": {"service_code": "101", "attributes": [
        {"variable": True, "code": "JENIS", "datatype": "singlevaluelist", "required": True,
         "datatype_description": "", "order": 1, "description": "Jenis sampah",
         "values": [{"key": "plastik", "name": "Plastik"}, {"key": "organik", "name": "Organik"}]}]}},
}


def form_body(service_code: str = "SAMSAT-PKB", description: str = "Lampu jalan di depan los ikan mati",
              **extra: Any) -> str:
    """A form body as the kiosk stores it (no api_key), valid for the simulator's catalog."""
    fields = {
        "jurisdiction_id": JURISDICTION,
        "service_code": service_code,
        "description": description,
        "address_string": "Pasar Genteng, los B-12",
        "lat": "-8.3648",
        "long": "114.1501",
        "first_name": "Budi",
        "last_name": "Santoso",
        "phone": "+6281234567890",
        "device_id": "BWI-GENTENG-01",
    }
    fields.update(extra)
    return urlencode(fields, encoding="utf-8")


class FakeClock:
    """Epoch seconds that only move when the test says so (starts at the real time)."""

    def __init__(self, start: float | None = None) -> None:
        self.t = time.time() + 1.0 if start is None else start

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> float:
        self.t += seconds
        return self.t
