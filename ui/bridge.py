"""The one place where the core's worker-thread events become Qt signals.

``KioskCore.subscribe`` calls back on the sync worker's thread.  Touching widgets there
would crash, and emitting one queued signal per event while the worker drains thousands
of items would flood the GUI's event queue.  So the callback only stores the newest
status and, if no delivery is pending, posts one queued call; the GUI thread then emits
``status_changed`` with whatever is newest at that moment (coalescing bursts).
"""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, Signal, Slot


class SyncBridge(QObject):
    """Emits ``status_changed(SyncStatus)`` on the GUI thread, and ``catalog_changed()`` when
    the core's catalog was refreshed or reloaded (the service tiles rebuild)."""

    status_changed = Signal(object)
    catalog_changed = Signal()
    _poke = Signal()
    _catalog_poke = Signal()

    def __init__(self, core=None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._latest = None
        self._pending = False
        self._poke.connect(self._deliver, Qt.QueuedConnection)
        self.last = None
        self._catalog_poke.connect(self.catalog_changed, Qt.QueuedConnection)
        self._alive = True
        self._unsubscribe_catalog = None
        if core is not None:
            core.subscribe(self.on_worker_event)
            if hasattr(core, "subscribe_catalog"):
                self._unsubscribe_catalog = core.subscribe_catalog(self._on_catalog)
        self.destroyed.connect(self._dying)

    def _dying(self, *_args) -> None:
        """The window goes away while the core may live on: no more emits into a dead object."""
        with self._lock:
            self._alive = False
        if self._unsubscribe_catalog is not None:
            self._unsubscribe_catalog()

    def _on_catalog(self) -> None:
        """Called on the catalog keeper's thread: wake the GUI (queued)."""
        with self._lock:
            if self._alive:
                self._catalog_poke.emit()

    def on_worker_event(self, status) -> None:
        """Called on the worker thread: remember, and wake the GUI once."""
        with self._lock:
            self._latest = status
            if self._pending:
                return
            self._pending = True
        self._poke.emit()

    @Slot()
    def _deliver(self) -> None:
        with self._lock:
            status, self._latest, self._pending = self._latest, None, False
        if status is not None:
            self.last = status
            self.status_changed.emit(status)
