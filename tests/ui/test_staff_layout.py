"""Layout on the 1366x768 panel: with the on-screen keyboard up, the text question shows its
title, at least three lines of the field and Back/Next above the keys; the staff area fits
its actions without a horizontal squeeze."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from uihelpers import find, start_service, visible_named


def on_window(widget, window) -> QRect:
    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


def shown_part(widget, window) -> QRect:
    """The part of ``widget`` a person can see: clipped by every scroll area around it."""
    rect = on_window(widget, window)
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if parent.objectName() == "qt_scrollarea_viewport":
            rect = rect.intersected(on_window(parent, window))
        parent = parent.parentWidget()
    return rect


@pytest.mark.parametrize("lang", ["id", "jv", "en"])
def test_text_question_and_back_next_above_the_keyboard_at_1366x768(qtbot, make_window, core, lang):
    window = make_window(core, size=(1366, 768))
    window.flow.set_language(lang)
    start_service(qtbot, window, "complaint", "UMM-SARAN")
    qtbot.waitUntil(lambda: window.keyboard.isVisible() and window.keyboard.height() > 100, timeout=5000)
    qtbot.waitUntil(lambda: not window.header.isVisible(), timeout=3000)
    keys_top = on_window(window.keyboard, window).top()
    field = visible_named(window, "answer")
    title = find(window, "question")
    for w in (title, window.back_button, window.primary_button):
        r = shown_part(w, window)
        assert r == on_window(w, window), f"{w.objectName()} is cut off"
        assert r.bottom() < keys_top, f"{w.objectName()} is under the keyboard"
    shown = shown_part(field, window)
    assert shown == on_window(field, window), "the answer field is cut off"
    assert shown.bottom() < keys_top
    three_lines = 3 * field.fontMetrics().lineSpacing()
    assert shown.height() >= three_lines, (shown.height(), three_lines, on_window(field, window), keys_top,
                                           on_window(window.nav, window), on_window(window.current.scroll, window))
    # The keys stay big enough for a finger.
    assert window.keyboard.height() >= 220


def test_staff_actions_are_not_squeezed_at_1366x768(qtbot, make_window, core):
    window = make_window(core, size=(1366, 768))
    window.flow.staff_ok = True
    window.flow._go("staff", remember=False)  # (the PIN is tested in test_staff_area.py)
    qtbot.waitUntil(lambda: bool(find(window, "queue-summary").text()), timeout=5000)
    for name in ("staff-sync", "staff-assisted", "staff-reprint", "staff-test-page", "staff-export", "staff-exit"):
        b = find(window, name)
        assert b.width() >= b.sizeHint().width(), f"{name}: its words do not fit"
        assert b.height() >= 70
    code = find(window, "reprint-code")
    assert code.width() >= code.fontMetrics().horizontalAdvance("T1M-ZQAD-7SWP")
