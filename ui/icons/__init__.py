"""The kiosk's own line icons (24x24 SVG, drawn in black) tinted at run time.

Icons are drawn once in black and coloured with ``CompositionMode_SourceIn`` so one file
serves white-on-navy headers and navy-on-white buttons alike.
"""
from __future__ import annotations

import functools
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

ICON_DIR = Path(__file__).parent


def names() -> list[str]:
    """Every icon name available (the SVG file stems)."""
    return sorted(p.stem for p in ICON_DIR.glob("*.svg"))


@functools.lru_cache(maxsize=512)
def pixmap(name: str, colour: str = "#0B2545", size: int = 64) -> QPixmap:
    """``name`` rendered at ``size`` px in ``colour``; an unknown name gives the info icon."""
    path = ICON_DIR / f"{name}.svg"
    if not path.exists():
        path = ICON_DIR / "info.svg"
    renderer = QSvgRenderer(str(path))
    pm = QPixmap(size, size)
    pm.fill(Qt.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.Antialiasing)
    renderer.render(p, QRectF(0, 0, size, size))
    p.setCompositionMode(QPainter.CompositionMode_SourceIn)
    p.fillRect(pm.rect(), QColor(colour))
    p.end()
    return pm


def icon(name: str, colour: str = "#0B2545", size: int = 64) -> QIcon:
    """A QIcon of ``name`` (normal and disabled look the same colour family)."""
    return QIcon(pixmap(name, colour, size))
