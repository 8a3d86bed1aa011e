"""Power cuts and crashes: `kiosk sync` is killed with SIGKILL at random moments while it drains
a few hundred submissions into a faulty simulator.  At the end every submission is on the
server exactly once, with the payload stored at enqueue, and the outbox is intact."""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import time
from urllib.parse import parse_qsl

import pytest

from kiosktest import form_pairs, kiosk_cmd, run_kiosk, sample_attributes, simple_services, write_config
from kiosk import config as config_mod

N_SUBMISSIONS = 300
N_KILLS = 50


@pytest.mark.slow
def test_sigkill_during_sync_loses_nothing_and_sends_nothing_twice(tmp_path, simulator_factory, kiosk_catalog_file):
    sim = simulator_factory(catalog=kiosk_catalog_file,
                            faults="500:0.1,503:0.05:1,drop:0.1,html:0.05,slow:0.05:0.3")
    cfg_path = write_config(tmp_path / "kiosk.toml", tmp_path / "data", sim.base_url,
                            retry_base_s=0.02, retry_cap_s=0.3)
    cfg = config_mod.load(cfg_path)
    services = simple_services(cfg)
    rng = random.Random(20261123)
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

    kills = 0
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    while kills < N_KILLS:
        proc = subprocess.Popen(kiosk_cmd(cfg_path, "sync"), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=env)
        time.sleep(rng.uniform(0.2, 1.2))  # start-up takes part of this: kills land at every phase
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += 1
        if kills == N_KILLS // 2:
            halfway = json.loads(run_kiosk(cfg_path, "queue", "--json").stdout)
    # the kills really landed while it was draining, not after it had finished
    assert halfway["queued"] + halfway["sending"] > 0, halfway
    print("halfway through the kills:", halfway)

    for _ in range(200):  # then let it finish; faults still fire, retries wait a little
        run_kiosk(cfg_path, "sync", "--once")
        q = json.loads(run_kiosk(cfg_path, "queue", "--json").stdout)
        if q["queued"] == q["sending"] == q["awaiting_token"] == 0:
            break
        time.sleep(0.3)
    assert (q["sent"], q["dead"]) == (N_SUBMISSIONS, 0), q

    db = sqlite3.connect(cfg.outbox_path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored_bodies = dict(db.execute("SELECT ref, body FROM items"))
    db.close()

    server = {}
    for req in sim.requests():
        fields = dict(form_pairs(req))
        ref = fields["attribute[kiosk_ref]"]
        assert ref not in server, f"{ref} created twice on the server"
        server[ref] = req
    assert sorted(server) == sorted(codes)
    for ref, req in server.items():
        sent = [(k, v) for k, v in form_pairs(req) if k != "api_key"]
        assert sent == parse_qsl(stored_bodies[ref], keep_blank_values=True), ref

