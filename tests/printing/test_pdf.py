"""The PDF receipt: sized to the roll, QR scannable at printer resolution, text never off the paper."""
from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from printing import PAPERS, render_pdf, render_png
from printing.pdf import PT_PER_DOT, render_pdf_with_layout
from printing.png import pdf_to_images
from printing.qr import QUIET_ZONE, qr_matrix


def _page_sizes_mm(pdf: bytes) -> list[tuple[float, float]]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [(p.get_width() * 25.4 / 72, p.get_height() * 25.4 / 72) for p in doc]
    finally:
        doc.close()


def _char_boxes(pdf: bytes) -> list[tuple[int, str, float, float]]:
    """(page, char, left, right) of every character pdfium finds on the pages, in points."""
    out = []
    doc = pdfium.PdfDocument(pdf)
    try:
        for n, page in enumerate(doc):
            text = page.get_textpage()
            for i in range(text.count_chars()):
                ch = text.get_text_range(i, 1)
                if not ch.strip():
                    continue
                left, _bottom, right, _top = text.get_charbox(i)
                out.append((n, ch, left, right))
    finally:
        doc.close()
    return out


@pytest.mark.parametrize(("paper", "width_mm"), [("58mm", 58.06), ("80mm", 80.08)])
def test_roll_page_is_the_roll_width_and_as_tall_as_the_content(receipt_factory, paper: str, width_mm: float) -> None:
    short = render_pdf(receipt_factory(), paper)
    long = render_pdf(receipt_factory(secondary=True), paper)
    [(w, h)] = _page_sizes_mm(short)
    [(w2, h2)] = _page_sizes_mm(long)
    assert w == pytest.approx(width_mm, abs=0.05) and w2 == pytest.approx(width_mm, abs=0.05)
    assert 100 < h < h2 < 400  # fitted to content: the Indonesian block makes it longer


def test_a6_is_an_a6_page(receipt_factory) -> None:
    [(w, h)] = _page_sizes_mm(render_pdf(receipt_factory(), "a6"))
    assert w == pytest.approx(105, abs=0.1) and h == pytest.approx(148, abs=0.1)


@pytest.mark.parametrize("paper", ["58mm", "80mm", "a6"])
def test_qr_scans_from_a_one_bit_203_dpi_raster(receipt_factory, qr_reader, paper: str) -> None:
    receipt = receipt_factory(secondary=True)
    pdf, layout = render_pdf_with_layout(receipt, paper)
    [image, *_] = pdf_to_images(pdf, dpi=203, bilevel=True)
    assert qr_reader(image) == [receipt.qr_data]
    # geometry: whole dots per module, a real quiet zone, and a QR that fits the head
    assert isinstance(layout.qr_module_dots, int) and 4 <= layout.qr_module_dots <= 8
    assert layout.qr_modules == len(qr_matrix(receipt.qr_data))
    assert layout.qr_modules * layout.qr_module_dots <= PAPERS[paper].printable_dots


def test_qr_modules_land_on_whole_dots(receipt_factory) -> None:
    """Raster at exactly 203 dpi: every module is a clean block of n x n dots, no grey seams."""
    receipt = receipt_factory()
    pdf, layout = render_pdf_with_layout(receipt, "58mm")
    [gray] = pdf_to_images(pdf, dpi=203)
    matrix = qr_matrix(receipt.qr_data)
    n, m = len(matrix), layout.qr_module_dots
    px = gray.load()
    x0, top = layout.qr_origin_dots
    assert x0 == PAPERS["58mm"].margin_dots + (PAPERS["58mm"].printable_dots - n * m) // 2  # centred
    assert all(not any(row) for row in matrix[:QUIET_ZONE]) and not any(row[0] for row in matrix)
    for r in range(n):
        for c in range(n):
            for dy in (0, m - 1):
                for dx in (0, m - 1):
                    v = px[x0 + c * m + dx, top + r * m + dy]
                    assert (v < 64) == matrix[r][c] and (v < 64 or v > 192), (r, c, v)


def test_long_unicode_renders_inside_the_paper(receipt_factory, hostile_text: str) -> None:
    receipt = receipt_factory(service=hostile_text[:500], steps=(hostile_text,),
                              header=("PEMERINTAH PROVINSI JAWA TIMUR " * 3, "ꦧꦚꦸꦮꦔꦶ", "Pasar 🐟 Genteng"), secondary=True)
    for paper in ("58mm", "80mm", "a6"):
        pdf, layout = render_pdf_with_layout(receipt, paper)
        # our own bookkeeping: every line was placed inside the printable width
        assert all(layout.left - 0.01 <= x0 and x1 <= layout.right + 0.01 for x0, x1 in layout.text_extents)
        # and what pdfium actually finds in the PDF agrees
        boxes = _char_boxes(pdf)
        assert len(boxes) > 3000
        assert all(layout.left - 1 <= left and right <= layout.right + 1 for _p, _ch, left, right in boxes), paper
        # Javanese script is drawn with its own font, emoji become a white square, nothing is lost silently
        chars = {ch for _p, ch, _l, _r in boxes}
        assert "ꦗ" in chars and "□" in chars
        if paper == "a6":
            assert layout.pages > 1


def test_png_preview_is_the_pdf_at_printer_resolution(receipt_factory, qr_reader) -> None:
    import io

    from PIL import Image

    receipt = receipt_factory()
    img = Image.open(io.BytesIO(render_png(receipt, "80mm")))
    assert img.width == PAPERS["80mm"].width_dots
    assert qr_reader(img) == [receipt.qr_data]
    assert abs(img.height * 72 / 203 - render_pdf_with_layout(receipt, "80mm")[1].page_height) < 2
    assert PT_PER_DOT == pytest.approx(72 / 203)
