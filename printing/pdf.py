"""Receipt -> PDF with reportlab: a page as wide as the roll and as tall as the content.

Geometry is worked out in 203-dpi printer dots first: the page is a whole number of dots
wide and tall, and the QR's corner and modules sit on whole dots, so a thermal printer
(or cups-pdf followed by a 203-dpi rasteriser) reproduces every module exactly.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

from reportlab.pdfgen import canvas

from printing import fonts
from printing.layout import Part, parts_of
from printing.qr import module_dots, qr_matrix
from printing.receipt import DPI, Paper, Receipt, paper_for

PT_PER_DOT = 72.0 / DPI
LINE = 1.22  # line height / font size
ASCENT = 0.93  # DejaVu's ascent, for placing a baseline below a row's top
INSET = 0.1 * PT_PER_DOT


@dataclass
class _Op:
    kind: str  # text | rect_rows | rule
    top: float  # points from the top of the content
    height: float
    x: float = 0.0
    runs: list[tuple[str, str]] = field(default_factory=list)
    size: float = 0.0
    width: float = 0.0  # drawn width (text) or rule length
    dashed: bool = False
    matrix: list[list[bool]] | None = None
    module_pt: float = 0.0


@dataclass(frozen=True)
class Layout:
    """What was placed where; tests use it to prove nothing leaves the printable width."""

    paper: Paper
    page_width: float
    page_height: float
    pages: int
    left: float
    right: float
    text_extents: list[tuple[float, float]]  # (x, x + width) of each text line, points
    qr_module_dots: int
    qr_modules: int
    qr_origin_dots: tuple[int, int] = (0, 0)  # the QR's top-left corner (quiet zone included), from the page's top-left


def _font(part: Part) -> str:
    if part.kind == "code":
        return "KioskMono-Bold"
    return "KioskSans-Bold" if part.bold else "KioskSans"


def _text(part: Part, receipt: Receipt, paper: Paper, left: float, width: float, y: float) -> tuple[list[_Op], float]:
    """One text part wrapped into ``width`` points from ``left``; returns its ops and the new y."""
    ops: list[_Op] = []
    font = _font(part)
    indent = 0.0
    if part.kind == "code":
        text = receipt.code
        size = min(20.0 * paper.scale, 0.98 * width / max(fonts.text_width(text, font, 1.0), 1e-6))
        lines = [text]
    else:
        size = part.size * paper.scale
        indent = fonts.text_width("•  ", font, size) if part.bullet else 0.0
        lines = fonts.wrap(fonts.clean(part.text), width - indent, lambda s, f=font, z=size: fonts.text_width(s, f, z))
    for i, line in enumerate(lines):
        w = fonts.text_width(line, font, size)
        if part.bullet:
            if i == 0:
                ops.append(_Op("text", y, size * LINE, x=left, runs=fonts.runs("•", font), size=size,
                               width=fonts.text_width("•", font, size)))
            x = left + indent
        elif part.align == "center":
            x = left + (width - w) / 2
        else:
            x = left
        ops.append(_Op("text", y, size * LINE, x=x, runs=fonts.runs(line, font), size=size, width=w))
        y += size * LINE
    return ops, y


def _qr_op(receipt: Receipt, paper: Paper, x_dots: int | None, y: float) -> tuple[_Op, int, int]:
    """The QR on the dot grid: top at the first whole dot at or below ``y``; centred if no x."""
    matrix = qr_matrix(receipt.qr_data)
    mods = len(matrix)
    dots = module_dots(mods, paper.printable_dots, paper.max_module_dots)
    if x_dots is None:
        x_dots = paper.margin_dots + (paper.printable_dots - mods * dots) // 2
    top = math.ceil(y / PT_PER_DOT - 1e-9) * PT_PER_DOT
    size = mods * dots * PT_PER_DOT
    return _Op("qr", top, size, x=x_dots * PT_PER_DOT, matrix=matrix, module_pt=dots * PT_PER_DOT), dots, mods


def _place(receipt: Receipt, paper: Paper) -> tuple[list[_Op], float, int, int]:
    fonts.register()
    left = paper.margin_dots * PT_PER_DOT
    width = paper.printable_dots * PT_PER_DOT
    ops: list[_Op] = []
    y = 0.0
    qr_dots = qr_mods = 0
    parts = parts_of(receipt)
    i = 0
    while i < len(parts):
        part = parts[i]
        y += part.space_before * paper.scale
        if paper.qr_beside and part.group == "code":
            # wide paper (A6): the QR on the right, the code and its captions beside it
            group = []
            while i < len(parts) and parts[i].group == "code":
                group.append(parts[i])
                i += 1
            probe, qr_dots, qr_mods = _qr_op(receipt, paper, 0, 0.0)
            qr_w_dots = qr_mods * qr_dots
            x_dots = paper.margin_dots + paper.printable_dots - qr_w_dots
            qr, _, _ = _qr_op(receipt, paper, x_dots, y)
            col_w = (paper.printable_dots - qr_w_dots) * PT_PER_DOT - 4 * 72 / 25.4
            texts = [p for p in group if p.kind != "qr"]
            col_ops: list[_Op] = []
            cy = 0.0
            for p in texts:
                cy += p.space_before * paper.scale
                more, cy = _text(p, receipt, paper, left, col_w, cy)
                col_ops += more
            shift = qr.top + max(0.0, (qr.height - cy) / 2)
            for op in col_ops:
                op.top += shift
            ops += col_ops + [qr]
            y = max(qr.top + qr.height, shift + cy)
            continue
        i += 1
        if part.kind == "rule":
            ops.append(_Op("rule", y + 1.5, 3.0, x=left, width=width, dashed=part.dashed))
            y += 3.0
            continue
        if part.kind == "qr":
            qr, qr_dots, qr_mods = _qr_op(receipt, paper, None, y)
            ops.append(qr)
            y = qr.top + qr.height
            continue
        more, y = _text(part, receipt, paper, left, width, y)
        ops += more
    return ops, y, qr_dots, qr_mods


def _draw(c: canvas.Canvas, op: _Op, top_y: float) -> None:
    """Draw one op; ``top_y`` is the page y (from the bottom) of the op's top."""
    if op.kind == "text":
        baseline = top_y - op.size * ASCENT
        x = op.x
        for name, text in op.runs:
            c.setFont(name, op.size)
            c.drawString(x, baseline, text)
            x += op.size * sum(fonts.char_width(name, ch) for ch in text)
    elif op.kind == "rule":
        c.setLineWidth(0.6)
        c.setDash(2, 2) if op.dashed else c.setDash()
        c.line(op.x, top_y - op.height / 2, op.x + op.width, top_y - op.height / 2)
        c.setDash()
    elif op.kind == "qr":
        m = op.module_pt
        assert op.matrix is not None
        for r, row in enumerate(op.matrix):
            c_ = 0
            while c_ < len(row):
                if not row[c_]:
                    c_ += 1
                    continue
                start = c_
                while c_ < len(row) and row[c_]:
                    c_ += 1
                # One rectangle per horizontal run (no hairline seams between modules), inset by
                # a tenth of a dot: rasterisers that blacken every pixel a shape touches
                # (pdfium, Ghostscript) would otherwise grow each run by a whole dot.
                c.rect(op.x + start * m + INSET, top_y - (r + 1) * m + INSET, (c_ - start) * m - 2 * INSET,
                       m - 2 * INSET, stroke=0, fill=1)


def render_pdf_with_layout(receipt: Receipt, paper: str | Paper) -> tuple[bytes, Layout]:
    """Like :func:`render_pdf`, also returning where things went (for tests and backends)."""
    paper = paper_for(paper)
    ops, content_h, qr_dots, qr_mods = _place(receipt, paper)
    page_w = paper.width_dots * PT_PER_DOT
    buf = io.BytesIO()
    if paper.height_mm is None:
        top_pad_dots, bottom_pad_dots = 24, 48  # 3 mm above, 6 mm to tear off below
        total_dots = top_pad_dots + math.ceil(content_h / PT_PER_DOT) + bottom_pad_dots
        page_h = total_dots * PT_PER_DOT
        pages = [(0.0, ops)]
        top = top_pad_dots * PT_PER_DOT
    else:
        page_h = paper.height_mm * 72 / 25.4
        top = paper.margin_dots * PT_PER_DOT
        usable = page_h - 2 * top
        pages, current, offset = [], [], 0.0
        for op in ops:
            if current and op.top + op.height - offset > usable:
                pages.append((offset, current))
                current, offset = [], op.top
            current.append(op)
        pages.append((offset, current))
    c = canvas.Canvas(buf, pagesize=(page_w, page_h), invariant=1, pageCompression=0)
    c.setTitle(receipt.main.title)
    c.setAuthor("")
    c.setCreator("pasar-kiosk")
    for n, (offset, page_ops) in enumerate(pages):
        if n:
            c.showPage()
        for op in page_ops:
            _draw(c, op, page_h - top - (op.top - offset))
    c.save()
    extents = [(op.x, op.x + op.width) for op in ops if op.kind == "text"]
    origin = (0, 0)
    for offset, page_ops in pages[:1]:
        for op in page_ops:
            if op.kind == "qr":
                origin = (round(op.x / PT_PER_DOT), round((top + op.top - offset) / PT_PER_DOT))
    layout = Layout(paper, page_w, page_h, len(pages), paper.margin_dots * PT_PER_DOT,
                    (paper.margin_dots + paper.printable_dots) * PT_PER_DOT, extents, qr_dots, qr_mods, origin)
    return buf.getvalue(), layout


def render_pdf(receipt: Receipt, paper: str | Paper) -> bytes:
    """The receipt as a PDF for ``paper`` ("58mm", "80mm" or "a6")."""
    return render_pdf_with_layout(receipt, paper)[0]
