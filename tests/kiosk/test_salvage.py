"""`kiosk salvage`: a real outbox file with garbage written over some of its pages."""
from __future__ import annotations

import json
import os
import sqlite3

import pytest

from kiosk import config as config_mod
from kiosktest import run_kiosk
from offline_queue import Outbox

PAGE = 4096


def _fill(cfg, n: int) -> dict[str, tuple]:
    with Outbox(cfg.outbox_path) as box:
        for i in range(n):
            item = box.enqueue(ref=f"REF{i:04d}", service_code="PSR-KEBERSIHAN",
                               body=f"description=Keluhan+{i}&first_name=Budi&x=" + "y" * 300,
                               meta={"kind": "complaint", "n": i})
            if i % 5 == 0:
                box.mark_dead(item.id, "HTTP 400: bad")
        return {it.ref: (it.key, it.body, it.state) for it in box.items()}


def _leaf_pages(path) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = 'items' AND pagetype = 'leaf' ORDER BY pageno")]
    finally:
        conn.close()


def _garble(path, pages: list[int]) -> None:
    with open(path, "r+b") as fh:
        for p in pages:
            fh.seek((p - 1) * PAGE)
            fh.write(os.urandom(PAGE))


@pytest.fixture
def damaged(tmp_path):
    cfg_path = tmp_path / "k.toml"
    cfg_path.write_text(f'[kiosk]\ndata_dir = "{tmp_path / "data"}"\nspace_reserve_mb = 0\n', encoding="utf-8")
    cfg = config_mod.load(cfg_path)
    original = _fill(cfg, 120)
    leaves = _leaf_pages(cfg.outbox_path)
    assert len(leaves) > 6
    hit = [leaves[2], leaves[len(leaves) // 2]]
    _garble(cfg.outbox_path, hit)
    return cfg_path, cfg, original


def test_check_calls_it_damaged_and_names_salvage(damaged):
    cfg_path, _, _ = damaged
    out = run_kiosk(cfg_path, "check")
    line = next(l for l in out.stdout.splitlines() if " database " in l)
    assert line.startswith("FAIL") and "kiosk salvage" in line


def test_salvage_recovers_every_readable_row_unchanged_and_moves_the_damaged_file_aside(damaged, tmp_path):
    cfg_path, cfg, original = damaged
    out = run_kiosk(cfg_path, "salvage", "--bundle", str(tmp_path / "rescue.bundle"))
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    with Outbox(cfg.outbox_path) as box:
        assert box.integrity_check() == "ok"
        got = {it.ref: (it.key, it.body, it.state) for it in box.items()}
        counts = box.counts()
    # Two leaves lost at most a few rows each; everything else came back byte for byte.
    assert 120 - 2 * 15 <= len(got) < 120
    for ref, row in got.items():
        assert row == original[ref]
    assert sum(counts.values()) == len(got)
    assert f"Recovered {len(got)} submissions" in out.stdout
    assert "could not be read" in out.stderr
    from kiosk.salvage import damaged_copies

    aside = damaged_copies(cfg)
    assert len(aside) == 1 and aside[0].stat().st_size > 0
    # The queue works again: check names the file moved aside, sync can run.
    check = run_kiosk(cfg_path, "check")
    line = next(l for l in check.stdout.splitlines() if " database " in l)
    assert line.startswith("WARN") and aside[0].name in line
    assert json.loads(run_kiosk(cfg_path, "queue", "--json").stdout)["queued"] == counts["queued"]
    assert (tmp_path / "rescue.bundle").exists()


def test_salvage_refuses_while_the_kiosk_sends(damaged):
    cfg_path, cfg, _ = damaged
    from filelock import FileLock

    with FileLock(str(cfg.outbox_path) + ".sender.lock"):
        out = run_kiosk(cfg_path, "salvage")
    assert out.returncode == 1 and "stop it first" in out.stderr
    assert not list(cfg.data_dir.glob("outbox.sqlite3.damaged-*"))
