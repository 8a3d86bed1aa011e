"""Child process for test_light_start: ``kiosk run --exit-after-start`` as installed, with a
log handler that writes ``sorted(sys.modules)`` when the welcome screen is painted and again
when start-up has finished (the app's own log lines mark both moments)."""
from __future__ import annotations

import json
import logging
import sys

OUT = sys.argv[1]
seen: dict[str, list[str]] = {}


class _Snapshot(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if text == "welcome screen painted":
            seen["painted"] = sorted(sys.modules)
        elif text.startswith("start-up finished"):
            seen["finished"] = sorted(sys.modules)
            with open(OUT, "w", encoding="utf-8") as f:
                json.dump(seen, f)


for name in ("ui.app", "ui.startup"):  # the paint is logged by the app, the end by start-up
    logging.getLogger(name).addHandler(_Snapshot())
    logging.getLogger(name).setLevel(logging.INFO)

from kiosk.cli import main  # noqa: E402 (after the handler: it must see the first paint)

sys.exit(main(sys.argv[2:]))
