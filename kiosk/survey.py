"""The survey's use cases: record a response, release responses for delivery, the report.

``KioskCore.skm`` is a :class:`Survey`; the UI and ``kiosk skm`` call it, never the store.

Delivery (only when ``skm.service_code`` names the province's Open311 service): a response is
handed to the outbox -- the same exactly-once machinery as a submission, with its own random
ref as idempotency anchor -- *the day after* it was given, in random order, together with the
rest of that day's responses.  Sent at once, its arrival time on the server (and the outbox
row's times and position) would sit seconds after the complaint the same citizen just filed,
tying an "anonymous" rating to a name.  Handing over is idempotent: the outbox refuses a ref it
already holds (:class:`~offline_queue.DuplicateRef`), so a crash between the hand-over and the
``released`` mark hands nothing over twice.
"""
from __future__ import annotations

import csv
import io
import logging
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode

from kiosk import skm
from kiosk.config import Config
from kiosk.i18n import N_, tr
from kiosk.dates import format_date
from kiosk.skm_store import SkmStore, SkmStoreFull
from kiosk.tracking import new_code
from offline_queue import DuplicateRef, Outbox, OutboxFull
from printing.skm_sheet import Bar, SkmSheet, render_skm_pdf

log = logging.getLogger(__name__)

SERVICE_NAME = {"id": "Survei Kepuasan Masyarakat", "jv": "Survei Kepuasan Masyarakat",
                "en": "Public satisfaction survey"}
FULL_MESSAGE = N_("Penyimpanan kios penuh. Penilaian belum tersimpan. Mohon hubungi petugas.")


class SurveyFull(RuntimeError):
    def text(self, lang: str) -> str:
        return tr(lang, FULL_MESSAGE)


def decimal_text(value: Any, lang: str) -> str:
    """``82,45`` in Indonesian and Javanese, ``82.45`` in English."""
    text = f"{value:.2f}"
    return text if lang == "en" else text.replace(".", ",")


class Survey:
    def __init__(self, cfg: Config, outbox: Outbox | None, *, prefix: str, today: Callable[[], date],
                 wake: Callable[[], None] = lambda: None):
        self.cfg = cfg
        self.store = SkmStore(cfg.data_dir / "skm.sqlite3")
        self.outbox = outbox
        self.prefix = prefix
        self.today = today
        self.wake = wake

    # -- what the screen shows ------------------------------------------------------------
    def questions(self, lang: str) -> list[dict[str, Any]]:
        """Per element: id, short name, the (unit's) question and the four answer words."""
        return [{"id": e.id, "name": tr(lang, e.name), "question": skm.question(e.id, lang, self.cfg.skm.questions),
                 "answers": skm.answer_words(e.id, lang)} for e in skm.ELEMENTS]

    def profile_choices(self, lang: str) -> list[dict[str, Any]]:
        return [{"field": f, "label": tr(lang, skm.PROFILE_LABELS[f]),
                 "choices": [(k, tr(lang, label)) for k, label in skm.PROFILE_CHOICES[f]]}
                for f in skm.PROFILE_FIELDS]

    @property
    def delivers(self) -> bool:
        return bool(self.cfg.skm.service_code)

    # -- recording ------------------------------------------------------------------------
    def validate(self, data: Any) -> list[skm.Response]:
        """Every response checked (raises :class:`kiosk.skm.SkmInvalid` naming the element)."""
        return skm.parse_many(data, today=self.today())

    def record(self, data: Any) -> int:
        """Check and durably store one response (a dict) or several (a list), all or none.

        Returns how many.  Slow (an fsync): call it off the GUI thread.
        """
        responses = self.validate(data)
        taken: set[str] = set()
        items = []
        for r in responses:
            ref = new_code(self.prefix, is_taken=lambda c: c in taken or (self.outbox is not None and self.outbox.get(c) is not None))
            taken.add(ref)
            items.append((ref, r))
        try:
            self.store.add(items)
        except SkmStoreFull:
            log.error("disk full: survey response refused")
            raise SurveyFull(FULL_MESSAGE) from None
        # Not logged: a log line's timestamp would say when this response came, a minute after
        # the complaint the same person filed (whose log line names its code).
        return len(items)

    # -- delivery -------------------------------------------------------------------------
    def release_due(self) -> int:
        """Hand responses of past days to the outbox (when a service code is set); idempotent."""
        if not self.delivers or self.outbox is None:
            return 0
        handed = 0
        for ref, response in self.store.unreleased(before=self.today()):
            try:
                self.outbox.enqueue(ref=ref, service_code=self.cfg.skm.service_code,
                                    body=self.body(ref, response), meta=self._meta(response))
                handed += 1
            except DuplicateRef:
                pass  # handed over before a crash, not marked yet: mark it now
            except OutboxFull:
                log.error("outbox full: survey responses stay on the kiosk for now")
                break
            self.store.mark_released(ref)
        if handed:
            log.info("handed %d survey response(s) to the outbox", handed)
            self.wake()
        return handed

    def release_due_quietly(self) -> int:
        """For the housekeeping thread: a failure is logged, never raised."""
        try:
            return self.release_due()
        except Exception:
            log.exception("handing survey responses to the outbox failed")
            return 0

    def body(self, ref: str, r: skm.Response) -> str:
        """The Open311 form body: the answers as attributes and in a readable description.

        No name, phone, e-mail, NIK, and no ``client_datetime``: only the day.
        """
        cfg = self.cfg
        lines = [f"{SERVICE_NAME['id']} (PermenPAN-RB 14/2017), {r.day.isoformat()}"]
        lines += [f"{e.id.upper()} {tr('id', e.name)}: {r.answers[e.id]}" for e in skm.ELEMENTS]
        lines += [f"{tr('id', skm.PROFILE_LABELS[f])}: {getattr(r, f)}" for f in skm.PROFILE_FIELDS if getattr(r, f)]
        if r.suggestion:
            lines.append(f"Saran: {r.suggestion}")
        lines.append(f"Kode laporan: {ref}")
        fields: list[tuple[str, str]] = [
            ("jurisdiction_id", cfg.server.jurisdiction_id),
            ("service_code", cfg.skm.service_code),
            ("description", "\n".join(lines)[:4000]),
            ("lat", f"{cfg.kiosk.lat:.6f}"),
            ("long", f"{cfg.kiosk.long:.6f}"),
            ("address_string", f"{cfg.kiosk.market}, {cfg.kiosk.address}"),
            ("device_id", cfg.kiosk.id),
        ]
        fields += [(f"attribute[skm_{e}]", str(r.answers[e])) for e in skm.ELEMENT_IDS]
        fields += [(f"attribute[skm_{f}]", getattr(r, f)) for f in skm.PROFILE_FIELDS if getattr(r, f)]
        if r.suggestion:
            fields.append(("attribute[skm_suggestion]", r.suggestion))
        fields += [("attribute[skm_language]", r.language), ("attribute[skm_date]", r.day.isoformat()),
                   ("attribute[kiosk_ref]", ref)]
        return urlencode(fields, encoding="utf-8")

    def _meta(self, r: skm.Response) -> dict[str, Any]:
        midnight = datetime(r.day.year, r.day.month, r.day.day, tzinfo=_wib())
        return {"kind": "skm", "service_code": self.cfg.skm.service_code, "service_name": dict(SERVICE_NAME),
                "language": r.language, "submitted_at": midnight.isoformat(timespec="seconds"),
                "due_date": r.day.isoformat(), "kiosk_id": self.cfg.kiosk.id, "assisted": False}

    # -- the report -----------------------------------------------------------------------
    def report(self, date_from: date | None = None, date_to: date | None = None) -> skm.Report:
        return skm.build_report(self.store.responses(date_from, date_to), date_from=date_from,
                                date_to=date_to, population=self.cfg.skm.population)

    def unit_name(self) -> str:
        return self.cfg.skm.unit_name or self.cfg.kiosk.market

    def period_text(self, report: skm.Report, lang: str) -> str:
        start = report.date_from or report.first_day
        end = report.date_to or report.last_day
        if not start or not end:
            return tr(lang, N_("Belum ada penilaian."))
        return tr(lang, N_("Periode {start} sampai {end}"), start=format_date(start, lang), end=format_date(end, lang))

    def sample_text(self, report: skm.Report, lang: str) -> str:
        if not report.population:
            return tr(lang, N_("Jumlah pengguna layanan setahun belum diisi (skm.population): kecukupan sampel tidak dapat dinilai."))
        if report.sample_enough:
            return tr(lang, N_("Sampel cukup: {n} responden, minimal {need} untuk {population} pengguna layanan setahun (tabel Krejcie-Morgan)."),
                      n=report.respondents, need=report.sample_needed, population=report.population)
        return tr(lang, N_("Sampel belum cukup: {n} responden, perlu minimal {need} untuk {population} pengguna layanan setahun (tabel Krejcie-Morgan). Hasil belum layak dipublikasikan."),
                  n=report.respondents, need=report.sample_needed, population=report.population)

    def mutu_text(self, report: skm.Report, lang: str) -> str:
        if not report.mutu:
            return tr(lang, N_("Belum ada penilaian."))
        return tr(lang, N_("Mutu pelayanan: {letter} ({label})"), letter=report.mutu,
                  label=tr(lang, skm.MUTU_LABELS[report.mutu]))

    def profile_lines(self, report: skm.Report, lang: str) -> list[str]:
        """One line per profile question, its bands in their own order (youngest first, SD
        to S2/S3) as a report's reader expects, "not given" last."""
        out = []
        for f in skm.PROFILE_FIELDS:
            names = dict(skm.PROFILE_CHOICES[f])
            counts = report.profile.get(f, {})
            order = [k for k in names if counts.get(k)] + [k for k in counts if k not in names and counts[k]]
            parts = [f"{tr(lang, names[k]) if k in names else tr(lang, N_('tidak diisi'))} {counts[k]}"
                     for k in order]
            out.append(f"{tr(lang, skm.PROFILE_LABELS[f])}: " + (", ".join(parts) or "-"))
        return out

    def sheet(self, report: skm.Report, lang: str = "id") -> SkmSheet:
        """The pinned-up page's words in ``lang`` (Indonesian for the official one)."""
        k = self.cfg.kiosk
        weak = set(report.weakest)
        bars = tuple(Bar(label=f"{eid.upper()} {skm.element_name(eid, lang)}",
                         value=float(report.nrr.get(eid, 0)),
                         value_text=decimal_text(report.nrr[eid], lang) if eid in report.nrr else "-",
                         weak=eid in weak) for eid in skm.ELEMENT_IDS)
        notes: list[tuple[str, tuple[str, ...]]] = [
            (tr(lang, N_("Kecukupan sampel")), (self.sample_text(report, lang),))]
        if report.weakest:
            notes.append((tr(lang, N_("Unsur dengan nilai terendah (prioritas perbaikan)")),
                          tuple(f"{eid.upper()} {skm.element_name(eid, lang)}: {decimal_text(report.nrr[eid], lang)}"
                                for eid in report.weakest)))
        notes.append((tr(lang, N_("Profil responden")), tuple(self.profile_lines(report, lang))))
        if report.suggestions:  # the same words from many: once, with a count
            notes.append((tr(lang, N_("Saran dan masukan")),
                          tuple(skm.suggestion_text(t, n) for t, n in report.suggestion_counts)))
        return SkmSheet(
            header=(k.province, k.regency, self.unit_name()),
            title=tr(lang, N_("Hasil Survei Kepuasan Masyarakat")),
            period=self.period_text(report, lang),
            index_label=tr(lang, N_("Indeks Kepuasan Masyarakat (IKM)")),
            index_text=decimal_text(report.ikm, lang) if report.ikm is not None else "-",
            mutu_letter=report.mutu or "",
            mutu_text=self.mutu_text(report, lang),
            facts=((tr(lang, N_("Jumlah responden")), str(report.respondents)),
                   (tr(lang, N_("Sampel minimal")), str(report.sample_needed) if report.population else "-")),
            bars_title=tr(lang, N_("Nilai rata-rata per unsur (skala 1 sampai 4)")),
            bars=bars,
            notes=tuple(notes),
            more_text=tr(lang, N_("… dan {n} lainnya (semuanya di berkas CSV ekspor)")),
            footer=(tr(lang, N_("IKM = 25 x rata-rata nilai kesembilan unsur (PermenPAN-RB No. 14 Tahun 2017). Mutu: A 88,31-100; B 76,61-88,30; C 65,00-76,60; D 25,00-64,99.")),
                    tr(lang, N_("Dibuat oleh kios {kiosk} pada {date}."), kiosk=k.id, date=format_date(self.today(), lang))),
        )

    def pdf(self, report: skm.Report, lang: str = "id") -> bytes:
        return render_skm_pdf(self.sheet(report, lang))

    def csv_text(self, date_from: date | None = None, date_to: date | None = None) -> str:
        """One row per response (anonymous: day, answers, profile bands, suggestion, language)."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["date", *skm.ELEMENT_IDS, *skm.PROFILE_FIELDS, "suggestion", "language"])
        for r in self.store.responses(date_from, date_to):
            w.writerow([r.day.isoformat(), *(r.answers[e] for e in skm.ELEMENT_IDS),
                        *(getattr(r, f) for f in skm.PROFILE_FIELDS), r.suggestion, r.language])
        return buf.getvalue()

    def export(self, folder: str | Path, date_from: date | None = None, date_to: date | None = None) -> list[Path]:
        """The report (PDF) and the responses (CSV) into ``folder`` (a USB stick), for a unit
        whose kiosk does not deliver: nothing in them identifies anyone."""
        folder = Path(folder)
        safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in self.cfg.kiosk.id) or "kiosk"
        stem = f"skm-{safe}-{self.today():%Y%m%d}"
        pdf_path, csv_path = folder / f"{stem}.pdf", folder / f"{stem}.csv"
        pdf_path.write_bytes(self.pdf(self.report(date_from, date_to)))
        csv_path.write_text(self.csv_text(date_from, date_to), encoding="utf-8")
        return [pdf_path, csv_path]


def _wib() -> timezone:
    return timezone(timedelta(hours=7), "WIB")


__all__ = ["Survey", "SurveyFull", "decimal_text", "SERVICE_NAME"]
