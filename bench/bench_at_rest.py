"""Data at rest and damaged disks, each figure beside a bare reference measured in this run.

- ``kiosk salvage`` of a 5,000-row outbox with two table pages overwritten (rows read one by
  one by id, written into a fresh outbox) beside a bare ``INSERT INTO ... SELECT *`` copy of
  the same rows from an intact file. Target: a damaged kiosk's outbox salvaged in seconds.
- Sealing the USB bundle of 2,000 submissions (``export_bundle``: read, signed lines, X25519
  sealed box, fsynced write) beside the same export without the sealing. Target: within 2x.
- One staff PIN attempt (``PinGate.attempt``: counted under a file lock, scrypt, recorded in
  the file and the outbox) beside the bare scrypt check (``verify_pin``). Target: scrypt dominates.
"""
from __future__ import annotations

import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from kiosk import bundle, staff
from kiosk import config as config_mod
from kiosk.salvage import salvage
from offline_queue import Outbox

N_ROWS = 5_000
N_BUNDLE = 2_000
N_PIN = 15
BODY = "service_code=PSR-KEBERSIHAN&description=Sampah+menumpuk+di+lorong+B&first_name=Budi&phone=%2B6281234567890"


def _fill(path: Path, n: int) -> None:
    with Outbox(path) as box:
        with box._write() as conn:  # noqa: SLF001 - one transaction: this is set-up, not the measure
            for i in range(n):
                conn.execute(
                    "INSERT INTO items (ref, key, service_code, body, meta, state, attempts, next_attempt_at, "
                    "created_at, updated_at) VALUES (?, ?, 'PSR-KEBERSIHAN', ?, '{}', 'queued', 0, 0, ?, ?)",
                    (f"REF{i:06d}", f"key-{i}", BODY + "&n=" + str(i), i, i))


def _salvage_rows(tmp: Path) -> list[dict]:
    data = tmp / "data"
    cfg = config_mod.from_dict({"kiosk": {"data_dir": str(data), "space_reserve_mb": 0}})
    _fill(cfg.outbox_path, N_ROWS)
    intact = tmp / "intact.sqlite3"
    _fill(intact, N_ROWS)
    conn = sqlite3.connect(cfg.outbox_path)
    leaves = [r[0] for r in conn.execute("SELECT pageno FROM dbstat WHERE name='items' AND pagetype='leaf'")]
    conn.close()
    with open(cfg.outbox_path, "r+b") as fh:
        for p in (leaves[3], leaves[len(leaves) // 2]):
            fh.seek((p - 1) * 4096)
            fh.write(os.urandom(4096))
    t = time.perf_counter()
    result = salvage(cfg)
    salvage_s = time.perf_counter() - t
    t = time.perf_counter()
    ref = sqlite3.connect(tmp / "copy.sqlite3", isolation_level=None)
    ref.execute("ATTACH ? AS src", (str(intact),))
    ref.execute("BEGIN")
    ref.execute("CREATE TABLE items AS SELECT * FROM src.items")
    ref.execute("COMMIT")
    ref.close()
    copy_s = time.perf_counter() - t
    return [{"name": f"kiosk salvage, {N_ROWS:,} rows, 2 pages garbled ({result.recovered:,} recovered)",
             "value": result.recovered / salvage_s, "unit": "rows/s",
             "reference_name": "bare INSERT ... SELECT of the intact rows", "reference": N_ROWS / copy_s,
             "target": "a kiosk's outbox in seconds"}]


def _bundle_rows(tmp: Path) -> list[dict]:
    cfg = config_mod.from_dict({"kiosk": {"data_dir": str(tmp / "b"), "space_reserve_mb": 0}})
    _fill(cfg.outbox_path, N_BUNDLE)
    with Outbox(cfg.outbox_path) as box:
        t = time.perf_counter()
        signed = bundle.build_bundle(box.items("queued"), cfg)
        bundle._write_private(tmp / "plain.bundle", signed)  # noqa: SLF001 - the same write, unsealed
        plain_s = time.perf_counter() - t
        t = time.perf_counter()
        bundle.export_bundle(tmp / "out.bundle", cfg, outbox=box)
        sealed_s = time.perf_counter() - t
    size = (tmp / "out.bundle").stat().st_size
    return [{"name": f"bundle export, {N_BUNDLE:,} submissions, sealed ({size / 1e6:.1f} MB)",
             "value": sealed_s * 1000, "unit": "ms",
             "reference_name": f"the same export unsealed ({len(signed) / 1e6:.1f} MB)", "reference": plain_s * 1000,
             "target": "within 2x"}]


def _pin_rows(tmp: Path) -> list[dict]:
    import logging

    logging.getLogger("kiosk.staff").setLevel(logging.ERROR)  # a thousand "PIN wrong" lines
    pin_hash = staff.hash_pin("7351")
    box = Outbox(tmp / "pin-outbox.sqlite3")
    gate = staff.PinGate(tmp / "pin.json", pin_hash, tries=10**6, mirror=box)
    gated, bare = [], []
    for i in range(N_PIN):
        t = time.perf_counter()
        gate.attempt("0000" if i % 2 else "7351")
        gated.append(time.perf_counter() - t)
        t = time.perf_counter()
        staff.verify_pin("0000" if i % 2 else "7351", pin_hash)
        bare.append(time.perf_counter() - t)
    box.close()
    return [{"name": "staff PIN attempt (lock, scrypt, file + outbox copy), median", "value": statistics.median(gated) * 1000,
             "unit": "ms", "reference_name": "bare scrypt verify_pin, median", "reference": statistics.median(bare) * 1000,
             "target": "scrypt dominates"}]


def run() -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench-at-rest-") as d:
        tmp = Path(d)
        return _salvage_rows(tmp) + _bundle_rows(tmp) + _pin_rows(tmp)
