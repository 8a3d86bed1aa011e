"""Never lose a digit: the stall and the contact screen's phone tapped with real touch events on every panel.

The issue this guards against: a tap on the numeric field also opened Qt Virtual Keyboard,
the page scrolled, the pad's bottom row slid behind the Back/Next bar and the tap meant for
``0`` landed on the bar; an 11-digit phone passed validation.  Here each tap goes to where the
key is drawn, the letter keyboard must stay hidden the whole time, the field, every key and
Back/Next must be fully on screen and apart, and the outbox must hold exactly what was tapped.
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, QRect, QTimer
from PySide6.QtWidgets import QApplication, QWidget
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

    stall_name_phone(qtbot, window, "B-12", "Siti", "081234567890", keys=tap_pad, phone_keys=tap_contact_phone)
    assert flow.value("reporter.phone") == "081234567890"
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


class _ShowWatch(QObject):
    """Calls ``check`` whenever the pad or the letter keyboard is shown, once Qt has finished
    handling that event (what a person can see: nothing is painted in the middle of one; Qt
    shows the letter keyboard a moment before the name field hears it has the focus)."""

    def __init__(self, check) -> None:
        super().__init__()
        self.check = check

    def eventFilter(self, obj, ev) -> bool:  # noqa: N802 (Qt API)
        if ev.type() == QEvent.Show and obj.objectName() in ("NumPad", "Keyboard"):
            QTimer.singleShot(0, self.check)
        return False


def test_the_two_keyboards_never_show_together(qtbot, window):
    """Walk text and pad questions back and forth, and on the contact screen move between the
    name and the phone field: at no moment are both keyboards up, and the field being filled
    decides which one is."""
    from uihelpers import start_service

    seen_both = []

    def check(*_):
        pad = getattr(window.current, "pad", None)
        try:
            both = window.keyboard.isVisible() and pad is not None and pad.isVisible()
        except RuntimeError:  # a pad of a question just left
            both = False
        if both:
            seen_both.append(window.flow.current_step.field)

    watch = _ShowWatch(check)
    QApplication.instance().installEventFilter(watch)
    try:
        start_service(qtbot, window, "complaint", "UMM-SARAN")
        qtbot.waitUntil(lambda: window.keyboard.isVisible(), timeout=30000)
        for _round in range(2):
            visible_named(window, "answer").setPlainText("Saran")
            next_(qtbot, window)  # -> stall (pad)
            tap(qtbot, visible_named(window, "answer"))
            qtbot.wait(50)
            assert not window.keyboard.isVisible()
            next_(qtbot, window)  # -> contact: the name first, on the letter keyboard
            screen = window.current
            qtbot.waitUntil(lambda: window.keyboard.isVisible(), timeout=30000)
            assert not screen.pad.isVisible(), "the pad is up while the name is typed"
            for f in ("answer-reporter.name", "answer-reporter.phone"):  # (kept from the last round)
                find(window, f).clear()
            type_keys(qtbot, window, "Ani")
            for _move in range(2):
                tap(qtbot, visible_named(window, "answer-reporter.phone"))
                qtbot.waitUntil(lambda: screen.pad.isVisible(), timeout=5000)
                assert not window.keyboard.isVisible(), "the letter keyboard stayed on the phone field"
                tap(qtbot, screen.pad.keys["0"])
                tap(qtbot, visible_named(window, "answer-reporter.name"))
                qtbot.waitUntil(lambda: window.keyboard.isVisible(), timeout=30000)
                assert not screen.pad.isVisible(), "the pad stayed up on the name field"
            assert window.flow.value("reporter.phone") == "00"
            assert window.flow.value("reporter.name") == "Ani"
            for _ in range(2):
                tap(qtbot, window.back_button)
            qtbot.wait(50)
    finally:
        QApplication.instance().removeEventFilter(watch)
    assert not seen_both, f"both keyboards were up on {seen_both}"


def tap_contact_phone(qtbot, window, text: str) -> None:
    """On the contact screen: tap the phone field (the letter keyboard goes, the pad comes),
    then each key where it is drawn, checking everything stays in view after every key."""
    screen = window.current
    field = visible_named(window, "answer-reporter.phone")
    tap(qtbot, field)
    qtbot.waitUntil(lambda: screen.pad.isVisible(), timeout=5000)
    assert not window.keyboard.isVisible(), "the letter keyboard stayed up on the phone field"

    def check() -> None:
        assert not window.keyboard.isVisible(), "the letter keyboard opened after a key of the pad"
        assert_reachable(window, [field, *screen.pad.keys.values(), window.back_button, window.primary_button])

    pad_keys(qtbot, window, text, check)


def test_contact_phone_limit_and_keys_come_from_the_core(qtbot, window):
    from uihelpers import start_service

    start_service(qtbot, window, "complaint", "UMM-SARAN")
    visible_named(window, "answer").setPlainText("Saran")
    next_(qtbot, window)
    next_(qtbot, window)  # no stall
    assert window.flow.current_step.editor == "contact"
    name, phone = visible_named(window, "answer-reporter.name"), find(window, "answer-reporter.phone")
    assert name.maxLength() == input_spec("name").max_length
    assert phone.maxLength() == input_spec("phone").max_length
    assert set(window.current.pad.keys) >= set(input_spec("phone").extra_keys)


def test_a_long_press_on_a_letter_types_that_letter(qtbot, window):
    """Holding "a" 1.6 s types "a" (no accent menu), and only when the finger lifts."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from uihelpers import start_service

    start_service(qtbot, window, "complaint", "UMM-SARAN")
    qtbot.waitUntil(lambda: window.keyboard.isVisible() and bool(window.keyboard.keys()), timeout=30000)
    kb = window.keyboard
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
