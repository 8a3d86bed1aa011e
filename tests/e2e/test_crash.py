"""Power cuts, crashes and a stalled server: `kiosk sync` is SIGKILLed at random moments while
it drains submissions into a faulty simulator that also hangs for 30 s, twice.  At the end
every submission is on the server exactly once (counted by the code line at the end of its
description, the only thing a plain Open311 server keeps for us), every outbox row is `sent`
with the server's id, and the outbox is intact.  Run against both simulator profiles: the
`default` one honours Idempotency-Key, the `plain` one (like the real provincial servers)
does not, so there only reconciliation keeps it exactly once."""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from urllib.parse import parse_qsl

import pytest

from kiosktest import form_pairs, kiosk_cmd, run_kiosk, sample_attributes, simple_services, write_config
from kiosk import config as config_mod

N_SUBMISSIONS = 150
N_KILLS = 20
HANG_S = 30.0
HANGS_AT = (2.0, 33.0)  # seconds into the kills: two long stalls, each with kills inside it
FAULTS = {
    "plain": "drop:0.05,500:0.05,slow:0.03:0.3,trickle:0.01:0.2",
    "default": "500:0.1,503:0.05:1,drop:0.1,html:0.05,slow:0.05:0.3",
}


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["plain", "default"])
def test_sigkill_and_hangs_during_sync_lose_nothing_and_send_nothing_twice(
    tmp_path, simulator_factory, kiosk_catalog_file, profile,
):
    sim = simulator_factory(catalog=kiosk_catalog_file, profile=profile, faults=FAULTS[profile], seed=8)
    # A small deadline: a hung server costs the worker one second per attempt, not thirty.
    cfg_path = write_config(tmp_path / "kiosk.toml", tmp_path / "data", sim.base_url,
                            retry_base_s=0.05, retry_cap_s=0.5,
                            extra="")
    text = cfg_path.read_text(encoding="utf-8").replace(
        "timeout_s = 5\n", "timeout_s = 1\nrequest_deadline_s = 1\n").replace("connect_timeout_s = 2", "connect_timeout_s = 1")
    cfg_path.write_text(text, encoding="utf-8")
    cfg = config_mod.load(cfg_path)
    services = simple_services(cfg)
    rng = random.Random(20261202 if profile == "plain" else 20261123)
    chosen = [rng.choice(services) for _ in range(N_SUBMISSIONS)]
    items = [{"service_code": chosen[i].code, "attributes": sample_attributes(chosen[i]),
              "description": f"Laporan {i}: {'ꦥꦱꦂ ' if i % 7 == 0 else ''}got mampet di los {i} 🙏",
              "reporter": {"name": f"Warga {i}", "phone": f"08123{i:07d}"} if i % 3 else {"anonymous": True},
              "location": {"stall": f"C-{i}"}} for i in range(N_SUBMISSIONS)]
    f = tmp_path / "in.json"
    f.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    out = run_kiosk(cfg_path, "enqueue", str(f))
    assert out.returncode == 0, out.stderr
    codes = out.stdout.split()
    assert len(codes) == N_SUBMISSIONS

    timers = [threading.Timer(at, sim.hang, args=(HANG_S,)) for at in HANGS_AT]
    for t in timers:
        t.start()
    kills = 0
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    while kills < N_KILLS:
        proc = subprocess.Popen(kiosk_cmd(cfg_path, "sync"), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=env)
        # Start-up takes part of this: kills land at every phase, hung or not.
        time.sleep(rng.uniform(0.3, 1.2) if kills % 2 else rng.uniform(1.5, 6.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += 1
        if kills == N_KILLS // 2:
            halfway = json.loads(run_kiosk(cfg_path, "queue", "--json").stdout)
    for t in timers:
        t.join()
    # the kills really landed while it was draining, not after it had finished
    assert halfway["queued"] + halfway["sending"] > 0, halfway
    print("halfway through the kills:", {k: halfway[k] for k in ("queued", "sending", "sent", "dead")})

    # Then let one sender finish (faults still fire, the second hang may still be on).
    proc = subprocess.Popen(kiosk_cmd(cfg_path, "sync"), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 300  # a guard against a hang, not a performance assertion
    try:
        while waiting(cfg.outbox_path) and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    q = json.loads(run_kiosk(cfg_path, "queue", "--json").stdout)
    assert (q["sent"], q["dead"], q["sending"], q["queued"]) == (N_SUBMISSIONS, 0, 0, 0), q

    db = sqlite3.connect(cfg.outbox_path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = {ref: (state, srid, body) for ref, state, srid, body in
            db.execute("SELECT ref, state, service_request_id, body FROM items")}
    db.close()

    logs = "".join(p.read_text(encoding="utf-8", errors="replace") for p in (tmp_path / "data" / "logs").glob("*.log*"))
    print("found on the server instead of re-posted:", logs.count("was already on the server"),
          "| unsearchable:", logs.count("cannot be searched"))

    stored = sim.requests()
    by_line = Counter(code_line(r["description"]) for r in stored)
    expected = {c: 1 for c in codes}
    assert {c: n for c, n in by_line.items() if n != 1} == {}, "created twice (or without a code line)"
    assert dict(by_line) == expected
    ids = {code_line(r["description"]): r["service_request_id"] for r in stored}
    for ref, (state, srid, _) in rows.items():
        assert (state, srid) == ("sent", ids[ref]), ref
    if profile == "default":  # this server keeps the whole payload: byte for byte what was stored
        for req in stored:
            ref = req["fields"]["attribute[kiosk_ref]"]
            sent = [(k, v) for k, v in parse_qsl(req["raw_body"], keep_blank_values=True) if k != "api_key"]
            assert sent == parse_qsl(rows[ref][2], keep_blank_values=True), ref


def waiting(outbox_path) -> int:
    """Rows not yet delivered, read the way `kiosk queue` does but without starting Python."""
    db = sqlite3.connect(f"file:{outbox_path}?mode=ro", uri=True, timeout=10)
    try:
        return db.execute("SELECT sum(n) FROM state_counts WHERE state IN ('queued', 'sending', 'awaiting_token')").fetchone()[0]
    finally:
        db.close()


def code_line(description: str | None) -> str | None:
    """The tracking code from the description's last line (``Kode laporan: T1M-ZQAD-7SWP``)."""
    lines = (description or "").splitlines()
    if not lines or not lines[-1].startswith("Kode laporan: "):
        return None
    return lines[-1].split(": ", 1)[1].replace("-", "")

