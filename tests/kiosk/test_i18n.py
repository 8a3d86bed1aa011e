"""Every text a citizen or clerk can see exists in Javanese and English, not only Indonesian."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from kiosk import i18n

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "tr": (2,)}


def source_msgids() -> set[str]:
    ids: set[str] = set()
    for pkg in ("kiosk", "ui"):
        for _fn, _line, msg, _comments, _ctx in extract_from_dir(
                ROOT / pkg, method_map=[("**.py", "python")], keywords=KEYWORDS):
            if isinstance(msg, tuple):
                ids.update(m for m in msg if m)
            elif msg:
                ids.add(msg)
    return ids


@pytest.mark.parametrize("lang", ["jv", "en"])
def test_every_message_is_translated(lang):
    po = ROOT / "kiosk" / "locale" / lang / "LC_MESSAGES" / "kiosk.po"
    assert po.exists(), f"{po} missing"
    with po.open("rb") as fh:
        catalog = read_po(fh)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(source_msgids() - translated)
    assert not missing, f"{len(missing)} messages without a {lang} translation, e.g. {missing[:5]}"


def test_placeholders_survive_translation():
    for lang in ("jv", "en"):
        po = ROOT / "kiosk" / "locale" / lang / "LC_MESSAGES" / "kiosk.po"
        with po.open("rb") as fh:
            for m in read_po(fh):
                if m.id and m.string and isinstance(m.id, str):
                    import re
                    want = set(re.findall(r"\{(\w+)\}", m.id))
                    assert set(re.findall(r"\{(\w+)\}", m.string)) == want, (lang, m.id)


def test_indonesian_is_the_source_and_unknown_language_falls_back():
    assert i18n.tr("id", "Kirim") == "Kirim"
    assert i18n.tr("xx", "Kirim") == "Kirim"
