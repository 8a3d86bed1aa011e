"""Receipt -> PNG, by rasterising the PDF with pypdfium2: previews and docs show exactly
what the PDF backends print."""
from __future__ import annotations

import io

from printing.pdf import render_pdf
from printing.receipt import Paper, Receipt


def pdf_to_images(pdf: bytes, dpi: float = 203, bilevel: bool = False) -> list:
    """Each page of ``pdf`` as a Pillow image at ``dpi`` (1-bit when ``bilevel``, like a thermal head)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        images = []
        for page in doc:
            bitmap = page.render(scale=dpi / 72.0, grayscale=True)
            img = bitmap.to_pil().convert("L")
            # pdfium rounds the pixel size up: 640 dots of 72/203 pt come out 641 wide
            exact = (round(page.get_width() * dpi / 72.0), round(page.get_height() * dpi / 72.0))
            if img.size != exact:
                img = img.crop((0, 0, *exact))
            images.append(img.point(lambda v: 255 if v >= 128 else 0, mode="1") if bilevel else img)
            page.close()
        return images
    finally:
        doc.close()


def render_png(receipt: Receipt, paper: str | Paper, dpi: int = 203) -> bytes:
    """A PNG of the receipt at ``dpi`` (all pages of an A6 receipt stacked)."""
    from PIL import Image

    images = pdf_to_images(render_pdf(receipt, paper), dpi)
    if len(images) == 1:
        out = images[0]
    else:
        out = Image.new("L", (max(i.width for i in images), sum(i.height for i in images) + 8 * (len(images) - 1)), 160)
        y = 0
        for img in images:
            out.paste(img, (0, y))
            y += img.height + 8
    buf = io.BytesIO()
    out.save(buf, format="PNG", optimize=False)
    return buf.getvalue()
