"""The review shows every answer (scrolling by finger if need be) and keeps *Kirim* in view."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QScrollArea
from test_keypad import _rect, _visible_rect
from uihelpers import find

from ui.flow import REVIEW


def fill_six_answers(flow) -> None:
    flow.start_report()
    flow.choose_service("PSR-KEBERSIHAN")
    flow.set_value("description", "Sampah menumpuk di depan los ikan sejak dua hari")
    flow.next()
    flow.set_value(flow.current_step.field, flow.current_step.options("id")[0][0])
    flow.next()
    flow.set_value(flow.current_step.field, [k for k, _ in flow.current_step.options("id")][:2])
    flow.next()
    flow.set_value("location.stall", "B-12")
    flow.next()
    flow.set_value("reporter.name", "Siti Aminah")  # name and phone: one screen
    flow.set_value("reporter.phone", "081234567890")
    flow.next()


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("size", [(1024, 768), (1366, 768), (1920, 1080)], ids=["1024x768", "1366x768", "1920x1080"])
def test_review_reaches_every_answer_with_kirim_in_view(qtbot, make_window, core, size, large):
    window = make_window(core, size=size)
    window.set_large_text(large)
    flow = window.flow
    fill_six_answers(flow)
    assert flow.screen == REVIEW, flow.all_errors
    qtbot.wait(50)
    items = flow.review_items()
    assert len(items) == 6
    for step, shown in items:
        value = find(window, f"review-value-{step.field}")
        assert value.text() == shown
        # As a finger would: scroll the list until the answer is in view.
        p = value.parentWidget()
        while p is not None and not isinstance(p, QScrollArea):
            p = p.parentWidget()
        p.ensureWidgetVisible(value, 0, 0)
        qtbot.wait(10)
        assert _visible_rect(value) == _rect(value), f"{step.field} cannot be brought into view"
        kirim = window.primary_button
        assert kirim.isVisible() and _visible_rect(kirim) == _rect(kirim), "Kirim scrolled out of view"
        assert window.rect().contains(_rect(kirim))
    # The list gets the room: at least two answers at once even on the smallest panel.
    visible = sum(1 for step, _ in items if _visible_rect(find(window, f"review-value-{step.field}")).height() > 0)
    assert visible >= 2


@pytest.mark.parametrize("lang", ["id", "jv", "en"])
def test_review_names_the_kind_with_the_word_of_the_service_list(qtbot, window, lang):
    """The list's heading ("Pangaduan" in Basa Jawa) is the word the review puts before the
    service and the word the listen button says: one word per kind on every screen."""
    from PySide6.QtWidgets import QLabel

    flow = window.flow
    flow.set_language(lang)
    flow.start_report()
    qtbot.wait(20)
    heading = find(window, "kind-header-complaint").findChild(QLabel).text()
    assert heading == {"id": "Pengaduan", "jv": "Pangaduan", "en": "Complaint"}[lang]
    fill_six_answers(flow)
    assert flow.screen == REVIEW, flow.all_errors
    assert find(window, "review-service").text().startswith(f"{heading}: ")
    assert f"{heading}, " in window.current.spoken(lang)  # the colon is a pause for the ear


@pytest.mark.parametrize("field,other", [("reporter.phone", "reporter.name"), ("reporter.name", "reporter.phone")])
def test_each_contact_row_edits_its_own_field(qtbot, window, field, other):
    """Name and phone are two rows of the review; either's "Ubah" opens the contact screen on
    that field, with that field's keyboard (the pad for the phone, letters for the name)."""
    from uihelpers import pad_keys, tap, type_keys, visible_named

    flow = window.flow
    fill_six_answers(flow)
    assert flow.screen == REVIEW, flow.all_errors
    qtbot.wait(50)
    assert visible_named(window, "review-value-reporter.name").text() == "Siti Aminah"
    assert visible_named(window, "review-value-reporter.phone").text() == "081234567890"
    # A touch tap, as a person gives it: the phone's "Ubah" is below the fold, and the tap
    # scrolls the list to it once the rows have their full height (issue #10).
    tap(qtbot, visible_named(window, f"edit-{field}"))
    assert flow.screen == "question"
    assert flow.current_step.editor == "contact"
    screen = window.current
    qtbot.waitUntil(lambda: find(window, f"answer-{field}").hasFocus(), timeout=3000)
    assert not find(window, f"answer-{other}").hasFocus()
    if field == "reporter.phone":
        qtbot.waitUntil(lambda: screen.pad.isVisible(), timeout=5000)
        assert not window.keyboard.isVisible()
        pad_keys(qtbot, window, "⌫1")
        expected = "081234567891"
    else:
        qtbot.waitUntil(lambda: window.keyboard.isVisible(), timeout=30000)
        assert not screen.pad.isVisible()
        type_keys(qtbot, window, " S")
        expected = "Siti Aminah S"
    tap(qtbot, window.primary_button)  # Simpan
    assert flow.screen == REVIEW
    qtbot.wait(20)
    assert visible_named(window, f"review-value-{field}").text() == expected
