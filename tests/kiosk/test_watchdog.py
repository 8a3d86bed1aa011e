"""sd_notify to a real AF_UNIX datagram socket standing in for systemd's NOTIFY_SOCKET."""
from __future__ import annotations

import os
import socket

import pytest

from kiosk import watchdog

pytestmark = pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no AF_UNIX sockets here")


@pytest.fixture
def systemd(tmp_path, monkeypatch):
    """A datagram socket where systemd would listen; yields a function returning the next message."""
    path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(10)
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    yield lambda: sock.recv(4096).decode()
    sock.close()


def test_ready_and_watchdog_reach_systemd(systemd):
    assert watchdog.notify_ready("welcome screen")
    assert systemd() == "READY=1\nSTATUS=welcome screen"
    assert watchdog.notify_watchdog()
    assert systemd() == "WATCHDOG=1"
    assert watchdog.notify_stopping()
    assert systemd() == "STOPPING=1"


def test_abstract_namespace_socket(monkeypatch):
    name = f"pasar-kiosk-test-{os.getpid()}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + name)
    sock.settimeout(10)
    monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
    try:
        assert watchdog.notify_watchdog()
        assert sock.recv(100) == b"WATCHDOG=1"
    finally:
        sock.close()


def test_no_systemd_is_a_quiet_no_op(monkeypatch):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert watchdog.notify_ready() is False
    assert watchdog.notify_watchdog() is False


def test_dead_socket_does_not_raise(tmp_path, monkeypatch):
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "gone.sock"))
    assert watchdog.notify_watchdog() is False


def test_interval_is_half_of_watchdog_sec_for_this_process_only(monkeypatch):
    monkeypatch.setenv("WATCHDOG_USEC", "30000000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    assert watchdog.watchdog_interval_s() == 15.0
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    assert watchdog.watchdog_interval_s() == 15.0
    monkeypatch.setenv("WATCHDOG_PID", str(os.getppid()))  # cage is the main process, the kiosk its child
    assert watchdog.watchdog_interval_s() == 15.0
    monkeypatch.setenv("WATCHDOG_PID", "999999999")  # someone else's watchdog
    assert watchdog.watchdog_interval_s() is None
    monkeypatch.delenv("WATCHDOG_USEC")
    assert watchdog.watchdog_interval_s() is None
