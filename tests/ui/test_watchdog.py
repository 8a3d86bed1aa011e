"""systemd hears from the GUI thread: READY once the kiosk is up, then watchdog pings that stop
when the event loop stops (a frozen UI gets restarted by deploy/kiosk.service)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys

from PySide6.QtWidgets import QWidget

from ui.app import start_watchdog_pings


def _socket(tmp_path):
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(0.05)
    return sock, path


def _received(sock) -> list[str]:
    out = []
    while True:
        try:
            out.append(sock.recv(4096).decode())
        except (socket.timeout, BlockingIOError):
            return out


def test_gui_thread_pings_the_watchdog(qtbot, tmp_path, monkeypatch):
    sock, path = _socket(tmp_path)
    monkeypatch.setenv("NOTIFY_SOCKET", path)
    monkeypatch.setenv("WATCHDOG_USEC", "200000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    parent = QWidget()
    qtbot.addWidget(parent)
    watch = start_watchdog_pings(parent)
    assert watch.ping_timer is not None and watch.ping_timer.isActive()
    qtbot.wait(450)  # the event loop runs: pings arrive every 100 ms
    got = _received(sock)
    assert any("READY=1" in m for m in got)
    assert sum("WATCHDOG=1" in m for m in got) >= 3
    watch.stop()  # a frozen loop sends nothing more
    qtbot.wait(300)
    assert not any("WATCHDOG=1" in m for m in _received(sock))


def test_installed_app_says_ready_and_stopping(tmp_path):
    sock, path = _socket(tmp_path)
    cfg = tmp_path / "k.toml"
    cfg.write_text(f'[kiosk]\ndata_dir = "{tmp_path / "data"}"\n[server]\nbase_url = "http://127.0.0.1:9/open311/v2"\n')
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "NOTIFY_SOCKET": path}
    done = subprocess.run([sys.executable, "-m", "kiosk", "--config", str(cfg), "run", "--exit-after-start"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-800:]
    got = " ".join(_received(sock))
    assert "READY=1" in got and "STOPPING=1" in got
