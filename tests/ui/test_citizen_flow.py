"""A citizen files a complaint and a service request end to end, by touch and on-screen keys.

Real parts: the kiosk core on a SQLite outbox in tmp_path, the file printer backend writing
PDFs, the provincial simulator on 127.0.0.1, the real window on the offscreen platform,
Qt Virtual Keyboard's own key items.
"""
from __future__ import annotations

from uihelpers import find, stall_name_phone, tap, type_keys, visible_named

from ui.flow import DONE, QUESTION, REVIEW


def next_(qtbot, window):
    tap(qtbot, window.primary_button)


def test_file_a_complaint_end_to_end(qtbot, window, core, sim):
    flow = window.flow
    tap(qtbot, find(window, "start-report"))
    tap(qtbot, visible_named(window, "service-PSR-KEBERSIHAN"))
    assert flow.screen == QUESTION

    # What happened: typed on the on-screen keyboard, which appears below the field.
    answer = visible_named(window, "answer")
    qtbot.waitUntil(lambda: window.keyboard.isVisible())
    type_keys(qtbot, window, "Sampah menumpuk di los B")
    assert answer.toPlainText() == "Sampah menumpuk di los B"
    kb_top = window.keyboard.mapTo(window, window.keyboard.rect().topLeft()).y()
    field_bottom = answer.mapTo(window, answer.rect().bottomLeft()).y()
    assert field_bottom <= kb_top, "the keyboard covers the field being typed in"
    next_(qtbot, window)

    # Where in the market: one answer, a big radio button.
    step = flow.current_step
    assert step.editor == "single"
    choices = visible_named(window, "answer")
    first_key = step.options("id")[0][0]
    tap(qtbot, choices.buttons[first_key])
    assert not window.keyboard.isVisible(), "no keyboard for a list question"
    next_(qtbot, window)

    # What is wrong: several answers, big checkable buttons.
    step = flow.current_step
    assert step.editor == "multi"
    choices = visible_named(window, "answer")
    keys = [k for k, _ in step.options("id")][:2]
    for k in keys:
        tap(qtbot, choices.buttons[k])
    assert sorted(choices.value()) == sorted(keys)
    assert all(choices.buttons[k].isChecked() for k in keys)
    next_(qtbot, window)

    # Name on the keyboard, stall and phone on the pad.
    stall_name_phone(qtbot, window, "B-12", "Siti Aminah", "081234567890")

    # Review shows every answer with an "Ubah" button; send.
    assert flow.screen == REVIEW, (flow.current_step and flow.current_step.field, flow.all_errors, flow.anonymous)
    assert visible_named(window, "review-value-location.stall").text() == "B-12"
    assert visible_named(window, "review-value-reporter.name").text() == "Siti Aminah"
    tap(qtbot, window.primary_button)
    qtbot.waitUntil(lambda: flow.screen == DONE, timeout=15000)

    code = flow.submitted.tracking_code
    assert visible_named(window, "tracking-code").text() == flow.submitted.display_code
    assert not visible_named(window, "qr").pixmap().isNull()
    assert flow.printed_ok
    # Saved in the outbox, a receipt came out of the file printer, the server got it.
    assert core.outbox.get(code) is not None
    assert any(core.cfg.printer_path.glob("*.pdf"))
    qtbot.waitUntil(lambda: any(code in r["body"] for r in sim.requests()), timeout=15000)
    got = next(r for r in sim.requests() if code in r["body"])
    assert got["service_code"] == "PSR-KEBERSIHAN"
    assert got["fields"]["description"] == f"Sampah menumpuk di los B\n\nKode laporan: {flow.submitted.display_code}"
    assert got["attributes"]["area"] == first_key
    assert sorted(got["attributes"]["masalah"]) == sorted(keys)

    # "Selesai": the next citizen starts clean.
    tap(qtbot, window.primary_button)
    assert flow.screen == "welcome"
    assert flow.submitted is None


def test_file_a_service_request_end_to_end(qtbot, window, core, sim):
    flow = window.flow
    tap(qtbot, find(window, "start-report"))
    tap(qtbot, visible_named(window, "service-DKC-KTP"))
    type_keys(qtbot, window, "KTP saya rusak")
    next_(qtbot, window)
    # NIK on the numeric pad (16 digits; the keyboard stays away).
    assert flow.current_step.editor == "nik"
    assert not window.keyboard.isVisible()
    for k in "3510144512800003":
        tap(qtbot, window.current.pad.keys[k])
    next_(qtbot, window)
    step = flow.current_step
    assert step.editor == "single"
    tap(qtbot, visible_named(window, "answer").buttons[step.options("id")[1][0]])
    next_(qtbot, window)
    assert flow.current_step.field == "attributes.desa"
    type_keys(qtbot, window, "Genteng Kulon")
    next_(qtbot, window)
    next_(qtbot, window)  # no stall: optional
    # Anonymous: no name, no phone asked.
    tap(qtbot, visible_named(window, "anonymous"))
    next_(qtbot, window)
    assert flow.screen == REVIEW, (flow.current_step and flow.current_step.field, flow.all_errors, flow.anonymous)
    assert "reporter.phone" not in [s.field for s, _ in flow.review_items()]
    tap(qtbot, window.primary_button)
    qtbot.waitUntil(lambda: flow.screen == DONE, timeout=15000)
    code = flow.submitted.tracking_code
    assert core.outbox.get(code) is not None
    qtbot.waitUntil(lambda: any(code in r["body"] for r in sim.requests()), timeout=15000)
    got = next(r for r in sim.requests() if code in r["body"])
    assert got["service_code"] == "DKC-KTP"
    assert got["attributes"]["desa"] == "Genteng Kulon"
    assert not got["fields"].get("first_name") and not got["fields"].get("phone")


def test_date_and_number_questions(qtbot, window, core, sim):
    from datetime import date, timedelta

    from uihelpers import next_ as tap_next, start_service

    flow = window.flow
    start_service(qtbot, window, "complaint", "PSR-KEAMANAN")
    type_keys(qtbot, window, "Dompet dicopet")
    tap_next(qtbot, window)
    tap(qtbot, visible_named(window, "answer").buttons[flow.current_step.options("id")[0][0]])
    tap_next(qtbot, window)
    # When: "yesterday", then one hour later with the big + button.
    assert flow.current_step.editor == "datetime"
    picker = visible_named(window, "answer")
    tap(qtbot, find(window, "yesterday"))
    hour = picker.moment.hour
    tap(qtbot, picker.hour.plus)
    yesterday = date.today() - timedelta(days=1)
    value = flow.value(flow.current_step.field)
    assert value.startswith(yesterday.isoformat()) or picker.moment.date() == yesterday + timedelta(days=1)
    assert picker.moment.hour == (hour + 1) % 24
    assert value.endswith("+07:00")
    tap_next(qtbot, window)
    tap_next(qtbot, window)  # stall
    tap(qtbot, visible_named(window, "anonymous"))
    tap_next(qtbot, window)
    assert flow.screen == REVIEW
    tap(qtbot, window.primary_button)
    qtbot.waitUntil(lambda: flow.screen == DONE, timeout=15000)
    code = flow.submitted.tracking_code
    qtbot.waitUntil(lambda: any(code in r["body"] for r in sim.requests()), timeout=15000)
    got = next(r for r in sim.requests() if code in r["body"])
    assert got["attributes"]["waktu_kejadian"][:13] == value[:13]

    # A number on the numeric pad (parking fee paid).
    flow.wipe()
    start_service(qtbot, window, "complaint", "PSR-PARKIR")
    type_keys(qtbot, window, "Parkir mahal")
    tap_next(qtbot, window)
    tap(qtbot, visible_named(window, "answer").buttons[flow.current_step.options("id")[0][0]])
    tap_next(qtbot, window)
    assert flow.current_step.editor == "number"
    assert not window.keyboard.isVisible()
    for k in "5000":
        tap(qtbot, window.current.pad.keys[k])
    assert visible_named(window, "answer").text() == "5000"
    tap_next(qtbot, window)
    assert flow.current_step.field == "location.stall"


def test_back_from_the_service_list_is_the_welcome_screen(qtbot, window):
    """The kind (complaint or request) has no screen of its own: Back from the list of
    services is the welcome screen, and Back from the first question is the list again."""
    flow = window.flow
    tap(qtbot, find(window, "start-report"))
    assert visible_named(window, "kind-header-complaint") and visible_named(window, "kind-header-request")
    tap(qtbot, find(window, "back"))
    assert flow.screen == "welcome" and visible_named(window, "start-report")
    tap(qtbot, find(window, "start-report"))
    tap(qtbot, visible_named(window, "service-PSR-KEBERSIHAN"))
    assert flow.screen == QUESTION
    tap(qtbot, find(window, "back"))
    assert flow.screen == "service" and visible_named(window, "service-PSR-KEBERSIHAN")
    tap(qtbot, find(window, "back"))
    assert flow.screen == "welcome" and flow.service is None
