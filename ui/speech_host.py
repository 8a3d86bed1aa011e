"""The read-aloud engine's own process: QTextToSpeech behind a pipe of JSON lines.

Why a process and not a thread: QTextToSpeech's constructor connects to speech-dispatcher
(1.3 s on the kiosk PC, several seconds on a loaded machine) and PySide6 holds the GIL
through that C++ constructor, so a speech *thread* froze the GUI thread all the same; the
constructor also takes Qt's signal-slot lock, which once deadlocked the app against a GUI
disconnect; and a hung speech-dispatcher could block a thread inside a call for ever.  In a
child process none of that reaches the kiosk's screen: the GUI (``ui.speech.Speaker``)
reads this process's events with ``QProcess`` and may kill it whenever it stops answering.

Run as ``python -m ui.speech_host`` from source, and as ``kiosk speech host`` (a hidden
sub-command, ``ui.speech_command``) in the PyInstaller build, where there is no Python to
run ``-m`` with (``host_command()`` picks by ``sys.frozen``).

Commands, one JSON object a line on stdin::

    {"cmd": "probe", "engine": null, "languages": ["id", "en"], "voice_languages": {"id": ["id"]}, "volume": 0.8}
    {"cmd": "say", "uid": 3, "lang": "en", "text": "...", "volume": 0.8}
    {"cmd": "stop"}   {"cmd": "volume", "volume": 0.35}   {"cmd": "quit"}

Events, one JSON object a line on stdout::

    {"event": "engine", "engine": "speechd", "engines": [...]}   (before the engine is built)
    {"event": "probed", "engine": "speechd", "engines": [...], "voices": {"id": {"locale", "name"} | null}, "problem": ""}
    {"event": "started", "uid": 3}   {"event": "ended", "uid": 3}
    {"event": "state", "state": "ready|speaking|paused|synthesizing|error"}   {"event": "volume", "volume": 0.35}

The process ends when its stdin closes (the kiosk died or closed the pipe), even when its
main thread is stuck inside the engine: no speech process outlives the kiosk.  It never
writes the text it reads aloud anywhere (it may hold what a citizen typed).
"""
from __future__ import annotations

import json
import os
import queue
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, TextIO

ENGINE_ENV = "KIOSK_SPEECH_ENGINE"
#: Test mode (tests/ui/test_speech.py): ``hang`` makes the probe block the main thread for
#: ever, as a hung speech-dispatcher does inside the engine's constructor.
TEST_MODE_ENV = "KIOSK_SPEECH_HOST_TEST"
NICE = 10  # lower priority than the GUI (POSIX)
EOF_GRACE_S = 2.0  # after stdin closed: time for a clean exit before a hard one

_STATE_NAMES = {0: "ready", 1: "speaking", 2: "paused", 3: "error", 4: "synthesizing"}


#: Windows' CREATE_NO_WINDOW: the console executable runs the host without a console window.
CREATE_NO_WINDOW = 0x08000000


def host_command(platform: str = sys.platform, executable: str = sys.executable,
                 frozen: bool | None = None) -> list[str]:
    """The command line that starts this host: the bundle's own executable with the hidden
    ``speech host`` sub-command when frozen (PyInstaller), else this module under Python.

    On Windows the touchscreen app is ``kiosk-gui.exe``, a windowed executable, whose child
    may get no usable stdin/stdout; the host is then the console ``kiosk.exe`` beside it,
    started without a window (``CREATE_NO_WINDOW``, see ``ui.speech``).  Untested on a
    Windows machine so far: only this choice is tested here.
    """
    if frozen if frozen is not None else getattr(sys, "frozen", False):
        exe = Path(executable)
        if platform == "win32" and exe.stem.lower() == "kiosk-gui":
            console = exe.with_name("kiosk" + exe.suffix)
            if console.exists():
                return [str(console), "speech", "host"]
        return [executable, "speech", "host"]
    return [executable, "-m", "ui.speech_host"]


def engine_name(engines: list[str]) -> str | None:
    """The engine to speak with among ``engines``: ``$KIOSK_SPEECH_ENGINE`` if it is there,
    else the first one that is not Qt's mock (tests' engine), else None."""
    forced = os.environ.get(ENGINE_ENV, "").strip()
    if forced:
        return forced if forced in engines else None
    real = [e for e in engines if e != "mock"]
    return real[0] if real else None


def find_voices(tts: Any, languages: tuple[str, ...],
                voice_languages: dict[str, list[str]]) -> dict[str, dict[str, str] | None]:
    """For each screen language, the engine's best voice (``voice_languages`` order, e.g.
    Javanese screens with the Indonesian voice)."""
    from PySide6.QtCore import QLocale

    by_code: dict[str, list[Any]] = {}
    for loc in tts.availableLocales():
        by_code.setdefault(QLocale.languageToCode(loc.language()), []).append(loc)
    found: dict[str, dict[str, str] | None] = {}
    for lang in languages:
        found[lang] = None
        for code in voice_languages.get(lang, [lang]):
            for loc in by_code.get(code, []):
                tts.setLocale(loc)
                voices = tts.availableVoices()
                if voices:
                    found[lang] = {"locale": loc.name(), "name": voices[0].name()}
                    break
            if found[lang] is not None:
                break
    return found


class Host:
    """Owns the QTextToSpeech on this process's main thread and answers the kiosk's commands."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.tts: Any = None
        self.voices: dict[str, dict[str, str] | None] = {}
        self.languages: tuple[str, ...] = ()
        self.voice_languages: dict[str, list[str]] = {}
        self.current = 0
        self.pending = False  # said, not yet speaking: a "ready" now is the old utterance's stop
        self.reported = False
        self.volume = 0.8
        self.engines: list[str] = []

    def emit(self, **event: Any) -> None:
        try:
            self.out.write(json.dumps(event, ensure_ascii=False) + "\n")
            self.out.flush()
        except (BrokenPipeError, OSError, ValueError):  # the kiosk is gone: so are we
            os._exit(0)

    def handle(self, command: dict[str, Any]) -> bool:
        """Run one command; False when the host should end."""
        cmd = command.get("cmd")
        if cmd == "probe":
            self.probe(command)
        elif cmd == "say":
            self.say(int(command.get("uid", 0)), str(command.get("lang", "")), str(command.get("text", "")),
                     float(command.get("volume", self.volume)))
        elif cmd == "stop":
            self.stop()
        elif cmd == "volume":
            self.set_volume(float(command.get("volume", self.volume)))
        elif cmd == "quit":
            self.stop()
            return False
        return True

    def probe(self, command: dict[str, Any]) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        self.languages = tuple(command.get("languages") or ())
        self.voice_languages = {k: list(v) for k, v in (command.get("voice_languages") or {}).items()}
        self.volume = float(command.get("volume", self.volume))
        engines = list(QTextToSpeech.availableEngines())
        engine = command.get("engine") or engine_name(engines)
        if engine is None:
            self.emit(event="probed", engine=None, engines=engines, voices={},
                      problem=f"no text-to-speech engine (Qt plugins found: {', '.join(engines) or 'none'})")
            return
        self.emit(event="engine", engine=engine, engines=engines)  # named before it can hang
        if os.environ.get(TEST_MODE_ENV) == "hang":
            while True:  # a hung speech-dispatcher: the constructor never returns
                time.sleep(3600)
        try:
            self.tts = QTextToSpeech(engine)
        except Exception as exc:  # noqa: BLE001 - a broken engine is a problem to report, not a crash
            self.emit(event="probed", engine=engine, engines=engines, voices={}, problem=f"{type(exc).__name__}: {exc}")
            return
        self.engines = engines
        self.tts.stateChanged.connect(self._state)
        if self.tts.state() in (QTextToSpeech.State.Ready, QTextToSpeech.State.Error):
            self._report()
        # else: still initializing; _state reports once it is ready

    def _report(self) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        tts = self.tts
        self.reported = True
        if tts.state() == QTextToSpeech.State.Error:
            self.emit(event="probed", engine=tts.engine(), engines=self.engines, voices={},
                      problem=tts.errorString() or "engine error")
            return
        self.voices = find_voices(tts, self.languages, self.voice_languages)
        tts.setVolume(self.volume)
        # The volume first: whoever sees the speaker ready knows the engine's volume too.
        self.emit(event="volume", volume=round(tts.volume(), 3))
        self.emit(event="probed", engine=tts.engine(), engines=self.engines, voices=self.voices, problem="")

    def _state(self, state: Any) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        if not self.reported:
            if state in (QTextToSpeech.State.Ready, QTextToSpeech.State.Error):
                self._report()
            return
        self.emit(event="state", state=_STATE_NAMES.get(int(state.value), str(state)))
        if state == QTextToSpeech.State.Speaking:
            self.pending = False
            self.emit(event="started", uid=self.current)
        elif state == QTextToSpeech.State.Error or (state == QTextToSpeech.State.Ready and not self.pending):
            self.pending = False
            self.emit(event="ended", uid=self.current)

    def say(self, uid: int, lang: str, text: str, volume: float) -> None:
        from PySide6.QtCore import QLocale

        voice = self.voices.get(lang)
        if self.tts is None or voice is None or not text:
            self.emit(event="ended", uid=uid)
            return
        self.current = uid
        self.tts.setLocale(QLocale(voice["locale"]))
        for v in self.tts.availableVoices():
            if v.name() == voice["name"]:
                self.tts.setVoice(v)
                break
        self.set_volume(volume)
        self.pending = True
        self.tts.say(text)

    def stop(self) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        if self.tts is not None and self.tts.state() in (QTextToSpeech.State.Speaking, QTextToSpeech.State.Paused,
                                                         QTextToSpeech.State.Synthesizing):
            self.tts.stop(QTextToSpeech.BoundaryHint.Immediate)

    def set_volume(self, volume: float) -> None:
        self.volume = max(0.0, min(1.0, volume))
        if self.tts is not None:
            self.tts.setVolume(self.volume)
            self.emit(event="volume", volume=round(self.tts.volume(), 3))


def _read_stdin(lines: "queue.Queue[str | None]", stream: TextIO,
                wake: Callable[[], None] = lambda: None) -> None:
    """The stdin reader (a plain thread): hands each line to the main thread and wakes it
    with ``wake`` (a queued Qt signal); at end of file (the kiosk is gone) ends the process,
    by force if the main thread is stuck inside the engine."""
    def ring() -> None:
        try:
            wake()
        except RuntimeError:  # the main thread is already past its loop and gone
            pass

    try:
        for line in stream:
            lines.put(line)
            ring()
    except (OSError, ValueError):
        pass
    lines.put(None)
    ring()
    time.sleep(EOF_GRACE_S)
    os._exit(0)


def main(argv: list[str] | None = None) -> int:
    """Run the host until ``quit`` or the end of stdin."""
    if hasattr(os, "nice"):
        # The kiosk's screen comes first on a two-core PC: this process's start-up (Python,
        # Qt) runs while the window builds its screens.  The voice is not slowed: the sound
        # is made by speech-dispatcher and espeak-ng, other processes.
        try:
            os.nice(NICE)
        except OSError:
            pass
    from PySide6.QtCore import QCoreApplication, QLoggingCategory, QObject, Qt, Signal

    class Doorbell(QObject):
        """Rung by the stdin reader's thread; answered on the main thread (queued), so the
        process sleeps until a command comes (it polled every 20 ms before: 50 wake-ups a
        second, for months)."""
        rung = Signal()

    # PipeWire is optional (the audio goes through speech-dispatcher); its absence is noise.
    QLoggingCategory.setFilterRules("qt.multimedia.*=false")
    app = QCoreApplication.instance() or QCoreApplication([sys.argv[0] if sys.argv else "kiosk-speech"])
    if sys.stdin is None or sys.stdout is None:
        # No pipes (e.g. started by hand from a windowed build): nothing to talk to.  The kiosk
        # sees this exit and hides the listen button.
        return 2
    out = sys.stdout
    sys.stdout = sys.stderr  # a stray print() must not corrupt the event stream
    host = Host(out)
    lines: queue.Queue[str | None] = queue.Queue()

    def take() -> None:
        while True:
            try:
                line = lines.get_nowait()
            except queue.Empty:
                return
            if line is None:
                app.quit()
                return
            try:
                command = json.loads(line)
                if not isinstance(command, dict):
                    raise ValueError("not an object")
                go_on = host.handle(command)
            except (ValueError, TypeError) as exc:  # a bad line is skipped, never the end of speech
                print(f"speech host: a command ignored ({type(exc).__name__})", file=sys.stderr)
                continue
            if not go_on:
                app.quit()
                return

    bell = Doorbell()
    bell.rung.connect(take, Qt.QueuedConnection)
    threading.Thread(target=_read_stdin, args=(lines, sys.stdin, bell.rung.emit),
                     name="kiosk-speech-stdin", daemon=True).start()
    app.exec()
    host.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
