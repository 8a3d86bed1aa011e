"""Validation messages appear next to the field, in the chosen language, and clear when fixed."""
from __future__ import annotations

import pytest
from uihelpers import find, next_, start_service, tap, type_keys, visible_named


def error_below_field(window) -> str:
    error = visible_named(window, "field-error")
    field = visible_named(window, "answer")
    assert error.mapTo(window, error.rect().topLeft()).y() >= field.mapTo(window, field.rect().bottomLeft()).y()
    return error.text()


def error_below(window, field: str) -> str:
    """The contact screen: each field's message right under that field."""
    error = visible_named(window, f"field-error-{field}")
    box = visible_named(window, f"answer-{field}")
    assert error.mapTo(window, error.rect().topLeft()).y() >= box.mapTo(window, box.rect().bottomLeft()).y()
    return error.text()


@pytest.mark.parametrize("lang", ["id", "jv", "en"])
def test_messages_per_field(qtbot, window, lang):
    flow = window.flow
    tap(qtbot, find(window, f"lang-{lang}"))
    start_service(qtbot, window, "request", "DKC-KTP")
    # Empty description.
    next_(qtbot, window)
    assert flow.current_step.field == "description"
    assert error_below_field(window) == flow.errors("description")[0].text(lang)
    type_keys(qtbot, window, "KTP hilang")
    assert not visible_named(window, "answer").property("invalid") == "true"
    assert not find(window, "field-error").isVisible(), "the message goes once the field is changed"
    next_(qtbot, window)

    # A NIK with a wrong date of birth (month 13).
    for k in "3510140113900001":
        tap(qtbot, window.current.pad.keys[k])
    next_(qtbot, window)
    assert flow.current_step.editor == "nik"
    assert error_below_field(window) == flow.errors(flow.current_step.field)[0].text(lang)
    for _ in range(16):
        tap(qtbot, window.current.pad.keys["⌫"])
    for k in "3510144512800003":
        tap(qtbot, window.current.pad.keys[k])
    next_(qtbot, window)

    # A required choice not made.
    assert flow.current_step.editor == "single"
    next_(qtbot, window)
    assert flow.current_step.editor == "single"
    assert find(window, "field-error").isVisible()
    assert find(window, "field-error").text() == flow.errors(flow.current_step.field)[0].text(lang)
    tap(qtbot, next(iter(visible_named(window, "answer").buttons.values())))
    next_(qtbot, window)
    type_keys(qtbot, window, "Genteng")
    next_(qtbot, window)
    next_(qtbot, window)  # stall

    # The contact screen: no name and no phone, then a name but a phone that is not a phone.
    assert flow.current_step.editor == "contact"
    next_(qtbot, window)
    assert flow.current_step.editor == "contact"
    assert error_below(window, "reporter.name") == flow.errors("reporter.name")[0].text(lang)
    assert error_below(window, "reporter.phone") == flow.errors("reporter.phone")[0].text(lang)
    assert find(window, "answer-reporter.name").hasFocus(), "the first refused field is the one to fill"
    type_keys(qtbot, window, "Bu Sri")
    assert not find(window, "field-error-reporter.name").isVisible(), "the name's message goes once it is typed"
    assert find(window, "field-error-reporter.phone").isVisible(), "the phone's stays until the phone is changed"
    tap(qtbot, find(window, "answer-reporter.phone"))
    qtbot.waitUntil(lambda: window.current.pad.isVisible(), timeout=5000)
    for k in "12345":
        tap(qtbot, window.current.pad.keys[k])
    next_(qtbot, window)
    assert flow.current_step.editor == "contact"
    assert list(flow.all_errors) == ["reporter.phone"], "the error names the phone, not the screen"
    assert error_below(window, "reporter.phone") == flow.errors("reporter.phone")[0].text(lang)
    assert find(window, "answer-reporter.phone").hasFocus() and window.current.pad.isVisible()
    assert not window.keyboard.isVisible()
