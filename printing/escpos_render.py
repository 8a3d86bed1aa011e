"""Receipt -> ESC/POS bytes, through python-escpos's ``Dummy`` printer.

Decisions:
- Text is sent as ESC/POS text (Font A, 12 x 24 dots: 32 columns on 58 mm, 48 on 80 mm),
  folded to ASCII (accents dropped, typographic dashes and quotes simplified), because
  every printer's first code page has ASCII and text is a fraction of the bytes of an
  image: a receipt goes through a 9600-baud serial line in seconds, not a minute.
- A paragraph that cannot be folded (Aksara Jawa, emoji, other scripts) is drawn as a
  raster image with the bundled fonts instead, so nothing prints as ``?``.
- The QR is a raster image (``GS v 0``) with each module a whole number of dots, centred
  on the printable width; native ``GS ( k`` QR support differs between printers and
  cannot promise the module size, a raster image prints the same everywhere.
"""
from __future__ import annotations

import textwrap
import unicodedata

from printing import fonts
from printing._escpos import load as load_escpos
from printing.layout import Part, parts_of
from printing.qr import module_dots, qr_image, qr_matrix
from printing.receipt import DPI, Paper, Receipt, paper_for

FONT_A_DOTS = 12
_FOLD = str.maketrans({
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2022": "*", "\u00b7": "-", "\u2026": "...", "\u00a0": " ", "\u00d7": "x", "\u00ab": '"', "\u00bb": '"', "\u2044": "/",
})


def fold_ascii(text: str) -> str | None:
    """``text`` as printable ASCII (accents dropped), or None if it cannot be (e.g. ꦗꦮ, emoji)."""
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD)).translate(_FOLD)
    out = "".join(ch for ch in folded if not unicodedata.combining(ch))
    out = " ".join(out.split()) if "\n" not in out else "\n".join(" ".join(p.split()) for p in out.split("\n"))
    return out if all(32 <= ord(ch) < 127 or ch == "\n" for ch in out) else None


def columns(paper: Paper) -> int:
    return paper.printable_dots // FONT_A_DOTS


def _dummy(paper: Paper):  # type: ignore[no-untyped-def]
    printer = load_escpos().Dummy()
    # Our own copy of the profile data (the library shares one dict per profile): with the
    # width known, escpos checks images against it instead of printing a warning to stdout.
    data = dict(printer.profile.profile_data)
    data["media"] = {"width": {"pixels": paper.printable_dots, "mm": paper.printable_dots * 25.4 / DPI}, "dpi": DPI}
    printer.profile.profile_data = data
    return printer


def _text_image(part: Part, paper: Paper):  # type: ignore[no-untyped-def]
    """A paragraph the printer's code page cannot show, drawn with the bundled fonts."""
    from PIL import Image, ImageDraw, ImageFont

    font_name = "KioskSans-Bold" if part.bold else "KioskSans"
    px = round(part.size * paper.scale * DPI / 72.0)
    faces: dict[str, ImageFont.FreeTypeFont] = {}

    def face(name: str) -> ImageFont.FreeTypeFont:
        if name not in faces:
            faces[name] = ImageFont.truetype(str(fonts.face_path(name)), px)
        return faces[name]

    def measure(s: str) -> float:
        return sum(face(n).getlength(t) for n, t in fonts.runs(s, font_name))

    width = paper.printable_dots
    indent = measure("*  ") if part.bullet else 0
    lines = fonts.wrap(fonts.clean(part.text), width - indent, measure) or [""]
    line_h = round(px * 1.25)
    img = Image.new("1", (width, line_h * len(lines)), 1)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        w = measure(line)
        x = indent if part.bullet else ((width - w) / 2 if part.align == "center" else 0)
        if part.bullet and i == 0:
            draw.text((0, i * line_h), "*", font=face(font_name), fill=0)
        for name, run in fonts.runs(line, font_name):
            draw.text((x, i * line_h), run, font=face(name), fill=0)
            x += face(name).getlength(run)
    return img


def raster_images(data: bytes) -> list:
    """The ``GS v 0`` raster images in an ESC/POS stream, as 1-bit Pillow images.

    For previews and tests: it reads back exactly the dots a printer would burn.  It skips
    text and other commands by scanning for the raster header, which cannot occur inside
    our folded-ASCII text.
    """
    from PIL import Image

    images = []
    i = 0
    while True:
        i = data.find(b"\x1dv0", i)
        if i < 0:
            return images
        width_bytes = data[i + 4] | data[i + 5] << 8
        height = data[i + 6] | data[i + 7] << 8
        start = i + 8
        raw = data[start:start + width_bytes * height]
        # ESC/POS: 1 = burn a dot; Pillow mode "1": 0 = black, so invert
        img = Image.frombytes("1", (width_bytes * 8, height), bytes(255 - b for b in raw))
        images.append(img)
        i = start + len(raw)


def render_escpos(receipt: Receipt, paper: str | Paper) -> bytes:
    """The receipt as an ESC/POS byte stream for a 58 mm (384-dot) or 80 mm (576-dot) roll."""
    paper = paper_for(paper)
    if paper.height_mm is not None:
        raise ValueError(f"ESC/POS is for rolls (58mm, 80mm), not {paper.name}")
    from PIL import Image

    p = _dummy(paper)
    cols = columns(paper)
    p.hw("INIT")
    for part in parts_of(receipt):
        if part.space_before >= 4:
            p.set_with_default()
            p.ln()
        if part.kind == "rule":
            p.set_with_default(align="left")
            p.textln(("- " * cols)[:cols] if part.dashed else "-" * cols)
            continue
        if part.kind == "qr":
            matrix = qr_matrix(receipt.qr_data)
            dots = module_dots(len(matrix), paper.printable_dots, paper.max_module_dots)
            qr = qr_image(receipt.qr_data, dots, matrix=matrix)
            line = Image.new("1", (paper.printable_dots, qr.height), 1)
            line.paste(qr, ((paper.printable_dots - qr.width) // 2, 0))
            p.set_with_default(align="left")
            p.image(line, impl="bitImageRaster")
            continue
        if part.kind == "code":
            p.set_with_default(align="center", bold=True, double_width=True, double_height=True)
            p.textln(fold_ascii(receipt.code) or receipt.code)
            continue
        text = fold_ascii(part.text)
        if text is None:
            p.set_with_default(align="left")
            p.image(_text_image(part, paper), impl="bitImageRaster")
            continue
        big = part.size >= 10.5
        p.set_with_default(align=part.align if part.align == "center" else "left", bold=part.bold,
                           double_height=big)
        width = cols
        for para in text.split("\n"):
            if part.bullet:
                wrapped = textwrap.wrap(para, width, initial_indent="- ", subsequent_indent="  ",
                                        break_long_words=True, break_on_hyphens=False)
            else:
                wrapped = textwrap.wrap(para, width, break_long_words=True, break_on_hyphens=False)
            for line in wrapped:
                p.textln(line)
    p.set_with_default()
    p.ln(2)
    p.cut()
    return p.output
