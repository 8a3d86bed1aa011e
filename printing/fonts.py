"""Bundled fonts, per-character fallback, and word wrapping that never overflows.

reportlab draws one font at a time and does no fallback, so a string is cut into runs:
each character goes to the first face that has it (DejaVu Sans, then Noto Sans Javanese
for Aksara Jawa); a character no face has (emoji) becomes a white square, and invisible
format characters (zero-width joiners, variation selectors) are dropped, so nothing
crashes and nothing prints as garbage.  The same runs serve Pillow when ESC/POS text must
be drawn as an image.
"""
from __future__ import annotations

import functools
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).with_name("fonts")
MISSING = "\u25a1"  # WHITE SQUARE, in DejaVu Sans
NO_BREAK = "\u00a0\u202f\u2007"  # spaces a line must not break at ("10.15\u00a0WIB")

# style -> (primary face, fallback face); names are reportlab registrations
_FACES = {
    "KioskSans": "DejaVuSans.ttf",
    "KioskSans-Bold": "DejaVuSans-Bold.ttf",
    "KioskMono-Bold": "DejaVuSansMono-Bold.ttf",
    "KioskJava": "NotoSansJavanese-Regular.ttf",
    "KioskJava-Bold": "NotoSansJavanese-Bold.ttf",
}
_FALLBACK = {"KioskSans": "KioskJava", "KioskSans-Bold": "KioskJava-Bold", "KioskMono-Bold": "KioskJava-Bold"}
_lock = threading.Lock()


def face_path(name: str) -> Path:
    return FONT_DIR / _FACES[name]


@functools.lru_cache(maxsize=None)
def _coverage(name: str) -> frozenset[int]:
    return frozenset(_registered(name).face.charToGlyph)


@functools.lru_cache(maxsize=None)
def _registered(name: str) -> TTFont:
    with _lock:
        # Asked for a name it does not know, ``getFont`` first searches every Type 1 font
        # directory for it (0.2 s per face, holding the GIL: the kiosk's screen stalled while
        # the receipt fonts loaded in the background): ask the registry instead.
        if name in pdfmetrics.getRegisteredFontNames():
            return pdfmetrics.getFont(name)  # type: ignore[return-value]
        font = TTFont(name, str(face_path(name)))
        pdfmetrics.registerFont(font)
    return font


def register() -> None:
    """Register every bundled face with reportlab (idempotent, thread-safe)."""
    for name in _FACES:
        _registered(name)


def clean(text: str) -> str:
    """Control characters become spaces; invisible format marks the fonts lack are dropped."""
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch == "\n":
            out.append(ch)
        elif cat == "Cc" or cat == "Zl" or cat == "Zp":
            out.append(" ")
        elif cat == "Zs" and ch not in NO_BREAK:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def runs(text: str, font: str) -> list[tuple[str, str]]:
    """Split ``text`` into ``(font name, text)`` runs, each drawable by its font."""
    primary, fallback = font, _FALLBACK.get(font)
    have = _coverage(primary)
    have_fb = _coverage(fallback) if fallback else frozenset()
    result: list[tuple[str, str]] = []
    for ch in text:
        cp = ord(ch)
        if cp in have:
            name, glyph = primary, ch
        elif cp in have_fb:
            name, glyph = fallback, ch  # type: ignore[assignment]
        elif unicodedata.category(ch) in ("Cf", "Mn", "Me", "Sk") or 0xFE00 <= cp <= 0xFE0F:
            continue  # joiners, variation selectors, stray combining marks: invisible anyway
        else:
            name, glyph = primary, MISSING
        if result and result[-1][0] == name:
            result[-1] = (name, result[-1][1] + glyph)
        else:
            result.append((name, glyph))
    return result


@functools.lru_cache(maxsize=None)
def char_width(name: str, ch: str) -> float:
    return pdfmetrics.stringWidth(ch, name, 1000) / 1000.0


def text_width(text: str, font: str, size: float) -> float:
    """Width in points of ``text`` drawn with fallback runs (reportlab does no kerning)."""
    return size * sum(char_width(name, ch) for name, part in runs(text, font) for ch in part)


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Greedy word wrap; a word wider than the line is cut between characters.

    Every returned line measures <= ``width`` (a single character wider than the line is
    impossible with our sizes, but would still be returned alone rather than loop).
    """
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in (w for w in para.split(" ") if w):  # not str.split(): it breaks at no-break spaces
            candidate = f"{line} {word}" if line else word
            if measure(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
                line = ""
            while measure(word) > width and len(word) > 1:
                lo, hi = 1, len(word) - 1  # longest prefix that fits, by bisection
                while lo < hi:
                    mid = (lo + hi + 1) // 2
                    if measure(word[:mid]) <= width:
                        lo = mid
                    else:
                        hi = mid - 1
                lines.append(word[:lo])
                word = word[lo:]
            line = word
        if line:
            lines.append(line)
    return lines
