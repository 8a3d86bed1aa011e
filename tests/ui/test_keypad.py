"""Never lose a digit: the stall and phone steps tapped with real touch events on every panel.

The issue this guards against: a tap on the numeric field also opened Qt Virtual Keyboard,
the page scrolled, the pad's bottom row slid behind the Back/Next bar and the tap meant for
``0`` landed on the bar; an 11-digit phone passed validation.  Here each tap goes to where the
key is drawn, the letter keyboard must stay hidden the whole time, the field, every key and
Back/Next must be fully on screen and apart, and the outbox must hold exactly what was tapped.
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget
from uihelpers import find, next_, pad_keys, stall_name_phone, tap, type_keys, visible_named

from kiosk.inputs import input_spec
from ui.flow import DONE, REVIEW

SIZES = [(1024, 768), (1366, 768), (1920, 1080)]


def _rect(w: QWidget) -> QRect:
    return QRect(w.mapTo(w.window(), w.rect().topLeft()), w.size())


def _visible_rect(w: QWidget) -> QRect:
    """The part of ``w`` a person can see: clipped by every scrolling ancestor's viewport."""
    r = _rect(w)
    p = w.parentWidget()
    while p is not None:
        r = r.intersected(_rect(p))
        p = p.parentWidget()
    return r


def assert_reachable(window, widgets: list[QWidget]) -> None:
    """Each widget entirely visible, none overlapping another, none under the keyboard."""
    for w in widgets:
        assert w.isVisible(), w.objectName()
        assert _visible_rect(w) == _rect(w), f"{w.objectName() or w.text()} is clipped or off screen"
    for i, a in enumerate(widgets):
        for b in widgets[i + 1:]:
            assert not _rect(a).intersects(_rect(b)), f"{a.objectName() or a.text()} overlaps {b.objectName() or b.text()}"
    if window.keyboard.isVisible():
        kb = _rect(window.keyboard)
        for w in widgets:
            assert not _rect(w).intersects(kb), f"{w.objectName()} is under the keyboard"


def tap_pad(qtbot, window, text: str) -> None:
    """Tap the field first (as people do), then each key where it is drawn."""
    screen = window.current
    field = visible_named(window, "answer")
    tap(qtbot, field)
    assert not window.keyboard.isVisible(), "a tap on a pad field opened the letter keyboard"

    def check() -> None:
        assert not window.keyboard.isVisible(), "the letter keyboard opened after a key of the pad"
        assert_reachable(window, [field, *screen.pad.keys.values(), window.back_button, window.primary_button])

    pad_keys(qtbot, window, text, check)


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_stall_and_phone_by_touch_save_exactly_what_was_tapped(qtbot, make_window, core, size, large):
    window = make_window(core, size=size)
    flow = window.flow
    if large:
        tap(qtbot, find(window, "large-text"))
    tap(qtbot, find(window, "start-report"))
    tap(qtbot, visible_named(window, "service-UMM-SARAN"))
    visible_named(window, "answer").setPlainText("Tolong tambah tempat sampah")
    next_(qtbot, window)

    stall_name_phone(qtbot, window, "B-12", "Siti", "081234567890", keys=tap_pad)
    assert flow.screen == REVIEW, flow.all_errors
    tap(qtbot, window.primary_button)
    qtbot.waitUntil(lambda: flow.screen == DONE, timeout=15000)

    from urllib.parse import parse_qs

    body = parse_qs(core.outbox.get(flow.submitted.tracking_code).body)
    assert body["phone"] == ["+6281234567890"]
    assert "B-12" in body["address_string"][0]


def test_backspace_held_down_deletes_one_digit(qtbot, window):
    """An elderly finger rests on a key: one press is one key, never a repeat."""
    from uihelpers import start_service

    start_service(qtbot, window, "complaint", "UMM-SARAN")
    visible_named(window, "answer").setPlainText("Saran")
    next_(qtbot, window)
    pad = window.current.pad
    for ch in "12":
        tap(qtbot, pad.keys[ch])
    assert not pad.keys["⌫"].autoRepeat()
    tap(qtbot, pad.keys["⌫"])
    assert visible_named(window, "answer").text() == "1"


def test_field_limits_come_from_the_core(qtbot, window):
    from uihelpers import start_service

    start_service(qtbot, window, "complaint", "UMM-SARAN")
    visible_named(window, "answer").setPlainText("Saran")
    next_(qtbot, window)
    spec = input_spec("stall")
    field = visible_named(window, "answer")
    assert field.maxLength() == spec.max_length
    assert set(window.current.pad.keys) >= set(spec.extra_keys)


def test_the_two_keyboards_never_show_together(qtbot, window):
    """Walk text and pad questions back and forth; at no moment are both keyboards up."""
    from uihelpers import start_service

    seen_both = []

    def check(*_):
        pad = getattr(window.current, "pad", None)
        if window.keyboard.isVisible() and pad is not None and pad.isVisible():
            seen_both.append(window.flow.current_step.field)

    start_service(qtbot, window, "complaint", "UMM-SARAN")
    qtbot.waitUntil(lambda: window.keyboard.isVisible(), timeout=5000)
    window.keyboard.shown.connect(check)
    for _round in range(2):
        visible_named(window, "answer").setPlainText("Saran")
        next_(qtbot, window)  # -> stall (pad)
        tap(qtbot, visible_named(window, "answer"))
        qtbot.wait(50)
        check()
        assert not window.keyboard.isVisible()
        next_(qtbot, window)  # -> name (keyboard)
        qtbot.waitUntil(lambda: window.keyboard.isVisible(), timeout=5000)
        assert window.current.pad is None
        type_keys(qtbot, window, "Ani")
        next_(qtbot, window)  # -> phone (pad)
        tap(qtbot, visible_named(window, "answer"))
        qtbot.wait(50)
        check()
        assert not window.keyboard.isVisible()
        for _ in range(3):
            tap(qtbot, window.back_button)
        qtbot.wait(50)
        check()
    assert not seen_both, f"both keyboards were up on {seen_both}"


def test_a_long_press_on_a_letter_types_that_letter(qtbot, window):
    """Holding "a" 1.6 s types "a" (no accent menu), and only when the finger lifts."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from uihelpers import start_service

    start_service(qtbot, window, "complaint", "UMM-SARAN")
    kb = window.keyboard
    qtbot.waitUntil(lambda: kb.isVisible() and bool(kb.keys()), timeout=5000)
    field = visible_named(window, "answer")
    item = next(i for i in kb.keys() if i.property("text") == "a")
    p = kb.key_centre(item).toPoint()
    QTest.mousePress(kb, Qt.LeftButton, Qt.NoModifier, p)
    qtbot.wait(1600)
    assert field.toPlainText() == "", "a key types when the finger lifts, not while it rests"
    QTest.mouseRelease(kb, Qt.LeftButton, Qt.NoModifier, p)
    qtbot.wait(50)
    assert field.toPlainText().lower() == "a"
    assert kb.isVisible(), "no key hides the keyboard"


def test_pad_refits_when_large_text_is_switched_on_at_the_question(qtbot, make_window, core):
    """Large text switched on while the phone pad is up (1024x768): the keys shrink to fit."""
    from uihelpers import start_service

    window = make_window(core, size=(1024, 768))
    start_service(qtbot, window, "complaint", "UMM-SARAN")
    visible_named(window, "answer").setPlainText("Saran")
    next_(qtbot, window)
    tap(qtbot, find(window, "large-text"))
    qtbot.wait(100)
    screen = window.current
    qtbot.waitUntil(lambda: all(_visible_rect(k) == _rect(k) for k in screen.pad.keys.values()), timeout=2000)
    assert window.primary_button.text() == "Lewati", "the stall may stay empty"
