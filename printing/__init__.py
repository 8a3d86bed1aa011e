"""Receipt rendering and printing: a library that knows nothing of the kiosk.

Give it plain, already-translated data; get bytes or paper back::

    from printing import Receipt, Wording, render_pdf, render_png, render_escpos, make_printer

    receipt = Receipt(header=("PEMERINTAH PROVINSI JAWA TIMUR", "Kabupaten Banyuwangi", "Pasar Genteng"),
                      code="T1M-ZQAD-7SWP", qr_data="HTTPS://.../T1MZQAD7SWP/K1/...",
                      main=Wording(title="TANDA TERIMA PENGADUAN", ...), secondary=None,
                      footer=("Simpan tanda terima ini.",))
    pdf = render_pdf(receipt, "58mm")           # "58mm" | "80mm" | "a6": page sized to the roll
    png = render_png(receipt, "80mm", dpi=203)  # a preview, rasterised from the PDF
    raw = render_escpos(receipt, "58mm")        # ESC/POS bytes for a 384-dot (or 576-dot) head
    make_printer("cups", name="KioskPDF", paper="58mm").print(receipt)

Public API:

- :class:`Receipt`, :class:`Wording` (the words of one language), :class:`Paper`, ``PAPERS``;
- :func:`render_pdf`, :func:`render_png`, :func:`render_escpos`;
- :func:`make_printer` for backends ``file``, ``cups``, ``escpos-usb``, ``escpos-serial``,
  ``escpos-network``, ``escpos-dummy``, ``windows``; each printer has ``print(receipt)``
  and ``status()`` ("ready", "offline", "paper_out", "no_printer", "unknown");
- :class:`PrinterError` (``kind`` in ``no_printer``, ``offline``, ``paper_out``, ``failed``;
  ``detail`` for the log);
- :func:`qr_png` (a QR for screens, whole pixels per module) and :func:`qr_matrix`.

Everything is safe to call from a worker thread; nothing here touches Qt.  The QR uses error
correction Q, a 4-module quiet zone, and a whole number of 203-dpi dots per module.  Fonts
(DejaVu Sans, Noto Sans Javanese) are bundled in ``printing/fonts``.  ``escpos`` is imported
through :mod:`printing._escpos`, which stops python-escpos 3.1 leaving a temp folder per import.
"""
from __future__ import annotations

from typing import Any

from printing.errors import PrinterError
from printing.receipt import PAPERS, Paper, Receipt, Wording, paper_for

__all__ = [
    "PAPERS", "Paper", "PrinterError", "Receipt", "Wording", "make_printer", "paper_for",
    "qr_matrix", "qr_png", "render_escpos", "render_pdf", "render_png",
]


def render_pdf(receipt: Receipt, paper: str | Paper) -> bytes:
    """The receipt as a PDF page sized to ``paper`` (height fitted to the content on rolls)."""
    from printing.pdf import render_pdf as _render

    return _render(receipt, paper)


def render_png(receipt: Receipt, paper: str | Paper, dpi: int = 203) -> bytes:
    """A PNG preview, the PDF rasterised at ``dpi``."""
    from printing.png import render_png as _render

    return _render(receipt, paper, dpi)


def render_escpos(receipt: Receipt, paper: str | Paper) -> bytes:
    """ESC/POS bytes for a 58 mm (384-dot) or 80 mm (576-dot) thermal printer."""
    from printing.escpos_render import render_escpos as _render

    return _render(receipt, paper)


def make_printer(backend: str, **options: Any):  # type: ignore[no-untyped-def]
    """A printer backend (see :mod:`printing.backends`)."""
    from printing.backends import make_printer as _make

    return _make(backend, **options)


def qr_png(data: str, target_px: int) -> bytes:
    from printing.qr import qr_png as _qr_png

    return _qr_png(data, target_px)


def qr_matrix(data: str) -> list[list[bool]]:
    from printing.qr import qr_matrix as _qr_matrix

    return _qr_matrix(data)
