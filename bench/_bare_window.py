"""The reference for start-up: a bare PySide6 window with four widgets, painted, then quit.

Spawned by ``bench_startup`` in the same run as the kiosk, so the ratio between them is the
kiosk's own cost on this machine, whatever its speed.  It says it is painted the way the
kiosk does (``ui.app.run_app``): one line on stdout in the event-loop turn after the
window's first paint event.
"""
from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

MARKER = "painted"


class _FirstPaint(QObject):
    def __init__(self, app: QApplication) -> None:
        super().__init__()
        self.app = app
        self.seen = False

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:  # noqa: N802 (Qt API)
        if ev.type() == QEvent.Type.Paint and not self.seen:
            self.seen = True
            QTimer.singleShot(0, self._done)
        return False

    def _done(self) -> None:
        print(MARKER, flush=True)
        self.app.quit()


def main() -> int:
    app = QApplication(sys.argv[:1])
    w = QWidget()
    lay = QVBoxLayout(w)
    for widget in (QLabel("Selamat datang"), QLineEdit(), QPushButton("Lapor"), QPushButton("Cek status")):
        lay.addWidget(widget)
    w.resize(1366, 768)
    first = _FirstPaint(app)
    w.installEventFilter(first)
    w.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
