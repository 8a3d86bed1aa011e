"""SIGTERM is a clean stop, a failed start leaves nothing behind, and a kiosk whose vital signs
are beyond repair stops pinging the systemd watchdog (real subprocesses, real signals)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from offline_queue import Outbox

START_TIMEOUT_S = 90  # a guard against a hung start on a busy machine, not a performance bound


def _notify_socket(tmp_path: Path) -> tuple[socket.socket, str]:
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(0.2)
    return sock, path


def _wait_for(sock: socket.socket, text: str, got: list[str], proc: subprocess.Popen | None = None,
              timeout: float = START_TIMEOUT_S) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if any(text in m for m in got):
            return
        if proc is not None and proc.poll() is not None:
            break
        try:
            got.append(sock.recv(4096).decode())
        except socket.timeout:
            pass
    raise AssertionError(f"{text!r} never arrived; got {got[-5:]}")


def _drain(sock: socket.socket, got: list[str]) -> list[str]:
    while True:
        try:
            got.append(sock.recv(4096).decode())
        except (socket.timeout, BlockingIOError):
            return got


def _alive_mentioning(text: str) -> list[int]:
    """Processes (not zombies) whose command line mentions ``text``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmdline and state != "Z":
            pids.append(int(entry.name))
    return pids


def _config(tmp_path: Path, base_url: str = "http://127.0.0.1:9/open311/v2") -> Path:
    cfg = tmp_path / "k.toml"
    cfg.write_text(f'[kiosk]\ndata_dir = "{tmp_path / "data"}"\n[server]\nbase_url = "{base_url}"\n')
    return cfg


def _kiosk(tmp_path: Path, *args: str, **env: str) -> subprocess.Popen:
    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **env}
    return subprocess.Popen([sys.executable, "-m", "kiosk", "--config", str(_config(tmp_path)), *args],
                            env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(autouse=True)
def _no_kiosk_left(tmp_path):
    yield
    for pid in _alive_mentioning(str(tmp_path)):  # a failed test must not leave its processes running
        os.kill(pid, signal.SIGKILL)


def _finish(proc: subprocess.Popen) -> tuple[int, str]:
    try:
        _out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        _out, err = proc.communicate()
        raise AssertionError(f"did not stop after SIGTERM: {err[-800:]}") from None
    return proc.returncode, err


def test_sigterm_stops_kiosk_run_cleanly(tmp_path):
    sock, path = _notify_socket(tmp_path)
    got: list[str] = []
    proc = _kiosk(tmp_path, "run", "--windowed", NOTIFY_SOCKET=path)
    _wait_for(sock, "READY=1", got, proc)
    proc.send_signal(signal.SIGTERM)
    code, err = _finish(proc)
    assert code == 0, err[-800:]
    assert "Traceback" not in err
    assert any("STOPPING=1" in m for m in _drain(sock, got))
    # The sender lock is free: the next start (or `kiosk sync`) may send at once.
    outbox = Outbox(tmp_path / "data" / "outbox.sqlite3")
    try:
        assert outbox.acquire_sender()
    finally:
        outbox.close()


def test_sigterm_stops_the_demo_and_its_simulator(tmp_path):
    sock, path = _notify_socket(tmp_path)
    got: list[str] = []
    proc = _kiosk(tmp_path, "demo", NOTIFY_SOCKET=path)
    _wait_for(sock, "READY=1", got, proc)
    data_dir = str(tmp_path / "data")
    assert _alive_mentioning(f"{data_dir}/simulator"), "the demo's simulator is not running"
    proc.send_signal(signal.SIGTERM)
    code, err = _finish(proc)
    assert code == 0, err[-800:]
    assert "Traceback" not in err
    assert not _alive_mentioning(data_dir), "a child of the demo survived SIGTERM"


def test_sigterm_while_the_demo_starts_leaves_no_simulator(tmp_path):
    proc = _kiosk(tmp_path, "demo")
    data_dir = str(tmp_path / "data")
    end = time.monotonic() + START_TIMEOUT_S
    while not _alive_mentioning(f"{data_dir}/simulator") and time.monotonic() < end and proc.poll() is None:
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)  # before the window is up
    code, err = _finish(proc)
    assert code == 0, err[-800:]
    assert "Traceback" not in err
    assert not _alive_mentioning(data_dir)


def test_a_demo_that_fails_to_start_leaves_no_simulator(tmp_path):
    """Qt cannot open its display (it aborts the process): the simulator stops by itself."""
    proc = _kiosk(tmp_path, "demo", QT_QPA_PLATFORM="no-such-platform")
    proc.communicate(timeout=START_TIMEOUT_S)
    assert proc.returncode != 0
    data_dir = str(tmp_path / "data")
    end = time.monotonic() + 15
    while _alive_mentioning(data_dir) and time.monotonic() < end:
        time.sleep(0.1)
    assert not _alive_mentioning(data_dir), "the simulator outlived a failed demo start"


_HEALTH_CHILD = textwrap.dedent('''
    import os, resource, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QTimer
    from kiosk.config import Config
    from kiosk.core import KioskCore
    from kiosk import health
    from ui.app import make_application
    from ui.healthwatch import HealthTimer

    app = make_application()
    cfg = Config().replace(kiosk={"data_dir": sys.argv[1]},
                           server={"base_url": "http://127.0.0.1:9/open311/v2"})
    core = KioskCore(cfg, start_sync=False)
    watch = HealthTimer(core, app, check_interval_s=0.1)
    watch.start()
    # A low limit, as on a kiosk whose unit sets LimitNOFILE, then a leak eating it up to 95 %.
    resource.setrlimit(resource.RLIMIT_NOFILE, (health.open_descriptors() + 60, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    leaked = []

    def leak():
        limit = health.descriptor_limit()
        while health.open_descriptors() < int(limit * 0.95):
            leaked.append(open(os.devnull))
        print("exhausted", flush=True)

    QTimer.singleShot(800, leak)
    QTimer.singleShot(4000, app.quit)
    app.exec()
    print("final" if not watch.watch.alive else "alive", flush=True)
''')


def test_descriptor_exhaustion_stops_the_watchdog_pings(tmp_path):
    sock, path = _notify_socket(tmp_path)
    env = {**os.environ, "NOTIFY_SOCKET": path, "WATCHDOG_USEC": "200000"}
    env.pop("WATCHDOG_PID", None)
    proc = subprocess.Popen([sys.executable, "-c", _HEALTH_CHILD, str(tmp_path / "data")], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    got: list[str] = []
    _wait_for(sock, "STATUS=unhealthy", got, proc)
    out, err = proc.communicate(timeout=60)
    _drain(sock, got)
    assert proc.returncode == 0, err[-800:]
    assert "exhausted" in out and "final" in out
    first_bad = next(i for i, m in enumerate(got) if "STATUS=unhealthy" in m)
    assert sum("WATCHDOG=1" in m for m in got[:first_bad]) >= 3, "no pings while healthy"
    assert "descriptors fatal" in got[first_bad]
    assert not any("WATCHDOG=1" in m for m in got[first_bad:]), "pings went on after the verdict"
