"""Check the status of a report by its tracking code, typed on the on-screen keyboard."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk import speech
from kiosk.i18n import N_, _, current_language
from ui import theme
from ui.flow import STATUS
from ui.icons import pixmap
from ui.screens import Screen
from ui.widgets import label, name_icon, scroll_area, set_msgid, text_field


class StatusScreen(Screen):
    name = STATUS

    def __init__(self, flow, parent=None) -> None:
        super().__init__(flow, parent)
        self.title = label(N_("Cek status laporan"), role="title")
        self.hint = label(N_("Ketik kode yang tercetak di tanda terima, misalnya ABC-1234-5678."), role="muted")
        self.body.addWidget(self.title)
        self.body.addWidget(self.hint)
        row = QHBoxLayout()
        row.setSpacing(18)
        self.field = text_field(Qt.ImhUppercaseOnly | Qt.ImhPreferUppercase | Qt.ImhNoAutoUppercase, max_length=20)
        self.field.setObjectName("status-code")
        set_msgid(self.field, N_("Kode laporan"))
        self.field.returnPressed.connect(self.on_primary)
        self.field.textChanged.connect(self._typed)
        row.addWidget(self.field, 1)
        self.body.addLayout(row)
        self.result = QWidget()
        res = QVBoxLayout(self.result)
        res.setContentsMargins(0, 8, 12, 0)
        res.setSpacing(10)
        head = QHBoxLayout()
        self.mark = QLabel()
        head.addWidget(self.mark, 0, Qt.AlignTop)
        self.headline = label("", role="title")
        self.headline.setObjectName("status-headline")
        head.addWidget(self.headline, 1)
        res.addLayout(head)
        self.details = label("", role="card")
        self.details.setObjectName("status-details")
        res.addWidget(self.details)
        res.addStretch(1)
        self.body.addWidget(scroll_area(self.result), 1)
        self.result.hide()
        flow.lookup_finished.connect(self._show)

    def _typed(self, text: str) -> None:
        """A new code is being typed: the previous code's answer goes, or it would be read as
        this code's."""
        if self.result.isVisible() and text.strip() != self.flow.lookup_text:
            self.flow.lookup_result = None
            self.headline.clear()
            self.details.clear()
            self.mark.clear()
            self.result.hide()
        self.nav_changed.emit()

    def primary(self):
        return (N_("Cek status"), "search")

    def primary_enabled(self) -> bool:
        return bool(self.field.text().strip()) and not self.flow.busy

    def on_primary(self) -> None:
        text = self.field.text().strip()
        if text and not self.flow.busy:
            self.headline.setText(_("Mencari…"))
            self.details.hide()
            self.result.show()
            self.flow.check_status(text)
            self.nav_changed.emit()

    def spoken(self, lang: str) -> str:
        r = self.flow.lookup_result
        if self.flow.busy:
            return speech.status(lang, searching=True)
        if r is not None:
            return speech.status(lang, speech.StatusAnswer(
                message=r.message, code=r.code or "", service_name=r.service_name, notes=r.status_notes,
                agency=r.agency, due=r.due_date))
        if self.result.isVisibleTo(self) and self.headline.text():  # the look-up failed: what the screen says
            return speech.status(lang, speech.StatusAnswer(message=self.headline.text()))
        return speech.status(lang)

    def enter(self) -> None:
        if self.flow.lookup_result is None and not self.flow.busy:
            self.result.hide()
        self.field.setFocus(Qt.OtherFocusReason)

    def clear(self) -> None:
        self.field.clear()
        self.headline.clear()
        self.details.clear()
        self.mark.clear()
        self.result.hide()

    def retranslate(self) -> None:
        super().retranslate()
        if self.flow.lookup_result is not None and self.flow.screen == STATUS:
            # The headline came translated from the core: ask again in the new language.
            self.on_primary()

    def _show(self, result) -> None:
        self.nav_changed.emit()
        self.field.clearFocus()  # the keyboard goes away so the answer can be read
        self.result.show()
        if result is None:
            self.headline.setText(_("Status belum dapat dilihat. Coba lagi nanti."))
            self.details.hide()
            self.mark.setPixmap(pixmap("warning", theme.GOLD, 56))
            name_icon(self.mark, N_("Perhatian"))
            return
        good = result.outcome in ("open", "closed", "waiting")
        name_icon(self.mark, N_("Berhasil") if good else N_("Perhatian"))
        self.mark.setPixmap(pixmap("check" if result.outcome == "closed" else ("info" if good else "warning"),
                                   theme.TEAL if good else theme.GOLD, 56))
        self.headline.setText(result.message)
        lang = current_language()
        lines = []
        if result.display_code:
            lines.append(_("Kode: {code}").format(code=result.display_code))
        if result.service_name:
            lines.append(_("Layanan: {service}").format(service=result.service_name))
        if result.status_notes:
            lines.append(_("Catatan petugas: {notes}").format(notes=result.status_notes))
        if result.agency:
            lines.append(_("Ditangani oleh: {agency}").format(agency=result.agency))
        if result.due_date:
            from kiosk.core import format_date

            lines.append(_("Paling lambat: {date}").format(date=format_date(result.due_date, lang)))
        self.details.setText("\n".join(lines))
        self.details.setVisible(bool(lines))
