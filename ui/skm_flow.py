"""The satisfaction survey's path, without painting (like ``Flow`` for a submission).

Pages: the nine elements (one per page; a tap on a face records the answer and moves on by
itself), four optional profile pages (one question each), an optional suggestion, then the thanks.  Starting the
survey forgets whatever the citizen just filed (``Flow.forget_answers``): nothing on screen or
in memory ties the rating to the request.  The save runs off the GUI thread through
``ui.ops``; the thanks appear only once the core has committed the response.
"""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from kiosk.i18n import N_, tr
from kiosk.skm import ELEMENT_IDS
from ui import ops

log = logging.getLogger(__name__)

SKM, STAFF_SKM = "skm", "staff_skm"  # screen names
PROFILE_PAGES: tuple[tuple[str, ...], ...] = (("age",), ("gender",), ("education",), ("occupation",))  # one question a screen
SUGGESTION_PAGE = len(ELEMENT_IDS) + len(PROFILE_PAGES)
THANKS_PAGE = SUGGESTION_PAGE + 1


class SurveyFlow(QObject):
    changed = Signal()        # page or answers changed
    saved = Signal(bool)      # True: stored; False: ``error`` says why

    def __init__(self, flow: Any) -> None:
        super().__init__(flow)
        self.flow = flow
        self.core = flow.core
        self._generation = 0
        self.reset()
        flow.wiped.connect(self.reset)
        flow.answers_cleared.connect(self.reset)

    def reset(self) -> None:
        self._generation += 1
        self.page = 0
        self.answers: dict[str, int] = {}
        self.profile: dict[str, str] = {}
        self.suggestion = ""
        self.saving = False
        self.error = ""
        self.changed.emit()

    # -- where we are ----------------------------------------------------------------------
    @property
    def element_id(self) -> str | None:
        return ELEMENT_IDS[self.page] if self.page < len(ELEMENT_IDS) else None

    @property
    def profile_fields(self) -> tuple[str, ...]:
        i = self.page - len(ELEMENT_IDS)
        return PROFILE_PAGES[i] if 0 <= i < len(PROFILE_PAGES) else ()

    @property
    def done(self) -> bool:
        return self.page == THANKS_PAGE

    def progress_text(self, lang: str) -> str:
        if self.element_id:
            return tr(lang, N_("Pertanyaan {n} dari {total}"), n=self.page + 1, total=len(ELEMENT_IDS))
        return ""

    # -- what the citizen does -------------------------------------------------------------
    def start(self) -> None:
        """From the welcome screen, or offered after a request: a fresh, unlinked survey."""
        self.flow.forget_answers()  # the request just filed is gone from memory and screens
        self.reset()
        self.flow._go(SKM, remember=False)

    def answer(self, value: int) -> None:
        eid = self.element_id
        if eid is None or not 1 <= value <= 4:
            return
        self.answers[eid] = value
        self.changed.emit()

    def advance(self) -> None:
        """Next page (after an answer on element pages; skipping is allowed on the others)."""
        if self.saving or self.done:
            return
        if self.element_id and self.element_id not in self.answers:
            return
        if self.page < SUGGESTION_PAGE:
            self.page += 1
            self.changed.emit()

    def back(self) -> bool:
        """One page back; False on the first page (the window then leaves the survey)."""
        if self.saving or self.done or self.page == 0:
            return False
        self.page -= 1
        self.changed.emit()
        return True

    def set_profile(self, field: str, value: str) -> None:
        if value:
            self.profile[field] = value
        else:
            self.profile.pop(field, None)
        self.changed.emit()

    def set_suggestion(self, text: str) -> None:
        self.suggestion = text

    def response(self) -> dict[str, Any]:
        """The screen's JSON shape (as ``kiosk skm add`` reads it); nothing else goes out."""
        return {"answers": dict(self.answers), "respondent": dict(self.profile),
                "suggestion": self.suggestion.strip(), "language": self.flow.language}

    def submit(self) -> None:
        if self.saving or len(self.answers) < len(ELEMENT_IDS):
            return
        self.saving = True
        self.error = ""
        self.changed.emit()
        gen = self._generation

        def done(_n: Any) -> None:
            if gen != self._generation:
                return
            self.saving = False
            self.page = THANKS_PAGE
            self.changed.emit()
            self.saved.emit(True)

        def failed(exc: BaseException) -> None:
            if gen != self._generation:
                return
            self.saving = False
            text = getattr(exc, "text", None)
            self.error = text(self.flow.language) if callable(text) else tr(
                self.flow.language, N_("Maaf, penilaian belum bisa disimpan. Silakan coba lagi atau hubungi petugas."))
            log.warning("survey response not stored: %s", type(exc).__name__)
            self.changed.emit()
            self.saved.emit(False)

        ops.run(self.core.skm.record, self.response(), on_done=done, on_error=failed)

    def finish(self) -> None:
        """"Selesai" on the thanks: the next person starts clean."""
        self.flow.wipe()

    # -- staff -----------------------------------------------------------------------------
    def open_report(self) -> None:
        if self.flow.staff_ok:
            self.flow._go(STAFF_SKM, remember=False)

    def close_report(self) -> None:
        from ui.flow import STAFF

        self.flow._go(STAFF, remember=False)
