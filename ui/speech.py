"""Reading the screen aloud with QtTextToSpeech, off the GUI thread (issue #12).

The words come from the core (``kiosk.speech``); this module only plays them.  The engine
(speech-dispatcher on Linux, which drives espeak-ng; SAPI or WinRT on Windows) lives on its
own thread: connecting to speech-dispatcher takes over a second (it may start the daemon),
and a tap must never wait for that.  The GUI thread talks to it through queued signals.

``Speaker`` answers "can this language be spoken?" once the engine has said which voices it
has (``VOICE_LANGUAGES``: Javanese screens are read with the Indonesian voice).  With no
engine or no voice the listen button stays hidden and the kiosk works as before;
``kiosk check`` says why.

``KIOSK_SPEECH_ENGINE`` picks an engine by name (tests use Qt's ``mock`` engine, which has
English and a few other voices but no Indonesian); by default the first engine that is not
the mock.
"""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass

from PySide6.QtCore import QLocale, QObject, QThread, Signal, Slot
from PySide6.QtTextToSpeech import QTextToSpeech

from kiosk.speech import VOICE_LANGUAGES

log = logging.getLogger(__name__)

ENGINE_ENV = "KIOSK_SPEECH_ENGINE"
CONSTRUCT_WAIT_S = 20.0  # the GUI's wait for the engine's constructor (1.3 s on the kiosk PC)


def engine_name() -> str | None:
    """The engine the kiosk speaks with, or None when there is none."""
    engines = list(QTextToSpeech.availableEngines())
    forced = os.environ.get(ENGINE_ENV, "").strip()
    if forced:
        return forced if forced in engines else None
    real = [e for e in engines if e != "mock"]
    return real[0] if real else None


@dataclass(frozen=True)
class Voice:
    """The voice found for a screen language: its locale (``id_ID``) and name."""

    locale: str
    name: str


def find_voices(tts: QTextToSpeech, languages: tuple[str, ...]) -> dict[str, Voice | None]:
    """For each screen language, the engine's best voice (``VOICE_LANGUAGES`` order)."""
    by_code: dict[str, list[QLocale]] = {}
    for loc in tts.availableLocales():
        by_code.setdefault(QLocale.languageToCode(loc.language()), []).append(loc)
    found: dict[str, Voice | None] = {}
    for lang in languages:
        found[lang] = None
        for code in VOICE_LANGUAGES.get(lang, (lang,)):
            for loc in by_code.get(code, []):
                tts.setLocale(loc)
                voices = tts.availableVoices()
                if voices:
                    found[lang] = Voice(loc.name(), voices[0].name())
                    break
            if found[lang] is not None:
                break
    return found


class _Engine(QObject):
    """Lives on the speech thread; owns the QTextToSpeech."""

    probed = Signal(object)  # {"engine": name, "voices": {lang: Voice | None}, "problem": str}
    started = Signal(int)
    ended = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.tts: QTextToSpeech | None = None
        self.voices: dict[str, Voice | None] = {}
        self.current = 0
        self.pending = False  # said, not yet speaking: a "ready" now is the old utterance's stop
        self.reported = False
        self.languages: tuple[str, ...] = ()
        self.built = threading.Event()  # set once the engine's constructor has returned

    @Slot(str, object)
    def probe(self, engine: str, languages: object) -> None:
        self.languages = tuple(languages)  # type: ignore[arg-type]
        try:
            self.tts = QTextToSpeech(engine, self)
        except Exception as exc:  # noqa: BLE001 - a broken engine must not take the kiosk down
            self.probed.emit({"engine": engine, "voices": {}, "problem": f"{type(exc).__name__}: {exc}"})
            return
        finally:
            self.built.set()
        self.tts.stateChanged.connect(self._state)
        if self.tts.state() in (QTextToSpeech.State.Ready, QTextToSpeech.State.Error):
            self._report()
        # else: still initializing; _state reports when it is ready

    def _report(self) -> None:
        tts = self.tts
        assert tts is not None
        self.reported = True
        if tts.state() == QTextToSpeech.State.Error:
            self.probed.emit({"engine": tts.engine(), "voices": {}, "problem": tts.errorString() or "engine error"})
            return
        self.voices = find_voices(tts, self.languages)
        self.probed.emit({"engine": tts.engine(), "voices": dict(self.voices), "problem": ""})

    def _state(self, state: QTextToSpeech.State) -> None:
        if not self.reported:
            if state in (QTextToSpeech.State.Ready, QTextToSpeech.State.Error):
                self._report()
            return
        if state == QTextToSpeech.State.Speaking:
            self.pending = False
            self.started.emit(self.current)
        elif state == QTextToSpeech.State.Error or (state == QTextToSpeech.State.Ready and not self.pending):
            self.pending = False
            self.ended.emit(self.current)

    @Slot(int, str, str, float)
    def say(self, uid: int, lang: str, text: str, volume: float) -> None:
        voice = self.voices.get(lang)
        if self.tts is None or voice is None:
            self.ended.emit(uid)
            return
        self.current = uid
        self.tts.setLocale(QLocale(voice.locale))
        for v in self.tts.availableVoices():
            if v.name() == voice.name:
                self.tts.setVoice(v)
                break
        self.tts.setVolume(volume)
        self.pending = True
        self.tts.say(text)

    @Slot()
    def stop(self) -> None:
        if self.tts is not None and self.tts.state() in (QTextToSpeech.State.Speaking, QTextToSpeech.State.Paused):
            self.tts.stop(QTextToSpeech.BoundaryHint.Immediate)

    @Slot(float)
    def set_volume(self, volume: float) -> None:
        if self.tts is not None:
            self.tts.setVolume(volume)


class Speaker(QObject):
    """The GUI thread's handle on the speech thread.

    ``speaking`` turns true the moment ``say`` is called and false when the engine has
    finished or was stopped, so the button's "stop" state never waits for the engine.
    """

    availability_changed = Signal()
    speaking_changed = Signal(bool)
    said = Signal(str, str)  # (language, text) handed to the engine: the log and the tests
    _probe = Signal(str, object)
    _say = Signal(int, str, str, float)
    _stop = Signal()
    _volume = Signal(float)

    def __init__(self, languages: tuple[str, ...], volume_percent: int = 80, parent: QObject | None = None,
                 engine: str | None = None, *, start: bool = True) -> None:
        super().__init__(parent)
        self.languages = tuple(languages)
        self.volume_percent = int(volume_percent)
        self.engine = engine if engine is not None else engine_name()
        self.voices: dict[str, Voice | None] = {}
        self.problem = "" if self.engine else "no text-to-speech engine"
        self.ready = False
        self.speaking = False
        self._uid = 0
        self._thread: QThread | None = None
        self._worker: _Engine | None = None
        if self.engine is None:
            log.warning("speech: no text-to-speech engine: the listen button stays hidden")
            return
        self._thread = QThread()
        self._thread.setObjectName("kiosk-speech")
        self._worker = _Engine()
        self._worker.moveToThread(self._thread)
        self._thread.finished.connect(self._worker.deleteLater)
        self._probe.connect(self._worker.probe)
        self._say.connect(self._worker.say)
        self._stop.connect(self._worker.stop)
        self._volume.connect(self._worker.set_volume)
        self._worker.probed.connect(self._probed)
        self._worker.ended.connect(self._ended)
        self._thread.start()
        self._started = False
        if start:
            self.start()

    def start(self) -> None:
        """Create the engine on the speech thread (once).

        The engine's constructor connects to speech-dispatcher (about 1.3 s when it has to be
        spawned) and PySide6 keeps the GIL through a C++ constructor, so the GUI thread stalls
        meanwhile even though the call runs on another thread: the app starts it only once the
        welcome screen has been painted (``MainWindow.showEvent``).
        """
        if self._worker is None or self._started:
            return
        self._started = True
        self._probe.emit(self.engine, self.languages)
        # The constructor holds the GIL and, inside, takes Qt's signal-slot lock. A GUI thread
        # that disconnects meanwhile (an object freed, a screen built) holds that lock while
        # it waits for the GIL: both wait forever (seen: a frozen screenshot run). So the GUI
        # thread waits here, holding no Qt lock, until the constructor has returned; it could
        # not have run during it anyway, for want of the GIL.
        self._worker.built.wait(CONSTRUCT_WAIT_S)

    # -- what the window asks ----------------------------------------------------------------
    def can_speak(self, lang: str) -> bool:
        return self.ready and self.voices.get(lang) is not None

    def say(self, lang: str, text: str) -> None:
        """Read ``text`` in ``lang``'s voice, replacing whatever was being read."""
        if not self.can_speak(lang) or not text:
            return
        self._uid += 1
        self._stop.emit()
        self._say.emit(self._uid, lang, text, self.volume_percent / 100.0)
        self.said.emit(lang, text)
        self._set_speaking(True)

    def stop(self) -> None:
        if self._worker is not None:
            self._stop.emit()
        self._uid += 1  # whatever the engine reports about the old utterance is stale now
        self._set_speaking(False)

    def set_volume(self, percent: int) -> None:
        self.volume_percent = max(0, min(100, int(percent)))
        if self._worker is not None:
            self._volume.emit(self.volume_percent / 100.0)

    def shutdown(self) -> None:
        """Stop speaking and end the speech thread (idempotent)."""
        if self._thread is None:
            return
        self._stop.emit()
        self._thread.quit()
        if not self._thread.wait(3000):
            # The engine is stuck inside a call (a hung speech-dispatcher): the thread cannot
            # leave its event loop, and destroying a running QThread aborts the process.
            log.warning("speech: engine %s does not answer; ending its thread", self.engine)
            self._thread.terminate()
            self._thread.wait(1000)
        self._thread = None

    # -- what the engine reports ---------------------------------------------------------------
    def _probed(self, result: dict) -> None:
        self.voices = dict(result.get("voices") or {})
        self.problem = result.get("problem", "")
        self.ready = not self.problem
        missing = [lang for lang in self.languages if self.voices.get(lang) is None]
        if self.problem:
            log.warning("speech: engine %s unusable: %s", self.engine, self.problem)
        elif missing:
            log.warning("speech: engine %s has no voice for %s: no listen button there", self.engine, ", ".join(missing))
        else:
            log.info("speech: engine %s, voices %s", self.engine,
                     ", ".join(f"{lang}={v.name}" for lang, v in self.voices.items() if v))
        self.availability_changed.emit()

    def _ended(self, uid: int) -> None:
        if uid == self._uid:
            self._set_speaking(False)

    def _set_speaking(self, on: bool) -> None:
        if on != self.speaking:
            self.speaking = on
            self.speaking_changed.emit(on)


