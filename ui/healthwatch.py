"""The health watch on the GUI thread: vital signs on a timer, watchdog pings while alive.

The checks live in kiosk/health.py (no Qt).  Here two QTimers on the GUI thread: one pings
the systemd watchdog (so a frozen event loop stops the pings, as before), one checks the
vital signs.  Once a sign is beyond repair (kiosk.health.HealthWatch's verdict is final),
staff read it in the status bar, systemd's status line says it, and the pings stop: systemd
restarts the kiosk within ``WatchdogSec``.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk import health, watchdog

log = logging.getLogger(__name__)

CHECK_INTERVAL_S = 30.0


class HealthTimer(QObject):
    """Emits ``changed(verdict)`` after each check; pings the watchdog until the verdict is final."""

    changed = Signal(object)

    def __init__(self, core: Any, parent: QObject | None = None, *,
                 check_interval_s: float = CHECK_INTERVAL_S,
                 limits: health.Limits | None = None,
                 probe: Callable[[], list[health.Sign]] | None = None) -> None:
        super().__init__(parent)
        limits = limits or health.Limits()
        self.watch = health.HealthWatch(
            probe or (lambda: health.check(core.outbox, core.cfg.data_dir, limits)), strikes=limits.strikes)
        self.check_timer = QTimer(self)
        self.check_timer.setInterval(max(50, int(check_interval_s * 1000)))
        self.check_timer.timeout.connect(self.check)
        self.ping_timer: QTimer | None = None
        interval = watchdog.watchdog_interval_s()
        if interval:
            self.ping_timer = QTimer(self)
            self.ping_timer.setInterval(max(100, int(interval * 1000)))
            self.ping_timer.timeout.connect(self.ping)

    def start(self) -> None:
        self.check_timer.start()
        if self.ping_timer is not None:
            self.ping_timer.start()
            self.ping()

    def stop(self) -> None:
        self.check_timer.stop()
        if self.ping_timer is not None:
            self.ping_timer.stop()

    def ping(self) -> None:
        if self.watch.alive:
            watchdog.notify_watchdog()

    def check(self) -> health.Verdict:
        was_alive = self.watch.alive
        verdict = self.watch.tick()
        if was_alive and not self.watch.alive:
            # The last word to systemd before the pings stop (no personal data in it).
            watchdog.notify_status("unhealthy: " + verdict.log_text())
            if self.ping_timer is not None:
                self.ping_timer.stop()
        self.changed.emit(verdict)
        return verdict
