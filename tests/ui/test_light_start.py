"""Issue #10 item 6: the welcome screen is painted before what it does not need is loaded.

Run in a child process (``_startup_probe.py``) so this test's own imports do not count: the
real ``kiosk run`` path, the module list taken when the welcome screen is painted and when
start-up has finished.  No time is measured here (bench/bench_startup.py does that).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("_startup_probe.py")

#: Loaded after the paint: outbox and HTTP client, printer back-ends (python-escpos, PIL,
#: qrcode, reportlab), validation and due dates, the keyboard's Qt Quick scene, other commands.
DEFERRED = (
    "offline_queue", "offline_queue._outbox", "requests", "sqlite_utils",
    "printing.backends", "printing.escpos_render", "reportlab", "qrcode", "PIL",
    "phonenumbers", "holidays", "babel.dates", "kiosk.catalog", "kiosk.survey", "kiosk.payload",
    "kiosk.commands.receipt", "kiosk.commands.bundle",
)
#: ... and of those, what start-up itself loads once the welcome screen is up.
LOADED_AFTER = ("offline_queue", "offline_queue._outbox", "requests", "sqlite_utils", "printing.backends",
                "reportlab", "kiosk.catalog", "kiosk.survey")
NEVER_AT_START = ("ui.keyboard_panel", "PySide6.QtQuick", "PySide6.QtQuickWidgets",
                  "kiosk.commands.receipt", "kiosk.commands.bundle")
#: The read-aloud engine lives in its own process (ui.speech_host): the app never loads it, so
#: its seconds-long constructor (speech-dispatcher) cannot freeze the painted welcome screen.
NEVER_IN_THE_APP = ("PySide6.QtTextToSpeech",)


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory) -> dict[str, list[str]]:
    tmp = tmp_path_factory.mktemp("light-start")
    cfg = tmp / "kiosk.toml"
    cfg.write_text(f'[kiosk]\ndata_dir = "{(tmp / "data").as_posix()}"\nfullscreen = false\n'
                   '[server]\nbase_url = "http://127.0.0.1:9/open311/v2"\n', encoding="utf-8")
    out = tmp / "modules.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_QUICK_BACKEND": "software"}
    done = subprocess.run([sys.executable, str(PROBE), str(out), "--config", str(cfg), "run",
                           "--exit-after-start", "--windowed"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-1500:]
    assert "kiosk: welcome screen painted" in done.stdout
    return json.loads(out.read_text(encoding="utf-8"))


def test_welcome_screen_is_painted_before_the_outbox_printer_and_validation_are_loaded(snapshots):
    painted = set(snapshots["painted"])
    assert "ui.screens.welcome" in painted  # the snapshot is of a painted welcome screen
    early = sorted(m for m in DEFERRED if m in painted)
    assert early == [], f"loaded before the welcome screen was painted: {early}"


def test_what_the_welcome_screen_did_not_need_is_loaded_after_it(snapshots):
    finished = set(snapshots["finished"])
    missing = sorted(m for m in LOADED_AFTER if m not in finished)
    assert missing == [], f"not loaded after start-up finished: {missing}"


def test_keyboard_scene_and_other_commands_wait_until_they_are_needed(snapshots):
    # The keyboard's QML scene is built when a citizen first leaves the welcome screen; the
    # technician's commands are imported only by their own command line.
    loaded = sorted(m for m in NEVER_AT_START if m in set(snapshots["finished"]))
    assert loaded == []


def test_the_speech_engine_is_never_loaded_into_the_app(snapshots):
    loaded = sorted(m for m in NEVER_IN_THE_APP if m in set(snapshots["finished"]))
    assert loaded == [], f"the speech engine belongs in its own process: {loaded}"
