"""The SKM report page: plain data in, one A4 page out, a bar per element as long as its value,
and text that never breaks the page (long suggestions are cut and counted, Javanese script draws)."""
from __future__ import annotations

import pypdfium2 as pdfium

from printing.png import pdf_to_images
from printing.skm_sheet import Bar, SkmSheet, render_skm_pdf


def sheet(**changes) -> SkmSheet:
    values = [1.0, 2.0, 3.0, 4.0, 2.5, 3.5, 3.25, 1.75, 4.0]
    base = dict(
        header=("Pemerintah Provinsi Jawa Timur", "Kabupaten Banyuwangi", "UPT Pasar Genteng"),
        title="Hasil Survei Kepuasan Masyarakat", period="Periode 1 Januari 2026 sampai 30 Juni 2026",
        index_label="Indeks Kepuasan Masyarakat (IKM)", index_text="72,92", mutu_letter="C",
        mutu_text="Mutu pelayanan: C (Kurang baik)",
        facts=(("Jumlah responden", "331"), ("Sampel minimal", "331")),
        bars_title="Nilai rata-rata per unsur (skala 1 sampai 4)",
        bars=tuple(Bar(f"U{i + 1} Unsur", v, f"{v:.2f}", weak=v < 2) for i, v in enumerate(values)),
        notes=(("Saran dan masukan", tuple(f"Saran nomor {i}: toilet perlu dibersihkan tiap pagi" for i in range(80))),),
        footer=("IKM = 25 x rata-rata nilai kesembilan unsur.",),
    )
    base.update(changes)
    return SkmSheet(**base)


def page_text(pdf: bytes) -> str:
    doc = pdfium.PdfDocument(pdf)
    try:
        assert len(doc) == 1
        page = doc[0]
        assert (round(page.get_width()), round(page.get_height())) == (595, 842)
        return page.get_textpage().get_text_range()
    finally:
        doc.close()


def test_one_a4_page_with_every_element_and_long_notes_cut():
    text = page_text(render_skm_pdf(sheet()))
    for i in range(1, 10):
        assert f"U{i} Unsur" in text
    assert "72,92" in text and "Saran nomor 0" in text
    assert "Saran nomor 79" not in text and "(+" in text  # cut, and says how many are left


def bar_ink(value: float) -> int:
    """Dark pixels right of the labels on a page whose nine bars all have ``value``."""
    bars = tuple(Bar(f"U{i + 1} Unsur", value, "") for i in range(9))
    img = pdf_to_images(render_skm_pdf(sheet(bars=bars, notes=())), dpi=72)[0]
    px = img.load()
    x0 = 48 + 215 + 2  # MARGIN + label column (points = pixels at 72 dpi), past the axis line
    return sum(1 for x in range(x0, img.size[0] - 48) for y in range(img.size[1]) if px[x, y] < 160)


def test_bars_are_as_long_as_their_values():
    empty, half, full = bar_ink(0.0), bar_ink(2.0), bar_ink(4.0)
    assert full > half > empty
    assert abs((full - empty) - 2 * (half - empty)) < 0.05 * (full - empty)


def test_javanese_script_and_odd_characters_draw():
    notes = (("Pamrayogi", ("ꦥꦱꦂ ꦒꦼꦤ꧀ꦠꦺꦁ resik 🙏\x07 \u200d",)),)
    text = page_text(render_skm_pdf(sheet(notes=notes, mutu_letter="", index_text="-")))
    assert "resik" in text
