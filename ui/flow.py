"""The citizen's path through the kiosk, without painting anything (Mu's ``Editor`` idea).

``Flow`` owns the draft being filled and decides which screen comes next.  Screens ask it
what to show (``current_step``, ``value``, ``errors``) and report what the citizen did
(``set_value``, ``next``, ``back``, ``edit``, ``submit``); they never talk to each other.
Because it is a plain ``QObject`` with signals, the whole flow (including what is wiped on
an idle timeout) is testable with no widget on screen.

Slow core calls (submit, print, status look-up, staff PIN) go through ``ui.ops`` so the
GUI thread never waits for SQLite, the printer or the network.
"""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from kiosk.i18n import N_, LANGUAGES, current_language, tr
from kiosk.model import Draft, FieldError, Location, Reporter, Service
from ui import ops
from ui.i18n import switch_language
# The questions themselves (Step, steps_for) live in ui.steps; re-exported for older imports.
from ui.steps import CONTACT_STEP, NIK_STEP, REPORTER_STEPS, Step, steps_for  # noqa: F401

log = logging.getLogger(__name__)

# Screen names (what ``screen_changed`` carries).
WELCOME, SERVICE, QUESTION, REVIEW, SENDING, DONE, STATUS, STAFF_PIN, STAFF, ASSISTED = (
    "welcome", "service", "question", "review", "sending", "done", "status", "staff_pin", "staff",
    "assisted",
)
SCREENS = (WELCOME, SERVICE, QUESTION, REVIEW, SENDING, DONE, STATUS, STAFF_PIN, STAFF, ASSISTED)

class Flow(QObject):
    """Navigation and the draft; see the module docstring."""

    screen_changed = Signal(str)
    step_changed = Signal()
    errors_changed = Signal()
    values_changed = Signal()
    language_changed = Signal(str)
    progress_changed = Signal(str)  # "saving" | "printing" | ""
    submit_finished = Signal()
    lookup_finished = Signal(object)
    staff_login_finished = Signal(object)
    wiped = Signal()
    answers_cleared = Signal()  # back at the welcome screen: this citizen's answers are gone

    def __init__(self, core: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.core = core
        cfg = core.cfg
        self.languages: tuple[str, ...] = tuple(l for l in cfg.kiosk.languages if l in LANGUAGES) or ("id",)
        self.default_language = self.languages[0]
        self.screen = WELCOME
        self._history: list[str] = []
        self.language = current_language()
        self._generation = 0  # bumped by wipe(): late results of a wiped citizen are dropped
        self._reset_state()
        from ui.skm_flow import SurveyFlow

        self.skm = SurveyFlow(self)  # the satisfaction survey (screens "skm", "staff_skm")

    def _guard(self, fn):
        gen = self._generation

        def call(arg):
            if gen == self._generation:
                fn(arg)

        return call

    # -- state ---------------------------------------------------------------------------
    def _reset_state(self) -> None:
        self.kind: str | None = None  # the chosen service's (both kinds are listed together)
        self.service: Service | None = None
        self.steps: list[Step] = []
        self.step_index = 0
        # The field the citizen is on in a step of several (the contact screen): the screen
        # focuses it, and so shows its keyboard (letters for the name, the pad for the phone).
        self.active_field = ""
        self.values: dict[str, Any] = {}
        self.anonymous = False
        self._errors: dict[str, list[FieldError]] = {}
        self.returning_to_review = False
        self.submitted: Any = None
        self.print_outcome: Any = None
        self.submit_error: str = ""
        self.stage = ""
        self.lookup_result: Any = None
        self.lookup_text = ""
        self.busy = False
        self.staff_ok = False
        self.assisted = False  # a clerk files on a citizen's behalf (staff area)

    @property
    def current_step(self) -> Step | None:
        if QUESTION != self.screen or not self.steps:
            return None
        return self.steps[self.step_index]

    def value(self, field: str, default: Any = "") -> Any:
        return self.values.get(field, default)

    def set_value(self, field: str, value: Any) -> None:
        """Record what the citizen entered; a changed value clears that field's error."""
        if self.values.get(field) == value:
            return
        self.values[field] = value
        if self._errors.pop(field, None) is not None:
            self.errors_changed.emit()
        self.values_changed.emit()

    def set_anonymous(self, anonymous: bool) -> None:
        """"Saya tidak ingin menyebut nama": name and phone are dropped, not kept hidden."""
        self.anonymous = anonymous
        if anonymous:
            self.values.pop("reporter.name", None)
            self.values.pop("reporter.phone", None)
            for f in ("reporter.name", "reporter.phone"):
                self._errors.pop(f, None)
            self.errors_changed.emit()
        self.values_changed.emit()

    def errors(self, field: str) -> list[FieldError]:
        return list(self._errors.get(field, ()))

    def error_text(self, field: str) -> str:
        return "\n".join(e.text(self.language) for e in self._errors.get(field, ()))

    @property
    def all_errors(self) -> dict[str, list[FieldError]]:
        return dict(self._errors)

    def draft(self) -> Draft:
        """The draft as the core wants it, from what has been entered so far."""
        attributes = {
            f.split(".", 1)[1]: v
            for f, v in self.values.items()
            if f.startswith("attributes.") and v not in ("", None, [])
        }
        nik = self.values.get("reporter.nik", "")
        if not nik:
            nik = next((self.values.get(s.field, "") for s in self.steps if s.editor == "nik"), "")
        reporter = Reporter(
            name="" if self.anonymous else self.values.get("reporter.name", "").strip(),
            phone="" if self.anonymous else self.values.get("reporter.phone", "").strip(),
            nik=nik,
            anonymous=self.anonymous,
        )
        return Draft(
            service_code=self.service.code if self.service else "",
            description=self.values.get("description", ""),
            attributes=attributes,
            reporter=reporter,
            location=Location(stall=self.values.get("location.stall", "").strip()),
            language=self.language,
            kind=self.kind,  # type: ignore[arg-type]
            assisted=self.assisted,
        )

    def review_items(self) -> list[tuple[Step, str]]:
        """``(step, shown value)`` for the review screen, in question order; a screen of
        several questions (name and phone) gives a row per question."""
        out = []
        for screen in self.steps:
            for step in screen.parts or (screen,):
                if self._skipped(step):
                    continue
                out.append((step, self.display_value(step)))
        return out

    def display_value(self, step: Step) -> str:
        lang = self.language
        v = self.values.get(step.field, "")
        if step.editor == "name" and self.anonymous:
            return tr(lang, N_("Tanpa nama (anonim)"))
        if step.editor in ("single", "multi"):
            labels = dict(step.options(lang))
            keys = v if isinstance(v, list) else ([v] if v else [])
            return ", ".join(labels.get(k, k) for k in keys) or tr(lang, N_("(kosong)"))
        if step.editor == "datetime" and v:
            return v[:16].replace("T", " ")
        return v or tr(lang, N_("(kosong)"))

    # -- navigation --------------------------------------------------------------------
    def _go(self, screen: str, remember: bool = True) -> None:
        if remember and self.screen != screen:
            self._history.append(self.screen)
        self.screen = screen
        self.screen_changed.emit(screen)

    def set_language(self, lang: str) -> None:
        """Switch language (live); the receipt and messages follow the choice."""
        if lang not in self.languages:
            return
        self.language = lang
        switch_language(lang)
        self.language_changed.emit(lang)
        self.errors_changed.emit()

    def start_report(self) -> None:
        """"Lapor / Ajukan": straight to the services, complaints and requests together (the
        kind follows from the service chosen: one tap fewer than asking it first)."""
        self.kind = None
        self._go(SERVICE)

    def start_status(self) -> None:
        self.lookup_result = None
        self._go(STATUS)

    def services(self, kind: str | None = None) -> list[Service]:
        return list(self.core.catalog.services(kind=kind))

    def groups(self, kind: str | None = None) -> list:
        return list(self.core.catalog.groups(kind))

    def search(self, text: str) -> list[Service]:
        return list(self.core.catalog.search(text, self.language))

    def choose_service(self, code: str) -> None:
        service = self.core.catalog.service(code)
        if self.service is None or self.service.code != service.code:
            # A different service: its questions differ, so start its form afresh.
            keep = {k: v for k, v in self.values.items() if k in ("description", "location.stall", "reporter.name", "reporter.phone")}
            self.values = keep
            self._errors = {}
        self.service = service
        self.kind = service.kind
        self.steps = steps_for(service, service.kind)
        self.step_index = 0
        self.active_field = ""
        self.returning_to_review = False
        self._go(QUESTION)
        self.step_changed.emit()

    def _skipped(self, step: Step) -> bool:
        """Not asked, nor shown in the review: the phone of an anonymous citizen.  (The
        contact screen itself is never skipped: "no name" is chosen on it.)"""
        return step.editor == "phone" and self.anonymous

    def step_of(self, field: str) -> int | None:
        """Index of the screen that asks ``field`` (the contact screen for name and phone)."""
        return next((i for i, s in enumerate(self.steps) if field in s.fields), None)

    def validate_current(self) -> list[FieldError]:
        """Check every field of the current screen; the first refused one becomes the active
        field, so the screen focuses it (its error is named by ``FieldError.field``)."""
        step = self.current_step
        if step is None:
            return []
        draft = self.draft()
        errs: list[FieldError] = []
        first = ""
        for field in step.fields:
            part = step.part(field)
            if self.anonymous and part is not None and part.editor in ("name", "phone"):
                mine: list[FieldError] = []
            else:
                mine = list(self.core.validate_field(draft, field))
            if mine:
                self._errors[field] = mine
                first = first or field
            else:
                self._errors.pop(field, None)
            errs += mine
        if first:
            self.active_field = first
        self.errors_changed.emit()
        return errs

    def next(self) -> bool:
        """Check the current answer; go on if it is fine.  False: errors are shown."""
        if self.screen != QUESTION:
            return False
        if self.validate_current():
            return False
        self.active_field = ""
        if self.returning_to_review:
            self.returning_to_review = False
            self._go(REVIEW, remember=False)
            return True
        i = self.step_index + 1
        while i < len(self.steps) and self._skipped(self.steps[i]):
            i += 1
        if i >= len(self.steps):
            self._go(REVIEW, remember=False)
        else:
            self.step_index = i
            self.step_changed.emit()
        return True

    def back(self) -> None:
        """One step back; never loses what was typed (only the idle wipe does)."""
        if self.busy:
            return
        if self.screen == QUESTION:
            if self.returning_to_review:
                self.returning_to_review = False
                self._go(REVIEW, remember=False)
                return
            i = self.step_index - 1
            while i >= 0 and self._skipped(self.steps[i]):
                i -= 1
            if i >= 0:
                self.step_index = i
                self.active_field = ""
                self.step_changed.emit()
                return
            self._go(SERVICE, remember=False)
            return
        if self.screen == REVIEW:
            self.step_index = len(self.steps) - 1
            while self.step_index > 0 and self._skipped(self.steps[self.step_index]):
                self.step_index -= 1
            self._go(QUESTION, remember=False)
            self.step_changed.emit()
            return
        parents = {SERVICE: WELCOME, STATUS: WELCOME, STAFF_PIN: WELCOME, STAFF: WELCOME, DONE: WELCOME}
        if self.screen == DONE:
            self.finish()
            return
        if self.screen == ASSISTED:
            self.leave_assisted()
            return
        if self.screen == STAFF:
            self.wipe()  # leaving the staff area locks it again
            return
        target = parents.get(self.screen, WELCOME)
        if target == WELCOME:
            self.forget_answers()
        self._go(target, remember=False)

    def forget_answers(self) -> None:
        """A citizen who walks back to the welcome screen has left: the next person must find
        none of their answers (the idle watch sleeps on the welcome screen).  Unlike
        :meth:`wipe`, the language and text size they chose stay for whoever comes back."""
        self._generation += 1
        self._reset_state()
        self._history.clear()
        self.answers_cleared.emit()

    def edit(self, field: str) -> None:
        """From the review: change one answer, then come straight back (on the contact
        screen, with the field of the row tapped active)."""
        i = self.step_of(field)
        if i is None:
            return
        self.step_index = i
        self.active_field = field
        self.returning_to_review = True
        self._go(QUESTION, remember=False)
        self.step_changed.emit()

    # -- submit and print ----------------------------------------------------------------
    def submit(self) -> None:
        """Save (off the GUI thread), then print; ends on the done screen."""
        if self.busy or self.service is None:
            return
        self.busy = True
        self.submit_error = ""
        self.stage = "saving"
        self._go(SENDING, remember=False)
        self.progress_changed.emit(self.stage)
        ops.run(
            self.core.submit, self.draft(), on_done=self._guard(self._submitted), on_error=self._guard(self._submit_failed),
            lane=ops.SAVE,
        )

    def _submitted(self, submitted: Any) -> None:
        self.submitted = submitted
        self.stage = "printing"
        self.progress_changed.emit(self.stage)
        ops.run(
            self.core.print_receipt,
            submitted.tracking_code,
            self.language,
            on_done=self._guard(self._printed),
            on_error=self._guard(self._print_crashed),
            lane=ops.PRINT,
        )

    def _submit_failed(self, exc: BaseException) -> None:
        self.busy = False
        self.stage = ""
        errors = getattr(exc, "errors", None)
        if self.assisted:
            # The clerk's one-page form shows every field's error at once.
            self._errors = {}
            for e in errors or ():
                self._errors.setdefault(e.field, []).append(e)
            if not errors:
                text_fn = getattr(exc, "text", None)
                self.submit_error = (
                    text_fn(self.language)
                    if callable(text_fn)
                    else tr(self.language, N_("Maaf, laporan belum bisa disimpan. Silakan minta bantuan petugas."))
                )
            self._go(ASSISTED, remember=False)
            self.errors_changed.emit()
            return
        if errors:
            self._errors = {}
            for e in errors:
                self._errors.setdefault(e.field, []).append(e)
            self.errors_changed.emit()
            first = next((i for i, s in enumerate(self.steps) if set(s.fields) & set(self._errors)), None)
            if first is not None:
                self.step_index = first
                self.active_field = next(f for f in self.steps[first].fields if f in self._errors)
                self.returning_to_review = True
                self._go(QUESTION, remember=False)
                self.step_changed.emit()
                return
        text_fn = getattr(exc, "text", None)
        self.submit_error = (
            text_fn(self.language)
            if callable(text_fn)
            else tr(self.language, N_("Maaf, laporan belum bisa disimpan. Silakan minta bantuan petugas."))
        )
        self._go(REVIEW, remember=False)
        self.errors_changed.emit()

    def _printed(self, outcome: Any) -> None:
        self.print_outcome = outcome
        self._finish_submit()

    def _print_crashed(self, exc: BaseException) -> None:
        # The submission is saved; a crash in printing is just a failed print.
        self.print_outcome = None
        self._finish_submit()

    def _finish_submit(self) -> None:
        self.busy = False
        self.stage = ""
        self._go(DONE, remember=False)
        self.submit_finished.emit()

    @property
    def printed_ok(self) -> bool:
        return bool(self.print_outcome is not None and getattr(self.print_outcome, "ok", False))

    def finish(self) -> None:
        """"Selesai" on the done screen: the next citizen starts clean.

        After an assisted filing the clerk is still at the counter: back to the staff area,
        with everything of that citizen forgotten as after any filing.
        """
        if self.assisted and self.staff_ok:
            self.leave_assisted()
            return
        self.wipe()

    # -- status look-up --------------------------------------------------------------------
    def check_status(self, text: str) -> None:
        if self.busy:
            return
        self.busy = True
        self.lookup_text = text
        self.lookup_result = None
        ops.run(
            self.core.lookup_status,
            text,
            self.language,
            on_done=self._guard(self._looked_up),
            on_error=self._guard(self._lookup_failed),
            lane=ops.NETWORK,
        )

    def _looked_up(self, result: Any) -> None:
        self.busy = False
        self.lookup_result = result
        self.lookup_finished.emit(result)

    def _lookup_failed(self, exc: BaseException) -> None:
        self.busy = False
        self.lookup_result = None
        self.lookup_finished.emit(None)

    # -- staff --------------------------------------------------------------------------------
    def open_staff(self) -> None:
        self.staff_ok = False
        self._go(STAFF_PIN)

    def staff_login(self, pin: str) -> None:
        if self.busy:
            return
        self.busy = True
        # Slow on purpose (scrypt): off the GUI thread.
        ops.run(self.core.staff_login, pin, on_done=self._guard(self._staff_result), on_error=self._guard(self._staff_error),
                lane=ops.STAFF)

    def _staff_result(self, result: Any) -> None:
        self.busy = False
        self.staff_ok = bool(getattr(result, "ok", False))
        self.staff_login_finished.emit(result)
        if self.staff_ok:
            self._go(STAFF, remember=False)

    def _staff_error(self, exc: BaseException) -> None:
        self.busy = False
        self.staff_login_finished.emit(None)

    # -- assisted mode (a clerk files for a citizen) ---------------------------------------------
    def start_assisted(self) -> None:
        """From the staff area: a fresh draft, marked assisted, on the clerk's one-page form."""
        if not self.staff_ok or self.busy:
            return
        self._generation += 1
        self._reset_state()
        self.staff_ok = True
        self.assisted = True
        self.wiped.emit()  # nothing of an earlier citizen's path stays in any screen
        self._go(ASSISTED, remember=False)

    def assisted_service(self, code: str) -> None:
        """The clerk picked a service: its questions, all on one page (answers shared by every
        service, such as the description, are kept)."""
        service = self.core.catalog.service(code)
        if self.service is None or self.service.code != service.code:
            keep = {k: v for k, v in self.values.items() if k in ("description", "location.stall", "reporter.name", "reporter.phone")}
            self.values = keep
            self._errors = {}
        self.service = service
        self.kind = service.kind
        self.steps = steps_for(service, service.kind)
        self.step_index = 0
        self.submit_error = ""
        self.step_changed.emit()
        self.errors_changed.emit()

    def leave_assisted(self) -> None:
        """Back to the staff area; the citizen's answers are forgotten (as by the idle wipe)."""
        if self.busy:
            return
        self._generation += 1
        self._reset_state()
        self.staff_ok = True
        if self.language != self.default_language:
            self.set_language(self.default_language)
        self.wiped.emit()
        self._go(STAFF, remember=False)

    # -- privacy ---------------------------------------------------------------------------
    def wipe(self) -> None:
        """Forget everything of this citizen and go back to the start in the default language.

        The screens clear their widgets on ``wiped``; an operation still running (a print)
        finishes in the background but its result is dropped with the rest.
        """
        self._generation += 1
        self._reset_state()
        self._history.clear()
        if self.language != self.default_language:
            self.set_language(self.default_language)
        self.wiped.emit()
        self._go(WELCOME, remember=False)
