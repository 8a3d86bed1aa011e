"""Child process for bench_startup's stall row: ``kiosk run`` as installed, with a 10 ms QTimer
on the GUI thread from the welcome screen's first paint to the end of start-up (core opened,
every screen built), then for as long again at rest: the largest gap between ticks in each
phase goes to the JSON file named first (the app's own log lines mark both moments)."""
from __future__ import annotations

import json
import logging
import sys
import time

OUT = sys.argv[1]
TICK_MS = 10
REST_S = 3.0
stamps: dict[str, list[float]] = {"starting": [], "rest": []}
phase = {"now": ""}


def _gaps_ms(values: list[float]) -> list[float]:
    return [(b - a) * 1000 for a, b in zip(values, values[1:])]


def _tick() -> None:
    if phase["now"]:
        stamps[phase["now"]].append(time.perf_counter())


def _finish() -> None:
    from PySide6.QtWidgets import QApplication

    result = {name: {"largest_ms": max(_gaps_ms(v), default=0.0), "ticks": len(v)} for name, v in stamps.items()}
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(result, f)
    QApplication.instance().exit(0)


class _Phases(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        text = record.getMessage()
        if text == "welcome screen painted":
            timer = QTimer(QApplication.instance())
            timer.setInterval(TICK_MS)
            timer.timeout.connect(_tick)
            timer.start()
            phase["now"] = "starting"
            _tick()
        elif text.startswith("start-up finished"):
            _tick()
            phase["now"] = "rest"
            _tick()
            QTimer.singleShot(int(REST_S * 1000), _finish)


for name in ("ui.app", "ui.startup"):
    logging.getLogger(name).addHandler(_Phases())
    logging.getLogger(name).setLevel(logging.INFO)

from kiosk.cli import main  # noqa: E402 (after the handler: it must see the first paint)

sys.exit(main(sys.argv[2:]))
