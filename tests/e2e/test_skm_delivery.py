"""Survey responses reach the province through the outbox when ``skm.service_code`` is set:
`kiosk skm add`, then `kiosk sync` killed with SIGKILL again and again against a faulty
simulator; at the end every response is on the server exactly once, and none carries a name,
a phone, a NIK or a time of day."""
from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import time
from datetime import date, timedelta

import pytest

from kiosktest import form_pairs, kiosk_cmd, run_kiosk, write_config

N_RESPONSES = 40
N_KILLS = 12
SKM_SERVICE = {"service_code": "SKM-01", "service_name": "Survei Kepuasan Masyarakat",
               "description": "Survei kepuasan masyarakat (PermenPAN-RB 14/2017)", "metadata": False,
               "type": "realtime", "keywords": "skm,survei", "group": "Umum"}


@pytest.fixture
def skm_catalog(kiosk_catalog_file):
    data = json.loads(kiosk_catalog_file.read_text(encoding="utf-8"))
    data["services"].append(SKM_SERVICE)
    kiosk_catalog_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return kiosk_catalog_file


def responses(n: int, rng: random.Random) -> list[dict]:
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    return [{"answers": {f"u{i}": rng.randint(1, 4) for i in range(1, 10)},
             "respondent": {"age": rng.randint(17, 80), "gender": rng.choice("LP")},
             "suggestion": f"Saran {k}: toilet bersih, hubungi 0812{k:08d}" if k % 3 == 0 else "",
             "language": rng.choice(["id", "jv", "en"]), "date": yesterday} for k in range(n)]


def test_local_only_without_service_code(tmp_path, simulator_factory, skm_catalog):
    sim = simulator_factory(catalog=skm_catalog)
    cfg_path = write_config(tmp_path / "kiosk.toml", tmp_path / "data", sim.base_url)
    f = tmp_path / "skm.json"
    f.write_text(json.dumps(responses(3, random.Random(1))), encoding="utf-8")
    assert run_kiosk(cfg_path, "skm", "add", str(f)).returncode == 0
    assert run_kiosk(cfg_path, "sync", "--once").returncode == 0
    assert sim.requests() == []
    report = json.loads(run_kiosk(cfg_path, "skm", "report", "--json").stdout)
    assert report["respondents"] == 3 and set(report["nrr"]) == {f"u{i}" for i in range(1, 10)}
    assert report["mutu"] in "ABCD" and isinstance(report["ikm"], float)


def test_bad_file_stores_nothing_and_names_the_element(tmp_path, simulator_factory, skm_catalog):
    sim = simulator_factory(catalog=skm_catalog)
    cfg_path = write_config(tmp_path / "kiosk.toml", tmp_path / "data", sim.base_url)
    items = responses(3, random.Random(2))
    items[2]["answers"]["u6"] = 5
    f = tmp_path / "skm.json"
    f.write_text(json.dumps(items), encoding="utf-8")
    out = run_kiosk(cfg_path, "skm", "add", str(f))
    assert out.returncode == 1
    assert "item 2: answers.u6" in out.stderr and "Traceback" not in out.stderr
    del items[2]["answers"]["u6"]
    f.write_text(json.dumps(items), encoding="utf-8")
    out = run_kiosk(cfg_path, "skm", "add", str(f))
    assert out.returncode == 1 and "item 2: answers.u6" in out.stderr
    assert json.loads(run_kiosk(cfg_path, "skm", "report", "--json").stdout)["respondents"] == 0


FAULTS = {"default": "500:0.1,drop:0.1,slow:0.3:0.4",
          "plain": "drop:0.1,500:0.05,slow:0.3:0.4,trickle:0.02:0.2"}


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["plain", "default"])
def test_delivered_exactly_once_through_sigkills(tmp_path, simulator_factory, skm_catalog, profile):
    """Against both profiles: the ``plain`` one (like the real servers) ignores Idempotency-Key
    and keeps no attributes, so there the response's code line in the description is all that
    tells a retry from a new response, and it is what is counted here."""
    sim = simulator_factory(catalog=skm_catalog, profile=profile, faults=FAULTS[profile])
    cfg_path = write_config(tmp_path / "kiosk.toml", tmp_path / "data", sim.base_url,
                            retry_base_s=0.02, retry_cap_s=0.3, extra='[skm]\nservice_code = "SKM-01"\n')
    rng = random.Random(20261202)
    f = tmp_path / "skm.json"
    f.write_text(json.dumps(responses(N_RESPONSES, rng), ensure_ascii=False), encoding="utf-8")
    out = run_kiosk(cfg_path, "skm", "add", str(f))
    assert out.returncode == 0, out.stderr

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    mid_drain = 0
    for _ in range(N_KILLS):
        proc = subprocess.Popen(kiosk_cmd(cfg_path, "sync"), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=env)
        # Kill once it is delivering (start-up time depends on the machine's load), at a
        # random moment of the drain.
        seen, end = len(sim.requests()), time.monotonic() + 60
        while len(sim.requests()) == seen and seen < N_RESPONSES and time.monotonic() < end and proc.poll() is None:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        mid_drain += 0 < len(sim.requests()) < N_RESPONSES
    assert mid_drain > 0  # the kills really landed while it was delivering
    print("kills that landed mid-delivery:", mid_drain, "of", N_KILLS)
    for _ in range(100):
        run_kiosk(cfg_path, "sync", "--once")
        q = json.loads(run_kiosk(cfg_path, "queue", "--json").stdout)
        if q["sent"] == N_RESPONSES and q["queued"] == q["sending"] == 0:
            break
        time.sleep(0.3)
    assert (q["sent"], q["dead"], q["queued"]) == (N_RESPONSES, 0, 0), q

    db = sqlite3.connect(tmp_path / "data" / "skm.sqlite3")
    refs = {r for (r,) in db.execute("SELECT ref FROM skm_responses")}
    assert db.execute("SELECT count(*) FROM skm_responses WHERE released = 0").fetchone()[0] == 0
    db.close()
    server: dict[str, dict] = {}
    for req in sim.requests():
        fields = dict(form_pairs(req))
        assert str(req["service_code"]) == fields["service_code"] == "SKM-01"
        ref = re.search(r"^Kode laporan: (\S+)$", fields["description"], re.M).group(1)
        if profile == "default":
            assert fields["attribute[kiosk_ref]"] == ref
        assert ref not in server, f"{ref} created twice on the server"
        server[ref] = fields
        for key in ("first_name", "last_name", "phone", "email", "attribute[nik]", "attribute[client_datetime]"):
            assert key not in fields
        assert not re.search(r"\d{8,}", fields["description"].replace(ref, "")), fields["description"]
        assert re.search(r"^U5 .*: [1-4]$", fields["description"], re.M)  # what a plain server keeps
    assert set(server) == refs and len(refs) == N_RESPONSES
    # the local report still counts them all
    report = json.loads(run_kiosk(cfg_path, "skm", "report", "--json").stdout)
    assert report["respondents"] == N_RESPONSES
