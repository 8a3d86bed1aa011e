"""The technician's command line against a real simulator: enqueue, sync, queue."""
from __future__ import annotations

import json
from urllib.parse import parse_qsl

from kiosktest import run_kiosk, sample_attributes, simple_services, write_config


def submissions(cfg, n: int) -> list[dict]:
    service = simple_services(cfg)[0]
    return [{"service_code": service.code, "attributes": sample_attributes(service), "description": f"Keluhan nomor {i}: lampu los mati",
             "reporter": {"name": "Budi Santoso", "phone": "0812-3456-7890"} if i % 2 else {"anonymous": True},
             "location": {"stall": f"A-{i}"}, "language": "id"} for i in range(n)]


def test_enqueue_prints_only_codes_in_order_then_sync_delivers_once(kiosk_setup, tmp_path):
    cfg_path, cfg, sim = kiosk_setup
    f = tmp_path / "in.json"
    f.write_text(json.dumps(submissions(cfg, 5)), encoding="utf-8")
    out = run_kiosk(cfg_path, "enqueue", str(f))
    assert out.returncode == 0, out.stderr
    codes = out.stdout.split()
    assert len(codes) == 5 and len(set(codes)) == 5
    assert out.stdout == "".join(c + "\n" for c in codes)

    q = json.loads(run_kiosk(cfg_path, "queue", "--json").stdout)
    assert q["queued"] == 5 and q["sent"] == 0 and q["paused"] is False

    assert run_kiosk(cfg_path, "sync", "--once").returncode == 0
    q = json.loads(run_kiosk(cfg_path, "queue", "--json").stdout)
    assert (q["queued"], q["sent"], q["dead"]) == (0, 5, 0)

    stored = sim.requests()
    refs = [dict(parse_qsl_form(r))["attribute[kiosk_ref]"] for r in stored]
    assert sorted(refs) == sorted(codes)
    # a second sync sends nothing again
    run_kiosk(cfg_path, "sync", "--once")
    assert len(sim.requests()) == 5


def parse_qsl_form(stored: dict) -> list[tuple[str, str]]:
    fields = stored.get("fields") or stored.get("form") or {}
    if isinstance(fields, dict):
        return [(k, v if isinstance(v, str) else v[0]) for k, v in fields.items()]
    return list(fields)


def test_enqueue_refuses_a_file_with_one_bad_submission_and_queues_nothing(kiosk_setup, tmp_path):
    cfg_path, cfg, _ = kiosk_setup
    items = submissions(cfg, 2)
    items[1]["reporter"] = {"name": "Ani", "phone": "12345"}
    f = tmp_path / "in.json"
    f.write_text(json.dumps(items), encoding="utf-8")
    out = run_kiosk(cfg_path, "enqueue", str(f))
    assert out.returncode == 1
    assert out.stdout == ""
    assert "item 1" in out.stderr and "reporter.phone" in out.stderr
    assert "Traceback" not in out.stderr
    assert json.loads(run_kiosk(cfg_path, "queue", "--json").stdout)["queued"] == 0


def test_enqueue_names_a_malformed_field(kiosk_setup, tmp_path):
    cfg_path, _, _ = kiosk_setup
    f = tmp_path / "in.json"
    f.write_text(json.dumps({"description": "tanpa layanan"}), encoding="utf-8")
    out = run_kiosk(cfg_path, "enqueue", str(f))
    assert out.returncode == 2 and "service_code" in out.stderr and out.stdout == ""


def test_bad_key_pauses_the_queue_and_sync_says_so(tmp_path, simulator_factory, kiosk_catalog_file):
    sim = simulator_factory(catalog=kiosk_catalog_file)
    cfg_path = write_config(tmp_path / "k.toml", tmp_path / "data", sim.base_url, api_key="wrong-key")
    from kiosk import config as config_mod

    cfg = config_mod.load(cfg_path)
    f = tmp_path / "in.json"
    f.write_text(json.dumps(submissions(cfg, 2)), encoding="utf-8")
    assert run_kiosk(cfg_path, "enqueue", str(f)).returncode == 0
    out = run_kiosk(cfg_path, "sync", "--once")
    assert out.returncode == 1 and "paused" in out.stderr
    q = json.loads(run_kiosk(cfg_path, "queue", "--json").stdout)
    assert q["paused"] is True and q["queued"] == 2 and q["dead"] == 0
    assert sim.requests() == []

    # the technician fixes the key: the same items go out, once
    write_config(cfg_path, tmp_path / "data", sim.base_url)
    assert run_kiosk(cfg_path, "sync", "--once").returncode == 0
    q = json.loads(run_kiosk(cfg_path, "queue", "--json").stdout)
    assert q["sent"] == 2 and q["paused"] is False
    assert len(sim.requests()) == 2


def test_unknown_service_goes_dead_with_the_server_reason(tmp_path, simulator_factory, kiosk_catalog_file):
    """The server does not know the kiosk's service: refresh the catalog, then dead for staff."""
    from kiosk import config as config_mod

    sim = simulator_factory()  # the simulator's own catalog, without the kiosk's codes
    cfg_path = write_config(tmp_path / "k.toml", tmp_path / "data", sim.base_url)
    cfg = config_mod.load(cfg_path)
    f = tmp_path / "in.json"
    f.write_text(json.dumps(submissions(cfg, 1)), encoding="utf-8")
    code = run_kiosk(cfg_path, "enqueue", str(f)).stdout.strip()
    run_kiosk(cfg_path, "sync", "--once")
    q = json.loads(run_kiosk(cfg_path, "queue", "--json").stdout)
    assert q["dead"] == 1 and q["queued"] == 0
    assert q["dead_items"][0]["code"] == code and q["dead_items"][0]["reason"]
    text = run_kiosk(cfg_path, "queue").stdout
    assert "dead" in text and q["dead_items"][0]["reason"][:20] in text


def test_sync_leaves_the_outbox_to_the_running_app(kiosk_setup, tmp_path):
    """While the app sends, a technician's `kiosk sync` does nothing rather than race it."""
    from offline_queue import Outbox

    cfg_path, cfg, sim = kiosk_setup
    f = tmp_path / "in.json"
    f.write_text(json.dumps(submissions(cfg, 2)), encoding="utf-8")
    assert run_kiosk(cfg_path, "enqueue", str(f)).returncode == 0
    app = Outbox(cfg.outbox_path)
    assert app.acquire_sender()
    out = run_kiosk(cfg_path, "sync", "--once")
    assert out.returncode == 0 and "another process" in out.stderr
    assert sim.requests() == []
    app.close()
    assert run_kiosk(cfg_path, "sync", "--once").returncode == 0
    assert len(sim.requests()) == 2


def test_queue_says_why_items_wait_in_plain_words(kiosk_setup, tmp_path):
    cfg_path, cfg, sim = kiosk_setup
    f = tmp_path / "in.json"
    f.write_text(json.dumps(submissions(cfg, 2)), encoding="utf-8")
    codes = run_kiosk(cfg_path, "enqueue", str(f)).stdout.split()
    sim.set_faults("503:1:60")
    run_kiosk(cfg_path, "sync", "--once")
    q = json.loads(run_kiosk(cfg_path, "queue", "--json").stdout)
    waiting = {w["code"]: w for w in q["waiting_items"]}
    assert set(waiting) == set(codes)
    tried = [w for w in waiting.values() if w["attempts"]]
    assert tried and tried[0]["reason"] == "HTTP 503: Service Unavailable"  # words, not JSON
    text = run_kiosk(cfg_path, "queue").stdout
    assert "waiting" in text and "HTTP 503: Service Unavailable" in text and "[{" not in text


def test_staff_requeue_all_dead_items_of_one_reason(kiosk_setup, tmp_path):
    from kiosk.core import KioskCore

    cfg_path, cfg, sim = kiosk_setup
    f = tmp_path / "in.json"
    f.write_text(json.dumps(submissions(cfg, 3)), encoding="utf-8")
    run_kiosk(cfg_path, "enqueue", str(f))
    sim.set_faults("error200:1")  # the server says no, three times, in 200 answers
    with KioskCore(cfg, start_sync=False) as core:
        core.worker.drain()
        assert core.outbox.counts()["dead"] == 3 and core.outbox.counts()["sent"] == 0
        [(reason, n)] = core.dead_reasons()
        assert n == 3 and "service_code is not valid" in reason
        sim.set_faults(None)  # the province fixed its side
        assert core.requeue_reason(reason) == 3
        core.worker.drain()
        assert core.outbox.counts()["sent"] == 3
    assert len(sim.requests()) == 3


def test_sync_once_against_a_trickling_server_returns_within_its_deadline(kiosk_setup, tmp_path):
    cfg_path, cfg, sim = kiosk_setup
    text = cfg_path.read_text(encoding="utf-8").replace("timeout_s = 5\n", "timeout_s = 5\nrequest_deadline_s = 2\n")
    cfg_path.write_text(text, encoding="utf-8")
    f = tmp_path / "in.json"
    f.write_text(json.dumps(submissions(cfg, 3)), encoding="utf-8")
    run_kiosk(cfg_path, "enqueue", str(f))
    sim.set_faults("trickle:1:1")  # one byte a second: each gap is short, the whole answer takes minutes
    out = run_kiosk(cfg_path, "sync", "--once", timeout=60)  # the timeout is a guard: it would hang before
    assert out.returncode == 0, out.stderr
    q = json.loads(run_kiosk(cfg_path, "queue", "--json").stdout)
    assert q["queued"] == 3 and q["sending"] == 0  # one attempt cut at 2 s, the queue waits
    assert "within 2 s" in q["waiting_items"][0]["reason"] + "".join(w["reason"] for w in q["waiting_items"])
