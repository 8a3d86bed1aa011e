"""The satisfaction-survey result as one A4 page a service unit pins up (a bar per element).

Plain, already-translated data in (:class:`SkmSheet`), PDF bytes out; nothing here knows
the survey's arithmetic or the kiosk.  Text goes through :mod:`printing.fonts`, so Javanese
script and stray characters in a suggestion draw (or become a square) instead of crashing.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from printing import fonts

MARGIN = 48.0
SANS, BOLD = "KioskSans", "KioskSans-Bold"
# mutu letter -> fill colour of its badge (and of the bars' scale bands), RGB 0-1
COLOURS = {"A": (0.13, 0.55, 0.25), "B": (0.45, 0.70, 0.25), "C": (0.93, 0.60, 0.10), "D": (0.80, 0.15, 0.15)}
BAR_FILL = (0.16, 0.38, 0.65)
WEAK_FILL = (0.85, 0.45, 0.15)


@dataclass(frozen=True)
class Bar:
    label: str          # "U1 Persyaratan"
    value: float        # the element's NRR, 1.00-4.00 (0 when there are no answers)
    value_text: str     # "3,25"
    weak: bool = False  # among the weakest elements: drawn in another colour


@dataclass(frozen=True)
class SkmSheet:
    header: tuple[str, ...]            # province, regency, unit
    title: str
    period: str
    index_label: str                   # "Indeks Kepuasan Masyarakat (IKM)"
    index_text: str                    # "82,45" or "-"
    mutu_letter: str                   # "A".."D" or ""
    mutu_text: str                     # "Mutu pelayanan: B (Baik)"
    facts: tuple[tuple[str, str], ...]  # ("Jumlah responden", "120"), ...
    bars_title: str
    bars: tuple[Bar, ...]
    scale_labels: tuple[str, str, str, str] = ("1", "2", "3", "4")
    notes: tuple[tuple[str, tuple[str, ...]], ...] = field(default_factory=tuple)  # (heading, lines)
    footer: tuple[str, ...] = ()
    more_text: str = "… (+{n})"        # after the lines of a note that did not fit: "… dan {n} lainnya"


def _draw(c: canvas.Canvas, text: str, font: str, size: float, x: float, y: float, *, align: str = "left") -> float:
    """Draw one line (fallback fonts per character) at baseline ``y``; returns its width."""
    text = fonts.clean(text).replace("\n", " ")
    width = fonts.text_width(text, font, size)
    if align == "center":
        x -= width / 2
    elif align == "right":
        x -= width
    for name, part in fonts.runs(text, font):
        c.setFont(name, size)
        c.drawString(x, y, part)
        x += size * sum(fonts.char_width(name, ch) for ch in part)
    return width


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    return fonts.wrap(fonts.clean(text), width, lambda s: fonts.text_width(s, font, size))


def render_skm_pdf(sheet: SkmSheet) -> bytes:
    """One A4 portrait page; a very long list of notes is cut with its last line saying so."""
    fonts.register()
    buf = io.BytesIO()
    page_w, page_h = A4
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle(sheet.title)
    c.setAuthor(" / ".join(sheet.header))
    inner = page_w - 2 * MARGIN
    y = page_h - MARGIN

    for i, line in enumerate(sheet.header):
        y -= 13
        _draw(c, line.upper() if i == 0 else line, BOLD if i == 0 else SANS, 11, page_w / 2, y, align="center")
    y -= 8
    c.setLineWidth(1.2)
    c.line(MARGIN, y, page_w - MARGIN, y)
    for line in _wrap(sheet.title, BOLD, 19, inner):
        y -= 26
        _draw(c, line, BOLD, 19, page_w / 2, y, align="center")
    y -= 18
    _draw(c, sheet.period, SANS, 12, page_w / 2, y, align="center")

    # the index and its letter, in a box
    box_h = 86.0
    y -= 16 + box_h
    c.setLineWidth(1)
    c.setStrokeColorRGB(0.6, 0.6, 0.6)
    c.roundRect(MARGIN, y, inner, box_h, 8, stroke=1, fill=0)
    c.setStrokeColorRGB(0, 0, 0)
    _draw(c, sheet.index_label, SANS, 12, MARGIN + 18, y + box_h - 20)
    _draw(c, sheet.index_text, BOLD, 44, MARGIN + 18, y + 12)
    if sheet.mutu_letter:
        r, g, b = COLOURS.get(sheet.mutu_letter, (0.4, 0.4, 0.4))
        c.setFillColorRGB(r, g, b)
        side = box_h - 20
        bx = page_w - MARGIN - 10 - side
        c.roundRect(bx, y + 10, side, side, 8, stroke=0, fill=1)
        c.setFillColorRGB(1, 1, 1)
        _draw(c, sheet.mutu_letter, BOLD, 52, bx + side / 2, y + 10 + side / 2 - 18, align="center")
        c.setFillColorRGB(0, 0, 0)
    mutu_lines = _wrap(sheet.mutu_text, BOLD, 14, inner - 200 - box_h - 10)
    my = y + box_h / 2 - 5 + 9 * (len(mutu_lines) - 1)
    for line in mutu_lines:
        _draw(c, line, BOLD, 14, MARGIN + 200, my)
        my -= 18

    # facts, two columns
    y -= 10
    col_w = inner / 2
    for i, (label, value) in enumerate(sheet.facts):
        if i % 2 == 0:
            y -= 17
        x = MARGIN + (i % 2) * col_w
        w = _draw(c, f"{label}: ", SANS, 10.5, x, y)
        _draw(c, value, BOLD, 10.5, x + w, y)

    # the bars
    y -= 30
    _draw(c, sheet.bars_title, BOLD, 13, MARGIN, y)
    label_w = 215.0
    x0 = MARGIN + label_w
    bar_w = inner - label_w - 44
    row_h = 22.0
    top = y - 10
    bottom = top - row_h * len(sheet.bars)
    c.setLineWidth(0.4)
    c.setStrokeColorRGB(0.75, 0.75, 0.75)
    for k in range(5):  # grid at 0..4
        gx = x0 + bar_w * k / 4
        c.line(gx, bottom, gx, top)
    c.setStrokeColorRGB(0, 0, 0)
    for k, text in enumerate(sheet.scale_labels, start=1):
        _draw(c, text, SANS, 8.5, x0 + bar_w * k / 4, bottom - 11, align="center")
    for i, bar in enumerate(sheet.bars):
        row_top = top - i * row_h
        size = 10.0
        lines = _wrap(bar.label, SANS, size, label_w - 8)
        if len(lines) > 2:
            size = 8.5
            lines = _wrap(bar.label, SANS, size, label_w - 8)[:2]
        ly = row_top - row_h / 2 - size * 0.35 + (size * 0.55 if len(lines) == 2 else 0)
        for line in lines:
            _draw(c, line, SANS, size, MARGIN, ly)
            ly -= size * 1.1
        r, g, b = WEAK_FILL if bar.weak else BAR_FILL
        c.setFillColorRGB(r, g, b)
        length = bar_w * max(0.0, min(bar.value, 4.0)) / 4
        if length > 0:
            c.rect(x0, row_top - row_h + 5, length, row_h - 10, stroke=0, fill=1)
        c.setFillColorRGB(0, 0, 0)
        _draw(c, bar.value_text, BOLD, 10.5, x0 + length + 5, row_top - row_h / 2 - 3.5)
    y = bottom - 28

    # notes (weakest elements, sample size, suggestions): as many lines as fit
    footer_lines = [part for line in sheet.footer for part in _wrap(line, SANS, 8.5, inner)]
    footer_top = MARGIN + 12 * len(footer_lines) + 6
    for heading, lines in sheet.notes:
        if y - 30 < footer_top:
            break
        y -= 4
        _draw(c, heading, BOLD, 12, MARGIN, y)
        y -= 4
        for n, line in enumerate(lines):
            wrapped = _wrap(line, SANS, 10, inner - 12)
            if y - 13 * (len(wrapped) + 1) < footer_top:  # keep a line for "… (+N)"
                left = len(lines) - n
                y -= 13
                _draw(c, sheet.more_text.format(n=left), SANS, 10, MARGIN + 12, y)
                break
            for j, part in enumerate(wrapped):
                y -= 13
                _draw(c, ("• " if j == 0 else "   ") + part, SANS, 10, MARGIN + 4, y)
        y -= 14

    fy = MARGIN
    for line in reversed(footer_lines):
        _draw(c, line, SANS, 8.5, MARGIN, fy)
        fy += 12
    c.showPage()
    c.save()
    return buf.getvalue()


__all__ = ["Bar", "SkmSheet", "render_skm_pdf"]
