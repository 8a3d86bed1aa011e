"""One question of the form, with the input that suits it.

The editor is chosen from the step: free text and names on the on-screen keyboard;
phone, NIK, stall and numbers on the big NumPad beside the field; list values as big
radio buttons (one answer) or big checkable buttons (several); dates with steppers.
The contact screen asks the name and the phone together: the field the citizen is on
decides which keyboard shows (letters for the name, the pad for the phone), never both.
Whatever is entered goes to the ``Flow`` at once, so Back and the review never lose it.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from kiosk import speech
from kiosk.i18n import N_, _, current_language, tr
from ui import theme
from ui.flow import QUESTION, Step
from ui.icons import pixmap
from ui.screens import Screen
from ui.widgets import (
    ChoiceList,
    DateTimePicker,
    FitGrid,
    name_icon,
    NumPad,
    PadField,
    button,
    clear_layout,
    label,
    numeric_field,
    scroll_area,
    set_invalid,
    set_msgid,
    text_area,
    text_field,
)

COMPACT_TEXT_PX = 170
AUTO_NEXT_MS = 350
QWIDGETSIZE_MAX = (1 << 24) - 1


class QuestionScreen(Screen):
    name = QUESTION

    def __init__(self, flow, parent=None) -> None:
        super().__init__(flow, parent)
        self.body.setContentsMargins(48, 20, 48, 12)
        row = QHBoxLayout()
        row.setSpacing(40)
        self.left = QWidget()
        self.left_layout = QVBoxLayout(self.left)
        self.left_layout.setContentsMargins(0, 0, 16, 0)
        self.left_layout.setSpacing(14)
        self.progress = label("", role="muted", wrap=False)
        self.progress.setObjectName("step-progress")
        head = QHBoxLayout()
        self.step_icon = QLabel()
        head.addWidget(self.step_icon, 0, Qt.AlignTop)
        self.question = label("", role="title")
        self.question.setObjectName("question")
        head.addWidget(self.question, 1)
        head.addWidget(self.progress, 0, Qt.AlignTop)  # beside the question: one line less
        self.hint = label("", role="muted")
        self.notice = label("", role="notice")
        self.error = label("", role="error")
        self.error.setObjectName("field-error")
        self.error.setAccessibleDescription("error")
        self.editor_holder = QVBoxLayout()
        self.editor_holder.setSpacing(14)
        # The question on top across the whole width (long Javanese questions need it), the
        # answer under it: the field on the left and, for numbers, the pad on the right.
        self.top = QWidget()
        self.top_layout = QVBoxLayout(self.top)
        self.top_layout.setContentsMargins(0, 0, 0, 0)
        self.top_layout.setSpacing(8)
        self.top_layout.addLayout(head)
        self.top_layout.addWidget(self.notice)
        self.top_layout.addWidget(self.hint)
        self.body.addWidget(self.top)
        self.left_layout.addLayout(self.editor_holder)
        self.left_layout.addWidget(self.error)
        self.left_layout.addStretch(1)
        self.scroll = scroll_area(self.left)
        row.addWidget(self.scroll, 3)
        self.pad_holder = QVBoxLayout()
        row.addLayout(self.pad_holder, 0)
        self.body.addLayout(row, 1)
        self.editor: QWidget | None = None
        self.field: QLineEdit | QPlainTextEdit | None = None
        self.pad: NumPad | None = None
        self.anonymous_button = None
        self.phrases: QWidget | None = None
        self.step: Step | None = None
        # The contact screen: a field, a label and an error line per part (name, phone).
        self.fields: dict[str, QLineEdit] = {}
        self.part_labels: dict[str, QLabel] = {}
        self.part_hints: dict[str, QLabel] = {}
        self.part_errors: dict[str, QLabel] = {}
        self.compact = False
        flow.step_changed.connect(self._build)
        flow.errors_changed.connect(self._show_errors)
        flow.values_changed.connect(lambda: self.nav_changed.emit() if flow.screen == QUESTION else None)

    def resizeEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(ev)
        self._fit_pad()

    def event(self, ev) -> bool:
        # Large text (a re-polish) or another language makes the question taller: refit the pad.
        if ev.type() in (QEvent.StyleChange, QEvent.FontChange, QEvent.LanguageChange):
            QTimer.singleShot(0, self, self._fit_pad)
        return super().event(ev)

    def _fit_pad(self) -> None:
        """Size the pad's keys to the panel: every key, the field and Back/Next stay in view
        without scrolling, from 1024x768 with large text to 1920x1080.

        ``theme.touch_min_px``: 15 mm whatever the panel's resolution.  The date picker is fitted
        to the width here too (its steppers and "Hari ini" must not be cut at 1024 pixels)."""
        m = self.body.contentsMargins()
        if isinstance(self.editor, DateTimePicker):
            column = (self.width() - m.left() - m.right() - self.left_layout.contentsMargins().right()
                      - self.scroll.verticalScrollBar().sizeHint().width())
            self.editor.fit_width(column, theme.touch_min_px(self.window().height()))
        pad = self.pad
        if pad is None:
            return
        width = self.width() - m.left() - m.right()
        top_h = self.top.heightForWidth(width) if self.top.hasHeightForWidth() else self.top.sizeHint().height()
        avail_h = self.height() - m.top() - m.bottom() - top_h - self.body.spacing() - 16
        rows = 4
        floor = theme.touch_min_px(self.window().height())
        key_h = max(floor, min(theme.TOUCH_MIN_PX, (avail_h - 10 * (rows - 1)) // rows))
        cols = 3 + pad.extra_columns
        avail_w = int((self.width() - m.left() - m.right()) * 0.62)
        key_w = max(floor, min(int(key_h * 1.25), (avail_w - 10 * (cols - 1)) // cols))
        # At the smallest key size the gaps give way first (never the keys, never the bar).
        gap = max(4, min(10, (avail_h - rows * key_h) // (rows - 1)))
        pad.set_key_size(key_w, key_h, gap)

    def set_compact(self, compact: bool) -> None:
        """Keyboard up on a 768-pixel panel: tighter spacing makes room for the question,
        three lines of the answer and Back/Next above the keys."""
        self.compact = compact
        # While typing on a short panel the example under the question gives its room to the
        # answer (it was read before the first key).
        self._show_hint()
        for hint in self.part_hints.values():
            hint.setVisible(bool(hint.text()) and not compact)
        self.left_layout.setSpacing(6 if compact else 14)
        self.body.setContentsMargins(48, 4 if compact else 20, 48, 2 if compact else 12)
        self._fit_field()
        # Called whenever the letter keyboard comes or goes: the pad shows only once it is gone.
        self._sync_pad()
        self._show_hint()

    def _fit_field(self) -> None:
        # Four lines of the answer while the keyboard is up (three must show; a long hint in
        # Javanese takes two lines); the whole field again when it goes.
        if isinstance(self.field, QPlainTextEdit):
            self.field.setMaximumHeight(COMPACT_TEXT_PX if self.compact else QWIDGETSIZE_MAX)

    # -- navigation bar ---------------------------------------------------------------------
    def primary(self):
        flow = self.flow
        if flow.returning_to_review:
            return (N_("Simpan"), "check")
        step = self.step
        named = bool(str(flow.value("reporter.name", "")).strip()) and not flow.anonymous
        optional = step is not None and not step.required and step.editor not in ("name", "contact")
        if optional and not (step.editor == "phone" and named) and not flow.value(step.field, ""):
            return (N_("Lewati"), "next")  # an optional question left empty: one tap skips it
        return (N_("Lanjut"), "next")

    def on_primary(self) -> None:
        if not self.flow.next() and self.step is not None and self.step.parts:
            self._activate(self.flow.active_field)  # the refused field, with its own keyboard

    # -- building the editor ---------------------------------------------------------------
    def enter(self) -> None:
        if self.step is not self.flow.current_step:
            self._build()
        if self.flow.active_field in self.fields:  # (the review's "Ubah" of that row)
            self.field = self.fields[self.flow.active_field]
        self._focus()

    def clear(self) -> None:
        self._teardown()
        self.step = None
        for lab in (self.question, self.hint, self.notice, self.error, self.progress):
            lab.clear()

    def _teardown(self) -> None:
        for holder in (self.editor_holder, self.pad_holder):
            clear_layout(holder)
        if self.anonymous_button is not None and self.top_layout.indexOf(self.anonymous_button) >= 0:
            self.top_layout.removeWidget(self.anonymous_button)
            self.anonymous_button.hide()
            self.anonymous_button.deleteLater()
        self.editor = self.field = self.pad = self.anonymous_button = self.phrases = None
        self.fields, self.part_labels, self.part_hints, self.part_errors = {}, {}, {}, {}

    def _build(self) -> None:
        step = self.flow.current_step
        self._teardown()
        self.step = step
        if step is None:
            return
        flow = self.flow
        value = flow.value(step.field, [] if step.editor == "multi" else "")
        ed = step.editor
        spec = step.input  # keypad and limits: the core's rule (kiosk.inputs)
        if ed in ("text",):
            f = text_area()
            f.setObjectName("answer")
            f.setPlainText(value)
            f.textChanged.connect(lambda: flow.set_value(step.field, f.toPlainText()))
            self.field = self.editor = f
        elif ed in ("string", "name"):
            f = text_field(max_length=spec.max_length)
            f.setObjectName("answer")
            f.setText(value)
            f.textChanged.connect(lambda t: flow.set_value(step.field, t))
            f.returnPressed.connect(self.on_primary)
            self.field = self.editor = f
        elif spec.numeric:
            f = numeric_field(spec.max_length)
            f.setObjectName("answer")
            f.setText(value)
            f.textChanged.connect(lambda t: flow.set_value(step.field, t))
            self.field = self.editor = f
            self.pad = NumPad(f, extra=spec.extra_keys)
            self.pad_holder.addWidget(self.pad)
            self.pad_holder.addStretch(1)
        elif ed in ("single", "multi"):
            c = ChoiceList(step.options(current_language()), multi=ed == "multi")
            c.setObjectName("answer")
            c.set_value(value)
            c.changed.connect(lambda v: flow.set_value(step.field, v))
            if ed == "single":
                c.changed.connect(lambda _v: self._move_on_soon(step))  # one answer: no Next needed
            self.editor = c
        elif ed == "contact":
            self.editor = self._contact(step)
        elif ed == "datetime":
            d = DateTimePicker()
            d.setObjectName("answer")
            d.set_value(value)
            d.changed.connect(lambda v: flow.set_value(step.field, v))
            self.editor = d
        if step.field == "description" and flow.service is not None and flow.service.quick_phrases:
            self.phrases = self._phrase_buttons(step, flow.service.quick_phrases)
        if ed in ("name", "contact"):
            b = button(N_("Saya tidak ingin menyebut nama"), "anonymous", role="choice", object_name="anonymous")
            b.setCheckable(True)
            b.setChecked(flow.anonymous)
            b.toggled.connect(self._anonymous)
            self.anonymous_button = b
        if self.editor is not None:
            self.editor_holder.addWidget(self.editor)
            self.editor.show()  # now, not when the layout gets round to it: focus needs it shown
        if self.phrases is not None:
            self.editor_holder.addWidget(self.phrases)
            self.phrases.show()
        if self.anonymous_button is not None:
            if self.fields:
                # The contact screen: "no name" first, across the whole width (beside the pad
                # its words would not fit), where it shows above the letter keyboard too.
                self.top_layout.addWidget(self.anonymous_button)
            else:
                self.editor_holder.addWidget(self.anonymous_button)
            self.anonymous_button.show()
            self._anonymous(flow.anonymous, refocus=False)
        if self.pad is not None:
            self.pad.show()
        self._fit_field()
        self._texts()
        self._fit_pad()
        self._show_errors()
        self.nav_changed.emit()
        # A new question starts at its top (the answers may have been re-laid in one column).
        for area in (self.scroll, self.page):
            area.verticalScrollBar().setValue(0)
        QTimer.singleShot(0, self, lambda: self.flow.error_text(step.field) or self.scroll.verticalScrollBar().setValue(0))
        self._focus()
        self._sync_pad()

    def _contact(self, step: Step) -> QWidget:
        """Name and phone on one screen: each part's own field, limits and keypad (the core's
        ``input_spec``), its question above it and its error under it.  The field the citizen
        is on is ``self.field``: focusing it brings its keyboard (``_sync_pad``)."""
        flow = self.flow
        box = QWidget()
        box.setObjectName("contact")
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        for part in step.parts:
            spec = part.input
            lab = label("", role="subtitle")
            lab.setObjectName(f"label-{part.field}")
            if spec.numeric:
                f = numeric_field(spec.max_length)
                self.pad = NumPad(f, extra=spec.extra_keys)
                self.pad.hide()  # until the phone field is the one being filled
                self.pad_holder.addWidget(self.pad)
                self.pad_holder.addStretch(1)
            else:
                f = text_field(max_length=spec.max_length)
                # "Enter" on the letter keyboard goes on to the next field of this screen.
                f.returnPressed.connect(lambda fld=part.field: self._after_enter(fld))
            f.setObjectName(f"answer-{part.field}")
            f.setText(flow.value(part.field, ""))
            f.textChanged.connect(lambda t, fld=part.field: flow.set_value(fld, t))
            f.installEventFilter(self)
            hint = label("", role="muted")
            hint.setObjectName(f"hint-{part.field}")
            err = label("", role="error")
            err.setObjectName(f"field-error-{part.field}")
            err.setAccessibleDescription("error")
            err.hide()
            lay.addWidget(lab)
            lay.addWidget(f)
            lay.addWidget(err)  # right under its field, above the example
            lay.addWidget(hint)
            lay.addSpacing(8)
            self.fields[part.field] = f
            self.part_labels[part.field] = lab
            self.part_hints[part.field] = hint
            self.part_errors[part.field] = err
        # Where to start: the field asked for (an "Ubah" in the review, a refused answer),
        # else the first one with an error, else the first.
        active = flow.active_field if flow.active_field in self.fields else ""
        active = active or next((f for f in self.fields if flow.errors(f)), "") or next(iter(self.fields))
        flow.active_field = active
        self.field = self.fields[active]
        return box

    def _after_enter(self, field: str) -> None:
        names = list(self.fields)
        i = names.index(field) if field in names else -1
        if 0 <= i < len(names) - 1:
            self._activate(names[i + 1])
        else:
            self.on_primary()

    def eventFilter(self, obj, ev) -> bool:  # noqa: N802 (Qt API)
        if ev.type() == QEvent.FocusIn and self.fields:
            for field, w in self.fields.items():
                if w is obj:
                    self._set_active(field)
        if isinstance(obj, PadField) and obj in self.fields.values():
            # The pad only adds at the end: a second tap on the phone field must not select
            # the number (the next key would replace it all).
            if ev.type() == QEvent.MouseButtonDblClick:
                return True
            if ev.type() == QEvent.MouseButtonRelease:
                QTimer.singleShot(0, obj, lambda f=obj: (f.deselect(), f.end(False)))
        return super().eventFilter(obj, ev)

    def _set_active(self, field: str) -> None:
        """The citizen is on ``field`` now (a tap or Enter): its keyboard, the other's hidden."""
        self.flow.active_field = field
        self.field = self.fields[field]
        self._show_hint()
        self._sync_pad()
        # Once the pad (or the keyboard) has taken its room and the column is laid out again.
        QTimer.singleShot(0, self, lambda: self._reveal(field))

    def _show_hint(self) -> None:
        """The hint under the question: not while typing on a short panel (it was read before
        the first key), nor over the phone pad on the contact screen (it is about the name,
        and the pad's four rows need the room)."""
        on_pad = bool(self.fields) and isinstance(self.field, PadField)
        # On the contact screen the "no name" button sits above the fields: while the letter
        # keyboard is up, at any panel size, the hint gives its room to the name field.
        kb = getattr(self.window(), "keyboard", None)
        on_keys = bool(self.fields) and bool(kb is not None and kb.isVisible())
        self.hint.setVisible(bool(self.hint.text()) and not self.compact and not on_pad and not on_keys)

    def _activate(self, field: str) -> None:
        """Put the citizen on ``field`` (focus brings the right keyboard)."""
        if field not in self.fields:
            return
        self._set_active(field)
        self._focus()
        self._reveal(field)

    def _reveal(self, field: str) -> None:
        """Its question, its error and the field itself in view (the field wins if not all fit)."""
        if field not in self.fields:
            return
        for w in (self.part_labels[field], self.part_errors[field], self.fields[field]):
            if not w.isHidden():
                self.scroll.ensureWidgetVisible(w, 20, 10)

    def _sync_pad(self) -> None:
        """On the contact screen the pad shows only while the phone field is the one being
        filled and the letter keyboard has gone: the two keyboards are never up together.
        (On a one-question screen the pad is the only keyboard and always there.)"""
        pad = self.pad
        if pad is None or not self.fields:
            return
        kb = getattr(self.window(), "keyboard", None)
        letters_up = bool(kb is not None and kb.isVisible())
        want = isinstance(self.field, PadField) and self.field.isEnabled() and not letters_up
        if want == pad.isHidden():
            pad.setVisible(want)
            if want:
                self._fit_pad()
                # The pad may come only when the letter keyboard has finished going (later than
                # the tap, on a busy PC): the field it types into must still be in view then.
                active = self.flow.active_field
                QTimer.singleShot(0, self, lambda: self._reveal(active) if active else None)
            self.updateGeometry()

    def _phrase_buttons(self, step: Step, phrases) -> QWidget:
        """Ready-made descriptions from the catalog: one tap fills the description and moves on
        (Back brings the citizen here again to add to it)."""
        box = FitGrid(spacing=10)
        box.setObjectName("quick-phrases")
        box.set_header(label(N_("Atau pilih salah satu:"), role="muted"))
        lang = current_language()
        for i, phrase in enumerate(phrases):
            text = phrase.get(lang) or phrase.get("id")
            b = button("", "check", role="choice", object_name=f"phrase-{i}")
            b.setText(text.replace("&", "&&"))
            b.setAccessibleName(text)
            b.clicked.connect(lambda _=False, t=text: self._use_phrase(step, t))
            box.add(b)
        return box

    def _use_phrase(self, step: Step, text: str) -> None:
        if isinstance(self.field, QPlainTextEdit):
            self.field.setPlainText(text)
        self.flow.set_value(step.field, text)
        self._move_on_soon(step)

    def _move_on_soon(self, step: Step) -> None:
        """Go on by itself a moment after a one-tap answer (long enough to see it chosen)."""
        def go() -> None:
            if self.flow.screen == QUESTION and self.flow.current_step is step and self.step is step:
                self.flow.next()
        QTimer.singleShot(AUTO_NEXT_MS, self, go)

    def _anonymous(self, on: bool, refocus: bool = True) -> None:
        self.flow.set_anonymous(on)
        if on and refocus and self.step is not None:
            self._move_on_soon(self.step)  # no name: nothing more to ask here
        typed = list(self.fields.values()) or ([self.field] if self.field is not None else [])
        for f in typed:
            if on:
                f.blockSignals(True)
                f.clear()
                f.blockSignals(False)
                f.clearFocus()
            f.setEnabled(not on)
        self._sync_pad()
        if not on and refocus:
            self._focus()

    def _focus(self) -> None:
        if self.field is not None and self.field.isEnabled() and self.isVisible():
            self.field.setFocus(Qt.OtherFocusReason)
            if isinstance(self.field, QLineEdit):
                self.field.end(False)

    def ensure_field_visible(self) -> None:
        """Called when the keyboard appears: the field must stay in view above it."""
        if self.field is not None and self.field.hasFocus():
            self.scroll.ensureWidgetVisible(self.field, 20, 20)
            self.page.ensureWidgetVisible(self.field, 20, 20)

    # -- texts ---------------------------------------------------------------------------
    def _position(self, step: Step) -> tuple[int, int]:
        """(this step's number, how many steps) as the citizen counts them."""
        flow = self.flow
        visible = [s for s in flow.steps if not flow._skipped(s)]
        return (visible.index(step) + 1 if step in visible else flow.step_index + 1), len(visible)

    def _notes(self, step: Step, lang: str) -> list[str]:
        """The service's fixed notes, shown above the description question."""
        flow = self.flow
        if step.field == "description" and flow.service is not None:
            return [a.description.get(lang) for a in flow.service.attributes if not a.variable and a.description]
        return []

    def spoken(self, lang: str) -> str | None:
        step = self.step
        if step is None:
            return None
        n, total = self._position(step)
        options = [name for _key, name in step.options(lang)]
        if self.anonymous_button is not None:
            options.append(tr(lang, self.anonymous_button.property("msgid")))
        if step.parts:
            # The contact screen: each of its questions, as the screen shows them (the name's
            # hint is the screen's own), and the errors of both fields.
            notes: list[str] = []
            for i, part in enumerate(step.parts):
                notes += [part.question(lang), step.hint(lang) if i == 0 else part.hint(lang)]
            errors = [self.flow.error_text(f) for f in step.fields]
            return speech.question(lang, number=n, total=total, text=step.question(lang), notes=notes,
                                   options=options, error="\n".join(e for e in errors if e))
        return speech.question(lang, number=n, total=total, text=step.question(lang), hint=step.hint(lang),
                               optional=not step.required and step.attribute is not None,
                               notes=self._notes(step, lang), options=options,
                               error=self.flow.error_text(step.field))

    def _texts(self) -> None:
        step = self.step
        if step is None:
            return
        lang = current_language()
        n, total = self._position(step)
        set_msgid(self.progress, N_("Langkah {n} dari {total}"), n=n, total=total)
        question = step.question(lang)
        if not step.required and step.attribute is not None:
            question += " " + _("(boleh dikosongkan)")
        self.question.setText(question)
        self.question.setAccessibleName(question)
        hint = step.hint(lang)
        self.hint.setText(hint)
        self._show_hint()
        self.step_icon.setPixmap(pixmap(step.icon, theme.TEAL, 56))
        name_icon(self.step_icon, N_("Ikon pertanyaan"))
        notes = self._notes(step, lang)
        self.notice.setText("\n".join(notes))
        self.notice.setVisible(bool(notes))
        for part in step.parts:
            asked = part.question(lang)
            self.part_labels[part.field].setText(asked)
            self.fields[part.field].setAccessibleName(asked)
            hint_text = part.hint(lang)
            self.part_hints[part.field].setText(hint_text)
            self.part_hints[part.field].setVisible(bool(hint_text) and not self.compact)
        if self.field is not None and not step.parts:
            self.field.setAccessibleName(question)
        if self.editor is not None and self.editor is not self.field:
            self.editor.setAccessibleName(question)
        if isinstance(self.editor, ChoiceList):
            self.editor.relabel(step.options(lang))
        if isinstance(self.editor, DateTimePicker):
            self.editor.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self._texts()
        self._show_errors()

    def _show_errors(self) -> None:
        step = self.step
        if step is not None and step.parts:
            # Each field's error under that field (``FieldError.field`` names it).
            self.error.clear()
            self.error.hide()
            first = None
            for field, err in self.part_errors.items():
                text = self.flow.error_text(field)
                err.setText(text)
                err.setVisible(bool(text))
                set_invalid(self.fields[field], bool(text))
                self.fields[field].setAccessibleDescription(text)
                first = first or (err if text else None)
            if first is not None:
                self.scroll.ensureWidgetVisible(first, 20, 20)
            return
        text = self.flow.error_text(step.field) if step is not None else ""
        self.error.setText(text)
        self.error.setVisible(bool(text))
        if self.field is not None:
            set_invalid(self.field, bool(text))
            self.field.setAccessibleDescription(text)
        if text:
            self.scroll.ensureWidgetVisible(self.error, 20, 20)
