"""The Flow controller decides the path and what is wiped, with no widget painted (Mu style).

Real core (SQLite outbox on disk, bundled catalog), no window: only the controller's signals.
"""
from __future__ import annotations

import pytest

from ui.flow import DONE, QUESTION, REVIEW, SERVICE, WELCOME, Flow, steps_for


@pytest.fixture
def flow(qtbot, make_core):
    from ui.app import make_application

    make_application()
    return Flow(make_core())


def test_questions_follow_the_service_definition(flow):
    service = flow.core.catalog.service("DKC-KK")
    steps = steps_for(service, "request")
    editors = [(s.field, s.editor) for s in steps]
    assert editors[0] == ("description", "text")
    assert ("attributes.nik", "nik") in editors
    assert ("attributes.jenis_perubahan", "single") in editors
    assert ("attributes.alamat_baru", "text") in editors
    assert ("attributes.jumlah_anggota", "number") in editors
    assert editors[-2:] == [("location.stall", "stall"), ("reporter", "contact")], "name and phone: one screen"
    assert [(p.field, p.editor) for p in steps[-1].parts] == [("reporter.name", "name"), ("reporter.phone", "phone")]
    datetime_service = flow.core.catalog.service("DKC-AKTA-LAHIR")
    assert ("attributes.tanggal_lahir_anak", "datetime") in [(s.field, s.editor) for s in steps_for(datetime_service, "request")]
    multi = flow.core.catalog.service("PLN-BAHAYA")
    assert ("attributes.bahaya", "multi") in [(s.field, s.editor) for s in steps_for(multi, "complaint")]


def test_path_back_and_edit_from_review(qtbot, flow):
    seen = []
    flow.screen_changed.connect(seen.append)
    flow.start_report()
    flow.choose_service("PLN-BAHAYA")
    assert seen == [SERVICE, QUESTION], "no screen of its own for complaint-or-request"
    assert flow.kind == "complaint", "the service decides the kind"
    assert not flow.next(), "an empty description does not pass"
    assert flow.errors("description")
    flow.set_value("description", "Kabel listrik menjuntai di atas los")
    assert not flow.errors("description"), "typing clears the message"
    assert flow.next()
    flow.set_value("attributes.bahaya", [flow.current_step.options("id")[0][0]])
    assert flow.next()
    assert flow.next()  # stall may stay empty
    flow.set_anonymous(True)
    assert flow.next()
    assert flow.screen == REVIEW, "anonymous: the contact screen asks nothing more"
    assert [s.field for s, _ in flow.review_items()][-1] == "reporter.name", "no phone row when anonymous"
    flow.edit("description")
    assert flow.screen == QUESTION and flow.current_step.field == "description"
    flow.set_value("description", "Kabel listrik putus di atas los daging")
    flow.next()
    assert flow.screen == REVIEW, "after an edit, straight back to the review"
    flow.back()
    assert flow.current_step.editor == "contact"  # the last question asked (name and phone)
    for _ in range(10):
        flow.back()
    assert flow.screen == WELCOME


def test_submit_then_wipe_forgets_the_citizen(qtbot, flow):
    flow.set_language("jv")
    flow.start_report()
    flow.choose_service("UMM-SARAN")
    flow.set_value("description", "Mohon tambah kursi")
    flow.next()
    flow.next()
    flow.set_value("reporter.name", "Pak Budi")
    flow.set_value("reporter.phone", "081234567890")
    assert flow.next()
    assert flow.screen == REVIEW
    with qtbot.waitSignal(flow.submit_finished, timeout=15000):
        flow.submit()
    assert flow.screen == DONE
    item = flow.core.outbox.get(flow.submitted.tracking_code)
    assert item.meta["language"] == "jv", "the receipt follows the language chosen"
    with qtbot.waitSignal(flow.wiped):
        flow.wipe()
    assert flow.screen == WELCOME and flow.language == "id"
    assert flow.values == {} and flow.submitted is None and flow.service is None


def test_each_question_is_typed_as_the_core_says(flow):
    """The keypad and the limits of every answer come from kiosk.inputs (one rule, one place)."""
    from kiosk import validation
    from kiosk.inputs import input_spec

    service = flow.core.catalog.service("DKC-KK")
    asked = [p for s in steps_for(service, "request") for p in (s.parts or (s,))]
    for step in asked:
        assert step.input == input_spec(step.editor)
    by_editor = {s.editor: s.input for s in asked}
    assert by_editor["nik"].numeric and by_editor["nik"].max_length == 16
    assert by_editor["stall"].max_length == validation.MAX_STALL and "-" in by_editor["stall"].extra_keys
    assert by_editor["name"].keypad == "letters" and by_editor["name"].max_length == validation.MAX_NAME
    assert by_editor["phone"].numeric and by_editor["single"].keypad == "choice"
