"""A day has one name per language wherever the kiosk names it: the done and status screens
(``Submission.due_text``), the receipt, the read-aloud and the SKM report.

Basa Jawa says the weekdays in their Javanese forms (Senen, Rebo, Kemis, Jemuwah, Setu), not
the Indonesian ones Babel's ``jv`` locale gives (Rabu, Kamis, Jumat, Sabtu).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from kiosk import config as config_mod
from kiosk import dates, speech
from kiosk.receipts import build_receipt

MONDAY = date(2026, 11, 23)
JAVANESE_WEEK = ["Senen", "Selasa", "Rebo", "Kemis", "Jemuwah", "Setu", "Ahad"]
CFG = config_mod.from_dict({"receipt": {"signing_secret": "receipt-test-secret", "signing_key_id": "K1"}})


def test_javanese_weekdays_are_the_javanese_words():
    assert [dates.weekday_name(MONDAY + timedelta(days=i), "jv") for i in range(7)] == JAVANESE_WEEK
    assert dates.format_date(date(2026, 11, 25), "jv") == "Rebo, 25 November 2026"
    assert dates.format_date(date(2026, 11, 25), "id") == "Rabu, 25 November 2026"
    assert dates.format_date(date(2026, 8, 17), "en") == "Monday, 17 August 2026"
    assert dates.format_date(date(2026, 8, 17), "xx") == "Senin, 17 Agustus 2026"  # unknown: Indonesian


@pytest.mark.parametrize("lang", ["id", "jv", "en"])
@pytest.mark.parametrize("offset", range(7))
def test_receipt_and_voice_name_the_due_day_alike(lang, offset):
    due = MONDAY + timedelta(days=7 + offset)
    meta = {"kind": "complaint", "service_code": "PSR-KEBERSIHAN", "language": lang,
            "service_name": {"id": "Pasar kotor"}, "submitted_at": "2026-11-23T10:15:00+07:00",
            "due_date": due.isoformat(), "kiosk_id": "K1"}
    printed = build_receipt(meta, "T1MZQAD7SWP", CFG, lang).main.due_text
    said = speech.say_date(due, lang)
    assert printed == f"{said} {due.year}"
    assert said.split(",")[0] == dates.WEEKDAYS[lang][offset]


def test_submission_time_on_receipt_and_staff_list():
    monday = datetime(2026, 11, 23, 10, 15, tzinfo=timezone(timedelta(hours=7)))
    assert dates.format_datetime(monday, "jv").startswith("Senen, 23 November 2026")
    assert dates.format_datetime(monday.astimezone(timezone.utc), "en").endswith("10:15\u00a0WIB")


def test_skm_report_period_in_javanese(tmp_path):
    from kiosk.core import KioskCore

    cfg = config_mod.from_dict({"kiosk": {"data_dir": str(tmp_path / "data")}})
    now = datetime(2026, 12, 2, 10, 0, tzinfo=timezone(timedelta(hours=7)))  # a Wednesday
    core = KioskCore(cfg, start_sync=False, clock=lambda: now)
    try:
        report = core.skm.report(date(2026, 11, 23), date(2026, 11, 25))
        period = core.skm.period_text(report, "jv")
        assert "Senen, 23 November 2026" in period and "Rebo, 25 November 2026" in period
        assert "Rebo, 2 Desember 2026" in " ".join(core.skm.sheet(report, "jv").footer)
    finally:
        core.close()
