"""Check everything before sending, with an "Ubah" (change) button per answer."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QVBoxLayout, QWidget

from kiosk import speech
from kiosk.i18n import N_, _, current_language
from kiosk.kinds import kind_label
from ui.flow import REVIEW
from ui.screens import Screen
from ui.widgets import button, clear_layout, label, scroll_area


# Answers that identify the citizen: the listen button says they are filled in, not what they are.
PRIVATE_EDITORS = ("name", "phone", "nik")


class ReviewScreen(Screen):
    name = REVIEW

    def __init__(self, flow, parent=None) -> None:
        super().__init__(flow, parent)
        self.title = label(N_("Periksa laporan Anda"), role="title")
        self.subtitle = label(N_("Jika ada yang salah, tekan Ubah. Jika sudah benar, tekan Kirim."), role="muted")
        self.service = label("", role="card")
        self.service.setObjectName("review-service")
        self.error = label("", role="error")
        self.error.setObjectName("submit-error")
        self.body.addWidget(self.title)
        self.body.addWidget(self.subtitle)
        self.body.addWidget(self.service)
        self.body.addWidget(self.error)
        self.rows_widget = QWidget()
        self.rows = QGridLayout(self.rows_widget)
        self.rows.setContentsMargins(0, 0, 12, 0)
        self.rows.setHorizontalSpacing(20)
        self.rows.setVerticalSpacing(8)
        self.rows.setColumnStretch(0, 1)
        self.rows_area = scroll_area(self.rows_widget)
        self.body.addWidget(self.rows_area, 1)
        flow.errors_changed.connect(self._maybe_refresh)

    def primary(self):
        return (N_("Kirim"), "send")

    def primary_enabled(self) -> bool:
        return not self.flow.busy

    def on_primary(self) -> None:
        self.flow.submit()

    def spoken(self, lang: str) -> str:
        flow = self.flow
        answers = [
            speech.Answer(step.question(lang), shown, error=flow.error_text(step.field),
                          private=step.editor in PRIVATE_EDITORS and bool(flow.value(step.field)))
            for step, shown in flow.review_items()
        ]
        return speech.review(lang, kind_name=kind_label(flow.kind, lang), service_name=flow.service.name.get(lang) if flow.service else "",
                             answers=answers, error=flow.submit_error)

    def enter(self) -> None:
        self._fill()

    def resizeEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        # On a short panel the answers need the room; the Ubah buttons say what the line said.
        self.subtitle.setVisible(self.window().height() > 800)
        super().resizeEvent(ev)

    def retranslate(self) -> None:
        super().retranslate()
        if self.flow.screen == REVIEW:
            self._fill()

    def _maybe_refresh(self) -> None:
        if self.flow.screen == REVIEW:
            self._fill()

    def clear(self) -> None:
        self._empty()
        self.service.clear()
        self.error.clear()

    def _empty(self) -> None:
        clear_layout(self.rows)

    def _fill(self) -> None:
        self._empty()
        flow = self.flow
        lang = current_language()
        self.service.setText(f"{kind_label(flow.kind, lang)}: {flow.service.name.get(lang) if flow.service else ''}")
        self.error.setText(flow.submit_error)
        self.error.setVisible(bool(flow.submit_error))
        r = 0
        for step, shown in flow.review_items():
            q = label("", role="muted")
            q.setText(step.question(lang))
            v = label("")
            v.setText(shown)
            v.setObjectName(f"review-value-{step.field}")
            v.setStyleSheet("font-weight: 600;")
            errs = flow.error_text(step.field)
            col = QVBoxLayout()
            box = QFrame()
            box.setLayout(col)
            col.setContentsMargins(0, 6, 0, 6)
            col.setSpacing(2)
            col.addWidget(q)
            col.addWidget(v)
            if errs:
                e = label("", role="error")
                e.setText(errs)
                col.addWidget(e)
            edit = button(N_("Ubah"), "edit", role="link", object_name=f"edit-{step.field}")
            edit.setAccessibleName(_("Ubah: {question}").format(question=step.question(lang)))
            edit.clicked.connect(lambda _=False, f=step.field: flow.edit(f))
            self.rows.addWidget(box, r, 0)
            self.rows.addWidget(edit, r, 1, Qt.AlignVCenter)
            r += 1
            line = QFrame()
            line.setFrameShape(QFrame.HLine)
            line.setStyleSheet("color: #9AA7B5;")
            self.rows.addWidget(line, r, 0, 1, 2)
            r += 1
        self.rows_area.settle()
        self.nav_changed.emit()
