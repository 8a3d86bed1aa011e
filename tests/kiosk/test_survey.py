"""Survey responses on disk and on their way to the province: durable, anonymous, exactly once
into the outbox, only when ``skm.service_code`` is set, and only the day after."""
from __future__ import annotations

import json
import re
import sqlite3
from datetime import date, datetime, timedelta, timezone
from urllib.parse import parse_qsl

import pytest

from kiosk import config as config_mod
from kiosk import skm
from kiosk.core import KioskCore
from kiosk.drafts import drafts_from_json

WIB = timezone(timedelta(hours=7))
NOW = datetime(2026, 12, 2, 10, 15, 33, tzinfo=WIB)


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def make_core(tmp_path, clock, **skm_cfg):
    cfg = config_mod.from_dict({"kiosk": {"data_dir": str(tmp_path / "data")}, "skm": skm_cfg})
    return KioskCore(cfg, start_sync=False, clock=clock)


RESPONSE = {"answers": {f"u{i}": 1 + i % 4 for i in range(1, 10)},
            "respondent": {"age": 52, "gender": "L", "education": "sd", "occupation": "pedagang"},
            "suggestion": "Antrean terlalu lama. WA saya 081234567890", "language": "jv"}

PERSONAL = ("Siti Aminah", "081234567890", "3510123456789012", "siti@example.com")


def file_a_complaint(core):
    from kiosktest import sample_attributes

    service = core.service("PSR-KEBERSIHAN")
    draft = drafts_from_json({"service_code": service.code, "description": "Sampah menumpuk di lorong B",
                              "attributes": sample_attributes(service),
                              "reporter": {"name": "Siti Aminah", "phone": "081234567890", "email": "siti@example.com"},
                              "location": {"stall": "B-12"}, "language": "jv"})[0]
    errors = core.validate(draft)
    assert not errors, [e.field for e in errors]
    return core.submit(draft)


def test_recorded_response_is_durable_and_local_only_without_service_code(tmp_path):
    clock = Clock(NOW)
    with make_core(tmp_path, clock) as core:
        assert core.skm.record(RESPONSE) == 1
        clock.now = NOW + timedelta(days=3)
        assert core.skm.release_due() == 0  # no service code: stays on the kiosk
        assert core.outbox.counts().get("queued", 0) == 0
    # a fresh process sees it (committed, not cached)
    with make_core(tmp_path, Clock(NOW)) as core:
        report = core.skm.report()
        assert report.respondents == 1
        assert report.nrr["u1"] == 2 and report.profile["age"] == {"45-54": 1}


def test_nothing_is_stored_when_one_response_is_bad(tmp_path):
    with make_core(tmp_path, Clock(NOW)) as core:
        bad = json.loads(json.dumps(RESPONSE))
        del bad["answers"]["u4"]
        with pytest.raises(skm.SkmInvalid) as err:
            core.skm.record([RESPONSE, bad])
        assert err.value.field == "item 1: answers.u4"
        assert core.skm.store.count() == 0


def test_release_next_day_exactly_once_through_a_crash(tmp_path):
    clock = Clock(NOW)
    with make_core(tmp_path, clock, service_code="SKM-01") as core:
        core.skm.record([RESPONSE] * 5)
        assert core.skm.release_due() == 0  # same day: held back
        clock.now = NOW + timedelta(days=1)
        # a crash after the hand-over of two responses, before they were marked released
        pending = core.skm.store.unreleased(before=clock.now.date())
        for ref, r in pending[:2]:
            core.outbox.enqueue(ref=ref, service_code="SKM-01", body=core.skm.body(ref, r), meta={})
        assert core.skm.release_due() == 3
        assert core.skm.release_due() == 0
        items = core.outbox.items("queued")
        assert len(items) == 5 and len({i.ref for i in items}) == 5
        assert core.skm.store.count_unreleased() == 0


def test_no_stored_or_delivered_response_identifies_anyone(tmp_path):
    """A citizen files a complaint with name, phone and e-mail, then rates the service: nothing in
    the survey's table, its outbox row or its body carries those, the complaint's code, the
    complaint's id, or a time of day; the table has no insertion order."""
    clock = Clock(NOW)
    with make_core(tmp_path, clock, service_code="SKM-01") as core:
        done = file_a_complaint(core)
        core.skm.record(RESPONSE)
        clock.now = NOW.replace(hour=23, minute=59) + timedelta(days=1, minutes=2)
        core.skm.release_due()
        complaint = core.outbox.get(done.tracking_code)
        skm_items = [i for i in core.outbox.items("queued") if i.ref != done.tracking_code]
        assert len(skm_items) == 1
        item = skm_items[0]
    forbidden = [*PERSONAL, done.tracking_code, done.display_code, complaint.key,
                 NOW.strftime("%H:%M"), NOW.strftime("%H.%M"), NOW.isoformat(timespec="seconds")]

    db = sqlite3.connect(tmp_path / "data" / "skm.sqlite3")
    cols = [r[1] for r in db.execute("PRAGMA table_info(skm_responses)")]
    assert not set(cols) & {"name", "phone", "nik", "email", "tracking_code", "submission", "created_at", "time"}
    rows = db.execute("SELECT * FROM skm_responses").fetchall()
    without_rowid = db.execute("SELECT sql FROM sqlite_master WHERE name = 'skm_responses'").fetchone()[0]
    db.close()
    assert "WITHOUT ROWID" in without_rowid
    stored = json.dumps(rows, ensure_ascii=False)
    body = dict(parse_qsl(item.body))
    delivered = json.dumps({"body": body, "meta": item.meta}, ensure_ascii=False)
    for text in (stored, delivered):
        for needle in forbidden:
            assert needle not in text, needle
        assert not re.search(r"\d{8,}", text.replace(item.ref, "")), text  # no phone, no NIK
    for key in ("first_name", "last_name", "phone", "email", "attribute[nik]", "attribute[client_datetime]"):
        assert key not in body
    assert body["attribute[skm_date]"] == "2026-12-02" and body["attribute[skm_age]"] == "45-54"
    assert item.meta["submitted_at"] == "2026-12-02T00:00:00+07:00"  # the day, not the minute
    # and the survey row shares nothing with the complaint row: other ref, other key, other file
    assert item.ref != done.tracking_code and item.key != complaint.key


def test_skm_config_errors_name_the_key(tmp_path):
    with pytest.raises(config_mod.ConfigError, match=r"^skm\.population:"):
        config_mod.from_dict({"skm": {"population": -1}})
    with pytest.raises(config_mod.ConfigError, match=r"^skm\.questions: unknown element 'u0'"):
        config_mod.from_dict({"skm": {"questions": {"u0": "x"}}})
    with pytest.raises(config_mod.ConfigError, match=r"^skm\.questions:"):
        config_mod.from_dict({"skm": {"questions": "x"}})
    cfg = config_mod.from_dict({"skm": {"service_code": "SKM-01", "population": 2400,
                                        "questions": {"u3": {"id": "Cepatkah?", "en": "Quick?"}}}})
    assert cfg.skm.population == 2400 and cfg.skm.questions["u3"]["en"] == "Quick?"


def test_pdf_and_csv_carry_the_result(tmp_path):
    import pypdfium2 as pdfium

    with make_core(tmp_path, Clock(NOW), population=100) as core:
        core.skm.record([RESPONSE] * 3)
        pdf = core.skm.pdf(core.skm.report())
        doc = pdfium.PdfDocument(pdf)
        assert len(doc) == 1
        page = doc[0]
        assert (round(page.get_width()), round(page.get_height())) == (595, 842)  # A4
        text = page.get_textpage().get_text_range()
        doc.close()
        assert "Indeks Kepuasan Masyarakat" in text and "U9" in text and "Krejcie-Morgan" in text
        csv_text = core.skm.csv_text()
        assert csv_text.splitlines()[0].startswith("date,u1,u2")
        assert len(csv_text.splitlines()) == 4 and "081234567890" not in csv_text
        paths = core.skm.export(tmp_path)
        assert [p.suffix for p in paths] == [".pdf", ".csv"] and all(p.stat().st_size for p in paths)


def test_recording_leaves_no_log_line(tmp_path, caplog):
    """A log line's timestamp would tell when the response came (a minute after the complaint
    whose log line names its code)."""
    import logging

    with make_core(tmp_path, Clock(NOW)) as core:
        caplog.clear()
        with caplog.at_level(logging.DEBUG):
            core.skm.record(RESPONSE)
        assert [r for r in caplog.records if r.name.startswith(("kiosk", "offline_queue"))] == []


def test_report_groups_repeated_suggestions_in_text_json_and_pdf(tmp_path):
    """Twenty-two people asking for the same thing is one line with its count, most asked
    first, in `kiosk skm report` as on the pinned-up PDF; --json keeps every response too."""
    import pypdfium2 as pdfium
    from kiosktest import run_kiosk, write_config

    said = ["Toilet kotor"] * 3 + ["Tambah kursi"] + ["Parkir sempit"] * 2
    items = [{**RESPONSE, "suggestion": text, "date": f"2026-11-{i + 1:02d}"} for i, text in enumerate(said)]
    cfg_path = write_config(tmp_path / "kiosk.toml", tmp_path / "data", "http://127.0.0.1:9")
    f = tmp_path / "skm.json"
    f.write_text(json.dumps(items), encoding="utf-8")
    assert run_kiosk(cfg_path, "skm", "add", str(f)).returncode == 0

    text = run_kiosk(cfg_path, "skm", "report").stdout
    lines = [ln.strip() for ln in text.splitlines()]
    start = lines.index("Saran dan masukan:")
    assert lines[start + 1:start + 4] == ["- Toilet kotor (3x)", "- Parkir sempit (2x)", "- Tambah kursi"]
    assert text.count("Toilet kotor") == 1
    english = run_kiosk(cfg_path, "skm", "report", "--lang", "en").stdout
    assert "  Suggestions:" in english

    report = json.loads(run_kiosk(cfg_path, "skm", "report", "--json").stdout)
    assert report["suggestion_counts"] == [{"text": "Toilet kotor", "count": 3}, {"text": "Parkir sempit", "count": 2},
                                           {"text": "Tambah kursi", "count": 1}]
    assert len(report["suggestions"]) == 6  # each response's own, with its day

    pdf_path = tmp_path / "skm.pdf"
    assert run_kiosk(cfg_path, "skm", "report", "--pdf", str(pdf_path)).returncode == 0
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        printed = " ".join(doc[0].get_textpage().get_text_range().split())
    finally:
        doc.close()
    assert "Toilet kotor (3x)" in printed and printed.count("Toilet kotor") == 1  # the most asked first


@pytest.mark.parametrize("lang, more", [
    ("id", "dan {n} lainnya (semuanya di berkas CSV ekspor)"),
    ("jv", "lan {n} sanesipun (sedaya wonten ing berkas CSV ekspor)"),
    ("en", "and {n} more (all of them in the exported CSV file)"),
])
def test_suggestions_that_do_not_fit_the_page_are_counted_and_all_in_the_csv(tmp_path, lang, more):
    """The pinned-up page holds what fits; it says in its own language how many more there
    are and where they are, and the CSV of the same export has every one."""
    import csv
    import io

    import pypdfium2 as pdfium

    said = [f"Saran nomor {i}: tambah tempat sampah di lorong {i}" for i in range(40)]
    with make_core(tmp_path, Clock(NOW)) as core:
        core.skm.record([{**RESPONSE, "suggestion": text} for text in said])
        doc = pdfium.PdfDocument(core.skm.pdf(core.skm.report(), lang))
        try:
            assert len(doc) == 1
            printed = " ".join(doc[0].get_textpage().get_text_range().split())
        finally:
            doc.close()
        shown = sum(f"{text}" in printed for text in said)
        assert 0 < shown < len(said)
        assert more.format(n=len(said) - shown) in printed
        assert "(+" not in printed
        rows = list(csv.DictReader(io.StringIO(core.skm.csv_text())))
        assert sorted(r["suggestion"] for r in rows) == sorted(said)


def test_profile_bands_are_listed_in_their_own_order_not_given_last(tmp_path):
    """A reader looks for "45-54" after "35-44": the bands keep their order whatever the counts."""
    ages = [70, 70, 70, 30, 50, 50, None]
    with make_core(tmp_path, Clock(NOW)) as core:
        core.skm.record([{**RESPONSE, "respondent": {"age": a, "gender": "P"} if a else {}} for a in ages])
        lines = core.skm.profile_lines(core.skm.report(), "id")
    assert lines[0] == "Usia: 25-34 1, 45-54 2, 65 ke atas 3, tidak diisi 1"
    assert lines[1] == "Jenis kelamin: Perempuan 6, tidak diisi 1"
