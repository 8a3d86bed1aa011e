"""Staff see a lying clock and a full disk in the status bar; the date picker keeps WIB honest."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from kiosk import clock as clock_mod
from ui.widgets import DateTimePicker

Y2K = datetime(2000, 1, 1, 1, 0, tzinfo=timezone.utc).timestamp()


@pytest.fixture
def clock_in_2000(monkeypatch):
    monkeypatch.setattr(clock_mod.CLOCK, "_wall", lambda: Y2K)
    monkeypatch.setattr(clock_mod.CLOCK, "_sources", [])
    monkeypatch.setattr(clock_mod.CLOCK, "_server", None)


def test_status_bar_and_staff_area_say_the_clock_is_wrong(qtbot, make_window, make_core, clock_in_2000):
    core = make_core()
    window = make_window(core)
    label = window.health_label
    window._render_status()
    qtbot.wait(50)
    assert label.isVisible()
    assert window.width() == 1366, "a long notice must not widen the window"
    assert label.text() == "Jam kios salah: 2000-01-01 08:00"
    assert "Hubungi teknisi" in label.toolTip()
    assert "Jam kios salah" in core.last_sync_error_text("id")
    assert "clock is wrong" in core.staff_warnings("en")[0]
    shots = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if shots.is_dir():  # for people to look at
        window.grab().save(str(shots / "id-1366x768-90-status-bar-clock-wrong.png"))
    window.flow.staff_ok = True
    window.flow._go("staff", remember=False)  # (the PIN is tested in test_staff_area.py)
    notice = window.findChild(QWidget, "sync-error")
    qtbot.waitUntil(lambda: "Jam kios salah (2000-01-01" in notice.text(), timeout=5000)
    if shots.is_dir():
        window.grab().save(str(shots / "id-1366x768-91-staff-clock-wrong.png"))


def test_status_bar_is_quiet_when_clock_and_disk_are_fine(qtbot, make_window, make_core):
    window = make_window(make_core())
    window._render_status()
    assert window.health_label.text() == ""


def test_date_picker_today_is_the_cores_wib_time_and_stays_wib(qtbot, clock_in_2000):
    picker = DateTimePicker()
    qtbot.addWidget(picker)
    picker.today.click()
    # The clock says 2000; the core's WIB time is clamped into the plausible window.
    assert picker.value().startswith(f"{clock_mod.BUILD_DATE:%Y-%m-%d}T") and picker.value().endswith("+07:00")


def test_date_picker_converts_other_offsets_and_never_stamps_utc_as_wib(qtbot):
    utc_noon = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)
    picker = DateTimePicker(now=utc_noon)
    qtbot.addWidget(picker)
    picker.today.click()
    assert datetime.fromisoformat(picker.value()).utcoffset() == timedelta(hours=7)
    assert picker.value().startswith("2026-12-02T19:00")  # 12:00 UTC is 19:00 WIB
    picker.set_value("2026-12-02T01:30:00+00:00")
    assert picker.value() == "2026-12-02T08:30:00+07:00"


def test_date_picker_months_follow_the_real_calendar(qtbot):
    picker = DateTimePicker(now=datetime(2100, 1, 31, 10, 0, tzinfo=clock_mod.WIB))
    qtbot.addWidget(picker)
    picker.month.on_step(1)
    assert picker.value().startswith("2100-02-28")  # 2100 is not a leap year
    picker.set_value("2024-01-31T10:00:00+07:00")
    picker.month.on_step(1)
    assert picker.value().startswith("2024-02-29")
