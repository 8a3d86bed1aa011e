"""What time it really is, when the kiosk's own clock may lie (a dead CMOS battery).

A kiosk PC that loses power for long with a flat clock battery boots in 2000 (or 1970); a
mistyped BIOS date can put it in 2040.  Everything the kiosk stamps with a time (the receipt's
signed minute, the due date, retention) must stay sane either way.

**The rule, in one place** (``kiosk check``, the staff screens, ``submit`` and retention all
ask this module):

- The local clock is *plausible* when it lies inside ``[BUILD_DATE, BUILD_DATE +
  PLAUSIBLE_YEARS]``: this software cannot run before it was built, and a kiosk not updated
  for more than ``PLAUSIBLE_YEARS`` years is not a case worth trusting a clock for.
- When the server's ``Date`` header has been seen in this process (any answer of the
  Open311 client, see ``Open311Client.last_server_date``), the server is the judge: the
  local clock is *skewed* when it is more than ``MAX_SKEW_S`` away from the server's time
  (plus the monotonic time elapsed since it was seen: a jump of the local clock does not
  move it), and then the server's time is the trusted time.
- Otherwise the trusted time is the local clock clamped into the plausible window, so a
  receipt can always be signed (its time field covers 2020..4061).

:func:`now_wib` is the kiosk's "now" for everything a citizen sees (the date picker too).
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Literal

from kiosk.i18n import N_, tr

WIB = timezone(timedelta(hours=7), "WIB")
#: The day this release was built: a clock before it is certainly wrong. Raise it per release.
BUILD_DATE = date(2026, 12, 1)
#: How far past the build date a clock is still believed without a server to ask.
PLAUSIBLE_YEARS = 8
#: Local clock and server further apart than this is a wrong clock (`kiosk check` FAILs).
MAX_SKEW_S = 300

Verdict = Literal["ok", "implausible", "skewed"]

_MSG_IMPLAUSIBLE = N_("Jam kios salah ({local}). Tanggal di tanda terima bisa keliru. Hubungi teknisi untuk mengatur jam.")
_SHORT_WRONG = N_("Jam kios salah: {local}")
_MSG_SKEWED = N_("Jam kios berbeda {minutes} menit dari server ({local}). Hubungi teknisi untuk mengatur jam.")


def plausible_window() -> tuple[datetime, datetime]:
    """``(earliest, latest)`` aware UTC instants a local clock may show and still be believed."""
    lo = datetime(BUILD_DATE.year, BUILD_DATE.month, BUILD_DATE.day, tzinfo=timezone.utc)
    hi = lo.replace(year=lo.year + PLAUSIBLE_YEARS)
    return lo, hi


def is_plausible(when: datetime) -> bool:
    lo, hi = plausible_window()
    return lo <= when <= hi


@dataclass(frozen=True)
class ClockState:
    """The judgement of the local clock: ``ok``, ``implausible`` (outside the window, no
    server seen) or ``skewed`` (the server disagrees by more than ``MAX_SKEW_S``)."""

    verdict: Verdict
    local: datetime
    trusted: datetime
    server_known: bool
    skew_s: float | None = None

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"

    def message(self, lang: str, *, short: bool = False) -> str:
        """One sentence for staff ("" when the clock is fine); ``short`` for the status bar."""
        local = self.local.astimezone(WIB).strftime("%Y-%m-%d %H:%M")
        if short and self.verdict != "ok":
            return tr(lang, _SHORT_WRONG, local=local)
        if self.verdict == "implausible":
            return tr(lang, _MSG_IMPLAUSIBLE, local=local)
        if self.verdict == "skewed":
            return tr(lang, _MSG_SKEWED, local=local, minutes=round(abs(self.skew_s or 0) / 60))
        return ""


class Clock:
    """The process's trusted clock.  ``observe(server_date, at_monotonic)`` teaches it the
    server's time; ``now()`` is the best estimate of the real time (aware, WIB)."""

    def __init__(self, wall: Callable[[], float] = time.time, mono: Callable[[], float] = time.monotonic):
        self._wall = wall
        self._mono = mono
        self._lock = threading.Lock()
        self._server: tuple[datetime, float] | None = None
        self._sources: list[Callable[[], tuple[datetime, float] | None]] = []

    def observe(self, server_date: datetime, at_monotonic: float | None = None) -> None:
        """The server said ``server_date`` at monotonic time ``at_monotonic`` (default: now)."""
        if server_date.tzinfo is None:
            server_date = server_date.replace(tzinfo=timezone.utc)
        at = self._mono() if at_monotonic is None else at_monotonic
        with self._lock:
            if self._server is None or at >= self._server[1]:
                self._server = (server_date, at)

    def add_source(self, source: Callable[[], tuple[datetime, float] | None]) -> None:
        """A callable giving the latest ``(server_date, monotonic)`` seen (an Open311 client's
        ``last_server_date``), read whenever the time is asked: no extra request is made."""
        with self._lock:
            self._sources.append(source)

    def remove_source(self, source: Callable[[], tuple[datetime, float] | None]) -> None:
        with self._lock:
            if source in self._sources:
                self._sources.remove(source)

    def forget_server(self) -> None:
        with self._lock:
            self._server = None
            self._sources.clear()

    def _latest_server(self) -> tuple[datetime, float] | None:
        with self._lock:
            sources = list(self._sources)
        for source in sources:
            try:
                seen = source()
            except Exception:  # a closed client must not stop the clock
                seen = None
            if seen is not None:
                self.observe(*seen)
        with self._lock:
            return self._server

    def local(self) -> datetime:
        return datetime.fromtimestamp(self._wall(), timezone.utc)

    def state(self) -> ClockState:
        local = self.local()
        server = self._latest_server()
        if server is not None:
            served = server[0] + timedelta(seconds=self._mono() - server[1])
            skew = (local - served).total_seconds()
            if abs(skew) > MAX_SKEW_S:
                return ClockState("skewed", local, served, True, skew)
            # Close enough: the local clock is finer than the header's whole seconds.
            return ClockState("ok", local, local, True, skew)
        lo, hi = plausible_window()
        if lo <= local <= hi:
            return ClockState("ok", local, local, False)
        return ClockState("implausible", local, min(max(local, lo), hi), False)

    def now(self) -> datetime:
        """The trusted time in WIB, to the second."""
        return self.state().trusted.astimezone(WIB).replace(microsecond=0)


#: The kiosk's clock for this process (the core feeds it the server's Date headers).
CLOCK = Clock()


def now_wib() -> datetime:
    """Indonesia's western time (no daylight saving, so a fixed +07:00 is exact), judged by
    :data:`CLOCK`: the server's time when known, never outside the plausible window."""
    return CLOCK.now()


__all__ = ["WIB", "BUILD_DATE", "PLAUSIBLE_YEARS", "MAX_SKEW_S", "Clock", "ClockState", "CLOCK",
           "now_wib", "plausible_window", "is_plausible"]
