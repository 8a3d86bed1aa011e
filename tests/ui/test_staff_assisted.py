"""Assisted mode: a clerk files for a citizen on the one-page form with a physical keyboard."""
from __future__ import annotations

import dataclasses

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from uihelpers import find, tap, texts_on_screen

from kiosk.staff import hash_pin

PIN = "2468"


def tap_settled(qtbot, widget) -> None:
    QApplication.sendPostedEvents(None, QEvent.LayoutRequest)
    QApplication.processEvents()
    tap(qtbot, widget)


def staff_window(qtbot, make_window, core):
    core.cfg = dataclasses.replace(core.cfg, staff=dataclasses.replace(core.cfg.staff, pin_hash=hash_pin(PIN)))
    window = make_window(core)
    window.flow.open_staff()
    for k in PIN:
        tap(qtbot, window.current.pad.keys[k])
    with qtbot.waitSignal(window.flow.staff_login_finished, timeout=10000):
        tap(qtbot, window.primary_button)
    assert window.flow.screen == "staff"
    return window


def test_clerk_files_an_assisted_submission_end_to_end(qtbot, make_window, core, sim):
    window = staff_window(qtbot, make_window, core)
    tap(qtbot, find(window, "staff-assisted"))
    assert window.flow.screen == "assisted"
    tap_settled(qtbot, find(window, "pick-service-PSR-KEBERSIHAN"))
    # Every question of the form is on this one page.
    for field in ("description", "attributes.area", "location.stall", "reporter.name", "reporter.phone"):
        assert find(window, f"assisted-{field}").isVisible(), field
    description = find(window, "assisted-description")
    description.setFocus()
    qtbot.keyClicks(description, "Got di los ikan mampet sejak Senin")  # the physical keyboard
    QApplication.processEvents()
    assert not window.keyboard.isVisible(), "the on-screen keyboard must not be forced on the clerk"
    name = find(window, "assisted-reporter.name")
    name.setFocus()
    qtbot.keyClicks(name, "Siti Aminah")
    phone = find(window, "assisted-reporter.phone")
    phone.setFocus()
    qtbot.keyClicks(phone, "081234567890")

    # Forgot the two required choices: both errors show on the same page, nothing is saved.
    tap(qtbot, window.primary_button)
    qtbot.waitUntil(lambda: find(window, "assisted-error-attributes.area").isVisible(), timeout=10000)
    assert find(window, "assisted-error-attributes.masalah").isVisible()
    assert window.flow.screen == "assisted"
    assert core.queue_summary()["queued"] == 0
    for field in ("attributes.area", "attributes.masalah"):
        choices = find(window, f"assisted-{field}")
        tap_settled(qtbot, next(iter(choices.buttons.values())))
    assert description.toPlainText() == "Got di los ikan mampet sejak Senin"  # kept

    tap(qtbot, window.primary_button)
    qtbot.waitUntil(lambda: window.flow.screen == "done", timeout=15000)
    code = window.flow.submitted.tracking_code
    item = core.outbox.get(code)
    assert item.meta["assisted"] is True
    qtbot.waitUntil(lambda: any("Got di los ikan" in r.get("description", "") for r in sim.requests()), timeout=10000)

    tap(qtbot, window.primary_button)  # "Selesai"
    assert window.flow.screen == "staff"  # back at the counter's staff area
    assert window.flow.staff_ok and not window.flow.assisted
    texts = " ".join(texts_on_screen(window))
    for typed in ("Got di los ikan", "Siti Aminah", "081234567890"):
        assert typed not in texts

    # A second citizen starts clean.
    tap(qtbot, find(window, "staff-assisted"))
    tap_settled(qtbot, find(window, "pick-service-UMM-SARAN"))
    assert find(window, "assisted-description").toPlainText() == ""


def test_on_screen_keyboard_on_request(qtbot, make_window, core):
    window = staff_window(qtbot, make_window, core)
    tap(qtbot, find(window, "staff-assisted"))
    tap_settled(qtbot, find(window, "pick-service-UMM-SARAN"))
    tap_settled(qtbot, find(window, "assisted-keyboard"))
    description = find(window, "assisted-description")
    tap_settled(qtbot, description)
    qtbot.waitUntil(lambda: window.keyboard.isVisible(), timeout=5000)


def test_back_from_assisted_mode_forgets_the_draft(qtbot, make_window, core):
    window = staff_window(qtbot, make_window, core)
    tap(qtbot, find(window, "staff-assisted"))
    tap_settled(qtbot, find(window, "pick-service-UMM-SARAN"))
    description = find(window, "assisted-description")
    description.setFocus()
    qtbot.keyClicks(description, "Setengah jalan")
    tap(qtbot, window.back_button)
    assert window.flow.screen == "staff"
    assert "Setengah jalan" not in " ".join(texts_on_screen(window))
    assert window.flow.values == {}
