"""Receipt rendering: PDF and ESC/POS, each beside the bare library doing the least it can.

References, measured in the same run on the same machine:
- PDF: a bare reportlab canvas with one line of text (the floor of producing any PDF);
- ESC/POS: a bare ``qrcode`` matrix for the same URL (the floor of drawing that QR).
Fonts are registered before timing (the kiosk does that once at start-up).
"""
from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable

import qrcode
from reportlab.pdfgen import canvas

from kiosk.config import from_dict
from kiosk.receipts import build_receipt
from printing import fonts, render_escpos, render_pdf

ROUNDS = 60
META = {
    "kind": "complaint", "service_code": "PSR-KEBERSIHAN", "language": "jv",
    "service_name": {"id": "Kebersihan pasar dan saluran air", "jv": "Karesikan peken lan got", "en": "Market cleanliness"},
    "submitted_at": "2026-11-23T10:15:00+07:00", "due_date": "2026-11-25", "kiosk_id": "BWI-GENTENG-01",
}


def _median_ms(fn: Callable[[], object], rounds: int = ROUNDS) -> float:
    fn()  # warm-up: imports, font subsets, caches
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def _bare_pdf() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(164, 500))
    c.setFont("Helvetica", 8)
    c.drawString(10, 480, "TANDA TERIMA PENGADUAN")
    c.save()
    return buf.getvalue()


def run() -> list[dict]:
    fonts.register()
    cfg = from_dict({})
    receipt = build_receipt(META, "T1MZQAD7SWP", cfg, "jv")  # with the Indonesian block: the longest receipt
    rows = []
    for paper in ("58mm", "80mm"):
        rows.append({
            "name": f"receipt PDF render, {paper} (median)", "value": _median_ms(lambda: render_pdf(receipt, paper)),
            "unit": "ms", "reference_name": "bare reportlab canvas, one line",
            "reference": _median_ms(_bare_pdf), "target": "< 100 ms",
        })
    for paper in ("58mm", "80mm"):
        rows.append({
            "name": f"receipt ESC/POS render, {paper} (median)",
            "value": _median_ms(lambda: render_escpos(receipt, paper)),
            "unit": "ms", "reference_name": "bare qrcode matrix of the same URL",
            "reference": _median_ms(lambda: _qr(receipt.qr_data)),
            "target": "< 30 ms",
        })
    return rows


def _qr(data: str) -> list:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=4)
    qr.add_data(data)
    qr.make(fit=True)
    return qr.get_matrix()
