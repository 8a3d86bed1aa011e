"""The on-screen keyboard: Qt Virtual Keyboard embedded in the window (playos style).

``prepare_environment()`` must run before ``QApplication`` exists: it selects the
``qtvirtualkeyboard`` input method and disables its own desktop window, so the only panel
is the ``InputPanel`` we host in a ``QQuickWidget`` at the bottom of the main window's
layout.  Because it is part of the layout (not a floating window) the content area shrinks
when it appears and the focused field, scrolled into view by its screen, is never covered.

Numeric questions (phone, NIK, stall, number) use ``ui.widgets.NumPad`` instead: their
fields disable the input method, so this keyboard stays hidden for them.

Start-up: this module imports no Qt Quick.  The panel itself (``ui.keyboard_panel``, a QML
scene) is built by :func:`load_panel` when the citizen leaves the welcome screen, so the
welcome screen is painted, and idles, without it.
"""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication, QInputMethodQueryEvent
from PySide6.QtWidgets import QWidget

QML = Path(__file__).parent / "qml" / "keyboard.qml"
LOCALES = {"id": "id_ID", "jv": "id_ID", "en": "en_US"}  # no Javanese layout: Indonesian fits


def prepare_environment() -> None:
    """Environment Qt Virtual Keyboard needs; call before creating the QApplication."""
    os.environ["QT_IM_MODULE"] = "qtvirtualkeyboard"
    os.environ["QT_VIRTUALKEYBOARD_DESKTOP_DISABLE"] = "1"
    os.environ.setdefault("QT_QUICK_BACKEND", "software")
    # The keyboard's sound effects need PulseAudio/PipeWire; a kiosk without them is fine.
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false;qt.qml.propertyCache.append=false")


def focus_takes_text() -> bool:
    """Whether the focused object accepts the input method (a letter field, not a pad field)."""
    obj = QGuiApplication.focusObject()
    if obj is None:
        return False
    query = QInputMethodQueryEvent(Qt.ImEnabled)
    QCoreApplication.sendEvent(obj, query)
    return bool(query.value(Qt.ImEnabled))


class NoKeyboard:
    """Stands in for the panel until it is loaded: hidden, and nothing to press."""

    ok = False

    def isVisible(self) -> bool:  # noqa: N802 (the Qt name the window and tests use)
        return False

    def set_language(self, lang: str) -> None:
        pass

    def set_max_height(self, px: int) -> None:
        pass

    def keys(self) -> list:
        return []


def load_panel(parent: QWidget) -> "QWidget":
    """The real keyboard panel (imports Qt Quick and builds the QML scene: call it late)."""
    from ui.keyboard_panel import KeyboardPanel

    return KeyboardPanel(parent)
