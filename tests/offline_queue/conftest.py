"""Fixtures for the outbox and sync-engine tests: a real outbox file on disk, form bodies the
simulator accepts, and a clock the tests move by hand."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlencode

import pytest

import random

from offline_queue import Open311Client, Outbox, SyncWorker
from queuetest import FakeClock, form_body  # noqa: F401  (shared with other test files)

JURISDICTION = "banyuwangikab.go.id"


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


@pytest.fixture
def make_worker(outbox: Outbox, clock) -> Callable[..., SyncWorker]:
    made: list[SyncWorker] = []

    def make(sim: Any, api_key: str = "demo-key", *, deadline_s: float = 30.0, **kwargs: Any) -> SyncWorker:
        """A worker on the test's outbox (the fake clock unless ``clock=`` is given)."""
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("rng", random.Random(1))
        client = Open311Client(sim.base_url, api_key, JURISDICTION, timeout=(2.0, 5.0), deadline_s=deadline_s)
        worker = SyncWorker(outbox, client, **kwargs)
        made.append(worker)
        return worker

    yield make
    for worker in made:
        worker.stop()
        worker.client.close()
