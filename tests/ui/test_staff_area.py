"""The staff area driven as a clerk would: PIN lockout, queue and delivery problems, re-queue
with a new service, reprint, printer test page, export to a USB stick, leaving kiosk mode."""
from __future__ import annotations

import dataclasses

from kiosktest import run_kiosk, write_config
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from uihelpers import find, tap

from kiosk.catalog import Catalog
from kiosk.model import Draft, Reporter
from kiosk.staff import hash_pin

PIN = "2468"


def with_pin(core, **staff):
    core.cfg = dataclasses.replace(core.cfg, staff=dataclasses.replace(core.cfg.staff, pin_hash=hash_pin(PIN), **staff))
    return core


def enter_pin(qtbot, window, pin: str) -> None:
    for k in pin:
        tap(qtbot, window.current.pad.keys[k])
    with qtbot.waitSignal(window.flow.staff_login_finished, timeout=10000):
        tap(qtbot, window.primary_button)


def open_staff_area(qtbot, window) -> None:
    window.flow.open_staff()  # (the 3-second press is tested in test_lockdown_staff.py)
    enter_pin(qtbot, window, PIN)
    assert window.flow.screen == "staff"
    qtbot.waitUntil(lambda: bool(find(window, "queue-summary").text()), timeout=5000)


def file_anonymous(core, text: str, code: str = "UMM-SARAN") -> str:
    return core.submit(Draft(service_code=code, description=text, reporter=Reporter(anonymous=True))).tracking_code


def tap_settled(qtbot, widget) -> None:
    """Tap once new widgets have their place (a person taps what they see where it is drawn)."""
    QApplication.sendPostedEvents(None, QEvent.LayoutRequest)
    QApplication.processEvents()
    tap(qtbot, widget)


def visible(window, name: str) -> bool:
    w = window.findChild(QWidget, name)
    return w is not None and w.isVisible()


def card_text(window, ref: str) -> str:
    return "\n".join(w.text() for w in find(window, f"dead-{ref}").findChildren(QLabel))


def test_five_wrong_pins_lock_the_pad_and_the_lock_survives_a_new_window(qtbot, make_window, make_core, sim):
    core = with_pin(make_core(sim.base_url))
    window = make_window(core)
    window.flow.open_staff()
    error = find(window, "pin-error")
    for n in range(4):
        enter_pin(qtbot, window, "1111")
        assert f"{4 - n}" in error.text()
    enter_pin(qtbot, window, "1111")  # the fifth
    assert error.isVisible()
    assert "5 menit" in error.text()  # locked, and for how long
    assert not window.current.pad.isEnabled()
    assert not window.primary_button.isEnabled()
    # Even typed on a physical keyboard, the right PIN is refused while locked.
    field = find(window, "staff-pin")
    assert not field.isEnabled()
    assert window.flow.screen == "staff_pin"
    window.shutdown()

    # The kiosk restarts (a new window and core on the same data dir): still locked.
    core2 = with_pin(make_core(sim.base_url))
    core2.cfg = dataclasses.replace(core2.cfg, staff=core.cfg.staff)
    window2 = make_window(core2)
    window2.flow.open_staff()
    err2 = find(window2, "pin-error")
    qtbot.waitUntil(lambda: err2.isVisible(), timeout=3000)
    assert "menit" in err2.text()
    assert not window2.current.pad.isEnabled()
    assert core2.staff_login(PIN).status == "locked"


def test_queue_summary_and_the_last_sync_error_in_plain_words(qtbot, make_window, make_core):
    core = with_pin(make_core())  # no server on port 9: the kiosk is offline
    file_anonymous(core, "Lampu los ikan mati")
    qtbot.waitUntil(lambda: core.sync_status().network == "offline", timeout=10000)
    window = make_window(core)
    open_staff_area(qtbot, window)
    summary = find(window, "queue-summary").text()
    assert "Menunggu dikirim: 1" in summary
    assert "Terakhir berhasil terkirim: belum pernah" in summary
    assert "Menunggu paling lama sejak:" in summary and "WIB" in summary
    qtbot.waitUntil(lambda: "tidak tersambung" in find(window, "sync-error").text(), timeout=5000)
    assert "Error" not in find(window, "sync-error").text()  # no exception names for the clerk


def test_dead_item_requeued_with_a_new_service_reaches_the_simulator(qtbot, make_window, make_core, simulator_factory):
    # Filed while the server still listed UMM-SARAN; then the province renamed it UMM-SARAN-BARU.
    catalog = Catalog.bundled().to_open311()
    old = next(s for s in catalog["services"] if s["service_code"] == "UMM-SARAN")
    first = simulator_factory(catalog=catalog)
    first.stop()  # the network is down while the citizen files (the kiosk has its bundled catalog)
    core = with_pin(make_core(first.base_url))
    code = file_anonymous(core, "Tolong tambah tempat sampah")
    catalog["services"] = [s for s in catalog["services"] if s is not old] + [{**old, "service_code": "UMM-SARAN-BARU"}]
    sim = simulator_factory(catalog=catalog, port=first.port)
    qtbot.waitUntil(lambda: core.queue_summary()["dead"] == 1, timeout=10000)
    qtbot.waitUntil(lambda: "UMM-SARAN-BARU" in {s.code for s in core.catalog.services()}, timeout=10000)

    window = make_window(core)
    open_staff_area(qtbot, window)
    qtbot.waitUntil(lambda: visible(window, f"requeue-{code}"), timeout=5000)
    assert "Alasan server: HTTP 404" in card_text(window, code)  # the server's reason
    tap_settled(qtbot, find(window, f"change-service-{code}"))
    tap_settled(qtbot, find(window, "pick-service-UMM-SARAN-BARU"))
    qtbot.waitUntil(lambda: visible(window, f"requeue-{code}")
                    and "Layanan baru: Saran dan masukan · UMM-SARAN-BARU" in card_text(window, code), timeout=5000)
    tap_settled(qtbot, find(window, f"requeue-{code}"))
    qtbot.waitUntil(lambda: any(r.get("service_code") == "UMM-SARAN-BARU" for r in sim.requests()), timeout=10000)
    stored = next(r for r in sim.requests() if r.get("service_code") == "UMM-SARAN-BARU")
    assert "tempat sampah" in stored.get("description", "")
    qtbot.waitUntil(lambda: "Ditolak: 0" in find(window, "queue-summary").text(), timeout=10000)


def test_reprint_by_typed_code_and_printer_test_page(qtbot, make_window, core):
    with_pin(core)
    code = file_anonymous(core, "Cetak ulang")
    window = make_window(core)
    open_staff_area(qtbot, window)
    folder = core.cfg.printer_path
    before = set(folder.glob("*.pdf"))
    field = find(window, "reprint-code")
    field.setFocus()
    qtbot.keyClicks(field, code.lower())  # the clerk's physical keyboard
    tap(qtbot, find(window, "staff-reprint"))
    qtbot.waitUntil(lambda: len(set(folder.glob("*.pdf")) - before) == 1, timeout=10000)
    new = (set(folder.glob("*.pdf")) - before).pop()
    assert new.name.startswith(code.replace("-", ""))
    qtbot.waitUntil(lambda: find(window, "staff-message").isVisible(), timeout=5000)

    before = set(folder.glob("*.pdf"))
    tap(qtbot, find(window, "staff-test-page"))
    qtbot.waitUntil(lambda: len(set(folder.glob("*.pdf")) - before) == 1, timeout=10000)
    page = (set(folder.glob("*.pdf")) - before).pop()
    assert page.name.startswith("TEST")
    qtbot.waitUntil(lambda: "Halaman uji" in find(window, "staff-message").text(), timeout=5000)


def test_export_to_the_configured_folder_then_import_bundle_delivers(qtbot, make_window, make_core, sim, tmp_path):
    stick = tmp_path / "stick"
    stick.mkdir()
    core = with_pin(make_core(), export_dir=str(stick))  # offline kiosk
    codes = {file_anonymous(core, f"Saluran los {i} mampet") for i in range(3)}
    window = make_window(core)
    open_staff_area(qtbot, window)
    tap(qtbot, find(window, "staff-export"))
    qtbot.waitUntil(lambda: bool(list(stick.glob("*.jsonl"))), timeout=10000)
    qtbot.waitUntil(lambda: "3 laporan" in find(window, "staff-message").text(), timeout=5000)
    bundle = next(stick.glob("*.jsonl"))

    laptop = write_config(tmp_path / "laptop.toml", tmp_path / "laptop-data", sim.base_url)
    out = run_kiosk(laptop, "import-bundle", str(bundle))
    assert out.returncode == 0, out.stderr
    assert run_kiosk(laptop, "sync", "--once").returncode == 0
    delivered = [r for r in sim.requests() if "Saluran los" in r.get("description", "")]
    assert len(delivered) == 3


def test_export_asks_which_usb_stick(qtbot, make_window, core, tmp_path, monkeypatch):
    from kiosk.core import KioskCore

    with_pin(core)
    media = tmp_path / "media" / "petugas"
    (media / "FLASHDISK").mkdir(parents=True)
    (media / "KINGSTON").mkdir()
    monkeypatch.setattr(core, "export_targets",
                        lambda: KioskCore.export_targets(core, roots=(str(media),), mounts_only=False))
    file_anonymous(core, "Ekspor ke flashdisk")
    window = make_window(core)
    open_staff_area(qtbot, window)
    tap(qtbot, find(window, "staff-export"))
    qtbot.waitUntil(lambda: visible(window, "export-target-1"), timeout=5000)  # listed off the GUI thread
    choice = find(window, "export-target-1")
    assert choice.text().endswith("KINGSTON")
    tap(qtbot, choice)
    qtbot.waitUntil(lambda: bool(list((media / "KINGSTON").glob("*.jsonl"))), timeout=10000)
    assert not list((media / "FLASHDISK").iterdir())


def test_no_usb_stick_says_so(qtbot, make_window, core, monkeypatch):
    with_pin(core)
    monkeypatch.setattr(core, "export_targets", lambda: [])
    window = make_window(core)
    open_staff_area(qtbot, window)
    tap(qtbot, find(window, "staff-export"))
    qtbot.waitUntil(lambda: "flashdisk" in find(window, "staff-message").text().lower(), timeout=5000)


def test_leaving_kiosk_mode_asks_first(qtbot, make_window, core):
    with_pin(core)
    window = make_window(core)
    window.quit_on_exit = False  # the real app quits; here that would end the test's event loop
    open_staff_area(qtbot, window)
    tap(qtbot, find(window, "staff-exit"))
    tap(qtbot, find(window, "exit-cancel"))  # changed their mind
    assert window.isVisible() and find(window, "staff-exit").isVisible()
    tap(qtbot, find(window, "staff-exit"))
    with qtbot.waitSignal(window.exit_requested, timeout=3000):
        tap(qtbot, find(window, "exit-confirm"))
    QApplication.processEvents()
    assert not window.isVisible()


def test_back_from_the_staff_area_locks_it_again(qtbot, make_window, core):
    with_pin(core)
    window = make_window(core)
    open_staff_area(qtbot, window)
    tap(qtbot, find(window, "staff-exit"))
    tap(qtbot, window.back_button)  # from the exit question: back to the staff area itself
    assert window.flow.screen == "staff" and find(window, "staff-exit").isVisible()
    tap(qtbot, window.back_button)
    assert window.flow.screen == "welcome"
    assert not window.flow.staff_ok


def test_configured_stick_not_plugged_in_writes_nothing(qtbot, make_window, make_core, tmp_path):
    stick = tmp_path / "media" / "KIOSK-USB"  # configured, but not mounted
    core = with_pin(make_core(), export_dir=str(stick))
    file_anonymous(core, "Belum terkirim")
    window = make_window(core)
    open_staff_area(qtbot, window)
    tap(qtbot, find(window, "staff-export"))
    qtbot.waitUntil(lambda: "flashdisk" in find(window, "staff-message").text().lower(), timeout=5000)
    assert not stick.exists()


def test_staff_requeue_every_dead_item_of_one_reason_with_one_tap(qtbot, make_window, make_core, simulator_factory):
    sim = simulator_factory(catalog=Catalog.bundled().to_open311(), faults="error200:1")  # "no", in a 200
    core = with_pin(make_core(sim.base_url))
    codes = [file_anonymous(core, f"Saran nomor {i}") for i in range(3)]
    qtbot.waitUntil(lambda: core.queue_summary()["dead"] == 3, timeout=15000)
    window = make_window(core)
    open_staff_area(qtbot, window)
    qtbot.waitUntil(lambda: visible(window, "requeue-reason-0"), timeout=5000)
    again = find(window, "requeue-reason-0")
    assert again.text() == "Kirim ulang semua (3) dengan alasan ini"
    assert "service_code is not valid" in "\n".join(w.text() for w in find(window, "dead-reason-0").findChildren(QLabel))
    sim.set_faults(None)  # the province fixed its side
    tap_settled(qtbot, again)
    qtbot.waitUntil(lambda: len(sim.requests()) == 3, timeout=15000)
    assert sorted(r["fields"]["attribute[kiosk_ref]"] for r in sim.requests()) == sorted(codes)
    qtbot.waitUntil(lambda: "Ditolak: 0" in find(window, "queue-summary").text(), timeout=10000)
