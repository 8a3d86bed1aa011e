"""Run slow core calls off the GUI thread (the idea of Anki's ``CollectionOp``).

``run(fn, *args, on_done=..., on_error=...)`` runs ``fn`` on a ``QThreadPool`` worker and
delivers its result or exception back on the GUI thread through queued signals, so
screens stay responsive while the core saves, prints or asks the server.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

_live: set["Op"] = set()  # keep Ops alive until they report


class Op(QObject):
    """One background call; ``finished(result)`` or ``failed(exception)`` on the GUI thread.

    The worker emits private signals wired with explicit queued connections to slots of
    this object, which lives on the GUI thread: callbacks never run on the worker.
    """

    finished = Signal(object)
    failed = Signal(object)
    _result = Signal(object)
    _error = Signal(object)

    def __init__(self, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self._result.connect(self._on_result, Qt.QueuedConnection)
        self._error.connect(self._on_error, Qt.QueuedConnection)

    def _run(self) -> None:
        try:
            result = self.fn(*self.args, **self.kwargs)
        except BaseException as exc:  # delivered to the GUI, which decides what to show
            self._error.emit(exc)
        else:
            self._result.emit(result)

    @Slot(object)
    def _on_result(self, result: Any) -> None:
        self.finished.emit(result)

    @Slot(object)
    def _on_error(self, exc: Any) -> None:
        self.failed.emit(exc)


class _Runnable(QRunnable):
    def __init__(self, op: Op) -> None:
        super().__init__()
        self.op = op

    def run(self) -> None:
        self.op._run()


def pool() -> QThreadPool:
    return QThreadPool.globalInstance()


def run(
    fn: Callable[..., Any],
    *args: Any,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    **kwargs: Any,
) -> Op:
    """Start ``fn(*args, **kwargs)`` on a worker thread; callbacks run on the GUI thread."""
    op = Op(fn, args, kwargs)
    _live.add(op)

    def _done(result: Any) -> None:
        _live.discard(op)
        if on_done is not None:
            on_done(result)

    def _err(exc: BaseException) -> None:
        _live.discard(op)
        # Only the exception's type: its text may hold a citizen's data.
        log.warning("background call %s failed: %s", getattr(fn, "__name__", "?"), type(exc).__name__)
        if on_error is not None:
            on_error(exc)

    op.finished.connect(_done)
    op.failed.connect(_err)
    pool().start(_Runnable(op))
    return op


def busy() -> bool:
    """True while any background call has not reported yet (tests wait on this)."""
    return bool(_live)
