"""Entry point of the touch UI: ``run_app(core)`` (called by ``kiosk run`` / ``kiosk demo``)."""
from __future__ import annotations

import logging
import signal
import socket
import sys
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QApplication

from kiosk import watchdog
from ui import collector, theme
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
    # No double taps on a kiosk: a press within 400 ms of the last tap reached widgets as a
    # double click, which QScroller does not start on (a quick drag right after a tap did not
    # scroll the list) and which selects a word in a text field (the next key replaced it).
    app.styleHints().setMouseDoubleClickInterval(0)
    app.setApplicationName("Pasar Layanan Publik")
    app.setFont(QFont("Noto Sans", theme.BODY_PT))
    app.setStyleSheet(theme.stylesheet())
    app.setProperty("kiosk_large_text", False)  # what MainWindow.set_large_text compares against
    app.setQuitOnLastWindowClosed(False)  # only the staff "exit" quits
    collector.install(app)  # reference cycles are collected on this thread only (ui/collector.py)
    return app


def build_window(core: Any, **options: Any):
    """The main window for ``core`` in the kiosk's default language (not shown yet)."""
    from ui.window import MainWindow

    switch_language(core.cfg.default_language)
    return MainWindow(core, **options)


def start_watchdog_pings(parent: Any, core: Any = None):
    """Tell systemd the kiosk is up, then watch its health and ping the watchdog from the GUI thread.

    The pings come from a QTimer on the GUI thread on purpose: a frozen UI stops pinging and
    systemd restarts the kiosk (deploy/kiosk.service, ``WatchdogSec``).  They also stop when
    the health watch (ui/healthwatch.py) finds a vital sign beyond repair.  Pings are a no-op
    without systemd; the health checks run anyway (staff see their warnings).
    """
    from ui.healthwatch import HealthTimer

    watchdog.notify_ready("welcome screen shown")
    watch = HealthTimer(core, parent, probe=None if core is not None else list)
    watch.start()
    return watch


class StopOnSignal(QObject):
    """SIGTERM (systemd's stop, ``kill``) and SIGINT (Ctrl-C) quit the Qt loop cleanly.

    Python runs a signal handler only between bytecodes, and the Qt loop sits in C++: the
    signal's wakeup byte on a socket pair wakes the loop through a QSocketNotifier, so the
    handler runs at once and quits the loop; ``run_app`` then stops the workers, the lanes
    and the sync worker (which releases the sender lock) and tells systemd STOPPING.
    """

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.app = app
        self.received: int | None = None
        self._read, self._write = socket.socketpair()
        for sock in (self._read, self._write):
            sock.setblocking(False)
        self._old_fd = signal.set_wakeup_fd(self._write.fileno(), warn_on_full_buffer=False)
        self._old = {sig: signal.signal(sig, self._handle) for sig in self.SIGNALS}
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)

    def _handle(self, signum: int, _frame: Any) -> None:
        if self.received is None:
            log.info("%s received: stopping", signal.Signals(signum).name)
        self.received = signum
        # exit(), not quit(): Qt 6's quit() asks the windows first, and the kiosk window
        # refuses to close outside the staff area's exit.
        self.app.exit(0)

    def _drain(self) -> None:
        try:
            self._read.recv(512)
        except OSError:
            pass

    def close(self) -> None:
        """Give the signals back to what handled them before (idempotent)."""
        if self._notifier is None:
            return
        self._notifier.setEnabled(False)
        self._notifier = None
        for sig, old in self._old.items():
            signal.signal(sig, old)
        signal.set_wakeup_fd(self._old_fd)
        self._read.close()
        self._write.close()


def run_app(core: Any, *, exit_after_start: bool = False) -> int:
    """Run the kiosk UI until staff exit; ``exit_after_start`` quits once start-up is done.

    Start-up paints the welcome screen first, then (``ui.startup.StartUp``) opens the core
    off the GUI thread, tells systemd it is up, starts the health watch and builds the other
    screens.  A core made with ``open_later`` opens itself sooner if a citizen's first tap
    needs it.  If the core cannot open (a read-only data dir), the app stops and the error
    goes to the caller, as when it was opened before the window.
    """
    from ui import ops
    from ui.startup import StartUp

    app = make_application()
    stopper = StopOnSignal(app)
    window = build_window(core)
    watches: list = []

    def _watch() -> None:
        watch = start_watchdog_pings(app, core)
        watch.changed.connect(window.show_health)
        watches.append(watch)

    startup = StartUp(window, core, watch=_watch)
    startup.failed.connect(lambda _exc: app.exit(1))

    def _finished() -> None:
        if exit_after_start:
            log.info("welcome screen painted and start-up finished; exiting as asked")
            window.shutdown()
            app.quit()

    startup.finished.connect(_finished)

    def _painted() -> None:
        log.info("welcome screen painted")
        if exit_after_start:
            # For whoever waits for the kiosk (bench_startup times this line).
            print("kiosk: welcome screen painted", flush=True)
        startup.begin()

    window.first_painted.connect(_painted)
    window.show_kiosk()
    try:
        code = app.exec()
    finally:
        watchdog.notify_stopping()
        stopper.close()
        for watch in watches:
            watch.stop()
        window.shutdown()
        ops.shutdown()
        collector.uninstall()
    if startup.error is not None:
        raise startup.error
    if stopper.received is not None:
        log.info("stopped cleanly after %s", signal.Signals(stopper.received).name)
        return 0
    return code
