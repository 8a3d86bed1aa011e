"""Python's cycle collector runs on the GUI thread only, between events.

CPython collects reference cycles in whichever thread next crosses the allocation threshold:
the sync worker, the catalog keeper, a lane thread.  A cycle that holds a widget (a screen
that was rebuilt, a lambda that captures its window) is then finalised on that thread; PySide
destroys the C++ widget later, on the GUI thread, at whatever moment that thread next enters
the bindings, which can be half-way through ``QApplication.setStyleSheet`` walking every
widget.  The UI tests died twice in exactly that walk while the catalog thread was busy.

So, while the UI runs, automatic collection is off and a timer on the GUI thread collects
whenever the counts say a collection is due: the same generations, at most a second late.
This is the pattern of pyqtgraph's ``GarbageCollector`` (napari issue 1029 and novelWriter
issue 2927 describe the same crash).  Explicit ``gc.collect()`` calls are not affected.
"""
from __future__ import annotations

import gc

import shiboken6
from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000  # how late a due collection may run; a check costs microseconds


class GuiThreadCollector(QObject):
    """Owns ``gc``'s automatic collection while it is started (one per application)."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._threshold = gc.get_threshold()  # both read again by start()
        self._was_enabled = gc.isenabled()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        if self.running:
            return
        self._threshold = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Collect once more here, then give collection back to the interpreter."""
        if not self.running:
            return
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()

    def check(self) -> int:
        """Collect the generations that automatic collection would have collected by now."""
        counts = gc.get_count()
        threshold = self._threshold
        if not threshold[0] or counts[0] <= threshold[0]:
            return 0
        generation = 0
        if counts[1] > threshold[1]:
            generation = 1
            if counts[2] > threshold[2]:
                generation = 2
        return gc.collect(generation)


_installed: GuiThreadCollector | None = None


def install(app: QObject) -> GuiThreadCollector:
    """Start the collector for ``app`` (again, if a test stopped it); idempotent."""
    global _installed
    if _installed is None or not shiboken6.isValid(_installed) or _installed.parent() is not app:
        _installed = GuiThreadCollector(app)
    _installed.start()
    return _installed


def uninstall() -> None:
    """Give collection back to the interpreter (the UI has stopped, or a UI test ended)."""
    if _installed is not None and shiboken6.isValid(_installed):
        _installed.stop()
