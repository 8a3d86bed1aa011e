"""For everyone: contrast, touch targets, text size, accessible names, a way back everywhere."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QPlainTextEdit, QWidget
from uihelpers import find, tap, tour

from ui import theme
from ui.icons import names as icon_names

REQUIRED_ICONS = (
    "market stall money security parking toilet scale vehicle idcard family baby water electricity "
    "health road light waste aid info back home print search check warning language"
).split()


@pytest.mark.parametrize("name,fg,bg", theme.CONTRAST_PAIRS, ids=[p[0] for p in theme.CONTRAST_PAIRS])
def test_palette_contrast_at_least_4_5(name, fg, bg):
    assert theme.contrast_ratio(fg, bg) >= 4.5, f"{name}: {fg} on {bg}"


def test_every_icon_is_drawn():
    assert set(REQUIRED_ICONS) <= set(icon_names())


def in_status_bar(w: QWidget) -> bool:
    while w is not None:
        if w.objectName() in ("StatusBar", "Keyboard"):
            return True
        w = w.parentWidget()
    return False


def visible_controls(window):
    for w in window.findChildren(QWidget):
        if w.isVisible() and not in_status_bar(w) and w.window() is window:
            yield w


def test_every_screen_targets_text_names_and_back(qtbot, window):
    problems = []
    for screen in tour(qtbot, window, typing=False):
        for w in visible_controls(window):
            if isinstance(w, QAbstractButton):
                least = theme.touch_min_px(window.height())  # 15 mm on this panel
                if w.height() < least or w.width() < least:
                    problems.append(f"{screen}: button {w.objectName() or w.text()!r} is {w.width()}x{w.height()}")
                if not (w.accessibleName() or w.text()).strip():
                    problems.append(f"{screen}: button {w.objectName()!r} has no accessible name")
            if isinstance(w, (QLineEdit, QPlainTextEdit)) and not w.accessibleName().strip():
                problems.append(f"{screen}: field {w.objectName()!r} has no accessible name")
            if isinstance(w, (QLabel, QAbstractButton, QLineEdit, QPlainTextEdit)):
                text = w.text() if not isinstance(w, QPlainTextEdit) else "x"
                if text and w.font().pointSizeF() < 18:
                    problems.append(f"{screen}: {type(w).__name__} {text[:30]!r} at {w.font().pointSizeF()} pt")
        # A way back from everywhere but the start, the few seconds of sending and the
        # done screen (whose one button, "Selesai", goes back to the start).
        if screen not in ("welcome", "sending", "done", "done-printer-failed", "idle-countdown"):
            if not window.back_button.isVisible():
                problems.append(f"{screen}: no back button")
    assert problems == []


def test_larger_text_toggle_grows_every_text(qtbot, window):
    label = find(window, "start-report")
    before = label.font().pointSizeF()
    tap(qtbot, find(window, "large-text"))
    assert label.font().pointSizeF() >= before * 1.2
    tap(qtbot, find(window, "large-text"))
    assert label.font().pointSizeF() == before
