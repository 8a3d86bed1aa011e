"""Keeping the running app's catalog fresh (issue 8).

A province retires a service, and a kiosk that never refreshes keeps showing it: every
submission to it then dies. So the running app refreshes the catalog at start, every
``server.catalog_refresh_h`` hours, and whenever the server refuses a service by name (the
sync worker's ``on_unknown_service``); and it picks up a ``kiosk catalog refresh`` run by a
technician in another process by watching the cache file (``os.replace`` gives it a new
inode and mtime). Listeners (the UI's service tiles) hear of every change on this thread.
"""
from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from kiosk.catalog import Catalog, RefreshError

log = logging.getLogger(__name__)

#: How often the cache file is looked at for a refresh made by another process.
WATCH_S = 30.0
#: After a failed scheduled refresh (no network), try again this much later, not a day later.
RETRY_S = 600.0


class CatalogKeeper:
    """Refreshes ``catalog`` through ``client`` on a schedule and reloads it when another
    process replaced the cache; ``subscribe(callback)`` hears of every change."""

    def __init__(self, catalog: Catalog, client: Any, refresh_h: float, *, watch_s: float = WATCH_S,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.catalog = catalog
        self.client = client
        self.interval_s = refresh_h * 3600.0 if refresh_h > 0 else math.inf
        self.watch_s = watch_s
        self._mono = monotonic
        self._listeners: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._stamp = self._cache_stamp()
        self._next_refresh = monotonic()  # at start
        self.refreshes = 0
        self.reloads = 0

    # -- listeners ---------------------------------------------------------------------------
    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._listeners:
                    self._listeners.remove(callback)

        return unsubscribe

    def _changed(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for callback in listeners:
            try:
                callback()
            except Exception as exc:
                log.warning("a catalog listener failed: %s", type(exc).__name__)

    # -- the work ----------------------------------------------------------------------------
    def _cache_stamp(self) -> tuple[int, int] | None:
        path = self.catalog.cache_path
        if path is None:
            return None
        try:
            st = os.stat(path)
        except OSError:
            return None
        return st.st_ino, st.st_mtime_ns

    def refresh_now(self) -> bool:
        """Fetch the server's catalog now; True if it worked (listeners told)."""
        try:
            self.catalog.refresh(self.client)
        except RefreshError as exc:
            log.warning("catalog refresh failed: %s", exc)
            return False
        self._stamp = self._cache_stamp()
        self.refreshes += 1
        self._changed()
        return True

    def check_cache(self) -> bool:
        """Reload when another process (``kiosk catalog refresh``) replaced the cache."""
        stamp = self._cache_stamp()
        if stamp is None or stamp == self._stamp:
            return False
        self._stamp = stamp
        self.catalog.reload()
        self.reloads += 1
        log.info("catalog reloaded: the cache was refreshed by another process")
        self._changed()
        return True

    def step(self) -> float:
        """Do what is due; seconds until the next thing to do."""
        self.check_cache()
        now = self._mono()
        if now >= self._next_refresh:
            ok = self.refresh_now()
            self._next_refresh = now + (self.interval_s if ok else min(RETRY_S, self.interval_s))
        return max(0.05, min(self.watch_s, self._next_refresh - self._mono()))

    # -- thread ------------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="kiosk-catalog", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                wait = self.step()
            except Exception as exc:  # never let the thread die; no traceback in logs
                log.error("catalog keeper error: %s", type(exc).__name__)
                wait = self.watch_s
            self._wake.wait(wait)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
