"""A PNG of every screen in each language at 1366x768 and 1920x1080, for people to look at.

Written to ``docs/screenshots/<lang>-<size>-<nn>-<screen>.png`` (``make screenshots``).
``make screenshots`` also writes the 1024x768 panel and the large-text variants
(``<lang>-<size>-large-<nn>-<screen>.png``); the test suite writes only the two common sizes
(``KIOSK_ALL_SCREENSHOTS=1`` adds the rest: 12 more tours are minutes of a shared machine).
The on-screen keyboard is a Qt Quick scene: ``QWidget.grab`` leaves it blank, so its own
framebuffer is painted over the window grab where it sits.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QImage, QPainter, QRegion
from PySide6.QtWidgets import QApplication
from uihelpers import tour

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
import os

SIZES = [(1366, 768), (1920, 1080)]
ALL = bool(os.environ.get("KIOSK_ALL_SCREENSHOTS"))
VARIANTS = [(size, False) for size in SIZES]
if ALL:
    VARIANTS += [((1024, 768), False)] + [(size, True) for size in [(1024, 768), *SIZES]]


def grab(window):
    # What a person sees is painted after pending layouts are done: settle them first (a grab
    # straight after a rebuild showed the review's rows on top of each other).
    for _ in range(3):
        QApplication.sendPostedEvents(None, QEvent.LayoutRequest)
        QApplication.processEvents()
    kb = window.keyboard
    if not kb.isVisible():
        return window.grab().toImage()
    # Render the widgets around the keyboard, then the keyboard's own frame into its place.
    image = QImage(window.size(), QImage.Format_ARGB32_Premultiplied)
    image.fill(0)
    area = QRegion(window.rect()).subtracted(QRegion(kb.geometry()))
    p = QPainter(image)
    window.render(p, QPoint(0, 0), area)
    p.drawImage(kb.geometry().topLeft(), kb.grab().toImage())
    p.end()
    return image


@pytest.mark.slow
@pytest.mark.parametrize("size,large", VARIANTS,
                         ids=[f"{w}x{h}{'-large' if large else ''}" for (w, h), large in VARIANTS])
@pytest.mark.parametrize("lang", ["id", "jv", "en"])
def test_screenshots(qtbot, make_window, core, lang, size, large, monkeypatch):
    # Qt's mock speech engine (the tests' engine) has no Indonesian voice; for the pictures any
    # voice will do, so the listen button shows in every language as on a kiosk with espeak-ng.
    from kiosk import speech

    for code in ("id", "jv"):
        monkeypatch.setitem(speech.VOICE_LANGUAGES, code, (code, "id", "en"))
    window = make_window(core, size=size)
    qtbot.waitUntil(lambda: window.listen.speaker is not None and window.listen.speaker.ready, timeout=10000)
    variant = f"{size[0]}x{size[1]}" + ("-large" if large else "")
    written = shoot(window, tour(qtbot, window, lang=lang, large=large), f"{lang}-{variant}")
    assert len(written) >= 18


def shoot(window, steps, stem: str) -> list[Path]:
    """A PNG per step of a tour, ``<stem>-<nn>-<step>.png``; each must show something."""
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    for n, name in enumerate(steps):
        path = OUT / f"{stem}-{n:02d}-{name}.png"
        assert grab(window).save(str(path))
        written.append(path)
    assert all(p.stat().st_size > 10_000 for p in written)
    return written


@pytest.mark.slow
@pytest.mark.parametrize("size,large", VARIANTS,
                         ids=[f"{w}x{h}{'-large' if large else ''}" for (w, h), large in VARIANTS])
@pytest.mark.parametrize("lang", ["id", "jv", "en"])
def test_skm_screenshots(qtbot, make_window, core, lang, size, large):
    """Every survey screen and the staff's SKM page: ``<lang>-<size>[-large]-skm-<nn>-<screen>.png``."""
    from skm_tour import skm_tour

    window = make_window(core, size=size)
    variant = f"{size[0]}x{size[1]}" + ("-large" if large else "")
    written = shoot(window, skm_tour(qtbot, window, lang, large=large), f"{lang}-{variant}-skm")
    assert len(written) == 13
