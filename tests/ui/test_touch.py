"""Touch behaviour: lists scroll by dragging a finger, and a tap still taps."""
from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtTest import QTest
from uihelpers import find, tap, touchscreen


def test_service_list_scrolls_by_finger_drag(qtbot, window):
    tap(qtbot, find(window, "start-report"))
    qtbot.wait(300)  # a person looks at the new list before dragging it (it settles meanwhile)
    area = window.current.scroll
    bar = area.verticalScrollBar()
    assert bar.maximum() > 0, "the list is longer than the screen"
    assert bar.value() == 0
    vp = area.viewport()
    start = vp.mapTo(window, QPoint(vp.width() // 2, vp.height() - 40))
    win = window.windowHandle()
    QTest.touchEvent(win, touchscreen()).press(0, start).commit()
    for dy in range(0, 300, 20):
        qtbot.wait(8)
        QTest.touchEvent(win, touchscreen()).move(0, start - QPoint(0, dy)).commit()
    QTest.touchEvent(win, touchscreen()).release(0, start - QPoint(0, 300)).commit()
    qtbot.waitUntil(lambda: bar.value() > 100, timeout=3000)
    assert window.flow.screen == "service", "a drag is not a tap on a tile"
