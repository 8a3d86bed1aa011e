"""Dates as words, one rule for the screen, the receipt, the read-aloud and the reports.

``Rebo, 25 November 2026`` is easier for an elder than ``25/11/2026``, and the same day must
be called the same everywhere: the done screen, the printed receipt, what the listen button
says, the SKM report.  Every place that names a weekday or a month takes it from here.

Our own tables, not Babel's CLDR data: Babel's ``jv`` locale names the weekdays in their
Indonesian forms (``Rabu, Kamis, Jumat, Sabtu``), which is not how a Javanese speaker in an
East Java market says them.  Basa Jawa (krama as much as ngoko: the day names do not change
with the speech level) uses the traditional forms ``Senen, Selasa, Rebo, Kemis, Jemuwah,
Setu, Ahad`` (``Minggu`` is heard too; ``Ahad`` is what the kiosk has always printed and
what CLDR has).  The Gregorian months are the same words as in Indonesian.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from kiosk.i18n import tr

WIB = timezone(timedelta(hours=7), "WIB")

# Monday first, as date.weekday() counts.
WEEKDAYS: dict[str, tuple[str, ...]] = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "jv": ("Senen", "Selasa", "Rebo", "Kemis", "Jemuwah", "Setu", "Ahad"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS: dict[str, tuple[str, ...]] = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
           "Oktober", "November", "Desember"),
    "jv": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
           "Oktober", "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}


def _lang(lang: str) -> str:
    return lang if lang in WEEKDAYS else "id"  # Indonesian: the source language, read by all


def weekday_name(d: date, lang: str) -> str:
    """``Rebo`` (jv), ``Rabu`` (id), ``Wednesday`` (en)."""
    return WEEKDAYS[_lang(lang)][d.weekday()]


def month_name(month: int, lang: str) -> str:
    """The month (1-12) spelled out: ``November``, ``Agustus``/``August``."""
    return MONTHS[_lang(lang)][month - 1]


def format_date(d: date, lang: str, *, year: bool = True) -> str:
    """``Rebo, 25 November 2026``; without the year (``year=False``) for the voice, where a
    due date is always this year or the next and the year is only more to listen to."""
    text = f"{weekday_name(d, lang)}, {d.day} {month_name(d.month, lang)}"
    return f"{text} {d.year}" if year else text


def format_datetime(dt: datetime, lang: str) -> str:
    """``Senin, 23 November 2026, pukul 10.15 WIB`` in the kiosk's time zone (Indonesian and
    Javanese write 10.15, English 10:15)."""
    local = dt.replace(tzinfo=WIB) if dt.tzinfo is None else dt.astimezone(WIB)
    clock = f"{local:%H:%M}" if lang == "en" else f"{local:%H.%M}"
    text = tr(lang, "{date}, pukul {time} WIB", date=format_date(local.date(), lang), time=clock)
    # keep "pukul 10.15 WIB" on one line: a lone "WIB" at the start of a line reads badly
    return text.replace(f" {clock}", f"\u00a0{clock}").replace(" WIB", "\u00a0WIB")


__all__ = ["WEEKDAYS", "MONTHS", "WIB", "weekday_name", "month_name", "format_date", "format_datetime"]
