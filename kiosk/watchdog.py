"""systemd readiness and watchdog pings (``sd_notify``), a no-op where there is no systemd.

``deploy/kiosk.service`` runs the app with ``Type=notify`` and ``WatchdogSec=30``.  The UI
calls :func:`notify_ready` once the welcome screen is shown and :func:`notify_watchdog`
from a ``QTimer`` on the GUI thread every :func:`watchdog_interval_s` seconds.  The ping
comes from the GUI thread on purpose: if the event loop freezes (a dead-locked slot, a
blocking call that should have been in a worker), the pings stop and systemd restarts
the kiosk instead of leaving a frozen screen in the market.

The protocol is one datagram on the ``AF_UNIX`` socket named by ``$NOTIFY_SOCKET`` (a leading
``@`` means the abstract namespace); writing it here keeps the kiosk free of a dependency
that only matters on Linux.  On Windows, or when not started by systemd, every call returns
False and does nothing.
"""
from __future__ import annotations

import logging
import os
import socket

log = logging.getLogger("kiosk.watchdog")

_warned = False


def notify(state: str) -> bool:
    """Send ``state`` (e.g. ``"READY=1"``) to systemd; False when there is no systemd to tell."""
    global _warned
    address = os.environ.get("NOTIFY_SOCKET")
    if not address or not hasattr(socket, "AF_UNIX"):
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | getattr(socket, "SOCK_CLOEXEC", 0)) as sock:
            sock.connect(address)
            sock.sendall(state.encode("utf-8"))
        return True
    except OSError as exc:
        if not _warned:  # once: a watchdog that cannot be reached is worth one line, not thousands
            log.warning("cannot notify systemd at NOTIFY_SOCKET (%s)", exc.strerror or exc)
            _warned = True
        return False


def notify_ready(status: str = "") -> bool:
    """Tell systemd the kiosk is up (the welcome screen is showing)."""
    return notify("READY=1" + (f"\nSTATUS={status}" if status else ""))


def notify_watchdog() -> bool:
    """The liveness ping; call it from the GUI thread's event loop, never from a worker."""
    return notify("WATCHDOG=1")


def notify_status(status: str) -> bool:
    """A one-line status shown by ``systemctl status kiosk`` (no personal data)."""
    return notify(f"STATUS={status}")


def notify_stopping() -> bool:
    """Tell systemd a clean shutdown has begun, so it does not count it as a crash."""
    return notify("STOPPING=1")


def watchdog_interval_s() -> float | None:
    """How often to ping: half of ``WatchdogSec`` (from ``$WATCHDOG_USEC``), or None when no watchdog is set.

    ``$WATCHDOG_PID``, when present, must be this process or its parent: under cage
    (deploy/kiosk.service) the compositor is the service's main process and the kiosk its
    child, which may ping because the unit sets ``NotifyAccess=all``.  A grandchild (e.g. a
    helper the kiosk starts) inherits the variables but must not ping on the app's behalf.
    """
    usec = os.environ.get("WATCHDOG_USEC")
    pid = os.environ.get("WATCHDOG_PID")
    if not usec:
        return None
    if pid and pid.isdigit() and int(pid) not in (os.getpid(), os.getppid()):
        return None
    try:
        value = int(usec)
    except ValueError:
        return None
    return value / 2_000_000 if value > 0 else None
