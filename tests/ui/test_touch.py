"""Touch behaviour: lists scroll by dragging a finger, and a tap still taps."""
from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtTest import QTest
from uihelpers import find, tap, touchscreen


def _drag_up(qtbot, window, area, distance: int = 300) -> None:
    """A finger pressed near the bottom of ``area``'s list and moved up ``distance`` pixels at
    a steady pace, then lifted (a drag, not a flick)."""
    vp = area.viewport()
    start = vp.mapTo(window, QPoint(vp.width() // 2, vp.height() - 40))
    win = window.windowHandle()
    QTest.touchEvent(win, touchscreen()).press(0, start).commit()
    for dy in range(0, distance, 20):
        qtbot.wait(8)
        QTest.touchEvent(win, touchscreen()).move(0, start - QPoint(0, dy)).commit()
    QTest.touchEvent(win, touchscreen()).release(0, start - QPoint(0, distance)).commit()


def test_service_list_scrolls_by_finger_drag(qtbot, window):
    tap(qtbot, find(window, "start-report"))
    qtbot.wait(300)  # a person looks at the new list before dragging it (it settles meanwhile)
    area = window.current.scroll
    bar = area.verticalScrollBar()
    assert bar.maximum() > 0, "the list is longer than the screen"
    assert bar.value() == 0
    _drag_up(qtbot, window, area)
    qtbot.waitUntil(lambda: bar.value() > 100, timeout=3000)
    assert window.flow.screen == "service", "a drag is not a tap on a tile"


def _flick_up(qtbot, window, area) -> None:
    """A quick upward flick on ``area``'s list: the finger is still moving fast as it lifts
    (the last stretch is long, so the list coasts even when the machine is slow to deliver)."""
    vp = area.viewport()
    start = vp.mapTo(window, QPoint(vp.width() // 2, vp.height() - 20))
    win = window.windowHandle()
    QTest.touchEvent(win, touchscreen()).press(0, start).commit()
    for dy in (40, 80, 120):
        qtbot.wait(4)
        QTest.touchEvent(win, touchscreen()).move(0, start - QPoint(0, dy)).commit()
    QTest.touchEvent(win, touchscreen()).release(0, start - QPoint(0, 420)).commit()


def test_first_tap_on_a_tile_lands_after_the_list_was_left_coasting(qtbot, window):
    """Issue #10: a citizen flicks the list, goes Back while it still coasts, comes again
    and taps a tile at once.  The list comes back still and from the top, and the tap opens
    the service (it used to only stop a list that had coasted on out of sight)."""
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QScroller
    from uihelpers import visible_named

    tap(qtbot, find(window, "start-report"))
    area = window.current.scroll
    scroller = QScroller.scroller(area.viewport())
    # A person looks at the list before flicking it.  (Within Qt's double-click interval of
    # the last tap, the flick's press would reach the list as a double click, which QScroller
    # does not start on: the list would not move at all.)
    qtbot.wait(QGuiApplication.styleHints().mouseDoubleClickInterval() + 100)
    _flick_up(qtbot, window, area)
    assert scroller.state() == QScroller.Scrolling, "the list coasts on after a flick"
    tap(qtbot, window.back_button)
    assert window.flow.screen == "welcome"
    tap(qtbot, find(window, "start-report"))
    assert window.flow.screen == "service"
    shown_from, moving = area.verticalScrollBar().value(), scroller.state()
    tap(qtbot, visible_named(window, "service-PSR-KEBERSIHAN"))
    assert window.flow.screen == "question", "the first tap on the tile is taken"
    assert window.flow.service.code == "PSR-KEBERSIHAN"
    assert shown_from == 0, "the list comes back from the top"
    assert moving == QScroller.Inactive, "the list comes back still"


def test_a_drag_begun_right_after_a_tap_still_scrolls_the_list(qtbot, window):
    """A quick citizen taps and at once drags the list up.  Within Qt's double-click
    interval (400 ms) of the tap, that press reached the list as a double click, which
    ``QScroller`` does not start on: the list did not move.  The kiosk has no double taps."""
    from PySide6.QtWidgets import QScroller

    tap(qtbot, find(window, "start-report"))
    qtbot.wait(300)  # the new list settles
    area = window.current.scroll
    bar = area.verticalScrollBar()
    assert bar.value() == 0
    tap(qtbot, find(window, "kind-header-complaint"))  # a tap that does nothing (a heading) ...
    _drag_up(qtbot, window, area)  # ... and at once a drag
    qtbot.waitUntil(lambda: bar.value() > 100, timeout=3000)
    assert window.flow.screen == "service", "a drag is not a tap on a tile"
    QScroller.scroller(area.viewport()).stop()


def test_a_double_tap_in_the_description_does_not_select_a_word(qtbot, window):
    """Two quick taps on the description (an elderly citizen making sure) used to select the
    word under the finger, and the next key replaced it.  They only place the cursor."""
    from PySide6.QtGui import QTextCursor
    from uihelpers import start_service, visible_named

    start_service(qtbot, window, "complaint", "UMM-SARAN")
    field = visible_named(window, "answer")
    field.setPlainText("Sampah menumpuk di los ikan")
    field.moveCursor(QTextCursor.End)
    word = field.cursorRect(field.document().find("menumpuk")).center()
    tap(qtbot, field, field.viewport().mapTo(field, word))
    tap(qtbot, field, field.viewport().mapTo(field, word))
    assert not field.textCursor().hasSelection(), f"selected: {field.textCursor().selectedText()!r}"
    assert field.toPlainText() == "Sampah menumpuk di los ikan"
