"""Fixtures for the touch UI: the real core on disk, a real simulator, the real window.

The environment Qt Virtual Keyboard needs is set here, at import time, before pytest-qt
creates the QApplication.  Helpers drive the window as a person would: ``tap`` sends a
touch press/release (Qt turns it into a click), ``type_keys`` presses the on-screen
keyboard's own key items.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from ui.keyboard import prepare_environment  # noqa: E402

prepare_environment()
sys.path.insert(0, str(Path(__file__).parent))  # for `import uihelpers`

import pytest  # noqa: E402
from PySide6.QtCore import QEvent  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from kiosk.catalog import Catalog  # noqa: E402
from uihelpers import kiosk_config  # noqa: E402

# Noise from Qt Virtual Keyboard's QML on a machine without audio; nothing to do with us.
QT_LOG_IGNORE = (
    r"qt\.multimedia.*",
    r".*pipewire.*",
    r".*PopupList.*overrides a member.*",
    r"QQmlExpression: Expression .* depends on non-bindable properties.*",
    r".*QLineEdit::echoMode.*",
    r".*QPlainTextEdit::.*",
    r"\s*QLineEdit::.*",
    r"\s*PadField::.*",
    r".*This plugin does not support.*",
)


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(*QT_LOG_IGNORE))


@pytest.fixture(autouse=True)
def _interpreter_collects_again():
    """While the UI runs, reference cycles are collected on the GUI thread only
    (ui/collector.py); after a UI test the interpreter collects again, as for every other test."""
    yield
    from ui import collector

    collector.uninstall()


@pytest.fixture
def sim(simulator_factory):
    """The provincial simulator serving the kiosk's own catalog."""
    return simulator_factory(catalog=Catalog.bundled().to_open311())


@pytest.fixture
def make_core(tmp_path: Path):
    from kiosk.core import KioskCore

    cores = []

    def make(base_url: str = "http://127.0.0.1:9/open311/v2", **printer):
        core = KioskCore(kiosk_config(tmp_path, base_url, **printer))
        cores.append(core)
        return core

    yield make
    for c in cores:
        c.close()


@pytest.fixture
def core(make_core, sim):
    return make_core(sim.base_url)


@pytest.fixture
def make_window(qtbot):
    from ui.app import build_window, make_application

    make_application()
    windows = []

    def make(core, size=(1366, 768), **options):
        options.setdefault("fullscreen", False)
        options.setdefault("idle_timeout_s", 3600)
        options.setdefault("idle_warning_s", 30)
        w = build_window(core, **options)
        w.resize(*size)
        w.show()
        qtbot.waitExposed(w)
        # The kiosk is the only window and always active; a field focused before the window
        # is active gets no focus event, so no keyboard: wait as the real kiosk never has to.
        w.activateWindow()
        qtbot.waitActive(w)
        windows.append(w)
        return w

    yield make
    from ui import ops

    qtbot.waitUntil(lambda: not ops.busy(), timeout=20000)
    for w in windows:
        w.shutdown()
        w.deleteLater()
    QGuiApplication.inputMethod().hide()
    # Really delete the window now: Qt Virtual Keyboard serves one InputPanel at a time,
    # and the next test's window brings its own.
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    QApplication.processEvents()


@pytest.fixture
def window(make_window, core):
    return make_window(core)
