"""Check status by typing the tracking code on the on-screen keyboard."""
from __future__ import annotations

from uihelpers import find, tap, type_keys, visible_named

from kiosk.i18n import tr
from kiosk.model import Draft, Reporter


def file_directly(core) -> str:
    """A submission filed earlier (by another citizen); what is tested is the look-up."""
    return core.submit(Draft(service_code="JLN-LAMPU", description="Lampu los ikan mati",
                             attributes={"jumlah_lampu": "2"},
                             reporter=Reporter(anonymous=True))).tracking_code


def look_up(qtbot, window, typed: str):
    tap(qtbot, find(window, "start-status"))
    qtbot.waitUntil(lambda: window.keyboard.isVisible(), timeout=5000)
    type_keys(qtbot, window, typed)
    assert visible_named(window, "status-code").text() == typed
    with qtbot.waitSignal(window.flow.lookup_finished, timeout=15000):
        tap(qtbot, window.primary_button)
    return window.flow.lookup_result


def test_unsent_code_says_saved_waiting(qtbot, make_core, make_window):
    core = make_core("http://127.0.0.1:9/open311/v2")  # no server: it stays queued
    code = file_directly(core)
    window = make_window(core)
    # Typed without the dashes printed on the receipt.
    result = look_up(qtbot, window, code)
    assert result.outcome == "waiting"
    headline = visible_named(window, "status-headline").text()
    assert headline.startswith(tr("id", "Tersimpan, menunggu dikirim.").rstrip("."))
    assert result.display_code in visible_named(window, "status-details").text()


def test_sent_code_shows_server_status_and_notes(qtbot, core, sim, make_window):
    code = file_directly(core)
    qtbot.waitUntil(lambda: core.outbox.get(code).state == "sent", timeout=15000)
    sim.close_request(core.outbox.get(code).service_request_id, "Lampu sudah diganti petugas")
    window = make_window(core)
    result = look_up(qtbot, window, core.outbox.get(code).ref)
    assert result.outcome == "closed"
    assert visible_named(window, "status-headline").text() == result.message
    assert "Lampu sudah diganti petugas" in visible_named(window, "status-details").text()


def test_mistyped_code_is_caught(qtbot, make_core, make_window):
    core = make_core("http://127.0.0.1:9/open311/v2")
    code = file_directly(core)
    window = make_window(core)
    wrong = code[:-2] + ("Q" if code[-2] != "Q" else "R") + code[-1]  # one character off
    result = look_up(qtbot, window, wrong)
    assert result.outcome in ("invalid", "not_found")
    assert visible_named(window, "status-headline").text() == result.message
