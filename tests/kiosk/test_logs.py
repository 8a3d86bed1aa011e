"""Logs: rotating files, one line per event, no secrets and no personal data, `kiosk logs`."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
import logging.handlers

import pytest

from kiosk import config as config_mod
from kiosk import logs
from kiosk.staff import hash_pin

API_KEY = "k3y-Sup3r+Secret/42"
SIGNING = "sign-secret-abcdef-9876"


@pytest.fixture
def cfg(tmp_path):
    return config_mod.from_dict(
        {
            "kiosk": {"data_dir": str(tmp_path / "data")},
            "server": {"api_key": API_KEY},
            "receipt": {"signing_secret": SIGNING},
            "staff": {"pin_hash": hash_pin("2580")},
        }
    )


@pytest.fixture
def logged(cfg):
    """Logging set up into the data dir; removed again after the test."""
    path = logs.setup_logging(cfg)
    yield path
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, logs._MARK, False):
            root.removeHandler(h)
            h.close()


def _text(path) -> str:
    for h in logging.getLogger().handlers:
        h.flush()
    return path.read_text(encoding="utf-8")


LEAKS = [
    # (what is logged, what must not appear in the file)
    ("POST body: service_code=K01&first_name=Budi&last_name=Santoso&phone=081234567890&email=budi%40mail.co.id", ["Budi", "Santoso", "081234567890", "budi"]),
    ("reporter {'name': 'Siti Aminah', 'phone': '+62 812-3456-7890'}", ["Siti", "Aminah", "3456"]),
    ('json {"nik": "3510123456789012", "email": "siti@example.com"}', ["3510123456789012", "siti@example.com"]),
    ("warga menulis: hubungi saya di 0813 3344 5566 atau +6285711223344", ["3344 5566", "85711223344"]),
    ("NIK 3510120101900001 ditolak", ["3510120101900001"]),
    ("mail me: a.b-c+tag@sub.domain.id please", ["a.b-c+tag@sub.domain.id"]),
    (f"GET services.json?api_key={API_KEY}&jurisdiction_id=x", [API_KEY, "k3y-Sup3r%2BSecret"]),
    (f"url-encoded key k3y-Sup3r%2BSecret%2F42 and raw {API_KEY}", ["k3y-Sup3r%2BSecret%2F42", API_KEY]),
    (f"secret leaked {SIGNING}", [SIGNING]),
    ("attribute[nik]=3510120101900001&attribute%5Bnik%5D=3510120101900002", ["3510120101900001", "3510120101900002"]),
]


@pytest.mark.parametrize("message,forbidden", LEAKS)
def test_every_kind_of_secret_and_personal_data_is_redacted(logged, message, forbidden):
    logging.getLogger("kiosk.test").info(message)
    text = _text(logged)
    for bit in forbidden:
        assert bit not in text
    assert "[redacted]" in text


def test_pin_hash_and_arguments_are_redacted(logged, cfg):
    logging.getLogger("kiosk.test").warning("config dump: %s / %r", cfg.staff.pin_hash, {"phone": "087712345678"})
    text = _text(logged)
    assert cfg.staff.pin_hash not in text
    assert cfg.staff.pin_hash.split("$")[-1] not in text
    assert "087712345678" not in text


def test_useful_facts_stay_readable(logged):
    log = logging.getLogger("offline_queue.sync")
    log.info("sent BWI-7K2M-9QXA as request 2024-000123 after 3 attempts (HTTP 201) at 2026-11-23 15:05:01")
    text = _text(logged)
    assert "sent BWI-7K2M-9QXA as request 2024-000123 after 3 attempts (HTTP 201) at 2026-11-23 15:05:01" in text


def test_one_line_per_event_and_traceback_folded_and_redacted(logged):
    log = logging.getLogger("kiosk.core")
    log.info("first line\nINFO fake: forged line")
    try:
        raise ValueError("bad phone 081298765432 for budi@mail.com")
    except ValueError:
        log.exception("submit failed")
    lines = _text(logged).splitlines()
    event_lines = [ln for ln in lines if not ln.startswith("    | ")]
    assert len(event_lines) == 2
    assert event_lines[0].endswith("INFO kiosk.core: first line")
    assert " ERROR kiosk.core: submit failed" in event_lines[1]
    assert any(ln.startswith("    | INFO fake: forged line") for ln in lines)
    assert any("ValueError" in ln for ln in lines)
    text = "\n".join(lines)
    assert "081298765432" not in text and "budi@mail.com" not in text


def test_files_rotate_in_the_log_dir(logged, cfg, monkeypatch):
    handler = next(h for h in logging.getLogger().handlers if getattr(h, logs._MARK, False))
    handler.maxBytes = 2000  # rotate sooner than 1 MB so the test writes little
    for i in range(200):
        logging.getLogger("kiosk.test").info("event number %d with some padding text", i)
    names = sorted(p.name for p in cfg.log_dir.iterdir())
    assert names == ["kiosk.log", "kiosk.log.1", "kiosk.log.2", "kiosk.log.3", "kiosk.log.4", "kiosk.log.5"]
    # --tail reaches back into the rotated files when asked for more than the current one holds
    tail = logs.tail_lines(logged, 60)
    assert len(tail) == 60 and tail[-1].endswith("event number 199 with some padding text")


def test_setup_is_idempotent(cfg, logged):
    logs.setup_logging(cfg)
    ours = [h for h in logging.getLogger().handlers if getattr(h, logs._MARK, False)]
    assert len(ours) == 1
    logging.getLogger("kiosk.test").info("once")
    assert _text(logged).count("once") == 1


def test_unwritable_log_dir_falls_back_to_console(tmp_path, capsys):
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data dir should be")
    cfg = config_mod.from_dict({"kiosk": {"data_dir": str(blocker)}})
    try:
        assert logs.setup_logging(cfg) is None
        logging.getLogger("kiosk.test").warning("still visible 081234567890")
        err = capsys.readouterr().err
        assert "still visible [redacted]" in err
    finally:
        root = logging.getLogger()
        for h in list(root.handlers):
            if getattr(h, logs._MARK, False):
                root.removeHandler(h)


def _kiosk(cfg_path, *args, **kw):
    env = {k: v for k, v in os.environ.items() if k != config_mod.ENV_VAR}
    return subprocess.run([sys.executable, "-m", "kiosk", "--config", str(cfg_path), *args], capture_output=True, text=True, env=env, **kw)


def test_kiosk_logs_tail_prints_last_lines(tmp_path):
    data = tmp_path / "data"
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[kiosk]\ndata_dir = "{data}"\n[server]\napi_key = "{API_KEY}"\n')
    (data / "logs").mkdir(parents=True)
    (data / "logs" / "kiosk.log").write_text("".join(f"line {i} key={API_KEY}\n" for i in range(100)))
    proc = _kiosk(config, "logs", "--tail", "3", timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    # the CLI logs its own start too, so the newest of the three lines may be that one
    assert len(lines) == 3
    assert lines[:2] in ([f"line {i} key=[redacted]" for i in (97, 98)], [f"line {i} key=[redacted]" for i in (98, 99)])
    assert API_KEY not in proc.stdout


def test_follow_sees_new_lines_across_rotation(tmp_path):
    path = tmp_path / "kiosk.log"
    path.write_text("old line\n")
    seen: list[str] = []
    done = threading.Event()
    started = threading.Event()

    def reader():
        gen = logs.follow(path, poll_s=0.01, stop=done.is_set)
        started.set()
        for line in gen:
            seen.append(line)
            if line == "after rotation":
                done.set()

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    started.wait(10)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=10**9, backupCount=2)
    lg = logging.getLogger("follow.test")
    lg.propagate = False
    lg.addHandler(handler)
    lg.setLevel(logging.INFO)
    try:
        # write until the reader has opened the file and seen a line (no fixed sleep)
        for _ in range(2000):
            lg.info("ping")
            if seen:
                break
            time.sleep(0.005)
        lg.info("before rotation")
        handler.doRollover()
        lg.info("after rotation")
        t.join(30)
    finally:
        lg.removeHandler(handler)
        handler.close()
        done.set()
    assert "old line" not in seen  # --follow starts at the end, like tail -f
    assert seen[-2:] == ["before rotation", "after rotation"]
