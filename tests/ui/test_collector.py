"""Reference cycles that hold widgets are collected on the GUI thread, never on a worker's.

Python collects cycles in whichever thread crosses the allocation threshold.  A widget caught
in one (a rebuilt screen, a lambda holding its window) was finalised on the sync worker's or
the catalog keeper's thread, and PySide then destroyed it on the GUI thread at an arbitrary
moment: the UI suite crashed twice inside ``setStyleSheet`` that way.  ui/collector.py keeps
collection on a GUI-thread timer.
"""
from __future__ import annotations

import gc
import threading
import time

from PySide6.QtWidgets import QWidget

from ui import collector
from ui.app import make_application


class _Finaliser:
    """Notes the thread that finalised the cycle it sits in."""

    def __init__(self, seen: list[str]) -> None:
        self.seen = seen

    def __del__(self) -> None:
        self.seen.append(threading.current_thread().name)


def _drop_a_widget_cycle(seen: list[str]) -> None:
    w = QWidget()
    w.me = w  # reachable only through itself: only the cycle collector frees it
    w.finaliser = _Finaliser(seen)


def _worker_allocates_past_the_threshold() -> None:
    """A worker allocates while the GUI thread waits in C (so only the worker can collect)."""
    done = threading.Lock()
    done.acquire()
    threshold = gc.get_threshold()

    def churn() -> None:
        time.sleep(0.2)  # the GUI thread is blocked in acquire() by now
        gc.set_threshold(1)  # the next allocation would trigger an automatic collection
        try:
            _junk = [[] for _ in range(100)]
        finally:
            gc.set_threshold(*threshold)
            done.release()

    threading.Thread(target=churn, name="worker").start()
    done.acquire()


def test_a_widget_cycle_is_collected_on_the_gui_thread_not_on_a_busy_worker(qtbot):
    make_application()
    gc.collect()
    seen: list[str] = []
    old = gc.get_threshold()
    gc.set_threshold(10**9)  # nothing collects on this thread before the worker runs
    try:
        _drop_a_widget_cycle(seen)
    finally:
        gc.set_threshold(*old)
    _worker_allocates_past_the_threshold()
    assert seen == [], f"the cycle was collected on the {seen} thread"
    live = [[] for _ in range(20_000)]  # new objects, as a screen rebuild makes: a collection is due
    state = f"gc enabled {gc.isenabled()}, counts {gc.get_count()}, collector running {collector._installed.running}"
    try:
        qtbot.waitUntil(lambda: bool(seen), timeout=10000)
    except Exception:  # noqa: BLE001 (pytest-qt's TimeoutError): said below, with what the collector saw
        state += f"; after 10 s: counts {gc.get_count()}, threshold {collector._installed._threshold}"
    assert seen == [threading.main_thread().name], f"collected on {seen}; at the start of the wait: {state}"
    del live


def test_the_collector_still_collects_and_hands_back_on_stop(qtbot):
    make_application()
    assert not gc.isenabled(), "automatic collection runs on any thread while the UI runs"
    seen: list[str] = []
    _drop_a_widget_cycle(seen)
    live = [[] for _ in range(2000)]  # past the first generation's threshold
    qtbot.waitUntil(lambda: seen == [threading.main_thread().name], timeout=5000)
    del live
    collector.uninstall()
    assert gc.isenabled()
