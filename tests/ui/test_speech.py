"""The "Dengarkan" (listen) button, with Qt's mock text-to-speech engine.

The mock engine has English voices and no Indonesian one: the kiosk under test speaks
English first, and Indonesian shows what a language without a voice does (no button).
The engine runs in its own process (``ui.speech_host``); what it is doing is read from the
events it sends (``Speaker.engine_state``, ``engine_volume``), and the crash, hang and
clean-up tests below kill, stall and look for that real process by its id.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from uihelpers import find, kiosk_config, tap, visible_named

from kiosk import speech
from kiosk.health import context_switches

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


def engine_state(window) -> str:
    """What the speech process last said its engine is doing (ready, speaking, ...)."""
    return window.listen.speaker.engine_state


def alive(pid: int) -> bool:
    """Whether a process with this id still exists (a zombie counts: it was not reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def test_button_reads_the_screen_and_a_second_tap_stops_it(qtbot, speaking_window):
    w = speaking_window()
    button = ready(qtbot, w)
    assert w.said == []  # nobody asked: nothing read at start
    tap(qtbot, button)
    assert w.said == [("en", speech.welcome("en", LANGS))]
    assert button.text() == "Stop" and button.isChecked()
    qtbot.waitUntil(lambda: engine_state(w) == "speaking", timeout=5000)
    tap(qtbot, button)
    assert button.text() == "Listen" and not w.listen.speaker.speaking
    qtbot.waitUntil(lambda: engine_state(w) == "ready", timeout=5000)
    assert len(w.said) == 1


def test_moving_on_stops_the_reading_and_the_next_screen_is_read_on_request(qtbot, speaking_window):
    w = speaking_window()
    button = ready(qtbot, w)
    tap(qtbot, button)
    qtbot.waitUntil(lambda: engine_state(w) == "speaking", timeout=5000)
    tap(qtbot, find(w, "start-report"))
    assert not w.listen.speaker.speaking and button.text() == "Listen"
    qtbot.waitUntil(lambda: engine_state(w) == "ready", timeout=5000)
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
    qtbot.waitUntil(lambda: engine_state(w) == "ready", timeout=5000)
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


def test_the_engine_lives_in_its_own_process_with_its_volume(qtbot, speaking_window):
    w = speaking_window()
    ready(qtbot, w)
    speaker = w.listen.speaker
    assert speaker.pid is not None and speaker.pid != os.getpid()
    if sys.platform.startswith("linux"):
        assert "ui.speech_host" in cmdline(speaker.pid)
    assert speaker.engine == "mock" and speaker.engine_volume == pytest.approx(0.8, abs=0.01)
    speaker.set_volume(35)
    qtbot.waitUntil(lambda: speaker.engine_volume is not None and abs(speaker.engine_volume - 0.35) < 0.01,
                    timeout=2000)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_an_idle_speech_process_sleeps_until_a_command_comes(qtbot, speaking_window):
    """Months of idling: the process waits on its stdin, it does not poll (it woke 50 times a
    second before: about 100 switches in these 2 s, against none or a few now)."""
    w = speaking_window()
    ready(qtbot, w)
    pid = w.listen.speaker.pid
    qtbot.wait(500)  # the probe's answers have settled
    before = context_switches(pid)
    qtbot.wait(2000)
    assert context_switches(pid) - before < 20
    speaker = w.listen.speaker
    speaker.set_volume(35)  # and a command still wakes it at once
    qtbot.waitUntil(lambda: speaker.engine_volume is not None and abs(speaker.engine_volume - 0.35) < 0.01,
                    timeout=2000)


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
    speaker = w.listen.speaker
    qtbot.waitUntil(lambda: abs((speaker.engine_volume or 0) - 1.0) < 0.01, timeout=2000)
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


# -- the speech process dies, hangs, or must not outlive the kiosk ---------------------------

def test_a_killed_speech_process_is_started_again_once_then_the_button_hides(qtbot, speaking_window):
    w = speaking_window()
    button = ready(qtbot, w)
    speaker = w.listen.speaker
    tap(qtbot, button)
    assert button.text() == "Stop"
    first = speaker.pid
    os.kill(first, signal.SIGKILL)  # mid-sentence
    # The button does not stay on "Stop" for a voice that is gone...
    qtbot.waitUntil(lambda: button.text() == "Listen" and not speaker.speaking, timeout=5000)
    # ... and a new speech process takes over: the button is back, and it reads.
    qtbot.waitUntil(lambda: speaker.ready and speaker.pid not in (None, first), timeout=10000)
    qtbot.waitUntil(lambda: button.isVisible(), timeout=2000)
    second = speaker.pid
    assert not alive(first)
    tap(qtbot, button)
    qtbot.waitUntil(lambda: engine_state(w) == "speaking", timeout=5000)
    assert len(w.said) == 2
    os.kill(second, signal.SIGKILL)  # a second crash: no more restarts, no button
    qtbot.waitUntil(lambda: not button.isVisible(), timeout=5000)
    assert not speaker.ready and "speech process" in speaker.problem and speaker.pid is None
    # The kiosk itself goes on: the citizen's taps still move it, and nothing is read.
    tap(qtbot, find(w, "start-report"))
    assert w.flow.screen == "service" and not button.isVisible()
    tap(qtbot, w.back_button)
    assert w.flow.screen == "welcome" and len(w.said) == 2


def test_a_crash_long_after_the_last_restart_is_restarted_again(qtbot, speaking_window):
    """A kiosk runs for months: one restart per run would lose the button for good after a
    second crash weeks later.  Past the restart window the allowance is fresh again."""
    w = speaking_window()
    button = ready(qtbot, w)
    speaker = w.listen.speaker
    speaker.restart_window_s = 0.0  # as if an hour had passed since each restart
    for _ in range(3):
        gone = speaker.pid
        os.kill(gone, signal.SIGKILL)
        qtbot.waitUntil(lambda: speaker.ready and speaker.pid not in (None, gone), timeout=10000)
        qtbot.waitUntil(lambda: button.isVisible(), timeout=2000)
        assert not alive(gone)
    tap(qtbot, button)
    qtbot.waitUntil(lambda: engine_state(w) == "speaking", timeout=5000)


def test_a_speech_process_that_never_answers_hides_the_button_and_the_screen_goes_on(
        qtbot, speaking_window, monkeypatch):
    from ui import speech as speech_mod

    monkeypatch.setenv("KIOSK_SPEECH_HOST_TEST", "hang")  # the probe blocks the child for ever
    monkeypatch.setattr(speech_mod, "PROBE_TIMEOUT_MS", 1500)
    ticks = []
    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    w = speaking_window()
    speaker = w.listen.speaker
    qtbot.waitUntil(lambda: speaker.pid is not None, timeout=5000)
    hung = speaker.pid
    tap(qtbot, find(w, "start-report"))  # the citizen is served while the engine hangs
    assert w.flow.screen == "service"
    qtbot.waitUntil(lambda: bool(speaker.problem), timeout=15000)
    timer.stop()
    assert ticks, "the GUI's event loop ran while the speech process hung"
    assert "did not answer" in speaker.problem and not speaker.ready
    assert not w.listen.button.isVisible()
    qtbot.waitUntil(lambda: not alive(hung), timeout=5000)  # the hung child was ended
    tap(qtbot, w.back_button)
    assert w.flow.screen == "welcome" and not w.listen.button.isVisible() and w.said == []


# Qt's own words when a QProcess is deleted with its child running (it kills and reaps it):
# exactly what the second half of this test does on purpose.
@pytest.mark.qt_log_ignore(r"^QProcess: Destroyed while process")
def test_no_speech_process_is_left_after_shutdown_or_when_its_owner_is_deleted(qtbot, speaking_window):
    from shiboken6 import Shiboken

    from ui.speech import Speaker

    w = speaking_window()
    ready(qtbot, w)
    pid = w.listen.speaker.pid
    w.shutdown()
    assert not alive(pid) and w.listen.speaker.pid is None
    # No shutdown at all: deleting the Speaker (and so its QProcess) ends the child too.
    orphan = Speaker(("en",), 80)
    qtbot.waitUntil(lambda: orphan.ready, timeout=10000)
    pid = orphan.pid
    Shiboken.delete(orphan)
    assert not alive(pid)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kills by signal and reads /proc")
def test_the_speech_process_ends_when_the_kiosk_is_killed(tmp_path):
    """SIGKILL of the app leaves no speech process: the child's stdin closes, and it exits."""
    script = tmp_path / "owner.py"
    script.write_text(textwrap.dedent("""
        import os, signal, sys
        from PySide6.QtCore import QCoreApplication, QTimer
        from ui.speech import Speaker
        app = QCoreApplication([])
        speaker = Speaker(("en",), 80)
        def check():
            if speaker.ready:
                print(speaker.pid, flush=True)
                os.kill(os.getpid(), signal.SIGKILL)
        poll = QTimer(); poll.timeout.connect(check); poll.start(20)
        QTimer.singleShot(20000, app.quit)
        app.exec()
    """), encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-1500:]
    pid = int(proc.stdout.strip())
    deadline = 200  # x 0.1 s: a guard against a hang, not a timing
    while alive(pid) and deadline:
        if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":  # exited, waiting for init to reap it
            break
        time.sleep(0.1)
        deadline -= 1
    assert deadline, "the speech process outlived the kiosk"


def test_the_frozen_windows_app_runs_the_host_with_its_console_executable(tmp_path):
    """kiosk-gui.exe (windowed) may give its child no stdin/stdout: the host is kiosk.exe
    beside it; elsewhere the bundle's own executable, and Python's module when not frozen."""
    from ui.speech_host import host_command

    gui, console = tmp_path / "kiosk-gui.exe", tmp_path / "kiosk.exe"
    gui.write_bytes(b"")
    assert host_command("win32", str(gui), frozen=True) == [str(gui), "speech", "host"]  # no console exe
    console.write_bytes(b"")
    assert host_command("win32", str(gui), frozen=True) == [str(console), "speech", "host"]
    assert host_command("win32", str(console), frozen=True) == [str(console), "speech", "host"]
    assert host_command("linux", "/opt/kiosk/kiosk", frozen=True) == ["/opt/kiosk/kiosk", "speech", "host"]
    assert host_command("linux", "/usr/bin/python3", frozen=False) == ["/usr/bin/python3", "-m", "ui.speech_host"]
