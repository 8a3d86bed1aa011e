"""The kiosk survives thousands of Qt calls (PySide6 6.12 drops a reference to None on each
void call; without ui's guard CPython 3.11 aborts with "none_dealloc" within minutes)."""
from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import ui  # the guard
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
app = QApplication([])
label, button = QLabel(), QPushButton()
button.setCheckable(True)
for i in range(50_000):
    label.setText(str(i))
    button.setChecked(i % 2 == 0)
    button.setEnabled(True)
print("alive")
"""


def test_many_qt_calls_do_not_crash_the_kiosk():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "alive"
