"""The one exception printers raise, in a module light enough to import anywhere."""
from __future__ import annotations

KINDS = ("no_printer", "offline", "paper_out", "failed")
STATUSES = ("ready", "offline", "paper_out", "no_printer", "unknown")


class PrinterError(Exception):
    """A receipt could not be printed; ``kind`` (one of :data:`KINDS`) says what a clerk can do.

    ``detail`` is English, for the log; it never holds personal data.
    """

    def __init__(self, kind: str, detail: str = ""):
        if kind not in KINDS:
            raise ValueError(f"unknown printer error kind {kind!r}")
        self.kind, self.detail = kind, detail
        super().__init__(f"{kind}: {detail}" if detail else kind)
