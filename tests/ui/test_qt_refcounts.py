"""The kiosk survives hundreds of thousands of Qt calls.

PySide6 6.12.0 drops a reference to ``None`` on every void Qt call (``setText``, ``setEnabled``...);
on CPython 3.11 the interpreter then aborts with "Fatal Python error: none_dealloc" after a few
minutes of a busy kiosk.  pyproject.toml keeps that release out; this test catches a Qt that
brings the bug back."""
from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import sys
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
app = QApplication([])
label, button = QLabel(), QPushButton()
button.setCheckable(True)
before = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
for i in range(50_000):
    label.setText(str(i))
    button.setChecked(i % 2 == 0)
    button.setEnabled(True)
    label.update()
after = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
print("drift", *(a - b for a, b in zip(after, before)))
"""


def test_many_qt_calls_leave_none_true_false_alone():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    drift = [int(x) for x in done.stdout.split()[1:]]
    assert all(abs(d) < 100 for d in drift), f"reference counts of None/True/False drift by {drift}"
