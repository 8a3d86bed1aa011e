"""Lock-down (nothing a citizen does leaves the app) and the hidden staff gesture + PIN."""
from __future__ import annotations

import dataclasses

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QGuiApplication, QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from uihelpers import find, start_service, tap, touchscreen, visible_named

from kiosk.staff import hash_pin


def test_full_screen_frameless_and_close_ignored(qtbot, make_window, core):
    window = make_window(core, fullscreen=True)
    window.show_kiosk()
    qtbot.waitExposed(window)
    assert window.windowFlags() & Qt.FramelessWindowHint
    assert window.geometry() == QGuiApplication.primaryScreen().geometry()
    window.close()
    assert window.isVisible(), "close must be ignored"
    # Alt+F4 and Ctrl+Q are swallowed before any widget sees them.
    for key, mods in ((Qt.Key_F4, Qt.AltModifier), (Qt.Key_Q, Qt.ControlModifier)):
        ev = QKeyEvent(QKeyEvent.KeyPress, key, mods)
        assert window.lockdown.eventFilter(window, ev)
    assert window.isVisible()


def test_no_context_menu_on_fields(qtbot, window):
    start_service(qtbot, window, "complaint", "UMM-SARAN")
    field = visible_named(window, "answer")
    QApplication.sendEvent(field.viewport(), QContextMenuEvent(QContextMenuEvent.Mouse, QPoint(10, 10), field.mapToGlobal(QPoint(10, 10))))
    qtbot.wait(50)
    assert QApplication.activePopupWidget() is None


def hold(qtbot, window, widget, ms):
    p = widget.mapTo(window, widget.rect().center())
    QTest.touchEvent(window.windowHandle(), touchscreen()).press(0, p).commit()
    qtbot.wait(ms)
    QTest.touchEvent(window.windowHandle(), touchscreen()).release(0, p).commit()


def test_long_press_top_left_opens_pin_and_pin_opens_staff_area(qtbot, make_window, make_core, sim, tmp_path):
    core = make_core(sim.base_url)
    core.cfg = dataclasses.replace(core.cfg, staff=dataclasses.replace(core.cfg.staff, pin_hash=hash_pin("2468")))
    window = make_window(core, staff_hold_ms=300)
    corner = find(window, "staff-corner")
    assert window.childAt(QPoint(4, 4)) in (corner, *corner.findChildren(QWidget))
    tap(qtbot, corner)  # a citizen's tap there does nothing
    assert window.flow.screen == "welcome"
    hold(qtbot, window, corner, 500)
    assert window.flow.screen == "staff_pin"
    pad = window.current.pad
    for k in "1111":
        tap(qtbot, pad.keys[k])
    with qtbot.waitSignal(window.flow.staff_login_finished, timeout=10000):
        tap(qtbot, window.primary_button)
    assert window.flow.screen == "staff_pin"
    assert "4" in find(window, "pin-error").text()  # tries left
    for k in "2468":
        tap(qtbot, window.current.pad.keys[k])
    with qtbot.waitSignal(window.flow.staff_login_finished, timeout=10000):
        tap(qtbot, window.primary_button)
    assert window.flow.screen == "staff"
    qtbot.waitUntil(lambda: bool(find(window, "queue-summary").text()), timeout=5000)
    assert find(window, "staff-exit").isVisible()


def test_staff_reprints_a_receipt(qtbot, window, core):
    from kiosk.model import Draft, Reporter

    code = core.submit(Draft(service_code="UMM-SARAN", description="Cetak ulang",
                             reporter=Reporter(anonymous=True))).tracking_code
    before = len(list(core.cfg.printer_path.glob("*.pdf")))
    window.flow._go("staff", remember=False)  # past the PIN (tested above)
    field = find(window, "reprint-code")
    field.setText(code)
    tap(qtbot, find(window, "staff-reprint"))
    qtbot.waitUntil(lambda: len(list(core.cfg.printer_path.glob("*.pdf"))) == before + 1, timeout=10000)
    qtbot.waitUntil(lambda: find(window, "staff-reprint").isEnabled() and window.current.message.isVisible(), timeout=5000)
