"""The receipt's QR: a module matrix from the ``qrcode`` library, sized in whole printer dots."""
from __future__ import annotations

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M, ERROR_CORRECT_Q

QUIET_ZONE = 4  # modules of white around the symbol, as ISO/IEC 18004 asks
_LEVELS = {"M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q}


def qr_matrix(data: str, level: str = "Q") -> list[list[bool]]:
    """Rows of modules (True = dark), quiet zone included.

    Q (25 % recovery) by default: thermal prints smudge and fade.  An upper-case URL gets
    QR alphanumeric mode from ``qrcode``'s own segmenting, keeping the symbol small.
    """
    qr = qrcode.QRCode(error_correction=_LEVELS[level], border=QUIET_ZONE, box_size=1)
    qr.add_data(data)
    qr.make(fit=True)
    return qr.get_matrix()


def module_dots(modules: int, available_dots: int, max_dots: int) -> int:
    """The largest whole number of dots per module (<= ``max_dots``) that fits the width."""
    dots = min(max_dots, available_dots // modules)
    if dots < 2:
        raise ValueError(f"QR of {modules} modules does not fit {available_dots} dots at 2 dots per module")
    return dots


def qr_image(data: str, module_px: int, level: str = "Q", matrix: list[list[bool]] | None = None):
    """A 1-bit Pillow image of the QR, ``module_px`` pixels per module, quiet zone included."""
    from PIL import Image

    matrix = matrix or qr_matrix(data, level)
    n = len(matrix)
    small = Image.new("1", (n, n), 1)
    small.putdata([0 if dark else 1 for row in matrix for dark in row])
    return small.resize((n * module_px, n * module_px), Image.NEAREST)


def qr_png(data: str, target_px: int, level: str = "Q") -> bytes:
    """A PNG of the QR no larger than ``target_px`` square, whole pixels per module (for screens)."""
    n = len(qr_matrix(data, level))
    img = qr_image(data, max(1, target_px // n), level)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()
