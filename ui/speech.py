"""Reading the screen aloud with QtTextToSpeech, in a child process (issues #12, #16).

The words come from the core (``kiosk.speech``); this module only has them played.  The
engine (speech-dispatcher on Linux, which drives espeak-ng; SAPI or WinRT on Windows) lives
in its own process, ``ui.speech_host``, which the GUI thread talks to through ``QProcess``:
JSON lines out, JSON events in (``readyReadStandardOutput``), no thread and no blocking wait
on the GUI thread.  In a thread it froze the GUI all the same: the engine's constructor
connects to speech-dispatcher for over a second and PySide6 holds the GIL through it, it
takes Qt's signal-slot lock (which once deadlocked the app), and a hung speech-dispatcher
could trap the thread inside a call.  A child that hangs or dies costs the kiosk only its
listen button: the probe has a deadline, a crash after a good start restarts the child once
an hour (a crash a week must not cost the button for good; one in a loop is given up on),
and ``shutdown()`` asks it to quit, then kills it.  The child also ends when its stdin closes,
so no speech process outlives the kiosk.

``Speaker`` answers "can this language be spoken?" once the child has said which voices it
has (``VOICE_LANGUAGES``: Javanese screens are read with the Indonesian voice).  With no
engine, no voice, or a child that never answered, the listen button stays hidden and the kiosk
works as before; ``kiosk check`` and ``kiosk speech voices`` say why (``Speaker.problem``).

``KIOSK_SPEECH_ENGINE`` picks an engine by name (tests use Qt's ``mock`` engine, which has
English and a few other voices but no Indonesian); by default the first engine that is not
the mock.  The child inherits it with the rest of the environment.
"""
from __future__ import annotations

import json
import logging
import sys
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QProcess, QTimer, Signal
from shiboken6 import Shiboken

from kiosk.speech import VOICE_LANGUAGES
from ui.speech_host import CREATE_NO_WINDOW, ENGINE_ENV, host_command

__all__ = ["ENGINE_ENV", "PROBE_TIMEOUT_MS", "Speaker", "Voice"]

log = logging.getLogger(__name__)

#: How long the child may take to say which voices it has (the engine's constructor: 1.3 s on
#: the kiosk PC, 2.5-4 s on a loaded machine) before the listen button is given up on.
PROBE_TIMEOUT_MS = 20_000
QUIT_WAIT_MS = 1_000  # at shutdown only: the child's clean exit after "quit", then a kill
RESTARTS = 1  # a child that crashes after a good start is started again this many times ...
RESTART_WINDOW_S = 3600.0  # ... within this long: a kiosk runs for months, and a crash a week
# must not cost the listen button for good; a child crashing in a loop is given up on.


@dataclass(frozen=True)
class Voice:
    """The voice found for a screen language: its locale (``id_ID``) and name."""

    locale: str
    name: str


class Speaker(QObject):
    """The GUI thread's handle on the speech process (``ui.speech_host``).

    ``speaking`` turns true the moment ``say`` is called and false when the engine has
    finished or was stopped, so the button's "stop" state never waits for the engine.
    ``engine_state`` and ``engine_volume`` are what the child last reported (its
    QTextToSpeech's state as a word, its volume 0..1): what the engine is really doing, for
    the tests and a technician, never a guess from what was asked.
    """

    availability_changed = Signal()
    speaking_changed = Signal(bool)
    said = Signal(str, str)  # (language, text) handed to the engine: the log and the tests

    def __init__(self, languages: tuple[str, ...], volume_percent: int = 80, parent: QObject | None = None,
                 engine: str | None = None, *, start: bool = True, probe_timeout_ms: int | None = None) -> None:
        super().__init__(parent)
        self.languages = tuple(languages)
        self.volume_percent = int(volume_percent)
        self.engine = engine  # asked for (None: the child's choice); the probe names the one in use
        self.engines: list[str] = []  # every engine Qt offers, as the child found them
        self.voices: dict[str, Voice | None] = {}
        self.problem = ""
        self.ready = False
        self.speaking = False
        self.engine_state = ""  # "" until the child reports; ready | speaking | paused | synthesizing | error | gone
        self.engine_volume: float | None = None
        self.hung = False  # the child never answered the probe (a hung speech-dispatcher)
        self.restarts_left = RESTARTS
        self.restart_window_s = RESTART_WINDOW_S
        self._last_restart: float | None = None  # time.monotonic() of the last restart
        self.probe_timeout_ms = PROBE_TIMEOUT_MS if probe_timeout_ms is None else int(probe_timeout_ms)
        self._uid = 0
        self._proc: QProcess | None = None
        self._retired: list[QProcess] = []  # told to quit or killed, not yet reaped
        self._started = False
        self._closing = False
        self._probe_timer = QTimer(self)
        self._probe_timer.setSingleShot(True)
        self._probe_timer.timeout.connect(self._probe_overdue)
        if start:
            self.start()

    def start(self) -> None:
        """Start the speech process and ask it for its voices (once; returns at once).

        The window calls it once the welcome screen has been painted (``MainWindow.showEvent``):
        starting a Python process costs the machine a core for a moment, and the first paint
        comes first.  Nothing here waits: the answer arrives as an event (``availability_changed``).
        """
        if self._started or self._closing:
            return
        self._started = True
        self._spawn()

    @property
    def pid(self) -> int | None:
        """The speech process's id while it runs (tests and diagnostics)."""
        proc = self._proc
        if proc is None or proc.state() == QProcess.ProcessState.NotRunning:
            return None
        return int(proc.processId()) or None

    # -- what the window asks ----------------------------------------------------------------
    def can_speak(self, lang: str) -> bool:
        """Whether the listen button may show in ``lang``: a live engine with a voice for it."""
        return self.ready and self.voices.get(lang) is not None

    def say(self, lang: str, text: str) -> None:
        """Read ``text`` in ``lang``'s voice, replacing whatever was being read."""
        if not self.can_speak(lang) or not text:
            return
        self._uid += 1
        self._send({"cmd": "stop"})
        self._send({"cmd": "say", "uid": self._uid, "lang": lang, "text": text, "volume": self.volume_percent / 100.0})
        self.said.emit(lang, text)
        self._set_speaking(True)

    def stop(self) -> None:
        """Stop reading now (a tap, a new screen): the button turns back at once, not when the engine says so."""
        self._send({"cmd": "stop"})
        self._uid += 1  # whatever the engine reports about the old utterance is stale now
        self._set_speaking(False)

    def set_volume(self, percent: int) -> None:
        """Staff's volume (0-100), for this and every later utterance; the child confirms it (``engine_volume``)."""
        self.volume_percent = max(0, min(100, int(percent)))
        self._send({"cmd": "volume", "volume": self.volume_percent / 100.0})

    def shutdown(self) -> None:
        """Stop speaking and end the speech process (idempotent).

        The only place the GUI thread waits for the child, and briefly: "quit", then a kill.
        A child still building its engine (no answer to the probe yet) would finish that
        first, seconds later: it is killed at once, it holds nothing worth a clean exit.
        """
        self._closing = True
        self._probe_timer.stop()
        self._set_speaking(False)
        current = self._proc if self.ready else None
        procs = ([self._proc] if self._proc is not None else []) + self._retired
        self._proc, self._retired = None, []
        for proc in procs:
            if proc.state() != QProcess.ProcessState.NotRunning:
                if proc is current:
                    self._write(proc, {"cmd": "quit"})
                    proc.closeWriteChannel()
                    if not proc.waitForFinished(QUIT_WAIT_MS):
                        log.warning("speech: the speech process does not quit; ending it")
                        proc.kill()
                else:
                    proc.kill()
                proc.waitForFinished(QUIT_WAIT_MS)
            proc.deleteLater()

    # -- the child ---------------------------------------------------------------------------
    def _spawn(self) -> None:
        proc = QProcess(self)
        # The child's stderr (Qt's and the engine's warnings) goes where the kiosk's goes; it
        # never carries the text read aloud.
        proc.setProcessChannelMode(QProcess.ProcessChannelMode.ForwardedErrorChannel)
        proc.readyReadStandardOutput.connect(lambda p=proc: self._read(p))
        proc.finished.connect(lambda code, status, p=proc: self._finished(p, code, status))
        proc.errorOccurred.connect(lambda error, p=proc: self._error(p, error))
        program, *args = host_command()
        if sys.platform == "win32":  # the console host, without a console window
            def no_window(a) -> None:
                a.flags |= CREATE_NO_WINDOW
            proc.setCreateProcessArgumentsModifier(no_window)
        self._proc = proc
        self.engine_state = ""
        proc.start(program, args)
        self._send({"cmd": "probe", "engine": self.engine, "languages": list(self.languages),
                    "voice_languages": {k: list(v) for k, v in VOICE_LANGUAGES.items()},
                    "volume": self.volume_percent / 100.0})
        self._probe_timer.start(self.probe_timeout_ms)

    @staticmethod
    def _write(proc: QProcess, command: dict) -> None:
        proc.write((json.dumps(command, ensure_ascii=False) + "\n").encode("utf-8"))

    def _send(self, command: dict) -> None:
        proc = self._proc
        if proc is not None and proc.state() != QProcess.ProcessState.NotRunning:
            self._write(proc, command)

    def _retire(self, proc: QProcess, *, kill: bool) -> None:
        """Let go of a child we no longer talk to: "quit" (it exits by itself) or a kill."""
        if proc is self._proc:
            self._proc = None
        self._retired.append(proc)
        if kill:
            proc.kill()
        else:
            self._write(proc, {"cmd": "quit"})
            proc.closeWriteChannel()

    def _read(self, proc: QProcess) -> None:
        while proc.canReadLine():
            raw = bytes(proc.readLine().data()).decode("utf-8", "replace").strip()
            if not raw:
                continue
            try:
                event = json.loads(raw)
            except ValueError:
                log.debug("speech: the speech process wrote a line that is not an event")
                continue
            if proc is self._proc and isinstance(event, dict):
                self._event(event)

    def _event(self, event: dict) -> None:
        kind = event.get("event")
        if kind == "probed":
            self._probed(event)
        elif kind == "engine":  # the engine being built: named in the problem if it never answers
            self.engine = event.get("engine") or self.engine
            self.engines = [str(e) for e in event.get("engines") or []]
        elif kind == "ended":
            if event.get("uid") == self._uid:
                self._set_speaking(False)
        elif kind == "state":
            self.engine_state = str(event.get("state", ""))
        elif kind == "volume":
            try:
                self.engine_volume = float(event.get("volume"))
            except (TypeError, ValueError):
                pass

    def _probed(self, event: dict) -> None:
        self._probe_timer.stop()
        self.engine = event.get("engine") or None
        self.engines = [str(e) for e in event.get("engines") or []]
        voices = event.get("voices") or {}
        self.voices = {lang: (Voice(str(v.get("locale", "")), str(v.get("name", ""))) if isinstance(v, dict) else None)
                       for lang, v in voices.items()}
        self.problem = str(event.get("problem") or "")
        self.ready = not self.problem
        self.engine_state = "ready" if self.ready else "error"
        missing = [lang for lang in self.languages if self.voices.get(lang) is None]
        if self.problem:
            log.warning("speech: engine %s unusable: %s: the listen button stays hidden", self.engine, self.problem)
            if self._proc is not None:
                self._retire(self._proc, kill=False)  # nothing to speak with: the child may go
        elif missing:
            log.warning("speech: engine %s has no voice for %s: no listen button there", self.engine, ", ".join(missing))
        else:
            log.info("speech: engine %s, voices %s", self.engine,
                     ", ".join(f"{lang}={v.name}" for lang, v in self.voices.items() if v))
        self.availability_changed.emit()

    def _probe_overdue(self) -> None:
        proc = self._proc
        if self.ready or proc is None:
            return
        what = f"engine {self.engine}" if self.engine else "the speech process"
        self.problem = (f"{what} did not answer within {self.probe_timeout_ms / 1000:g} s "
                        "(is speech-dispatcher hung? restart it)")
        log.warning("speech: %s: the listen button stays hidden", self.problem)
        self.hung = True
        self.engine_state = "gone"
        self._retire(proc, kill=True)
        self.availability_changed.emit()

    def _error(self, proc: QProcess, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:  # no "finished" follows
            self._lost(proc, f"could not start: {proc.errorString()}")

    def _finished(self, proc: QProcess, code: int, status: QProcess.ExitStatus) -> None:
        why = "crashed or was killed" if status == QProcess.ExitStatus.CrashExit else f"exited with status {code}"
        self._lost(proc, why)

    def _lost(self, proc: QProcess, why: str) -> None:
        """A child ended.  Ours, unasked: no listen button until (once) a new one has said its voices."""
        if not (Shiboken.isValid(proc) and Shiboken.isValid(self)):
            return  # the QProcess is being destroyed (it kills and reaps the child itself)
        if proc in self._retired:
            self._retired.remove(proc)
            proc.deleteLater()
            return
        if proc is not self._proc:
            return
        self._proc = None
        proc.deleteLater()
        self._probe_timer.stop()
        if self._closing:
            return
        was_ready = self.ready
        self.ready = False
        self.engine_state = "gone"
        self._set_speaking(False)
        now = time.monotonic()
        if self._last_restart is not None and now - self._last_restart >= self.restart_window_s:
            self.restarts_left = RESTARTS  # the last crash was long ago: a fresh allowance
        if was_ready and self.restarts_left > 0:
            self.restarts_left -= 1
            self._last_restart = now
            log.warning("speech: the speech process %s; starting it again", why)
            self.availability_changed.emit()
            self._spawn()
            return
        self.problem = f"the speech process {why}"
        log.warning("speech: %s: the listen button stays hidden", self.problem)
        self.availability_changed.emit()

    def _set_speaking(self, on: bool) -> None:
        if on != self.speaking:
            self.speaking = on
            self.speaking_changed.emit(on)
