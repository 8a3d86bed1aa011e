"""Idle: a countdown asks "Masih di sana?"; no answer wipes everything and starts over."""
from __future__ import annotations

import pytest
from uihelpers import find, next_, start_service, tap, texts_on_screen, type_keys, visible_named

from kiosk.i18n import current_language


FAST = (0.8, 0.4)  # injected timeouts: warn after 0.4 s without input, wipe 0.4 s later


@pytest.fixture
def idle_window(make_window, core):
    return make_window(core, idle_timeout_s=600, idle_warning_s=30)


def test_no_answer_wipes_everything_and_returns_to_welcome(qtbot, idle_window):
    window, flow = idle_window, idle_window.flow
    tap(qtbot, find(window, "lang-en"))
    tap(qtbot, find(window, "large-text"))
    start_service(qtbot, window, "complaint", "PSR-KEBERSIHAN")
    type_keys(qtbot, window, "Rahasia Bu Siti")
    next_(qtbot, window)
    tap(qtbot, next(iter(visible_named(window, "answer").buttons.values())))
    flow.edit("description")  # back on the typed text, keyboard up
    qtbot.waitUntil(lambda: window.keyboard.isVisible())
    type_keys(qtbot, window, " dan")  # half a word in the keyboard, too

    with qtbot.waitSignals([window.idle.warning_shown, window.idle.expired], order="strict", timeout=5000):
        window.idle.set_timeouts(*FAST)
    assert flow.screen == "welcome"
    assert current_language() == "id" and flow.language == "id"
    assert not window.large_text
    assert flow.values == {} and flow.service is None
    assert not window.keyboard.isVisible()
    leftovers = [t for t in texts_on_screen(window) if "Rahasia" in t or "Siti" in t]
    assert leftovers == []
    window.idle.set_timeouts(600, 30)  # the next citizen takes their time
    # Every screen the next citizen can reach starts empty.
    start_service(qtbot, window, "complaint", "PSR-KEBERSIHAN")
    assert visible_named(window, "answer").toPlainText() == ""


def test_countdown_is_full_screen_and_an_answer_keeps_the_form(qtbot, idle_window):
    window, flow = idle_window, idle_window.flow
    start_service(qtbot, window, "complaint", "UMM-SARAN")
    type_keys(qtbot, window, "Saran saya")
    with qtbot.waitSignal(window.idle.warning_shown, timeout=5000):
        window.idle.set_timeouts(*FAST)
    overlay = window.overlay
    assert overlay.isVisible() and overlay.geometry() == window.rect()
    assert find(window, "idle-countdown").text().isdigit()
    with qtbot.waitSignal(window.idle.dismissed, timeout=2000):
        tap(qtbot, find(window, "idle-stay"))
    assert not overlay.isVisible()
    assert flow.screen == "question"
    assert visible_named(window, "answer").toPlainText() == "Saran saya"


def test_welcome_screen_in_default_state_never_counts_down(qtbot, idle_window):
    window = idle_window
    with qtbot.assertNotEmitted(window.idle.warning_shown, wait=1200):
        window.idle.set_timeouts(*FAST)
    assert window.flow.screen == "welcome"


def test_walking_back_to_the_welcome_screen_leaves_nothing_for_the_next_citizen(qtbot, idle_window):
    """The idle watch sleeps on the welcome screen, so Back all the way must forget the answers."""
    window, flow = idle_window, idle_window.flow
    tap(qtbot, find(window, "lang-jv"))
    start_service(qtbot, window, "complaint", "PSR-KEBERSIHAN")
    type_keys(qtbot, window, "Rahasia Bu Siti")
    while flow.screen != "welcome":
        tap(qtbot, find(window, "back"))
    assert flow.values == {} and flow.service is None
    assert flow.language == "jv"  # the language she chose stays for whoever comes back
    assert [t for t in texts_on_screen(window) if "Rahasia" in t] == []
    start_service(qtbot, window, "complaint", "PSR-KEBERSIHAN")
    assert visible_named(window, "answer").toPlainText() == ""
