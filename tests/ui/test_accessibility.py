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


# -- named in the screen's language, icons, typing and a switch device (issue #10) -------------

INTERNAL_IDS = set(icon_names()) | {"logo", "search", "market", "progress", "keyboard", "print", "Keyboard"}


def test_every_control_is_named_in_the_screens_language(qtbot, window):
    """No internal English ids ("logo", "search", an icon's file name) are read out in the
    Indonesian UI, and every icon a person can see has a name."""
    from PySide6.QtGui import QAccessible

    problems = []
    for screen in tour(qtbot, window, typing=False, lang="id"):
        for w in visible_controls(window):
            name = w.accessibleName().strip()
            if name in INTERNAL_IDS:
                problems.append(f"{screen}: {type(w).__name__} {w.objectName()!r} is read as {name!r}")
            if isinstance(w, QLabel) and not w.pixmap().isNull() and not isinstance(w.parentWidget(), QAbstractButton):
                iface = QAccessible.queryAccessibleInterface(w)
                if not name and not (iface is not None and iface.text(QAccessible.Name)):
                    problems.append(f"{screen}: icon {w.objectName() or w.parentWidget().objectName()!r} has no name")
    assert problems == []


def test_language_buttons_say_what_they_show(qtbot, make_window, core):
    window = make_window(core, size=(1024, 768))
    window.set_large_text(True)
    qtbot.wait(50)
    for lang, b in window.header_lang_buttons.items():
        assert b.text().lower() in b.accessibleName().lower(), (b.text(), b.accessibleName())


def test_assistive_technology_can_type_through_the_accessible_text_interface(qtbot, window):
    """The on-screen keyboard's keys are a Qt Quick scene with no accessible names; a screen
    reader or AT-SPI tool types through the field's own accessible editable-text interface."""
    from PySide6.QtGui import QAccessible
    from uihelpers import start_service, visible_named

    start_service(qtbot, window, "complaint", "UMM-SARAN")
    field = visible_named(window, "answer")
    iface = QAccessible.queryAccessibleInterface(field)
    assert iface.text(QAccessible.Name) == field.accessibleName() != ""
    iface.editableTextInterface().insertText(0, "Tolong tambah lampu")
    assert window.flow.value("description") == "Tolong tambah lampu"


def test_a_switch_device_reaches_every_action_with_tab(qtbot, window):
    """A switch device sends Tab and Space: each action of the welcome screen and of a choice
    question takes focus in turn, and Space on it acts."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    def reachable(n=40):
        seen = []
        for _ in range(n):
            QTest.keyClick(QApplication.focusWidget() or window, Qt.Key_Tab)
            w = QApplication.focusWidget()
            if w is not None and w not in seen:
                seen.append(w)
        return seen

    window.activateWindow()
    seen = reachable()
    names = {w.objectName() for w in seen}
    assert {"start-report", "start-status", "large-text"} <= names, names
    report = find(window, "start-report")
    report.setFocus(Qt.TabFocusReason)
    QTest.keyClick(report, Qt.Key_Space)
    assert window.flow.screen == "service"
    qtbot.wait(20)
    names = {w.objectName() for w in reachable(80)}
    assert {"jump-complaint", "jump-request", "back"} <= names, names
    assert any(n.startswith("service-") for n in names), "the service tiles take focus in turn"
