"""The two kinds of submission and the one word each is called by, everywhere.

A citizen files a *complaint* (``Pengaduan``: something is wrong) or a *service request*
(``Permohonan layanan``: something is needed).  The service screen's headings, the review,
the staff's assisted form and the read-aloud all name the kind; they take the word from
here, so a translator changes it once and no screen says it differently from another.

The kind of a submission follows from its service (``Service.kind`` in the catalog); the
outbox meta and a draft carry it as one of :data:`KINDS`.
"""
from __future__ import annotations

from kiosk.i18n import N_, tr

KINDS: tuple[str, ...] = ("complaint", "request")
DEFAULT_KIND = "complaint"  # what the model assumes when a record says nothing
# The kind's name as a heading or before the service ("Pengaduan: Kebersihan pasar").
KIND_LABELS: dict[str, str] = {
    "complaint": N_("Pengaduan"),
    "request": N_("Permohonan layanan"),
}


def known_kind(kind: str | None) -> str:
    """``kind`` if it is one of :data:`KINDS`, else the default: an old or foreign record
    (no kind, a misspelt one) still gets a word, never a crash on the citizen's screen."""
    return kind if kind in KIND_LABELS else DEFAULT_KIND


def kind_label(kind: str | None, lang: str) -> str:
    """The kind's name in ``lang``: ``Pengaduan`` / ``Pangaduan`` / ``Complaint``."""
    return tr(lang, KIND_LABELS[known_kind(kind)])


__all__ = ["KINDS", "DEFAULT_KIND", "KIND_LABELS", "known_kind", "kind_label"]
