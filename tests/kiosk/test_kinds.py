"""One word per kind of submission, in each language, wherever the kind is named."""
from __future__ import annotations

import pytest

from kiosk import kinds
from kiosk.i18n import tr


@pytest.mark.parametrize("lang,complaint,service_request", [
    ("id", "Pengaduan", "Permohonan layanan"),
    ("jv", "Pangaduan", "Panyuwunan layanan"),
    ("en", "Complaint", "Service request"),
])
def test_each_kind_has_its_word_in_each_language(lang, complaint, service_request):
    assert kinds.kind_label("complaint", lang) == complaint
    assert kinds.kind_label("request", lang) == service_request
    assert [kinds.kind_label(k, lang) for k in kinds.KINDS] == [complaint, service_request]


def test_a_record_without_a_known_kind_is_named_as_a_complaint():
    # an old draft or outbox row with no kind, or one this version does not know
    assert kinds.kind_label(None, "jv") == kinds.kind_label("complaint", "jv")
    assert kinds.kind_label("keluhan", "en") == "Complaint"


def test_the_labels_are_message_ids_the_screens_translate_themselves():
    for kind, msgid in kinds.KIND_LABELS.items():
        assert tr("id", msgid) == msgid and tr("en", msgid) != msgid, kind
