"""`kiosk speech test [--lang L] [--out FILE.wav]` and `kiosk speech voices [--json]`.

A technician on site checks the speaker and the voice: ``test`` speaks the welcome screen's
words through the very engine the kiosk uses (QtTextToSpeech: speech-dispatcher and
espeak-ng on Linux, SAPI or WinRT on Windows), or writes them to a WAV file with espeak-ng
(kiosk/espeak.py says why not through Qt).  Exit 1 when no voice can speak the language.
``voices`` lists which voice reads each of the kiosk's languages; ``kiosk check`` runs it in
a child process to say why the listen button would be hidden.  ``kiosk speech host`` (not
listed in the help) is the read-aloud engine's own process in the PyInstaller build
(``ui.speech_host``); it runs before, and without, the config and the log.

These commands live in ui/ and plug into the core's CLI through the ``kiosk.commands``
entry-point group, because the speaker path needs Qt and the core must not import it.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from kiosk import speech
from kiosk.config import Config
from kiosk.i18n import LANGUAGES, LANGUAGE_NAMES

PROBE_TIMEOUT_S = 15.0
SECONDS_PER_CHAR = 0.12  # generous: espeak-ng says ~14 characters a second at its default rate


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("speech", help="read-aloud: hear the voice on the speaker (or into a WAV file), list voices")
    actions = p.add_subparsers(dest="speech_action", metavar="ACTION", required=True)
    t = actions.add_parser("test", help="speak the welcome screen's text on the speaker, or --out FILE.wav; "
                                        "exit 1 if no voice can speak the language")
    t.add_argument("--lang", choices=LANGUAGES, help="language (default: the kiosk's first)")
    t.add_argument("--out", metavar="FILE.wav", help="write the speech to this WAV file instead (espeak-ng)")
    t.set_defaults(func=test_command)
    v = actions.add_parser("voices", help="which voice reads each of the kiosk's languages")
    v.add_argument("--json", action="store_true",
                   help='one object: {"engine", "engines", "voices": {lang: name|null}, "locales", "problem", "hung"}')
    v.set_defaults(func=voices_command)
    # Hidden (no help): the read-aloud engine's own process, as the PyInstaller build starts it
    # (ui.speech_host; from source it runs as `python -m ui.speech_host`).
    h = actions.add_parser("host")
    h.set_defaults(func=host_command, without_config=True)


def host_command(args: argparse.Namespace, cfg: Config | None) -> int:
    from ui import speech_host

    return speech_host.main()


def _wait(done, timeout_s: float) -> bool:
    """Run Qt's event loop until ``done()`` or the deadline; True if done."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(20)
    poll.timeout.connect(lambda: done() and loop.quit())
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    poll.start()
    if not done():
        loop.exec()
    poll.stop()
    return bool(done())


def probe(languages: tuple[str, ...], volume: int = 80) -> dict[str, Any]:
    """Ask the kiosk's engine which voice reads each language, exactly as the app does (the
    same ``Speaker`` and its speech process, so a hung speech-dispatcher cannot hang us: the
    probe's deadline ends the child and says so)."""
    from PySide6.QtCore import QCoreApplication

    app = QCoreApplication.instance() or QCoreApplication([sys.argv[0]])
    from ui.speech import Speaker

    speaker = Speaker(languages, volume, probe_timeout_ms=int(PROBE_TIMEOUT_S * 1000))
    _wait(lambda: speaker.ready or bool(speaker.problem), PROBE_TIMEOUT_S + 5)
    problem, hung = speaker.problem, speaker.hung
    if not speaker.ready and not problem:  # the Speaker's own deadline did not fire: belt and braces
        problem, hung = f"the speech engine did not answer within {PROBE_TIMEOUT_S:g} s (is speech-dispatcher hung? restart it)", True
    return {"engine": speaker.engine, "engines": list(speaker.engines), "voices": dict(speaker.voices),
            "problem": problem, "hung": hung, "_speaker": speaker, "_app": app}


def _finish(result: dict[str, Any], code: int) -> int:
    """End the speech process (a hung one is killed: nothing here waits for the engine)."""
    speaker = result.get("_speaker")
    if speaker is not None:
        speaker.shutdown()
    return code


def _public(result: dict[str, Any]) -> dict[str, Any]:
    voices = result.get("voices") or {}
    return {"engine": result.get("engine"), "engines": result.get("engines", []), "problem": result.get("problem", ""),
            "hung": bool(result.get("hung")),
            "voices": {lang: (v.name if v is not None else None) for lang, v in voices.items()},
            "locales": {lang: (v.locale if v is not None else None) for lang, v in voices.items()}}


def voices_command(args: argparse.Namespace, cfg: Config) -> int:
    result = probe(tuple(cfg.kiosk.languages), cfg.kiosk.speech_volume)
    data = _public(result)
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        print(f"engine: {data['engine'] or 'none'}" + (f" ({data['problem']})" if data["problem"] else ""))
        for lang in cfg.kiosk.languages:
            name = data["voices"].get(lang)
            print(f"{lang}  {LANGUAGE_NAMES.get(lang, lang)}: {name or 'NO VOICE (no listen button)'}"
                  + (f" [{data['locales'][lang]}]" if name else ""))
    return _finish(result, 0)


def test_command(args: argparse.Namespace, cfg: Config) -> int:
    lang = args.lang or cfg.default_language
    text = speech.welcome(lang, cfg.kiosk.languages)
    if args.out:
        from kiosk import espeak

        try:
            written = espeak.write_wav(text, lang, args.out)
        except espeak.NoVoice as exc:
            print(f"kiosk speech test: {exc}", file=sys.stderr)
            return 1
        print(f"Wrote {written.seconds:.1f} s of speech ({len(text)} characters, espeak-ng voice {written.voice}) "
              f"to {written.path}")
        return 0
    result = probe((lang,), cfg.kiosk.speech_volume)
    voice = (result.get("voices") or {}).get(lang)
    if voice is None:
        why = result.get("problem") or f"engine {result.get('engine')} has no voice for {LANGUAGE_NAMES.get(lang, lang)}"
        print(f"kiosk speech test: {why}; the listen button is hidden in this language "
              "(Linux: apt-get install espeak-ng speech-dispatcher speech-dispatcher-espeak-ng, see deploy/INSTALL.md)", file=sys.stderr)
        return _finish(result, 1)
    return _finish(result, _speak(result, lang, text))


def _speak(result: dict[str, Any], lang: str, text: str) -> int:
    speaker = result["_speaker"]
    deadline_s = 10 + SECONDS_PER_CHAR * len(text)
    t0 = time.monotonic()
    speaker.say(lang, text)
    finished = _wait(lambda: not speaker.speaking, deadline_s)
    took = time.monotonic() - t0
    voice = result["voices"][lang]
    if not finished:
        speaker.stop()
        print(f"kiosk speech test: {result['engine']} did not finish within {deadline_s:.0f} s "
              "(is there an audio device? check the volume and speech-dispatcher's log)", file=sys.stderr)
        return 1
    print(f"Spoke {len(text)} characters in {took:.1f} s with {result['engine']} voice {voice.name} "
          f"[{voice.locale}] at volume {speaker.volume_percent}%")
    return 0
