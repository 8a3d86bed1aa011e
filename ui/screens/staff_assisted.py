"""Assisted mode: a clerk files on behalf of a citizen, from the staff area.

Same questions, same validation and the same receipt as the citizen's path, but laid out
for someone who does this all day: the service is picked from a list, every question of its
form is on one scrollable page, and typing goes to the fields from a physical keyboard (the
on-screen keyboard only comes up if the clerk asks for it).  The submission is marked
``assisted`` (``Draft.assisted``), which the core stores in the outbox meta.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from kiosk.i18n import N_, _, current_language
from kiosk.kinds import kind_label
from ui.flow import ASSISTED, Step
from ui.screens import Screen
from ui.screens.staff import STAFF_STYLE, ServicePicker
from ui import theme
from ui.widgets import (
    ChoiceList,
    DateTimePicker,
    button,
    clear_layout,
    label,
    scroll_area,
    set_invalid,
    set_msgid,
    text_area,
    text_field,
)

_HINTS = {
    "number": Qt.ImhDigitsOnly,
    "nik": Qt.ImhDigitsOnly,
    "phone": Qt.ImhDialableCharactersOnly,
    "stall": Qt.ImhPreferUppercase | Qt.ImhPreferNumbers,
}


class AssistedScreen(Screen):
    name = ASSISTED

    def __init__(self, flow, parent=None) -> None:
        super().__init__(flow, parent)
        self.setStyleSheet(STAFF_STYLE)
        self.body.setContentsMargins(32, 14, 32, 10)
        self.body.setSpacing(10)
        head = QHBoxLayout()
        self.title = label(N_("Lapor untuk warga"), role="title")
        head.addWidget(self.title, 1)
        self.keyboard_toggle = button(N_("Papan ketik layar"), "keyboard", object_name="assisted-keyboard")
        self.keyboard_toggle.setCheckable(True)
        self.keyboard_toggle.toggled.connect(self._virtual_keyboard)
        head.addWidget(self.keyboard_toggle, 0, Qt.AlignTop)
        self.body.addLayout(head)
        self.note = label(N_("Laporan ini ditandai sebagai dibantu petugas. Ketik langsung dengan papan ketik fisik."), role="muted")
        self.body.addWidget(self.note)
        row = QHBoxLayout()
        self.service_label = label("", role="card")
        self.service_label.setObjectName("assisted-service")
        row.addWidget(self.service_label, 1)
        self.change_service = button(N_("Pilih layanan"), "search", object_name="assisted-pick-service")
        self.change_service.clicked.connect(self._show_picker)
        row.addWidget(self.change_service, 0, Qt.AlignTop)
        self.body.addLayout(row)
        self.picker = ServicePicker(self.core)
        self.picker.picked.connect(self._picked)
        # The list scrolls in its own area under the service row (35 services would otherwise
        # make the whole page as tall as the list).
        self.picker_scroll = scroll_area(self.picker)
        self.picker_scroll.setMinimumHeight(3 * theme.TOUCH_MIN_PX)
        self.body.addWidget(self.picker_scroll, 1)
        self.form = QWidget()
        self.form_layout = QVBoxLayout(self.form)
        self.form_layout.setContentsMargins(0, 0, 0, 0)
        self.form_layout.setSpacing(8)
        self.body.addWidget(self.form)
        self.submit_error = label("", role="error")
        self.submit_error.setObjectName("assisted-error")
        self.submit_error.hide()
        self.body.addWidget(self.submit_error)
        self.stretch = QWidget()  # takes the free height while the form is short
        self.body.addWidget(self.stretch, 1)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QWidget] = {}
        self.anonymous = None
        self._built_for: str | None = None
        flow.errors_changed.connect(self._show_errors)
        # Qt asks for the on-screen keyboard on a key press in a text field even when the field
        # does not take input-method text; the clerk who types on a real keyboard must not get it.
        QGuiApplication.inputMethod().visibleChanged.connect(self._keyboard_requested)

    # -- navigation bar ----------------------------------------------------------------------
    def primary(self):
        return (N_("Kirim"), "send")

    def primary_enabled(self) -> bool:
        return self.flow.service is not None and not self.flow.busy

    def on_primary(self) -> None:
        if self.primary_enabled():
            self.flow.submit()

    # -- life cycle --------------------------------------------------------------------------
    def enter(self) -> None:
        if self.flow.screen != ASSISTED:
            return
        service = self.flow.service
        if service is None:
            self._teardown()
            self._show_picker()
        elif self._built_for != service.code:
            self._build()
        self._texts()
        self._show_errors()
        self.nav_changed.emit()

    def clear(self) -> None:
        self._teardown()
        self.keyboard_toggle.setChecked(False)
        self.service_label.clear()
        self.submit_error.clear()
        self.submit_error.hide()

    def retranslate(self) -> None:
        super().retranslate()
        if self.flow.screen == ASSISTED and self.flow.service is not None:
            self._built_for = None  # questions and choices are in the new language
            self._build()
            self._texts()
            self._show_errors()

    def _show_picker(self) -> None:
        self.picker.fill(self.flow.service.code if self.flow.service else "")
        self.picker_scroll.show()
        self.picker_scroll.verticalScrollBar().setValue(0)
        self.stretch.hide()
        self.form.hide()
        self.change_service.hide()

    def _picked(self, code: str) -> None:
        self.flow.assisted_service(code)
        self._build()
        self._texts()
        self.nav_changed.emit()
        first = next(iter(self.fields.values()), None)
        if isinstance(first, (QLineEdit, QPlainTextEdit)):
            first.setFocus(Qt.OtherFocusReason)

    def _texts(self) -> None:
        service = self.flow.service
        lang = current_language()
        if service is None:
            set_msgid(self.service_label, N_("Pilih layanan yang diminta warga."))
        else:
            self.service_label.setProperty("msgid", None)
            self.service_label.setText(f"{kind_label(service.kind, lang)}: {service.name.get(lang) or service.code}  ·  {service.code}")

    # -- the form ----------------------------------------------------------------------------
    def _teardown(self) -> None:
        clear_layout(self.form_layout)
        self.fields.clear()
        self.errors.clear()
        self.anonymous = None
        self._built_for = None

    def _build(self) -> None:
        self._teardown()
        flow = self.flow
        lang = current_language()
        for screen in flow.steps:
            for step in screen.parts or (screen,):  # name and phone: a field each, as before
                self.form_layout.addWidget(self._question(step, lang))
        self._built_for = flow.service.code if flow.service else None
        self.picker_scroll.hide()
        self.stretch.show()
        self.form.show()
        self.change_service.show()
        self._virtual_keyboard(self.keyboard_toggle.isChecked())

    def _question(self, step: Step, lang: str) -> QWidget:
        flow = self.flow
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 6, 0, 0)
        lay.setSpacing(6)
        q = step.question(lang)
        if not step.required:
            q += " " + _("(boleh dikosongkan)")
        title = label("", role="")
        title.setText(q)
        title.setStyleSheet("font-weight: 700;")
        lay.addWidget(title)
        ed = step.editor
        value = flow.value(step.field, [] if ed == "multi" else "")
        editor: QWidget
        if ed == "text":
            f = text_area()
            f.setMinimumHeight(120)
            f.setMaximumHeight(160)
            f.setPlainText(value)
            f.textChanged.connect(lambda f=f, s=step: flow.set_value(s.field, f.toPlainText()))
            editor = f
        elif ed in ("single", "multi"):
            c = ChoiceList(step.options(lang), multi=ed == "multi")
            c.set_value(value)
            c.changed.connect(lambda v, s=step: flow.set_value(s.field, v))
            editor = c
        elif ed == "datetime":
            d = DateTimePicker()
            d.set_value(value)
            d.changed.connect(lambda v, s=step: flow.set_value(s.field, v))
            editor = d
        else:  # string, name, number, phone, nik, stall: typed
            f = text_field(_HINTS.get(ed, Qt.ImhNone), max_length=step.input.max_length or 200)
            f.setText(value)
            f.textChanged.connect(lambda t, s=step: flow.set_value(s.field, t))
            editor = f
        editor.setObjectName(f"assisted-{step.field}")
        editor.setAccessibleName(q)
        lay.addWidget(editor)
        self.fields[step.field] = editor
        if ed == "name":
            b = button(N_("Warga tidak ingin menyebut nama"), "anonymous", role="choice", object_name="assisted-anonymous")
            b.setCheckable(True)
            b.setChecked(flow.anonymous)
            b.toggled.connect(self._anonymous)
            lay.addWidget(b)
            self.anonymous = b
            self._anonymous(flow.anonymous)
        err = label("", role="error")
        err.setObjectName(f"assisted-error-{step.field}")
        err.hide()
        lay.addWidget(err)
        self.errors[step.field] = err
        return box

    def _anonymous(self, on: bool) -> None:
        self.flow.set_anonymous(on)
        for f in ("reporter.name", "reporter.phone"):
            w = self.fields.get(f)
            if isinstance(w, QLineEdit):
                if on:
                    w.blockSignals(True)
                    w.clear()
                    w.blockSignals(False)
                w.setEnabled(not on)

    def _virtual_keyboard(self, on: bool) -> None:
        """The clerk's physical keyboard is the default; the on-screen one only on request."""
        for w in self.fields.values():
            if isinstance(w, (QLineEdit, QPlainTextEdit)):
                w.setAttribute(Qt.WA_InputMethodEnabled, on)
        focus = QApplication.focusWidget()
        im = QGuiApplication.inputMethod()
        if on and isinstance(focus, (QLineEdit, QPlainTextEdit)) and self.isAncestorOf(focus):
            im.show()
        elif not on:
            im.hide()

    def _keyboard_requested(self) -> None:
        im = QGuiApplication.inputMethod()
        if (im.isVisible() and self.flow.screen == ASSISTED and not self.keyboard_toggle.isChecked()
                and self.isVisible()):
            QTimer.singleShot(0, self, im.hide)

    def _show_errors(self) -> None:
        if self.flow.screen != ASSISTED:
            return
        first = None
        for field, err in self.errors.items():
            text = self.flow.error_text(field)
            err.setText(text)
            err.setVisible(bool(text))
            w = self.fields.get(field)
            if isinstance(w, (QLineEdit, QPlainTextEdit)):
                set_invalid(w, bool(text))
            if text and first is None:
                first = err
        # Errors of fields not on this page (should not happen): say them at the bottom.
        others = [e.text(self.flow.language) for f, errs in self.flow.all_errors.items() if f not in self.errors for e in errs]
        bottom = "\n".join([t for t in [self.flow.submit_error, *others] if t])
        self.submit_error.setText(bottom)
        self.submit_error.setVisible(bool(bottom))
        if first is not None:
            self.page.ensureWidgetVisible(first, 20, 60)
        elif bottom:
            self.page.ensureWidgetVisible(self.submit_error, 20, 60)
