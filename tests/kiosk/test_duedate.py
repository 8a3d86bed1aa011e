"""The due date printed on the receipt skips weekends, public holidays and cuti bersama."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from kiosk.duedate import due_date, holiday_name, is_working_day

WIB = timezone(timedelta(hours=7))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=WIB)


@pytest.mark.parametrize(
    ("submitted", "due", "why"),
    [
        ("2026-11-23 10:15", date(2026, 11, 25), "Monday morning: received Monday, due Wednesday"),
        ("2026-11-23 15:59", date(2026, 11, 25), "just before the office closes"),
        ("2026-11-23 16:00", date(2026, 11, 26), "after office hours counts from Tuesday"),
        ("2026-11-27 17:00", date(2026, 12, 2), "Friday evening counts from Monday"),
        ("2026-11-28 09:00", date(2026, 12, 2), "Saturday counts from Monday"),
        # Lebaran 2026: 18 cuti, 19 Nyepi, 20 cuti, 21-22 Idul Fitri (weekend), 23-24 cuti
        ("2026-03-17 10:00", date(2026, 3, 26), "Lebaran 2026 and its cuti bersama"),
        ("2026-03-21 10:00", date(2026, 3, 27), "filed on Idul Fitri itself"),
        # Christmas 2026: 24 Thursday cuti bersama, 25 Friday Christmas
        ("2026-12-23 11:00", date(2026, 12, 29), "Christmas 2026 with cuti bersama"),
        # New Year 2027 (Friday) and Isra Mi'raj on Tuesday 5 January 2027
        ("2026-12-30 15:59", date(2027, 1, 4), "31 December works, New Year's Day does not"),
        ("2026-12-30 16:00", date(2027, 1, 6), "received 31 Dec, then New Year and Isra Mi'raj"),
        # Lebaran 2027 (estimated): 8 Nyepi, 9 cuti, 10-11 Idul Fitri, 12 and 15 cuti
        ("2027-03-05 09:00", date(2027, 3, 17), "Lebaran 2027 (estimated dates)"),
    ],
)
def test_two_working_days(submitted: str, due: date, why: str) -> None:
    assert due_date(at(submitted), 2) == due, why


def test_time_zones_are_read_as_wib() -> None:
    assert due_date(datetime(2026, 11, 23, 3, 30, tzinfo=timezone.utc), 2) == date(2026, 11, 25)  # 10:30 WIB
    assert due_date(datetime(2026, 11, 23, 9, 30, tzinfo=timezone.utc), 2) == date(2026, 11, 26)  # 16:30 WIB
    assert due_date(datetime(2026, 11, 23, 10, 15), 2) == date(2026, 11, 25)  # naive = WIB


def test_other_service_deadlines() -> None:
    assert due_date(at("2026-11-28 09:00"), 0) == date(2026, 11, 30)  # Saturday, same-day service: Monday
    assert due_date(at("2026-11-23 10:00"), 5) == date(2026, 11, 30)
    with pytest.raises(ValueError):
        due_date(at("2026-11-23 10:00"), -1)


def test_cuti_bersama_is_counted_as_closed() -> None:
    assert not is_working_day(date(2026, 3, 23))
    assert "Joint Holiday" in (holiday_name(date(2026, 3, 23)) or "")
    assert not is_working_day(date(2026, 12, 24))
    assert is_working_day(date(2026, 12, 31))
