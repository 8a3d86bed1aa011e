"""Entry point of the touch UI: ``run_app(core)`` (called by ``kiosk run`` / ``kiosk demo``)."""
from __future__ import annotations

import logging
import sys
from typing import Any

from PySide6.QtCore import QTimer, Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QApplication

from kiosk import watchdog
from ui import theme
from ui.i18n import switch_language
from ui.keyboard import prepare_environment

log = logging.getLogger(__name__)


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with the kiosk's environment, font and theme (reused if it exists)."""
    prepare_environment()
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Pasar Layanan Publik")
    app.setFont(QFont("Noto Sans", theme.BODY_PT))
    app.setStyleSheet(theme.stylesheet())
    app.setQuitOnLastWindowClosed(False)  # only the staff "exit" quits
    return app


def build_window(core: Any, **options: Any):
    """The main window for ``core`` in the kiosk's default language (not shown yet)."""
    from ui.window import MainWindow

    switch_language(core.cfg.default_language)
    return MainWindow(core, **options)


def start_watchdog_pings(parent: Any) -> QTimer | None:
    """Tell systemd the kiosk is up, then ping its watchdog from the GUI thread's event loop.

    The pings come from a QTimer on the GUI thread on purpose: a frozen UI stops pinging and
    systemd restarts the kiosk (deploy/kiosk.service, ``WatchdogSec``).  No-op without systemd.
    """
    watchdog.notify_ready("welcome screen shown")
    interval = watchdog.watchdog_interval_s()
    if not interval:
        return None
    timer = QTimer(parent)
    timer.setInterval(max(100, int(interval * 1000)))
    timer.timeout.connect(watchdog.notify_watchdog)
    timer.start()
    watchdog.notify_watchdog()
    return timer


def run_app(core: Any, *, exit_after_start: bool = False) -> int:
    """Run the kiosk UI until staff exit; ``exit_after_start`` quits once the welcome is painted."""
    app = make_application()
    window = build_window(core)
    window.show_kiosk()
    QTimer.singleShot(0, lambda: start_watchdog_pings(app))
    if exit_after_start:
        def _done() -> None:
            window.repaint()
            log.info("welcome screen painted; exiting as asked")
            window.shutdown()
            app.quit()

        QTimer.singleShot(0, _done)
    code = app.exec()
    watchdog.notify_stopping()
    window.shutdown()
    return code
