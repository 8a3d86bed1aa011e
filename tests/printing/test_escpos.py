"""ESC/POS bytes: the QR read back from the raster dots, text that fits the head, no crash on any text."""
from __future__ import annotations

import re

import pytest

from printing import PAPERS, render_escpos
from printing.escpos_render import columns, fold_ascii, raster_images
from printing.qr import qr_matrix

# ESC/POS commands our stream uses, to strip them and look at the printed text itself
_COMMANDS = re.compile(rb"\x1b[@]|\x1b[!EM\-a{t]\S?|\x1d[bB!]\S|\x1dV\S\S?|\x1bd\S", re.S)


def _text_lines(data: bytes) -> list[str]:
    start = data.find(b"\x1dv0")
    out = []
    pos = 0
    chunks = []
    # drop raster blocks first (their bytes are not text)
    while start >= 0:
        chunks.append(data[pos:start])
        wb = data[start + 4] | data[start + 5] << 8
        h = data[start + 6] | data[start + 7] << 8
        pos = start + 8 + wb * h
        start = data.find(b"\x1dv0", pos)
    chunks.append(data[pos:])
    for chunk in chunks:
        text = _COMMANDS.sub(b"", chunk)
        out += text.decode("ascii").split("\n")
    return out


@pytest.mark.parametrize(("paper", "dots"), [("58mm", 384), ("80mm", 576)])
def test_qr_decodes_from_the_escpos_raster(receipt_factory, qr_reader, paper: str, dots: int) -> None:
    receipt = receipt_factory(secondary=True)
    data = render_escpos(receipt, paper)
    assert data.startswith(b"\x1b@")  # initialise the printer first
    assert b"\x1dV" in data  # and cut at the end
    [image] = raster_images(data)  # the QR is the only image: all text here is plain ESC/POS text
    assert image.width == dots
    assert qr_reader(image) == [receipt.qr_data]
    # whole dots per module: the symbol's width is a multiple of its module count
    dark_cols = [x for x in range(image.width) if any(image.getpixel((x, y)) == 0 for y in range(image.height))]
    modules_drawn = len(qr_matrix(receipt.qr_data)) - 8  # without the quiet zone
    assert (dark_cols[-1] - dark_cols[0] + 1) % modules_drawn == 0
    assert (dark_cols[-1] - dark_cols[0] + 1) // modules_drawn >= 4


@pytest.mark.parametrize("paper", ["58mm", "80mm"])
def test_text_lines_fit_the_columns_and_say_what_the_receipt_says(receipt_factory, paper: str) -> None:
    receipt = receipt_factory(service="Pasar kotor, got mampet dan bau di lorong ikan yang sangat panjang sekali")
    lines = _text_lines(render_escpos(receipt, paper))
    cols = columns(PAPERS[paper])
    assert cols == {"58mm": 32, "80mm": 48}[paper]
    assert all(len(line) <= cols for line in lines), [line for line in lines if len(line) > cols]
    joined = " ".join(lines)
    for needle in ("TANDA TERIMA PENGADUAN", "T1M-ZQAD-7SWP", "Rabu, 25 November 2026", "Kios BWI-GENTENG-01"):
        assert needle in joined


def test_text_folds_to_ascii_or_falls_back_to_an_image() -> None:
    assert fold_ascii("Café naïve — “kutip” … ½") == 'Cafe naive - "kutip" ... 1/2'
    assert fold_ascii("ꦗꦮ") is None
    assert fold_ascii("antri 🙏") is None


def test_long_unicode_prints_without_crash_and_within_the_head(receipt_factory, hostile_text: str, qr_reader) -> None:
    receipt = receipt_factory(service=hostile_text[:300], steps=(hostile_text,), secondary=True)
    for paper, dots in (("58mm", 384), ("80mm", 576)):
        data = render_escpos(receipt, paper)
        images = raster_images(data)
        # paragraphs the code page cannot show became images exactly as wide as the head
        assert len(images) >= 3 and all(img.width == dots for img in images)
        assert sum(img.height for img in images) > 1000
        assert any(qr_reader(img) == [receipt.qr_data] for img in images)
        assert all(len(line) <= columns(PAPERS[paper]) for line in _text_lines(data))


def test_a6_is_not_an_escpos_paper(receipt_factory) -> None:
    with pytest.raises(ValueError):
        render_escpos(receipt_factory(), "a6")
