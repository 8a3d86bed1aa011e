"""One owner for the UI's background work (the model: Anki's ``qt/aqt/taskman.py``).

``run(fn, *args, on_done=..., on_error=..., lane=..., **kwargs)`` runs ``fn`` on a worker
thread and delivers its result or exception back on the GUI thread, so screens stay
responsive while the core saves, prints or asks the server.

Why it is built this way (a kiosk runs for months without a visit):

* **Long-lived threads.**  Each lane is a ``concurrent.futures.ThreadPoolExecutor`` with one
  thread that lives as long as the app.  A ``QThreadPool`` run gets a fresh Python thread
  state each time, so every ``threading.local`` (the outbox's per-thread SQLite connection)
  started over on every call: 600 calls leaked 1,200 descriptors.  Here the number of
  connections is bounded by the number of lanes.
* **Lanes that cannot starve each other.**  Saving a citizen's submission has a lane of its
  own; printing and network look-ups have theirs, each with an overall deadline (counted
  from :func:`run`, queueing included): when it passes, ``on_error`` gets
  :class:`DeadlineExceeded` and the screen moves on; the late result is dropped.  Staff
  queries and anything that names no lane share the ``staff`` lane; exports to a USB stick
  have the ``media`` lane, whose daemon thread the app does not wait for at exit (a stick
  that hangs mid-write holds neither the PIN check nor the kiosk's stop).
* **Nothing kept alive after it reported.**  The function and its arguments travel with the
  work item only (the executor drops it once run); the GUI side keeps just the callbacks,
  until they have been called.  A citizen's draft or the staff PIN does not outlive the
  idle wipe inside a finished call.
* **Failures are logged with their traceback** through the handlers' redacting filter
  (kiosk/logs.py scrubs personal data from the text), then the traceback's frames are
  cleared so their locals (the draft) are freed with the call.
"""
from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal, Slot

log = logging.getLogger(__name__)

SAVE = "save"  # enqueueing a citizen's submission: nothing else runs here
PRINT = "print"  # receipts and test pages (a slow or stuck printer waits here alone)
NETWORK = "network"  # status look-ups that may ask the provincial server
STAFF = "staff"  # the staff area's queries and PIN checks; the default lane
MEDIA = "media"  # exports to a USB stick: a stick that hangs holds only this lane

LANES: tuple[str, ...] = (SAVE, PRINT, NETWORK, STAFF, MEDIA)
# Overall deadlines in seconds (None: the call's own outcome always matters, e.g. a save).
DEADLINES_S: dict[str, float | None] = {SAVE: None, PRINT: 60.0, NETWORK: 25.0, STAFF: None, MEDIA: None}
# Lanes whose thread the app does not wait for when it ends: a write stuck on a dying USB
# stick must not keep the kiosk from stopping (Python joins pool threads at exit).
ABANDONED_AT_EXIT: frozenset[str] = frozenset({MEDIA})


class _DaemonLane:
    """A one-thread executor whose thread is a daemon (the part of ThreadPoolExecutor we use).

    ``ThreadPoolExecutor`` threads are joined when the interpreter exits, so one call stuck
    in the kernel (a pulled USB stick mid-``fsync``) would hold the whole process forever.
    """

    def __init__(self, name: str) -> None:
        self._queue: "queue.SimpleQueue[tuple[Callable[..., Any], tuple] | None]" = queue.SimpleQueue()
        self._threads: set[threading.Thread] = set()
        self._name = name
        self._closed = False

    def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        if self._closed:
            raise RuntimeError("lane shut down")
        if not self._threads:
            t = threading.Thread(target=self._work, name=f"{self._name}_0", daemon=True)
            self._threads.add(t)
            t.start()
        self._queue.put((fn, args))

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            fn, args = job
            del job
            fn(*args)
            del fn, args

    def shutdown(self, wait: bool = False, cancel_futures: bool = True) -> None:
        self._closed = True
        if cancel_futures:
            while True:
                try:
                    self._queue.get_nowait()
                except queue.Empty:
                    break
        self._queue.put(None)
        if wait:
            for t in self._threads:
                t.join()


class DeadlineExceeded(TimeoutError):
    """A call did not report within its lane's overall deadline (its late result is dropped)."""

    def __init__(self, lane: str, seconds: float) -> None:
        super().__init__(f"no answer on the {lane} lane within {seconds:g} s")
        self.lane = lane
        self.seconds = seconds


@dataclass(eq=False)
class _Pending:
    """The GUI side of one call: only what is needed to report (never fn or its arguments)."""

    name: str
    lane: str
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    deadline: float | None  # time.monotonic() value


def _call_name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or type(fn).__name__


class TaskManager(QObject):
    """Owns the lanes' threads; reports every call on the GUI thread exactly once."""

    _report = Signal(object, bool, object)  # (call id, ok, result or exception), from a worker
    _on_main = Signal(object)  # a closure to run on the GUI thread

    def __init__(self, deadlines: dict[str, float | None] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.deadlines = {**DEADLINES_S, **(deadlines or {})}
        self._lanes: dict[str, Any] = {
            name: _DaemonLane(f"ui-{name}") if name in ABANDONED_AT_EXIT
            else ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"ui-{name}")
            for name in LANES}
        self._pending: dict[int, _Pending] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()  # _pending is read by busy() from any thread
        self._closed = False
        self._report.connect(self._deliver, Qt.QueuedConnection)
        self._on_main.connect(self._run_closure, Qt.QueuedConnection)
        self._deadline_timer = QTimer(self)
        self._deadline_timer.setInterval(250)
        self._deadline_timer.timeout.connect(self._check_deadlines)

    # -- starting calls ----------------------------------------------------------------------
    def run(self, fn: Callable[..., Any], *args: Any,
            on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None,
            lane: str = STAFF, **kwargs: Any) -> int:
        """Start ``fn(*args, **kwargs)`` on ``lane``; exactly one callback runs on the GUI thread."""
        if lane not in self._lanes:
            raise ValueError(f"unknown lane {lane!r} (one of {', '.join(LANES)})")
        call_id = next(self._ids)
        seconds = self.deadlines.get(lane)
        pending = _Pending(_call_name(fn), lane, on_done, on_error,
                           None if seconds is None else time.monotonic() + seconds)
        with self._lock:
            if self._closed:
                raise RuntimeError("the background work owner has shut down")
            self._pending[call_id] = pending
        if pending.deadline is not None and not self._deadline_timer.isActive():
            self._deadline_timer.start()
        # The call travels in a box the worker empties before it reports: the executor's work
        # item may outlive the report by a moment, and must not keep the draft alive then.
        self._lanes[lane].submit(self._execute, call_id, [fn, args, kwargs])
        return call_id

    def _execute(self, call_id: int, box: list) -> None:
        """On a lane's thread: run, then post the outcome to the GUI thread."""
        fn, args, kwargs = box
        box.clear()
        try:
            result = fn(*args, **kwargs)
        except BaseException as exc:  # delivered to the GUI, which decides what to show
            del fn, args, kwargs
            self._report.emit(call_id, False, exc)
        else:
            del fn, args, kwargs
            self._report.emit(call_id, True, result)

    def run_on_main(self, closure: Callable[[], None]) -> None:
        """Run ``closure`` on the GUI thread soon (callable from any thread)."""
        self._on_main.emit(closure)

    @Slot(object)
    def _run_closure(self, closure: Callable[[], None]) -> None:
        try:
            closure()
        except Exception:
            log.exception("a closure run on the GUI thread failed")

    # -- reporting ---------------------------------------------------------------------------
    @Slot(object, bool, object)
    def _deliver(self, call_id: int, ok: bool, value: Any) -> None:
        with self._lock:
            pending = self._pending.pop(call_id, None)
        if pending is None:  # its deadline passed and it was reported already: drop the late result
            if not ok:
                _forget_traceback(value)
            return
        if ok:
            self._callback(pending, pending.on_done, value)
        else:
            self._fail(pending, value)

    def _fail(self, pending: _Pending, exc: BaseException) -> None:
        # The traceback goes to the log (the handlers' filter redacts personal data) ...
        log.warning("background call %s on the %s lane failed: %s", pending.name, pending.lane,
                    type(exc).__name__, exc_info=(type(exc), exc, exc.__traceback__))
        # ... and its frames, whose locals may hold a citizen's draft, are freed with the call.
        _forget_traceback(exc)
        self._callback(pending, pending.on_error, exc)

    def _callback(self, pending: _Pending, fn: Callable[[Any], None] | None, value: Any) -> None:
        pending.on_done = pending.on_error = None
        if fn is None:
            return
        try:
            fn(value)
        except Exception:
            log.exception("the callback of background call %s failed", pending.name)

    @Slot()
    def _check_deadlines(self) -> None:
        now = time.monotonic()
        with self._lock:
            late = [(cid, p) for cid, p in self._pending.items() if p.deadline is not None and p.deadline <= now]
            for cid, _p in late:
                del self._pending[cid]
            any_left = any(p.deadline is not None for p in self._pending.values())
        if not any_left:
            self._deadline_timer.stop()
        for _cid, pending in late:
            seconds = self.deadlines.get(pending.lane) or 0.0
            log.warning("background call %s on the %s lane gave no answer within %g s; moving on",
                        pending.name, pending.lane, seconds)
            self._callback(pending, pending.on_error, DeadlineExceeded(pending.lane, seconds))

    # -- state -------------------------------------------------------------------------------
    def busy(self) -> bool:
        """True while any call has not reported yet."""
        with self._lock:
            return bool(self._pending)

    def pending_count(self) -> int:
        with self._lock:
            return len(self._pending)

    def thread_count(self) -> int:
        """Threads the lanes have started (at most one per lane)."""
        return sum(len(getattr(ex, "_threads", ())) for ex in self._lanes.values())

    def shutdown(self, wait_s: float = 5.0) -> None:
        """Stop taking calls, drop the queued ones and wait up to ``wait_s`` for a save in progress.

        A running print or look-up is not interrupted (it ends within its own timeouts); its
        late result is dropped.  Idempotent.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._pending.clear()
        self._deadline_timer.stop()
        for ex in self._lanes.values():
            ex.shutdown(wait=False, cancel_futures=True)
        saving = list(getattr(self._lanes[SAVE], "_threads", ()))
        end = time.monotonic() + wait_s
        for t in saving:
            t.join(max(0.0, end - time.monotonic()))


def _forget_traceback(exc: Any) -> None:
    """Free the frames (and so the locals) an exception's traceback chain holds."""
    seen = set()
    while isinstance(exc, BaseException) and id(exc) not in seen:
        seen.add(id(exc))
        if exc.__traceback__ is not None:
            traceback.clear_frames(exc.__traceback__)
            exc.__traceback__ = None
        exc = exc.__cause__ or exc.__context__


# -- the app's one manager -------------------------------------------------------------------

_manager: TaskManager | None = None
_manager_lock = threading.Lock()


def manager() -> TaskManager:
    """The app's TaskManager, created on first use (on the GUI thread, owned by the QApplication)."""
    global _manager
    with _manager_lock:
        if _manager is None or _manager._closed:
            _manager = TaskManager(parent=QCoreApplication.instance())
        return _manager


def run(
    fn: Callable[..., Any],
    *args: Any,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    lane: str = STAFF,
    **kwargs: Any,
) -> int:
    """Start ``fn(*args, **kwargs)`` on ``lane``'s thread; callbacks run on the GUI thread."""
    return manager().run(fn, *args, on_done=on_done, on_error=on_error, lane=lane, **kwargs)


def run_on_main(closure: Callable[[], None]) -> None:
    manager().run_on_main(closure)


def busy() -> bool:
    """True while any background call has not reported yet (tests wait on this)."""
    return _manager is not None and _manager.busy()


def shutdown(wait_s: float = 5.0) -> None:
    """End of the app: stop the lanes (a later :func:`run` starts a fresh manager)."""
    global _manager
    with _manager_lock:
        m, _manager = _manager, None
    if m is not None:
        m.shutdown(wait_s)
