"""What the kiosk does after its welcome screen is on the glass (issue #10, a light start).

The welcome screen is painted first; then, one step per event-loop turn, start-up opens the
core (outbox, catalog, printer, sync), tells systemd it is up and starts the health watch,
and builds the other screens, so a tap in between is handled at once.

Opening the core is mostly importing what it runs on (requests and urllib3, sqlite-utils,
reportlab for the survey report: 0.7-0.8 s of the 0.8 s measured here) and opening SQLite
files: it runs on the staff lane's thread (``ui.ops``), not the GUI thread, so the screen
keeps answering meanwhile.  The core's ``open`` is thread-safe: a citizen whose first tap
needs the core sooner waits for that same opening, it is not done twice.
"""
from __future__ import annotations

import linecache
import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QTimer, Signal

from ui import ops

log = logging.getLogger(__name__)


def _open(core: Any) -> BaseException | None:
    """Open ``core`` (on a lane's thread); a failure is handed back, not raised: the caller
    says it in one line (``kiosk run`` on a read-only data dir), where the lane would log a
    traceback to the technician's terminal."""
    try:
        core.open()
    except Exception as exc:  # noqa: BLE001 - handed to StartUp.failed, raised by run_app
        return exc
    return None


class StartUp(QObject):
    """The steps after the first paint, in order; ``finished`` or ``failed`` says how it ended.

    ``failed`` carries the exception of a core that could not open (a read-only data dir):
    the app stops and the caller says why, as when the core was opened before the window.
    """

    finished = Signal()
    failed = Signal(object)

    def __init__(self, window: Any, core: Any, *, watch: Callable[[], None] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent if parent is not None else window)
        self.window = window
        self.core = core
        self.done = False
        self.error: BaseException | None = None
        self._watch = watch
        self._steps: list[Callable[[], bool]] = [self._open_core, self._start_watch, self._build_screens]

    def begin(self) -> None:
        """Run the steps from the next event-loop turn on (call it once the screen is painted)."""
        QTimer.singleShot(0, self, self._next)

    # -- the steps: each returns True to go on at once, False when a callback goes on later ---
    def _open_core(self) -> bool:
        if not hasattr(self.core, "open") or getattr(self.core, "opened", True):
            self._core_opened()
            return True
        ops.run(_open, self.core, lane=ops.STAFF, on_done=self._opened, on_error=self._fail)
        return False

    def _opened(self, failure: BaseException | None) -> None:
        if failure is not None:
            self._fail(failure)
            return
        self._core_opened()
        self._next()

    def _start_watch(self) -> bool:
        if self._watch is not None:
            self._watch()
        return True

    def _core_opened(self) -> None:
        # PySide6 reads the source of every module imported after it (shibokensupport's
        # feature check, through ``linecache``), and the core's are imported after the paint:
        # ~5 MB of source text nobody reads again; freed at once, the screens built next
        # reuse that memory.
        linecache.clearcache()
        self.window.core_opened()

    def _build_screens(self) -> bool:
        self.window.build_screens_later(self._finish)
        return False

    def _finish(self) -> None:
        linecache.clearcache()  # (see _core_opened) what building the screens imported
        self.done = True
        log.info("start-up finished: every screen built")
        self.finished.emit()

    # -- running them ---------------------------------------------------------------------------
    def _next(self) -> None:
        if not self._steps or self.error is not None or getattr(self.window, "_shut", False):
            return
        step = self._steps.pop(0)
        try:
            go_on = step()
        except Exception as exc:  # noqa: BLE001 - reported through ``failed``, raised by the caller
            self._fail(exc)
            return
        if go_on:
            QTimer.singleShot(0, self, self._next)

    def _fail(self, exc: BaseException) -> None:
        if self.error is None:
            self.error = exc
            self.failed.emit(exc)
