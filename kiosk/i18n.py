"""One gettext catalogue for the core, the receipt texts and the UI.

Indonesian is the source language: every message id *is* the Indonesian text, so a
missing translation still shows something a citizen in East Java can read.  Javanese
(krama) and English live in ``kiosk/locale/{jv,en}/LC_MESSAGES/kiosk.po``.  The ``.po``
files are compiled in memory on first use (Babel), so a fresh clone, a wheel and the
PyInstaller bundle need no separate compile step.

The core never relies on a process-wide language: validation messages and receipts are
translated for the language the citizen chose (``translator(lang)``).  The UI keeps a
*current* language (``set_language``) because Qt widgets retranslate themselves on
``LanguageChange``; ``_`` follows it.
"""
from __future__ import annotations

import functools
import gettext as _gettext
import io
from pathlib import Path

LANGUAGES: tuple[str, ...] = ("id", "jv", "en")
DEFAULT_LANGUAGE = "id"
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "jv": "Basa Jawa", "en": "English"}
DOMAIN = "kiosk"
LOCALE_DIR = Path(__file__).with_name("locale")

_default_language = DEFAULT_LANGUAGE


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (translated where shown)."""
    return message


@functools.lru_cache(maxsize=None)
def translator(lang: str) -> _gettext.NullTranslations:
    """The translations for one language; Indonesian (the source) is the identity."""
    if lang not in LANGUAGES or lang == DEFAULT_LANGUAGE:
        return _gettext.NullTranslations()
    po_path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        with mo_path.open("rb") as fh:
            return _gettext.GNUTranslations(fh)
    if not po_path.exists():
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=lang if lang != "jv" else "jv")
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def tr(lang: str, message: str, **params: object) -> str:
    """Translate ``message`` into ``lang`` and fill ``{named}`` parameters."""
    text = translator(lang).gettext(message)
    return text.format(**params) if params else text


def set_language(lang: str) -> None:
    """Set the process-wide language the UI shows (the GUI thread's choice)."""
    global _default_language
    _default_language = lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def current_language() -> str:
    return _default_language


def _(message: str) -> str:
    """Translate into the current UI language."""
    return translator(_default_language).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translator(_default_language).ngettext(singular, plural, n)
