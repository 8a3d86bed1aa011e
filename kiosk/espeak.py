"""Synthesis to a WAV file with espeak-ng, for `kiosk speech test --out FILE.wav`.

The running kiosk speaks through QtTextToSpeech (ui/speech.py), which on Linux goes through
speech-dispatcher to espeak-ng.  Qt's speech-dispatcher engine cannot write audio to a file
and PySide6 does not bind ``QTextToSpeech.synthesize``, so the file is written by calling
espeak-ng directly: the same synthesizer and voice the kiosk's speaker uses on Linux.  A
technician can play the file elsewhere, and CI checks that a real voice produced it.
"""
from __future__ import annotations

import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

from kiosk.speech import VOICE_LANGUAGES

TIMEOUT_S = 60.0


class NoVoice(RuntimeError):
    """No espeak-ng voice can read the language (or espeak-ng is not installed)."""


@dataclass(frozen=True)
class Written:
    path: Path
    voice: str
    seconds: float


def program() -> str | None:
    return shutil.which("espeak-ng")


def voice_for(lang: str) -> str:
    """The espeak-ng voice for a screen language (Javanese: the Indonesian voice)."""
    exe = program()
    if exe is None:
        raise NoVoice("espeak-ng is not installed (Debian: apt-get install espeak-ng speech-dispatcher)")
    for code in VOICE_LANGUAGES.get(lang, (lang,)):
        listing = subprocess.run([exe, f"--voices={code}"], capture_output=True, text=True, timeout=TIMEOUT_S)
        # The first line is a header; a voice line's second column is its language ("id", "en-gb").
        for line in listing.stdout.splitlines()[1:]:
            cols = line.split()
            if len(cols) > 1 and (cols[1] == code or cols[1].startswith(code + "-")):
                return code
    raise NoVoice(f"espeak-ng has no voice for {lang!r} (tried {', '.join(VOICE_LANGUAGES.get(lang, (lang,)))})")


def write_wav(text: str, lang: str, path: str | Path) -> Written:
    """Speak ``text`` in ``lang``'s voice into ``path`` (a WAV file); raises :class:`NoVoice`."""
    voice = voice_for(lang)
    out = Path(path)
    part = out.with_name(out.name + ".part")
    proc = subprocess.run([program() or "espeak-ng", "-v", voice, "-w", str(part), "--stdin"],
                          input=text, capture_output=True, text=True, timeout=TIMEOUT_S)
    if proc.returncode != 0 or not part.exists():
        part.unlink(missing_ok=True)
        raise NoVoice(f"espeak-ng failed: {(proc.stderr or proc.stdout).strip() or proc.returncode}")
    with wave.open(str(part), "rb") as w:
        seconds = w.getnframes() / float(w.getframerate())
    part.replace(out)
    return Written(out, voice, seconds)
