"""The reference for start-up: a bare PySide6 window with four widgets, painted, then quit.

Spawned by ``bench_startup`` in the same run as the kiosk, so the ratio between them is the
kiosk's own cost on this machine, whatever its speed.
"""
from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget


def main() -> int:
    app = QApplication(sys.argv[:1])
    w = QWidget()
    lay = QVBoxLayout(w)
    for widget in (QLabel("Selamat datang"), QLineEdit(), QPushButton("Lapor"), QPushButton("Cek status")):
        lay.addWidget(widget)
    w.resize(1366, 768)
    w.show()

    def done() -> None:
        w.repaint()
        app.quit()

    QTimer.singleShot(0, done)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
