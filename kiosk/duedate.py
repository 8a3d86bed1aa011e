"""The due date on the receipt: N working days, skipping weekends and Indonesian holidays.

Rules (the province's promise is "handled within 2 working days"):

- A working day is Monday to Friday that is neither a national public holiday nor a
  *cuti bersama* (the joint leave days the government adds around Lebaran, Christmas and
  others, when provincial offices are closed).  Both come from the ``holidays`` package:
  ``holidays.Indonesia(categories=("public", "government"))``; its "government" category is
  the cuti bersama list.  Islamic holidays of years whose official decree is not out yet are
  the package's estimates (marked "estimated"); updating the package updates them.
- Office hours: a submission on a working day before 16:00 WIB is received that day; one at
  or after 16:00, or on a weekend or holiday, is received on the next working day (nobody
  can start handling it earlier).  The due date is the N-th working day after the day it is
  received; with N = 0 it is the day of receipt itself.
- Times are taken in WIB (UTC+7, no daylight saving); a naive datetime is taken as WIB.
"""
from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta, timezone

import holidays

WIB = timezone(timedelta(hours=7), "WIB")
OFFICE_CLOSE = time(16, 0)


@functools.lru_cache(maxsize=16)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.Indonesia(years=(year,), categories=("public", "government"))


def is_holiday(day: date) -> bool:
    """A national public holiday or cuti bersama."""
    return day in _holidays(day.year)


def holiday_name(day: date) -> str | None:
    return _holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_holiday(day)


def next_working_day(day: date) -> date:
    """The first working day strictly after ``day``."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def received_on(submitted_at: datetime, office_close: time = OFFICE_CLOSE) -> date:
    """The working day on which the office counts the submission as received."""
    local = submitted_at.replace(tzinfo=WIB) if submitted_at.tzinfo is None else submitted_at.astimezone(WIB)
    day = local.date()
    if is_working_day(day) and local.time() < office_close:
        return day
    return next_working_day(day)


def due_date(submitted_at: datetime, working_days: int, office_close: time = OFFICE_CLOSE) -> date:
    """The date by which the province promises to have handled the submission."""
    if working_days < 0:
        raise ValueError("working_days must be 0 or more")
    day = received_on(submitted_at, office_close)
    for _ in range(working_days):
        day = next_working_day(day)
    return day
