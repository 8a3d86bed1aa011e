"""Fewer steps: a scripted walk counts the taps an elderly first-timer needs.

Goal from the field test: a complaint in at most 8 taps with a quick phrase and nothing typed,
and at most 8 taps besides the letters when the description is typed.

Name and phone are one screen (the contact screen).  Counted honestly, that saves screens, not
taps: an anonymous citizen already needed one tap ("Saya tidak ingin menyebut nama", which also
skipped the phone), so those walks stay at 7; a citizen who gives a name now taps the phone field
where they tapped "Lanjut" after the name, so that walk stays at 8 besides letters and digits,
but goes through 4 questions instead of 5 (and Back from the review is one screen nearer).
"""
from __future__ import annotations

from urllib.parse import parse_qs

from kiosk.payload import description_with_code

from uihelpers import find, tap, type_keys, visible_named

from ui.flow import DONE, QUESTION, REVIEW


class Counter:
    def __init__(self, qtbot):
        self.qtbot, self.taps = qtbot, 0
        self.questions: list[str] = []

    def watch(self, flow) -> None:
        """Count the question screens the citizen sees (each new step of the form)."""
        flow.step_changed.connect(lambda: flow.current_step is not None and self.questions.append(flow.current_step.field))

    def tap(self, widget):
        self.taps += 1
        tap(self.qtbot, widget)


def _to_description(c: Counter, window) -> None:
    c.tap(find(window, "start-report"))
    c.tap(visible_named(window, "service-SMP-MENUMPUK"))
    assert window.flow.current_step.field == "description"


def _rest(c: Counter, qtbot, window) -> None:
    flow = window.flow
    # "How long?": one answer, and the kiosk moves on by itself.
    qtbot.waitUntil(lambda: flow.current_step is not None and flow.current_step.editor == "single", timeout=3000)
    step = flow.current_step
    c.tap(visible_named(window, "answer").buttons[step.options("id")[0][0]])
    qtbot.waitUntil(lambda: flow.current_step.editor == "stall", timeout=3000)
    assert window.back_button.isVisible(), "a visible way back after moving on by itself"
    # Optional stall: the primary button says "Lewati" and skips it.
    assert window.primary_button.text() == "Lewati"
    c.tap(window.primary_button)
    assert flow.current_step.editor == "contact"
    c.tap(visible_named(window, "anonymous"))  # name and phone: one tap, and on by itself
    qtbot.waitUntil(lambda: flow.screen == REVIEW, timeout=3000)
    c.tap(window.primary_button)  # Kirim
    qtbot.waitUntil(lambda: flow.screen == DONE, timeout=15000)


def test_complaint_with_a_quick_phrase_in_eight_taps_nothing_typed(qtbot, window, core):
    c = Counter(qtbot)
    _to_description(c, window)
    phrase = visible_named(window, "phrase-0")
    c.tap(phrase)
    qtbot.waitUntil(lambda: window.flow.current_step.field != "description", timeout=3000)
    _rest(c, qtbot, window)
    assert c.taps == 7, c.taps  # (goal: at most 8)
    code = window.flow.submitted.tracking_code
    body = parse_qs(core.outbox.get(code).body)
    assert body["description"] == [description_with_code("Sampah menumpuk", code, "id")]


def test_complaint_typed_in_eight_taps_besides_letters(qtbot, window, core):
    c = Counter(qtbot)
    _to_description(c, window)
    type_keys(qtbot, window, "Bau sekali")
    c.tap(window.primary_button)
    assert window.flow.screen == QUESTION
    _rest(c, qtbot, window)
    assert c.taps == 7, c.taps  # (goal: at most 8 besides the letters)
    code = window.flow.submitted.tracking_code
    body = parse_qs(core.outbox.get(code).body)
    assert body["description"] == [description_with_code("Bau sekali", code, "id")]


def test_named_complaint_name_and_phone_on_one_screen(qtbot, window, core):
    """A quick phrase, a name and a phone: 8 taps besides letters and digits, 4 questions."""
    from uihelpers import pad_keys

    flow = window.flow
    c = Counter(qtbot)
    c.watch(flow)
    _to_description(c, window)
    c.tap(visible_named(window, "phrase-0"))
    qtbot.waitUntil(lambda: flow.current_step.editor == "single", timeout=3000)
    c.tap(visible_named(window, "answer").buttons[flow.current_step.options("id")[0][0]])
    qtbot.waitUntil(lambda: flow.current_step.editor == "stall", timeout=3000)
    c.tap(window.primary_button)  # Lewati
    assert flow.current_step.editor == "contact"
    assert visible_named(window, "answer-reporter.name").hasFocus()
    type_keys(qtbot, window, "Siti")
    c.tap(visible_named(window, "answer-reporter.phone"))
    qtbot.waitUntil(lambda: window.current.pad.isVisible(), timeout=5000)
    pad_keys(qtbot, window, "081234567890")
    c.tap(window.primary_button)  # Lanjut
    assert flow.screen == REVIEW, flow.all_errors
    c.tap(window.primary_button)  # Kirim
    qtbot.waitUntil(lambda: flow.screen == DONE, timeout=15000)
    assert c.taps == 8, c.taps
    assert c.questions == ["description", "attributes.lama", "location.stall", "reporter"], c.questions
    body = parse_qs(core.outbox.get(flow.submitted.tracking_code).body)
    assert body["phone"] == ["+6281234567890"] and body["first_name"] == ["Siti"]


def test_quick_phrases_follow_the_language(qtbot, window):
    window.flow.set_language("jv")
    c = Counter(qtbot)
    _to_description(c, window)
    assert visible_named(window, "phrase-0").text() == "Sampah numpuk"


def test_complaint_or_request_is_chosen_with_the_service(qtbot, window):
    """No screen of its own for "complaint or request?": both lists, under two headings, on
    the service screen; the service decides the kind; Back returns to the start."""
    tap(qtbot, find(window, "start-report"))
    flow = window.flow
    assert flow.screen == "service"
    assert find(window, "kind-header-complaint").isVisible()
    assert find(window, "kind-header-request").isVisible()
    tap(qtbot, visible_named(window, "service-DKC-KTP"))
    assert flow.kind == "request"
    tap(qtbot, window.back_button)
    assert flow.screen == "service"
    tap(qtbot, visible_named(window, "service-PSR-KEBERSIHAN"))
    assert flow.kind == "complaint"
    tap(qtbot, window.back_button)
    tap(qtbot, window.back_button)
    assert flow.screen == "welcome"


def test_search_finds_both_kinds(qtbot, window):
    tap(qtbot, find(window, "start-report"))
    window.current.search.setText("KTP")
    assert "DKC-KTP" in window.current.tiles
    window.current.search.setText("sampah")
    assert any(code.startswith(("PSR-", "SMP-")) for code in window.current.tiles)


def test_the_phone_is_not_offered_as_skippable_once_a_name_is_given(qtbot, window):
    from kiosk.i18n import tr

    flow = window.flow
    flow.start_report()
    flow.choose_service("UMM-SARAN")
    flow.set_value("description", "Saran")
    flow.next()
    flow.next()  # no stall
    assert flow.current_step.editor == "contact"
    assert window.primary_button.text() == tr("id", "Lanjut"), "the contact screen is never offered as skippable"
    visible_named(window, "answer-reporter.name").setText("Siti")
    qtbot.wait(20)
    assert window.primary_button.text() == tr("id", "Lanjut"), "the phone is needed when a name is given"
    tap(qtbot, window.primary_button)
    assert flow.current_step.editor == "contact" and list(flow.all_errors) == ["reporter.phone"]
    assert find(window, "answer-reporter.phone").hasFocus(), "the refused field is the one to fill"
