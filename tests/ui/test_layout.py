"""Layouts that hold from 1024x768 to 1920x1080, in id/jv/en, with and without large text.

Geometry, not pixels: every label a person can see has at least the height its words need at
its width (or, unwrapped, the width), every button's words fit it, the primary button is
inside the window, and the done screen shows the code, the due date and "take your receipt"
without scrolling.  The welcome screen keeps its big language buttons and its actions in view;
the date picker's steppers and one-tap days are never cut; on the contact screen (name and
phone) the field being filled, its keyboard or pad and Back/Next are all in view and apart.
"""
from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QRegularExpression
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QPushButton, QWidget
from test_keypad import _rect, _visible_rect
from uihelpers import tour

SIZES = [(1024, 768), (1366, 768), (1920, 1080)]
STAFF_SCREENS = ("staff", "staff-pick-service", "staff-exit-confirm", "assisted-pick-service", "assisted-form-errors")
ELSEWHERE: tuple[str, ...] = ()


def _outside_status_bar(w: QWidget) -> bool:
    while w is not None:
        if w.objectName() in ("StatusBar", "Keyboard", "IdleOverlay") and not w.isVisible():
            return False
        if w.objectName() in ("StatusBar", "Keyboard"):
            return False
        w = w.parentWidget()
    return True


def layout_problems(window, screen: str) -> list[str]:
    problems = []
    for w in window.findChildren(QWidget):
        if not w.isVisible() or w.window() is not window or not _outside_status_bar(w):
            continue
        if isinstance(w, QLabel) and w.text() and w.pixmap().isNull():
            if w.wordWrap():
                need = w.heightForWidth(w.width())
                if need > w.height() + 1:
                    problems.append(f"{screen}: label {w.text()[:40]!r} is {w.height()} px high, needs {need}")
            elif w.width() + 1 < w.sizeHint().width():
                problems.append(f"{screen}: label {w.text()[:40]!r} is {w.width()} px wide, needs {w.sizeHint().width()}")
        elif isinstance(w, QAbstractButton) and w.text() and type(w).__name__ != "Tile":
            if w.width() + 1 < w.sizeHint().width():
                problems.append(f"{screen}: button {w.text()[:40]!r} is {w.width()} px wide, needs {w.sizeHint().width()}")
    primary = window.primary_button
    if primary.isVisible() and not window.rect().contains(_rect(primary)):
        problems.append(f"{screen}: the primary button is outside the window")
    if screen == "welcome":
        for name in ("start-report", "start-status"):
            w = window.findChild(QWidget, name)
            if _visible_rect(w) != _rect(w):
                problems.append(f"{screen}: {name} needs scrolling")
    if screen == "welcome":
        actions = [window.findChild(QWidget, n) for n in ("start-report", "start-status", "start-skm")]
        for w in actions + window.current.findChildren(QPushButton, QRegularExpression("^lang-")):
            if not w.isVisible() or _visible_rect(w) != _rect(w):
                problems.append(f"{screen}: {w.objectName()} is hidden or needs scrolling")
        problems += _overlaps(screen, actions)
    if screen == "question-datetime":
        picker = window.current.editor
        for w in (picker.today, picker.yesterday):
            if not w.isVisible() or _visible_rect(w) != _rect(w):
                problems.append(f"{screen}: {w.objectName()} is cut or needs scrolling")
        viewport = _rect(window.current.scroll.viewport())
        for s in (picker.day, picker.month, picker.year, picker.hour, picker.minute):
            # Across: inside the column (a stepper below the fold is only a scroll away).
            r = _rect(s)
            if r.left() < viewport.left() or r.right() > viewport.right():
                problems.append(f"{screen}: the {s.caption.text()} stepper is cut at the side")
    if screen.startswith("question-contact"):
        q = window.current
        field = q.field
        shown = [field, q.anonymous_button, window.back_button, window.primary_button]
        if q.pad is not None and q.pad.isVisible():
            shown += list(q.pad.keys.values())
        for w in shown:
            if not w.isVisible() or _visible_rect(w) != _rect(w):
                problems.append(f"{screen}: {w.objectName() or w.text()} is hidden, cut or needs scrolling")
        if window.keyboard.isVisible():
            problems += [f"{screen}: {w.objectName() or w.text()} is under the keyboard"
                         for w in shown if _rect(w).intersects(_rect(window.keyboard))]
        problems += _overlaps(screen, shown)
    if screen.startswith("skm-question"):
        # The four faces in view without a flick (the answer is one tap), and their words too
        # unless the text is large: a four-line Basa Jawa question at 768 px leaves no room
        # for words of four lines under the faces, and they are a flick away.
        large = bool(QApplication.instance().property("kiosk_large_text"))
        for v in (1, 2, 3, 4):
            face = window.findChild(QWidget, f"skm-answer-{v}")
            if not face.isVisible() or _visible_rect(face.face) != _rect(face.face):
                problems.append(f"{screen}: the face of answer {v} is cut or needs scrolling")
            elif not large and _visible_rect(face.word) != _rect(face.word):
                problems.append(f"{screen}: the words of answer {v} are cut or need scrolling")
    if screen.startswith("done"):
        for name in ("tracking-code", "due-date", "print-status"):
            w = window.findChild(QWidget, name)
            if _visible_rect(w) != _rect(w):
                problems.append(f"{screen}: {name} needs scrolling")
    return problems


def _overlaps(screen: str, widgets: list[QWidget]) -> list[str]:
    out = []
    for i, a in enumerate(widgets):
        for b in widgets[i + 1:]:
            if _rect(a).intersects(_rect(b)):
                out.append(f"{screen}: {a.objectName() or a.text()} overlaps {b.objectName() or b.text()}")
    return out


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("lang", ["id", "jv", "en"])
def test_every_citizen_screen_holds(qtbot, make_window, core, lang, size, large):
    window = make_window(core, size=size)
    problems = []
    for screen in tour(qtbot, window, typing=False, lang=lang, large=large, staff=False):
        if screen in STAFF_SCREENS or screen in ELSEWHERE:
            continue
        # A fresh list settles over a few passes of the event loop (wrapped text, then the
        # scroll area's height): give it up to a second, as a person's eye would.
        try:
            qtbot.waitUntil(lambda: not layout_problems(window, screen), timeout=1000)
        except Exception:  # noqa: BLE001 (pytest-qt's TimeoutError): the problems are listed below
            pass
        found = layout_problems(window, screen)
        if found and os.environ.get("KIOSK_LAYOUT_SHOTS"):  # to look at what failed
            window.grab().save(f"{os.environ['KIOSK_LAYOUT_SHOTS']}/{lang}-{size[0]}x{size[1]}-{large}-{screen}.png")
        problems += found
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("lang", ["id", "jv", "en"])
def test_every_survey_screen_and_the_staff_report_hold(qtbot, make_window, core, lang, size, large):
    """The survey and the staff's SKM page, as the citizen screens above (the period buttons
    once cut "Wulan punika" to "Wulan pu" at 1024 pixels with large text in Basa Jawa)."""
    from skm_tour import skm_tour

    window = make_window(core, size=size)
    problems = []
    for screen in skm_tour(qtbot, window, lang, large=large):
        try:
            qtbot.waitUntil(lambda: not layout_problems(window, f"skm-{screen}"), timeout=1000)
        except Exception:  # noqa: BLE001 (pytest-qt's TimeoutError): the problems are listed below
            pass
        problems += layout_problems(window, f"skm-{screen}")
    assert not problems, "\n".join(problems)
