"""The read-aloud volume, as staff last set it in the staff area; kept across restarts.

``kiosk.speech_volume`` in the config is the starting point; a clerk who turns the voice up
for a noisy market day should not find it back at the default after a power cut.  The value
lives in a small JSON file in the data dir (0600 like everything there).
"""
from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.config import Config

FILE_NAME = "speech-volume.json"
STEP = 10  # percent per tap of the staff area's - / + buttons


def _clamp(percent: int) -> int:
    return max(0, min(100, int(percent)))


def current(cfg: "Config") -> int:
    """The volume to speak at (percent): the staff's last choice, else the config's."""
    try:
        data = json.loads((cfg.data_dir / FILE_NAME).read_text(encoding="utf-8"))
        return _clamp(data["volume"])
    except (OSError, ValueError, KeyError, TypeError):
        return _clamp(cfg.kiosk.speech_volume)


def store(cfg: "Config", percent: int) -> int:
    """Keep the staff's choice (atomically: a power cut leaves the old or the new value)."""
    percent = _clamp(percent)
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    path = cfg.data_dir / FILE_NAME
    part = path.with_name(path.name + ".part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"volume": percent}, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(part, path)
    return percent
