"""`kiosk check` as a technician runs it: each fault named on its own FAIL line, exit 1.

Real parts only: the simulator, a real closed port, a tiny 127.0.0.1 server with a skewed
``Date`` header, garbage bytes in the outbox file, a 1 MB tmpfs for a full disk, CUPS with a
queue that does not exist.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from kiosktest import kiosk_catalog_file, kiosk_setup, run_kiosk, sample_attributes, simple_services, write_config  # noqa: F401

from kiosk import selftest


def _check(cfg_path: Path) -> tuple[int, dict[str, tuple[str, str]], str]:
    """Run `kiosk check` twice (text and --json); (exit code, {name: (status, detail)}, text)."""
    text = run_kiosk(cfg_path, "check")
    js = run_kiosk(cfg_path, "check", "--json")
    assert text.returncode == js.returncode, (text.stdout, js.stdout)
    data = json.loads(js.stdout)
    assert set(data) == {"ok", "checks"} and data["ok"] == (js.returncode == 0)
    assert "Traceback" not in text.stderr + js.stderr
    return js.returncode, {c["name"]: (c["status"], c["detail"]) for c in data["checks"]}, text.stdout


def _enqueue_one(cfg_path: Path, cfg, tmp_path: Path) -> None:
    service = simple_services(cfg)[0]
    f = tmp_path / "one.json"
    f.write_text(json.dumps({"service_code": service.code, "attributes": sample_attributes(service),
                             "description": "Lampu los padam", "reporter": {"anonymous": True}}), encoding="utf-8")
    out = run_kiosk(cfg_path, "enqueue", str(f))
    assert out.returncode == 0, out.stderr


def test_healthy_kiosk_passes_with_exit_0(kiosk_setup, tmp_path):
    cfg_path, cfg, _ = kiosk_setup
    _enqueue_one(cfg_path, cfg, tmp_path)
    assert run_kiosk(cfg_path, "sync", "--once").returncode == 0
    rc, checks, text = _check(cfg_path)
    assert rc == 0, text
    for name in ("config", "database", "disk", "printer", "server", "clock"):
        assert checks[name][0] == "OK", (name, checks[name])
    assert "key accepted at the last delivery" in checks["server"][1]
    assert "all essential checks passed" in text
    # every line starts with its status, readable at a glance
    assert all(line.split()[0] in ("OK", "WARN", "FAIL", "kiosk") for line in text.splitlines())


def test_unverified_key_is_a_warning_not_a_pass(kiosk_setup):
    cfg_path, _, _ = kiosk_setup
    rc, checks, _ = _check(cfg_path)
    assert rc == 0
    assert checks["server"][0] == "WARN" and "key not verified" in checks["server"][1]
    assert checks["database"][0] == "WARN"  # no outbox yet on a fresh install


def test_no_printer_cups_queue_missing(kiosk_setup, tmp_path):
    _, _, sim = kiosk_setup
    cfg_path = write_config(tmp_path / "cups.toml", tmp_path / "data", sim.base_url,
                            extra='name = "NoSuchQueue-kiosk-test"').read_text().replace('backend = "file"', 'backend = "cups"')
    (tmp_path / "cups.toml").write_text(cfg_path)
    rc, checks, text = _check(tmp_path / "cups.toml")
    assert rc == 1
    status, detail = checks["printer"]
    assert status == "FAIL" and "NoSuchQueue-kiosk-test" in detail
    assert "FAIL  printer" in text


def test_server_down(tmp_path):
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cfg_path = write_config(tmp_path / "k.toml", tmp_path / "data", f"http://127.0.0.1:{port}/open311/v2")
    rc, checks, _ = _check(cfg_path)
    assert rc == 1
    assert checks["server"][0] == "FAIL" and "cannot reach" in checks["server"][1]
    assert checks["clock"][0] == "WARN"  # cannot compare, but not a fault of the clock


def test_server_that_never_answers_does_not_hang_the_check(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)  # accepts connections into the backlog, never answers
    try:
        port = listener.getsockname()[1]
        cfg_path = write_config(tmp_path / "k.toml", tmp_path / "data", f"http://127.0.0.1:{port}/open311/v2")
        cfg_path.write_text(cfg_path.read_text().replace("timeout_s = 5", "timeout_s = 1"))
        out = run_kiosk(cfg_path, "check", "--only", "server", timeout=60)
        assert out.returncode == 1
        assert "FAIL  server" in out.stdout
    finally:
        listener.close()


def test_wrong_key_refused_by_the_server(tmp_path, simulator_factory, kiosk_catalog_file):
    sim = simulator_factory(catalog=kiosk_catalog_file)
    cfg_path = write_config(tmp_path / "k.toml", tmp_path / "data", sim.base_url, api_key="wrong-key")
    from kiosk import config as config_mod

    _enqueue_one(cfg_path, config_mod.load(cfg_path), tmp_path)
    run_kiosk(cfg_path, "sync", "--once")  # the first real POST meets the 403 and pauses the queue
    rc, checks, text = _check(cfg_path)
    assert rc == 1
    status, detail = checks["server"]
    assert status == "FAIL" and "refused this kiosk's key" in detail
    assert "wrong-key" not in text


class _SkewedHandler(BaseHTTPRequestHandler):
    """An Open311 services endpoint whose clock is two hours ahead."""

    skew = timedelta(hours=2)

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def date_time_string(self, timestamp=None) -> str:  # noqa: ARG002 - stdlib signature
        return format_datetime(datetime.now(timezone.utc) + self.skew, usegmt=True)

    def do_GET(self) -> None:  # noqa: N802
        body = b'[{"service_code":"X-01","service_name":"Lampu","type":"realtime","metadata":false}]'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # the Date probe hangs up without reading the body: not an error here


@pytest.fixture
def skewed_server():
    server = _QuietServer(("127.0.0.1", 0), _SkewedHandler)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/open311/v2"
    server.shutdown()
    server.server_close()


def test_skewed_clock_prints_both_times(tmp_path, skewed_server):
    cfg_path = write_config(tmp_path / "k.toml", tmp_path / "data", skewed_server)
    rc, checks, _ = _check(cfg_path)
    assert rc == 1
    status, detail = checks["clock"]
    assert status == "FAIL" and "behind the server" in detail
    assert "kiosk " in detail and "server " in detail and "120 min" in detail
    assert checks["server"][0] != "FAIL"


def test_dead_clock_battery_caught_without_a_server():
    ctx = selftest._Context()
    cfg = None
    got = selftest.check_clock(cfg, ctx, now=lambda: datetime(2000, 1, 1, tzinfo=timezone.utc))
    assert got[0].status == "FAIL" and "2000-01-01" in got[0].detail


def test_corrupt_database(kiosk_setup, tmp_path):
    cfg_path, cfg, _ = kiosk_setup
    _enqueue_one(cfg_path, cfg, tmp_path)
    path = cfg.outbox_path
    for extra in ("-wal", "-shm"):
        Path(str(path) + extra).unlink(missing_ok=True)
    data = bytearray(path.read_bytes())
    data[0:4096] = os.urandom(4096)  # garbage over the header page
    path.write_bytes(bytes(data))
    rc, checks, text = _check(cfg_path)
    assert rc == 1
    status, detail = checks["database"]
    assert status == "FAIL" and "damaged" in detail
    assert "FAIL  database" in text


@pytest.fixture
def tiny_disk(small_tmpfs):
    """A real 1 MB filesystem (tmpfs)."""
    return small_tmpfs("1m")


def test_full_disk(kiosk_setup, tmp_path, tiny_disk):
    _, _, sim = kiosk_setup
    data = tiny_disk / "data"
    cfg_path = write_config(tmp_path / "k.toml", data, sim.base_url)
    data.mkdir()
    with open(tiny_disk / "filler", "wb") as fh:  # fill the disk to the last byte
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass
    rc, checks, text = _check(cfg_path)
    assert rc == 1
    status, detail = checks["disk"]
    assert status == "FAIL" and str(data) in detail
    assert "FAIL  disk" in text


def test_a_check_that_hangs_becomes_a_fail_line():
    def hangs(cfg, ctx):
        threading.Event().wait()

    got = selftest._guarded("printer", hangs, None, selftest._Context(), timeout_s=0.2)
    assert got[0].status == "FAIL" and "no answer within" in got[0].detail


def test_a_check_that_crashes_becomes_a_fail_line():
    def crashes(cfg, ctx):
        raise RuntimeError("driver exploded")

    got = selftest._guarded("printer", crashes, None, selftest._Context(), timeout_s=5)
    assert got == [selftest.Check("printer", "FAIL", "check failed: RuntimeError: driver exploded")]


def test_an_empty_key_fails_and_plain_http_to_a_remote_host_warns():
    from kiosk import config as config_mod

    cfg = config_mod.from_dict({}).replace(server={"api_key": "", "base_url": "http://lapor.jatimprov.go.id/open311/v2"})
    checks = {c.name: c for c in selftest.check_config(cfg, selftest._Context())}
    assert checks["secrets"].status == "FAIL" and "server.api_key" in checks["secrets"].detail
    assert checks["transport"].status == "WARN" and "http://" in checks["transport"].detail
    local = config_mod.from_dict({})  # the demo simulator on 127.0.0.1: no warning
    assert "transport" not in {c.name for c in selftest.check_config(local, selftest._Context())}


def test_cli_refuses_an_empty_key_naming_it(tmp_path):
    p = tmp_path / "kiosk.toml"
    p.write_text('[server]\napi_key = ""\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kiosk", "--config", str(p), "check"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "server.api_key" in proc.stderr and "Traceback" not in proc.stderr
