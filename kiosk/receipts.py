"""The receipt's words: from an outbox item's non-personal meta to a ``printing.Receipt``.

The receipt is in the citizen's language, with the essentials repeated in Indonesian
underneath when that is another language (the office reads Indonesian).  It carries no
personal data: only what ``meta`` holds (kind, service, language, times, kiosk id), never
the reporter's name, phone, NIK or e-mail, even if a caller put them there.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from kiosk.config import Config
from kiosk.dates import WIB, format_date, format_datetime  # also imported from here (core, tests)
from kiosk.i18n import LANGUAGES, N_, tr
from kiosk.kinds import known_kind
from kiosk.signing import receipt_url
from kiosk.tracking import format_code, parse_code
from printing import Receipt, Wording, make_printer, qr_png, render_escpos, render_pdf, render_png

TITLES = {
    "complaint": N_("TANDA TERIMA PENGADUAN"),
    "request": N_("TANDA TERIMA PERMOHONAN LAYANAN"),
}


def _service_name(meta: dict[str, Any], lang: str) -> str:
    names = meta.get("service_name") or {}
    if isinstance(names, str):
        return names
    return names.get(lang) or names.get("id") or next(iter(names.values()), "") or str(meta.get("service_code", ""))


def _working_days_between(start: date, due: date) -> int:
    """How many working days the promise is (the catalog may set it per service)."""
    from kiosk.duedate import next_working_day  # (holidays: ~80 ms, not at start-up)

    days, day = 0, start
    while day < due and days < 366:
        day = next_working_day(day)
        days += 1
    return days


def _wording(meta: dict[str, Any], lang: str, submitted_at: datetime, due: date, cfg: Config) -> Wording:
    from kiosk.duedate import received_on

    kind = known_kind(meta.get("kind"))
    days = _working_days_between(received_on(submitted_at), due)
    saved = (N_("Pengaduan Anda sudah tersimpan dan dikirim otomatis ke {province}.") if kind == "complaint"
             else N_("Permohonan Anda sudah tersimpan dan dikirim otomatis ke {province}."))
    return Wording(
        title=tr(lang, TITLES[kind]),
        service_label=tr(lang, "Layanan"),
        service=_service_name(meta, lang),
        time_label=tr(lang, "Waktu"),
        time_text=format_datetime(submitted_at, lang),
        code_label=tr(lang, "Kode pelacakan"),
        due_label=tr(lang, "Ditangani paling lambat"),
        due_text=format_date(due, lang),
        next_label=tr(lang, "Langkah selanjutnya"),
        next_steps=(
            tr(lang, saved, province=cfg.kiosk.province),
            tr(lang, "Petugas menanganinya paling lambat {days} hari kerja, tanpa biaya.", days=days),
            tr(lang, "Simpan tanda terima ini dan sebutkan kode pelacakan bila bertanya."),
        ),
        status_label=tr(lang, "Cara cek status"),
        check_status=(
            tr(lang, "Pindai kode QR dengan kamera ponsel, atau"),
            tr(lang, "ketik kode pelacakan di kios ini, menu \u201cCek Status\u201d."),
        ),
        qr_caption=tr(lang, "Pindai untuk melihat status"),
    )


def build_receipt(meta: dict[str, Any], code: str, cfg: Config, lang: str) -> Receipt:
    """A printable receipt for one submission, in ``lang`` (+ Indonesian when ``lang`` is not).

    ``meta`` is what the core stores with each outbox item: ``kind``, ``service_code``,
    ``service_name`` ({lang: name}), ``language``, ``submitted_at`` (ISO 8601), ``due_date``
    (ISO date; computed from ``cfg`` if missing), ``kiosk_id``.  Any other key is ignored.
    """
    lang = lang if lang in LANGUAGES else "id"
    code = parse_code(code)
    submitted_at = datetime.fromisoformat(meta["submitted_at"])
    if submitted_at.tzinfo is None:
        submitted_at = submitted_at.replace(tzinfo=WIB)
    from kiosk.duedate import due_date as compute_due_date

    due_text = meta.get("due_date")
    due = date.fromisoformat(due_text) if due_text else compute_due_date(submitted_at, cfg.receipt.due_working_days)
    kiosk_id = str(meta.get("kiosk_id") or cfg.kiosk.id)
    return Receipt(
        header=(cfg.kiosk.province.upper(), cfg.kiosk.regency, cfg.kiosk.market),
        code=format_code(code),
        qr_data=receipt_url(code, submitted_at, cfg.receipt),
        main=_wording(meta, lang, submitted_at, due, cfg),
        secondary=_wording(meta, "id", submitted_at, due, cfg) if lang != "id" else None,
        footer=(tr(lang, "Layanan ini tidak dipungut biaya."), tr(lang, "Kios {kiosk}", kiosk=kiosk_id)),
    )


def render_receipt(item_meta: dict[str, Any], code: str, cfg: Config, lang: str, fmt: str) -> bytes:
    """The receipt as ``fmt`` ("pdf", "png" or "escpos") on the configured paper."""
    receipt = build_receipt(item_meta, code, cfg, lang)
    paper = cfg.receipt.paper
    if fmt == "pdf":
        return render_pdf(receipt, paper)
    if fmt == "png":
        return render_png(receipt, paper)
    if fmt == "escpos":
        return render_escpos(receipt, paper if paper != "a6" else "80mm")
    raise ValueError(f"unknown receipt format {fmt!r}; use pdf, png or escpos")


def render_qr_png(url: str, px: int) -> bytes:
    """The receipt's QR as a PNG for the screen (shown when the printer fails)."""
    return qr_png(url, px)


def printer_from_config(cfg: Config):  # type: ignore[no-untyped-def]
    """The printer the config's ``[printer]`` section describes."""
    p = cfg.printer
    options: dict[str, Any] = {"paper": cfg.receipt.paper}
    if p.backend == "file":
        options["path"] = cfg.printer_path
    elif p.backend in ("cups", "windows"):
        options["name"] = p.name
    elif p.backend == "escpos-network":
        options.update(host=p.host, port=p.port)
    elif p.backend == "escpos-serial":
        options.update(device=p.device, baudrate=p.baudrate)
    elif p.backend == "escpos-usb":
        options.update(usb_vendor=p.usb_vendor, usb_product=p.usb_product)
    if p.backend.startswith("escpos-") and cfg.receipt.paper == "a6":
        options["paper"] = "80mm"
    return make_printer(p.backend, **options)
