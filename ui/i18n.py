"""Live language switching for the widgets (Frescobaldi style).

Qt retranslates by sending ``QEvent.LanguageChange`` to every widget when a translator is
installed or removed.  We keep one gettext catalogue (``kiosk.i18n``) and route Qt's own
strings through it with a small ``QTranslator`` subclass; swapping that translator on a
language switch is what makes Qt post ``LanguageChange``, so each screen's
``retranslate()`` runs without the screens knowing who changed the language.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTranslator

from kiosk.i18n import current_language, set_language, translator


class GettextTranslator(QTranslator):
    """Answers Qt's ``tr()`` look-ups from the kiosk's gettext catalogue."""

    def __init__(self, lang: str, parent=None) -> None:
        super().__init__(parent)
        self.lang = lang

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: D401 (Qt API)
        if not source_text:
            return None
        text = translator(self.lang).gettext(source_text)
        return text if text != source_text else None

    def isEmpty(self) -> bool:  # noqa: N802 (Qt API)
        return False


_installed: GettextTranslator | None = None


def switch_language(lang: str) -> None:
    """Make ``lang`` the UI language; every widget receives ``LanguageChange``."""
    global _installed
    app = QCoreApplication.instance()
    set_language(lang)
    if app is None:
        return
    if _installed is not None:
        app.removeTranslator(_installed)
    _installed = GettextTranslator(current_language(), app)
    app.installTranslator(_installed)
