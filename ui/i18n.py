"""Live language switching for the widgets (Frescobaldi's idea, adapted).

Qt retranslates by sending ``QEvent.LanguageChange`` to every widget; each screen's
``changeEvent`` then calls its ``retranslate()``, re-reading its texts through the one
gettext catalogue (``kiosk.i18n``).

Frescobaldi makes Qt post that event by installing a ``QTranslator`` subclass written in
Python.  We must not: Qt calls ``QCoreApplication::translate`` from the QML type loader's
thread (for Qt Virtual Keyboard's QML), and a Python ``translate()`` override needs the GIL
that the GUI thread holds while it waits for that very thread in ``QQuickWidget.setSource``
(a deadlock we hit).  The kiosk has no Qt-provided strings a citizen sees (no dialogs, no
context menus), so we send the same ``LanguageChange`` event ourselves.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent

from kiosk.i18n import set_language


def switch_language(lang: str) -> None:
    """Make ``lang`` the UI language; every widget receives ``LanguageChange`` now."""
    set_language(lang)
    app = QCoreApplication.instance()
    if app is not None:
        QCoreApplication.sendEvent(app, QEvent(QEvent.LanguageChange))
