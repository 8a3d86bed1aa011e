"""The "Dengarkan" (listen) button, with Qt's mock text-to-speech engine.

The mock engine has English voices and no Indonesian one: the kiosk under test speaks
English first, and Indonesian shows what a language without a voice does (no button).
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import QThread
from PySide6.QtTextToSpeech import QTextToSpeech
from PySide6.QtWidgets import QApplication
from uihelpers import find, kiosk_config, tap, visible_named

from kiosk import speech

LANGS = ("en", "id")


@pytest.fixture
def speaking_window(make_window, sim, tmp_path):
    from kiosk.core import KioskCore

    cores = []

    def make(mode: str = "button", **options):
        cfg = kiosk_config(tmp_path, sim.base_url).replace(kiosk={"languages": LANGS, "speech": mode})
        core = KioskCore(cfg)
        cores.append(core)
        w = make_window(core, **options)
        w.said = []
        if w.listen.speaker is not None:
            w.listen.speaker.said.connect(lambda lang, text: w.said.append((lang, text)))
        return w

    yield make
    for c in cores:
        c.close()


def ready(qtbot, window):
    qtbot.waitUntil(lambda: window.listen.speaker.ready, timeout=10000)
    qtbot.waitUntil(lambda: window.listen.button.isVisible(), timeout=2000)
    return window.listen.button


def engine_state(window):
    return window.listen.speaker._worker.tts.state()


def test_button_reads_the_screen_and_a_second_tap_stops_it(qtbot, speaking_window):
    w = speaking_window()
    button = ready(qtbot, w)
    assert w.said == []  # nobody asked: nothing read at start
    tap(qtbot, button)
    assert w.said == [("en", speech.welcome("en", LANGS))]
    assert button.text() == "Stop" and button.isChecked()
    qtbot.waitUntil(lambda: engine_state(w) == QTextToSpeech.State.Speaking, timeout=5000)
    tap(qtbot, button)
    assert button.text() == "Listen" and not w.listen.speaker.speaking
    qtbot.waitUntil(lambda: engine_state(w) == QTextToSpeech.State.Ready, timeout=5000)
    assert len(w.said) == 1


def test_moving_on_stops_the_reading_and_the_next_screen_is_read_on_request(qtbot, speaking_window):
    w = speaking_window()
    button = ready(qtbot, w)
    tap(qtbot, button)
    qtbot.waitUntil(lambda: engine_state(w) == QTextToSpeech.State.Speaking, timeout=5000)
    tap(qtbot, find(w, "start-report"))
    assert not w.listen.speaker.speaking and button.text() == "Listen"
    qtbot.waitUntil(lambda: engine_state(w) == QTextToSpeech.State.Ready, timeout=5000)
    qtbot.wait(50)
    assert len(w.said) == 1  # button mode: the new screen waits for a tap
    tap(qtbot, button)
    assert w.flow.screen == "service"  # complaints and requests on one list
    assert w.said[-1] == ("en", w.current.spoken("en"))
    assert w.said[-1][1].startswith("Choose a service.")


def test_always_mode_reads_each_new_screen_once(qtbot, speaking_window):
    w = speaking_window("always")
    ready(qtbot, w)
    qtbot.wait(50)
    assert w.said == []  # the attract screen does not talk to an empty market
    tap(qtbot, find(w, "start-report"))
    qtbot.waitUntil(lambda: len(w.said) == 1, timeout=2000)
    services = w.said[0][1]
    assert services.startswith("Choose a service.")
    # The two headings the list shows, each once, complaints first, as the eye meets them.
    assert services.count("Complaint.") == 1 and services.count("Service request.") == 1
    assert services.index("Complaint.") < services.index("Service request.")
    tap(qtbot, visible_named(w, "service-UMM-SARAN"))
    qtbot.waitUntil(lambda: len(w.said) == 2, timeout=2000)
    assert w.said[1][1] == w.current.spoken("en")
    assert "Step 1 of" in w.said[1][1]
    qtbot.wait(100)
    assert len(w.said) == 2  # once each, not again and again


def test_nothing_is_spoken_after_the_idle_wipe(qtbot, speaking_window):
    w = speaking_window("always", idle_timeout_s=1.2, idle_warning_s=0.4)
    ready(qtbot, w)
    tap(qtbot, find(w, "start-report"))
    qtbot.waitUntil(lambda: len(w.said) == 1, timeout=2000)
    with qtbot.waitSignal(w.idle.warning_shown, timeout=5000):
        pass
    assert w.said[-1][1] == speech.idle("en")  # its countdown covers the button: the warning is said
    with qtbot.waitSignal(w.idle.expired, timeout=5000):
        pass
    assert w.flow.screen == "welcome"
    assert not w.listen.speaker.speaking  # the wipe cut the warning short
    qtbot.wait(300)
    assert len(w.said) == 2 and not w.listen.speaker.speaking
    qtbot.waitUntil(lambda: engine_state(w) == QTextToSpeech.State.Ready, timeout=5000)
    # The next citizen's first tap is theirs: always-mode reads again.
    tap(qtbot, find(w, "start-report"))
    qtbot.waitUntil(lambda: len(w.said) == 3, timeout=2000)


def test_button_mode_only_stops_at_the_idle_warning(qtbot, speaking_window):
    w = speaking_window("button", idle_timeout_s=1.2, idle_warning_s=0.4)
    button = ready(qtbot, w)
    tap(qtbot, find(w, "start-report"))
    tap(qtbot, button)
    assert w.listen.speaker.speaking
    with qtbot.waitSignal(w.idle.warning_shown, timeout=5000):
        pass
    assert not w.listen.speaker.speaking and len(w.said) == 1


def test_no_voice_for_the_language_hides_the_button(qtbot, speaking_window):
    w = speaking_window()
    button = ready(qtbot, w)
    w.flow.set_language("id")  # the mock engine has no Indonesian voice
    qtbot.waitUntil(lambda: not button.isVisible(), timeout=2000)
    tap(qtbot, find(w, "start-report"))
    qtbot.wait(50)
    assert not button.isVisible() and w.said == []
    w.flow.set_language("en")
    qtbot.waitUntil(lambda: button.isVisible(), timeout=2000)


def test_speech_off_means_no_engine_and_no_button(qtbot, speaking_window):
    w = speaking_window("off")
    qtbot.wait(100)
    assert w.listen.speaker is None and not w.listen.button.isVisible()


def test_no_button_on_the_staff_screens(qtbot, speaking_window):
    w = speaking_window()
    button = ready(qtbot, w)
    w.flow.open_staff()
    qtbot.waitUntil(lambda: not button.isVisible(), timeout=2000)


def test_the_engine_lives_off_the_gui_thread_with_its_volume(qtbot, speaking_window):
    w = speaking_window()
    ready(qtbot, w)
    worker = w.listen.speaker._worker
    assert worker.thread() is not QApplication.instance().thread()
    assert isinstance(worker.thread(), QThread) and worker.thread().isRunning()
    w.listen.speaker.set_volume(35)
    qtbot.waitUntil(lambda: abs(worker.tts.volume() - 0.35) < 0.01, timeout=2000)


def test_each_citizen_screen_reads_what_it_shows(qtbot, speaking_window):
    """The spoken text carries the screen's own title, in the screen's language."""
    from uihelpers import tour

    w = speaking_window()
    ready(qtbot, w)
    seen = 0
    for name in tour(qtbot, w, typing=False, lang="en"):
        if name.startswith(("staff", "assisted", "idle")):
            continue
        text = w.current.spoken("en")
        assert text, name
        title = getattr(w.current, "title", None) or getattr(w.current, "question", None)
        if title is not None and title.text():
            assert speech.for_ear(title.text()).rstrip(".") in text, (name, title.text())
        assert w.listen.button.isVisible(), name
        seen += 1
    assert seen >= 12


def test_staff_set_the_volume_and_it_survives_a_restart(qtbot, speaking_window):
    from kiosk import volume

    w = speaking_window()
    ready(qtbot, w)
    w.flow.staff_ok = True
    w.flow._go("staff", remember=False)
    staff = w.screens["staff"]
    qtbot.waitUntil(lambda: staff.volume_row.isVisible(), timeout=2000)
    from ui import ops

    qtbot.waitUntil(lambda: not ops.busy(), timeout=5000)  # the queue's figures are in: the page has settled
    assert staff.volume_label.text() == "Voice volume: 80%"
    tap(qtbot, find(w, "staff-volume-up"))
    tap(qtbot, find(w, "staff-volume-up"))
    assert staff.volume_label.text() == "Voice volume: 100%" and not find(w, "staff-volume-up").isEnabled()
    worker = w.listen.speaker._worker
    qtbot.waitUntil(lambda: abs(worker.tts.volume() - 1.0) < 0.01, timeout=2000)
    tap(qtbot, find(w, "staff-volume-down"))
    tap(qtbot, find(w, "staff-volume-test"))
    assert w.said[-1][1] == speech.welcome("en", LANGS)
    from ui import ops

    qtbot.waitUntil(lambda: not ops.busy(), timeout=5000)
    assert volume.current(w.core.cfg) == 90  # what the next start speaks at
    again = speaking_window()
    assert again.listen.speaker.volume_percent == 90


def test_the_contact_screen_reads_both_of_its_questions(qtbot, speaking_window):
    """Name and phone on one screen: the listen button says the screen's title, the name's
    question and hint, the phone's question and example, and the "no name" choice; after a
    refused Next, the phone's message first."""
    from kiosk.i18n import tr
    from uihelpers import next_, start_service

    w = speaking_window()
    ready(qtbot, w)
    w.flow.set_language("en")
    start_service(qtbot, w, "complaint", "UMM-SARAN")
    visible_named(w, "answer").setPlainText("Saran")
    next_(qtbot, w)
    next_(qtbot, w)  # no stall
    assert w.flow.current_step.editor == "contact"
    text = w.current.spoken("en")
    said = [speech.for_ear(tr("en", m)).rstrip(".") for m in (
        "Nama dan nomor HP", "Siapa nama Anda?", "Nama tidak dicetak di tanda terima. Anda boleh tidak menyebutkan nama.",
        "Nomor HP untuk kabar perkembangan", "Contoh: 0812 3456 7890. Wajib diisi bila Anda menyebutkan nama.",
        "Saya tidak ingin menyebut nama")]
    positions = [text.find(s) for s in said]
    assert -1 not in positions, (text, said)
    assert positions == sorted(positions), "read in the order the screen shows them"
    visible_named(w, "answer-reporter.name").setText("Siti")
    tap(qtbot, w.primary_button)  # no phone: refused
    error = w.flow.errors("reporter.phone")[0].text("en")
    assert w.current.spoken("en").startswith(speech.for_ear(error).rstrip(".")), w.current.spoken("en")
