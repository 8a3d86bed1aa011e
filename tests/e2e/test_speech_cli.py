"""`kiosk speech test|voices` and the `kiosk check` speech line, as a technician runs them.

The WAV is real synthesis with espeak-ng (installed by .ci/run): its length must match the
text, at a human speaking rate.  The speaker path runs on Qt's mock engine here (this
machine has no sound card; tests/conftest.py sets KIOSK_SPEECH_ENGINE=mock): the mock has
English voices but no Indonesian one, which is exactly the "no voice" case.
"""
from __future__ import annotations

import array
import json
import shutil
import wave
from pathlib import Path

import pytest
from kiosktest import run_kiosk

from kiosk import speech

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed (.ci/run installs it)")


def config(tmp_path: Path, extra: str = "") -> Path:
    p = tmp_path / "kiosk.toml"
    p.write_text(f'[kiosk]\ndata_dir = "{tmp_path / "data"}"\n{extra}', encoding="utf-8")
    return p


def wav_facts(path: Path) -> tuple[float, float]:
    """(seconds, RMS of the samples) of a 16-bit mono WAV."""
    with wave.open(str(path), "rb") as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2
        frames = w.readframes(w.getnframes())
        seconds = w.getnframes() / w.getframerate()
    samples = array.array("h", frames)
    rms = (sum(s * s for s in samples[::10]) / max(1, len(samples[::10]))) ** 0.5
    return seconds, rms


@needs_espeak
@pytest.mark.parametrize("lang", ["id", "jv", "en"])
def test_speech_test_writes_a_wav_as_long_as_its_text(tmp_path, lang):
    out = tmp_path / "x.wav"
    proc = run_kiosk(config(tmp_path), "speech", "test", "--lang", lang, "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    text = speech.welcome(lang, ("id", "jv", "en"))
    seconds, rms = wav_facts(out)
    # People speak 8 to 25 characters a second; espeak-ng's default is about 14.
    assert len(text) / 25 < seconds < len(text) / 8, (seconds, len(text))
    assert rms > 300  # a voice, not silence
    assert f"{seconds:.1f} s" in proc.stdout
    assert ("voice id" in proc.stdout) if lang in ("id", "jv") else ("voice en" in proc.stdout)
    assert not list(tmp_path.glob("*.part"))


def test_speech_test_on_the_speaker_and_exit_1_without_a_voice(tmp_path):
    cfg = config(tmp_path)
    spoke = run_kiosk(cfg, "speech", "test", "--lang", "en")
    assert spoke.returncode == 0, spoke.stderr
    assert spoke.stdout.startswith("Spoke ") and "mock voice" in spoke.stdout
    silent = run_kiosk(cfg, "speech", "test", "--lang", "id")
    assert silent.returncode == 1
    assert "no voice for Bahasa Indonesia" in silent.stderr and "espeak-ng" in silent.stderr
    assert "Traceback" not in silent.stderr + spoke.stderr


def test_speech_voices_and_the_self_test_line(tmp_path):
    cfg = config(tmp_path)
    voices = run_kiosk(cfg, "speech", "voices", "--json")
    assert voices.returncode == 0, voices.stderr
    data = json.loads(voices.stdout)
    assert data["engine"] == "mock" and data["voices"]["en"] and data["voices"]["id"] is None
    check = run_kiosk(cfg, "check", "--only", "speech", "--json")
    line = json.loads(check.stdout)["checks"][0]
    assert line["status"] == "WARN" and "no voice for id, jv" in line["detail"]
    assert check.returncode == 0  # the kiosk works without a voice: a WARN, not a FAIL
    off = run_kiosk(config(tmp_path, 'speech = "off"\n'), "check", "--only", "speech", "--json")
    assert json.loads(off.stdout)["checks"][0]["status"] == "OK"


def test_no_engine_at_all_is_a_warning_that_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_SPEECH_ENGINE", "none-installed")
    check = run_kiosk(config(tmp_path), "check", "--only", "speech")
    assert check.returncode == 0
    assert check.stdout.startswith("WARN") and "install espeak-ng and speech-dispatcher" in check.stdout


@pytest.mark.skipif(not (shutil.which("speech-dispatcher") and shutil.which("espeak-ng")),
                    reason="speech-dispatcher and espeak-ng not installed (.ci/run installs them)")
def test_speaks_through_speech_dispatcher_to_the_sound_card(tmp_path, monkeypatch):
    """The kiosk's real path: QtTextToSpeech -> speech-dispatcher -> espeak-ng -> ALSA.  This
    machine has no sound card, so ALSA's default device is a file (the ALSA "file" plugin): what
    the kiosk's speaker would have played lands there.  speech-dispatcher is started for this
    test alone (its own HOME and runtime dir) and stopped after it."""
    import os
    import signal
    import time

    home, runtime = tmp_path / "home", tmp_path / "run"
    conf = home / ".config" / "speech-dispatcher"
    conf.mkdir(parents=True)
    runtime.mkdir(mode=0o700)
    system_conf = Path("/etc/speech-dispatcher/speechd.conf")
    base = system_conf.read_text(encoding="utf-8") if system_conf.exists() else ""
    (conf / "speechd.conf").write_text(base + '\nAudioOutputMethod "alsa"\nAudioALSADevice "default"\n', encoding="utf-8")
    played = tmp_path / "played.raw"
    (home / ".asoundrc").write_text(
        f'pcm.!default {{\n type file\n slave.pcm "null"\n file "{played}"\n format "raw"\n}}\n', encoding="utf-8")
    for key, value in {"HOME": home, "XDG_CONFIG_HOME": home / ".config", "XDG_RUNTIME_DIR": runtime,
                       "KIOSK_SPEECH_ENGINE": "speechd"}.items():
        monkeypatch.setenv(key, str(value))
    pid_file = runtime / "speech-dispatcher" / "pid" / "speech-dispatcher.pid"
    try:
        proc = run_kiosk(config(tmp_path), "speech", "test", "--lang", "id", timeout=120)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert "speechd voice Indonesian" in proc.stdout
        text = speech.welcome("id", ("id", "jv", "en"))
        # espeak-ng renders 16-bit mono at 22,050 Hz: at least a second per 25 characters.
        seconds = played.stat().st_size / (2 * 22050)
        assert seconds > len(text) / 25, (seconds, len(text))
    finally:
        if pid_file.exists():
            pid = int(pid_file.read_text().strip())
            os.kill(pid, signal.SIGTERM)
            for _ in range(50):
                if not Path(f"/proc/{pid}").exists():
                    break
                time.sleep(0.1)
            else:
                os.kill(pid, signal.SIGKILL)


def test_a_speech_engine_that_never_answers_is_a_warning_that_says_so(tmp_path, monkeypatch):
    """The engine's process hangs building its engine (as with a hung speech-dispatcher): the
    self-test says so within its deadline, and `kiosk speech voices` ends without a traceback."""
    monkeypatch.setenv("KIOSK_SPEECH_HOST_TEST", "hang")
    check = run_kiosk(config(tmp_path), "check", "--only", "speech", "--json", timeout=60)
    assert check.returncode == 0, check.stderr
    line = json.loads(check.stdout)["checks"][0]
    assert line["status"] == "WARN"
    assert "engine mock did not answer" in line["detail"] and "speech-dispatcher hung" in line["detail"]
    assert "install" not in line["detail"]  # installed and hung: nothing to install
    assert "Traceback" not in check.stderr


def test_the_bundle_starts_its_speech_process_through_the_hidden_speech_host_command(tmp_path, monkeypatch):
    """Frozen by PyInstaller there is no `python -m ui.speech_host`: the bundle runs itself as
    `kiosk speech host`.  That command line, here through `python -m kiosk`, answers a probe
    and quits on request, before (and without) reading any config or writing any log."""
    import subprocess
    import sys

    from ui import speech_host

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert speech_host.host_command() == [sys.executable, "speech", "host"]
    monkeypatch.delattr(sys, "frozen")
    assert speech_host.host_command()[1:] == ["-m", "ui.speech_host"]
    monkeypatch.setenv("KIOSK_CONFIG", str(tmp_path / "missing.toml"))  # would be a config error
    monkeypatch.setenv("HOME", str(tmp_path))
    commands = [{"cmd": "probe", "languages": ["en", "id"], "voice_languages": {"id": ["id"], "en": ["en"]}},
                {"cmd": "volume", "volume": 0.4}, {"cmd": "quit"}]
    proc = subprocess.run([sys.executable, "-m", "kiosk", "speech", "host"], capture_output=True, text=True,
                          input="".join(json.dumps(c) + "\n" for c in commands), timeout=60)
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    probed = next(e for e in events if e["event"] == "probed")
    assert probed["engine"] == "mock" and probed["voices"]["en"] and probed["voices"]["id"] is None
    assert {"event": "volume", "volume": 0.4} in events
    assert not (tmp_path / ".local").exists()  # no data dir, no log made by a helper process
