"""Fixtures for the outbox and sync-engine tests: a real outbox file on disk, form bodies the
simulator accepts, and a clock the tests move by hand."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlencode

import pytest

from offline_queue import Outbox

JURISDICTION = "banyuwangikab.go.id"


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


@pytest.fixture
def outbox_path(tmp_path: Path) -> Path:
    return tmp_path / "kiosk" / "outbox.sqlite3"


@pytest.fixture
def outbox(outbox_path: Path) -> Iterator[Outbox]:
    ob = Outbox(outbox_path)
    yield ob
    ob.close()


@pytest.fixture
def enqueue(outbox: Outbox) -> Callable[..., Any]:
    """``enqueue(ref, service_code=..., description=..., **outbox_kwargs)``."""

    def make(ref: str, service_code: str = "SAMSAT-PKB", description: str = "Lampu jalan mati", **kwargs: Any):
        body = kwargs.pop("body", None) or form_body(service_code, description)
        meta = kwargs.pop("meta", {"kind": "complaint", "language": "id"})
        return outbox.enqueue(ref=ref, service_code=service_code, body=body, meta=meta, **kwargs)

    return make


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_body() -> Callable[..., str]:
    """``make_body(service_code, description, **fields)``: see :func:`form_body`."""
    return form_body
