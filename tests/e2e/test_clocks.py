"""Clocks that lie (a dead CMOS battery, a mistyped BIOS date), through the real `kiosk` CLI
under faketime against the simulator: nothing orphaned, delivered once, retention right."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from kiosktest import kiosk_catalog_file, kiosk_setup, run_kiosk, sample_attributes, simple_services  # noqa: F401

from offline_queue import Outbox

pytestmark = pytest.mark.skipif(shutil.which("faketime") is None, reason="faketime not installed (apt-get install faketime)")


def at(when: str, cfg_path: Path, *args: str) -> subprocess.CompletedProcess:
    """`kiosk ARGS` with the machine's clock at ``when`` (libfaketime, the clock keeps running)."""
    return subprocess.run(["faketime", when, sys.executable, "-m", "kiosk", "--config", str(cfg_path), *args],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def _file(cfg, tmp_path: Path, n: int, tag: str) -> Path:
    service = simple_services(cfg)[0]
    f = tmp_path / f"{tag}.json"
    f.write_text(json.dumps([{"service_code": service.code, "attributes": sample_attributes(service),
                              "description": f"Lampu los {tag}-{i} mati",
                              "reporter": {"name": "Siti Rahayu", "phone": "081234567890"}, "language": "id"}
                             for i in range(n)]), encoding="utf-8")
    return f


def _offline_twin(cfg_path: Path, tmp_path: Path) -> Path:
    """The same kiosk with its server unreachable (no Date header to judge the clock by)."""
    twin = tmp_path / "offline.toml"
    lines = [f'base_url = "http://127.0.0.1:9/open311/v2"' if line.startswith("base_url") else line
             for line in cfg_path.read_text(encoding="utf-8").splitlines()]
    twin.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return twin


def _delivered_refs(sim) -> list[str]:
    out = []
    for r in sim.requests():
        fields = r.get("fields") or r.get("form") or {}
        ref = fields.get("attribute[kiosk_ref]") if isinstance(fields, dict) else None
        out.append(ref[0] if isinstance(ref, list) else ref)
    return out


def test_clock_in_2000_still_gets_a_receipt_stores_one_row_and_delivers_it(kiosk_setup, tmp_path):
    cfg_path, cfg, sim = kiosk_setup
    out = at("2000-01-01 08:00:00", cfg_path, "enqueue", str(_file(cfg, tmp_path, 1, "y2k")))
    assert out.returncode == 0, out.stderr
    codes = out.stdout.split()
    assert len(codes) == 1 and "Traceback" not in out.stderr
    receipt = tmp_path / "r.png"
    printed = at("2000-01-01 08:01:00", cfg_path, "receipt", codes[0], "--out", str(receipt))
    assert printed.returncode == 0, printed.stderr
    assert receipt.stat().st_size > 1000
    with Outbox(cfg.outbox_path) as box:
        assert sum(box.counts().values()) == 1  # nothing orphaned, no second copy
        item = box.get(codes[0])
        assert item.meta["clock_suspect"].startswith("2000-01-01")
        # Stamped inside the plausible window, not in 2000: the receipt's signed minute works.
        assert datetime.fromisoformat(item.meta["submitted_at"]).year >= 2026

    check = at("2000-01-01 08:02:00", cfg_path, "check")
    clock_line = next(line for line in check.stdout.splitlines() if " clock " in line)
    assert clock_line.startswith("FAIL") and "2000-01-01" in clock_line

    assert run_kiosk(cfg_path, "sync", "--once").returncode == 0
    assert _delivered_refs(sim) == codes
    assert run_kiosk(cfg_path, "sync", "--once").returncode == 0
    assert len(sim.requests()) == 1


def test_clock_in_2040_then_corrected_delivers_everything_once_and_keeps_data_7_days_not_14_years(kiosk_setup, tmp_path):
    cfg_path, cfg, sim = kiosk_setup
    offline = _offline_twin(cfg_path, tmp_path)
    # Filed in "2040" and delivered then: the worker stamps the confirmation with 2040.
    first = at("2040-06-01 09:00:00", cfg_path, "enqueue", str(_file(cfg, tmp_path, 2, "sent2040")))
    assert first.returncode == 0, first.stderr
    assert at("2040-06-01 09:01:00", cfg_path, "sync", "--once").returncode == 0
    # Filed in "2040" while the network was down: must not wait for 2040 once the clock is right.
    late = at("2040-06-01 10:00:00", offline, "enqueue", str(_file(cfg, tmp_path, 1, "queued2040")))
    assert late.returncode == 0, late.stderr
    check = at("2040-06-01 10:01:00", cfg_path, "check")
    assert next(line for line in check.stdout.splitlines() if " clock " in line).startswith("FAIL")

    # The technician corrects the clock: everything queued goes, once.
    assert run_kiosk(cfg_path, "sync", "--once").returncode == 0
    codes = first.stdout.split() + late.stdout.split()
    assert sorted(_delivered_refs(sim)) == sorted(codes)
    q = json.loads(run_kiosk(cfg_path, "queue", "--json").stdout)
    assert (q["queued"], q["sending"], q["sent"], q["dead"]) == (0, 0, 3, 0)

    # Retention counts from the real confirmation: kept 6 days later, erased 8 days later.
    now = datetime.now(timezone.utc)
    six, eight = (f"{now + timedelta(days=d):%Y-%m-%d %H:%M:%S}" for d in (6, 8))
    assert at(six, offline, "sync", "--once").returncode == 0
    with Outbox(cfg.outbox_path) as box:
        assert all(box.get(c).body for c in codes), "erased too early"
    assert at(eight, offline, "sync", "--once").returncode == 0
    with Outbox(cfg.outbox_path) as box:
        for c in codes:
            item = box.get(c)
            assert item.body is None, "personal data kept past retention (counted from 2040?)"
            assert item.state == "sent" and item.service_request_id
    assert len(sim.requests()) == 3
