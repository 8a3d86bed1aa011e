"""Honest status: what the screen says is what is true now, not what was true before."""
from __future__ import annotations

import shutil

from test_status_check import file_directly, look_up
from uihelpers import find, type_keys, visible_named

from kiosk import selftest
from kiosk.i18n import tr


def test_typing_a_new_code_clears_the_previous_answer(qtbot, make_core, make_window):
    core = make_core("http://127.0.0.1:9/open311/v2")
    code = file_directly(core)
    window = make_window(core)
    look_up(qtbot, window, code)
    headline = visible_named(window, "status-headline")
    assert headline.text()
    field = visible_named(window, "status-code")
    field.setFocus()
    qtbot.waitUntil(lambda: window.keyboard.isVisible(), timeout=30000)
    type_keys(qtbot, window, "X")  # the citizen starts on another code
    assert not headline.isVisible() or headline.text() == "", "the old code's answer is still shown"
    assert window.flow.lookup_result is None


def test_printer_state_follows_the_printer_on_a_timer(qtbot, make_core, make_window, tmp_path):
    room = tmp_path / "printer-room"
    (room / "receipts").mkdir(parents=True)
    core = make_core(path=str(room / "receipts"))
    window = make_window(core)
    label = find(window, "status-printer")
    ready = tr("id", "Printer: {state}", state=tr("id", "siap"))
    qtbot.waitUntil(lambda: label.text() == ready, timeout=5000)
    shutil.rmtree(room)  # the printer goes away; nobody has printed yet
    window.printer_timer.setInterval(50)
    gone = tr("id", "Printer: {state}", state=tr("id", "tidak ada"))
    qtbot.waitUntil(lambda: label.text() == gone, timeout=5000)


def test_staff_pin_screen_shows_no_command_line(qtbot, window):
    window.flow.open_staff()  # no PIN set in this config
    qtbot.waitUntil(lambda: window.flow.screen == "staff_pin", timeout=3000)
    qtbot.wait(50)
    shown = " ".join(w.text() for w in window.current.findChildren(type(find(window, "status-printer"))) if w.isVisible())
    assert shown.strip()
    assert "kiosk" not in shown.lower().replace("kios ", "") and "--config" not in shown and "set-pin" not in shown


def test_kiosk_check_fails_an_impossible_printer_folder(tmp_path):
    from uihelpers import kiosk_config

    bad = kiosk_config(tmp_path, path="/dev/null/receipts")
    got = {c.name: c for c in selftest.check_printer(bad, selftest._Context())}
    assert got["printer"].status == "FAIL" and "/dev/null/receipts" in got["printer"].detail
    good = kiosk_config(tmp_path, path=str(tmp_path / "receipts"))
    assert selftest.check_printer(good, selftest._Context())[0].status == "OK"
