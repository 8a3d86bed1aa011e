"""What a citizen sees when the printer or the network fails: the report is saved anyway."""
from __future__ import annotations

import socket

from uihelpers import file_suggestion, find, visible_named

from kiosk.i18n import tr


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens here any more: the printer is "off"
    return port


def test_printer_failure_shows_saved_code_and_large_qr(qtbot, make_core, make_window, sim):
    core = make_core(sim.base_url, backend="escpos-network", host="127.0.0.1", port=closed_port())
    window = make_window(core)
    file_suggestion(qtbot, window, "Printer mati")
    flow = window.flow
    assert not flow.printed_ok
    code = flow.submitted.tracking_code
    assert core.outbox.get(code) is not None, "the submission must be saved even with no receipt"
    assert visible_named(window, "done-title").text() == tr("id", "Laporan Anda sudah tersimpan.")
    notice = visible_named(window, "print-status").text()
    assert "Petugas dapat mencetak ulang" in notice
    assert flow.print_outcome.message in notice
    qr = visible_named(window, "qr").pixmap()
    assert qr.width() >= 300, "QR large enough to photograph"
    assert visible_named(window, "tracking-code").text() == flow.submitted.display_code
    # The staff status bar says what is wrong with the printer.
    window._refresh_printer()
    assert "Printer" in find(window, "status-printer").text()
    assert window._printer != "ready"


def test_offline_then_online(qtbot, make_core, make_window, simulator_factory):
    from kiosk.catalog import Catalog

    sim = simulator_factory(catalog=Catalog.bundled().to_open311())
    sim.stop()  # the market's network is down
    core = make_core(sim.base_url)
    window = make_window(core)
    file_suggestion(qtbot, window, "Jaringan putus")
    code = window.flow.submitted.tracking_code
    # Nothing changes for the citizen but the words "akan dikirim otomatis".
    qtbot.waitUntil(lambda: core.sync_status().network == "offline", timeout=10000)
    window.current.enter()
    assert visible_named(window, "network-words").text() == tr("id", "Laporan Anda akan dikirim otomatis.")
    assert window.flow.printed_ok
    qtbot.waitUntil(lambda: find(window, "status-network").text() == tr("id", "Luring"), timeout=10000)
    assert core.outbox.get(code).state in ("queued", "sending")  # retried in the background
    assert find(window, "status-queue").text().endswith("1")

    sim.start()  # back online: it goes by itself, nobody touches the kiosk
    core.sync_now()
    qtbot.waitUntil(lambda: any(code in r["body"] for r in sim.requests()), timeout=20000)
    qtbot.waitUntil(lambda: find(window, "status-network").text() == tr("id", "Daring"), timeout=10000)
    qtbot.waitUntil(lambda: find(window, "status-queue").text().endswith(" 0"), timeout=10000)
    assert core.outbox.get(code).state == "sent"
