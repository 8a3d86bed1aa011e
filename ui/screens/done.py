"""Done: the tracking code and QR large on screen, the due date, "take your receipt".

If the printer failed the submission is still saved: the screen says so, shows the QR and
code large enough to photograph, and says staff can reprint.  Offline only changes the
words to "will be sent automatically".
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout

from kiosk import speech
from kiosk.i18n import N_, _, current_language
from ui import theme
from ui.flow import DONE
from ui.icons import pixmap
from ui.screens import Screen
from ui.widgets import button, label, name_icon, restyle, set_msgid

QR_PX_OK = 280
QR_PX_PHOTO = 380  # no paper: big enough for an old phone's camera at arm's length


class DoneScreen(Screen):
    name = DONE
    back_visible = False

    def __init__(self, flow, parent=None) -> None:
        super().__init__(flow, parent)
        head = QHBoxLayout()
        self.mark = QLabel()
        head.addWidget(self.mark, 0, Qt.AlignTop)
        self.title = label("", role="title")
        self.title.setObjectName("done-title")
        head.addWidget(self.title, 1)
        self.body.addLayout(head)
        row = QHBoxLayout()
        row.setSpacing(40)
        col = QVBoxLayout()
        col.setSpacing(10)
        self.code_caption = label(N_("Kode laporan Anda:"), role="muted")
        self.code = label("", role="code", wrap=False)
        self.code.setObjectName("tracking-code")
        self.code.setTextInteractionFlags(Qt.NoTextInteraction)
        self.service = label("", role="muted")
        self.due = label("")
        self.due.setObjectName("due-date")
        self.printing = label("", role="notice")
        self.printing.setObjectName("print-status")
        self.network = label("")
        self.network.setObjectName("network-words")
        self.howto = label(N_("Cek status kapan saja dengan kode ini di kios, atau pindai QR dengan ponsel."), role="muted")
        # What must be seen without scrolling first: the code, the due date, "take your receipt".
        for w in (self.code_caption, self.code, self.due, self.printing, self.service, self.network, self.howto):
            col.addWidget(w)
        col.addStretch(1)
        self.words = col
        row.addLayout(col, 1)  # the words take what the QR leaves
        self.qr = QLabel()
        self.qr.setObjectName("qr")
        self.qr.setAlignment(Qt.AlignCenter)
        self.qr.setStyleSheet("background: white; border: 1px solid #9AA7B5; border-radius: 12px; padding: 12px;")
        side = QVBoxLayout()
        side.setSpacing(8)
        side.addWidget(self.qr, 0, Qt.AlignTop | Qt.AlignHCenter)
        self.survey = button(N_("Nilai layanan kami"), "face-4", role="accent", object_name="done-skm")
        self.survey.clicked.connect(flow.skm.start)  # forgets this request first: the rating stays anonymous
        side.addWidget(self.survey)
        side.addStretch(1)
        self.side = side
        row.addLayout(side, 0)  # the QR at its size; the words take the rest
        self.body.addLayout(row, 1)
        flow.submit_finished.connect(self.enter)

    def primary(self):
        return (N_("Selesai"), "home")

    def resizeEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        # A 768-line panel: a smaller headline and margins leave the code, the due date and
        # "take your receipt" above the fold, even with large text.
        short = self.window().height() <= 800
        restyle(self.title, "role", "subtitle" if short else "title")
        self.body.setContentsMargins(48, 12 if short else 28, 48, 8 if short else 20)
        self.body.setSpacing(8 if short else 18)
        self.code_caption.setVisible(not short)  # (the code's accessible name says what it is)
        super().resizeEvent(ev)
        QTimer.singleShot(0, self, self._place_survey)

    def changeEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        super().changeEvent(ev)
        if ev.type() in (QEvent.StyleChange, QEvent.FontChange):  # the larger text: wider words
            QTimer.singleShot(0, self, self._place_survey)

    def on_primary(self) -> None:
        self.flow.finish()

    def spoken(self, lang: str) -> str | None:
        sub = self.flow.submitted
        if sub is None:
            return None
        outcome = self.flow.print_outcome
        return speech.done(lang, code=sub.tracking_code, service_name=sub.service.name.get(lang), due=sub.due_date,
                           printed=self.flow.printed_ok, print_message=outcome.message if outcome is not None else "",
                           online=_network(self.core) == "online", survey=self._offers_survey())

    def _offers_survey(self) -> bool:
        """The survey rates a service delivered: it is offered after a service request, unless
        the unit switched that off (``skm.offer_after_request``); the screen and its spoken
        text ask this one place."""
        sub = self.flow.submitted
        return sub is not None and sub.kind == "request" and self.core.cfg.skm.offer_after_request

    def clear(self) -> None:
        for lab in (self.title, self.code, self.service, self.due, self.printing, self.network):
            lab.clear()
        self.qr.clear()
        self.mark.clear()

    def retranslate(self) -> None:
        super().retranslate()
        if self.flow.screen == DONE:
            self.enter()

    def enter(self) -> None:
        sub = self.flow.submitted
        if sub is None:
            return
        self.survey.setVisible(self._offers_survey())
        lang = current_language()
        ok = self.flow.printed_ok
        if ok:
            set_msgid(self.title, N_("Terima kasih! Laporan Anda sudah tersimpan."))
            self.mark.setPixmap(pixmap("check", theme.OK, 72))
            name_icon(self.mark, N_("Berhasil"))
            # "Being printed, please take it" is what the citizen must read, once, with where.
            self.printing.setText(_("Ambil tanda terima Anda di bawah layar."))
        else:
            set_msgid(self.title, N_("Laporan Anda sudah tersimpan."))
            self.mark.setPixmap(pixmap("warning", theme.GOLD, 72))
            name_icon(self.mark, N_("Perhatian"))
            outcome = self.flow.print_outcome
            reason = outcome.message if outcome is not None else _("Tanda terima tidak dapat dicetak.")
            photo = _("Silakan foto kode dan QR di layar ini. Petugas dapat mencetak ulang tanda terima Anda.")
            self.printing.setText(f"{reason}\n{photo}")
        self.code.setText(sub.display_code)
        self.code.setAccessibleName(f"{_(N_('Kode laporan Anda:'))} {sub.display_code}")
        self.service.setText(sub.service.name.get(lang))
        set_msgid(self.due, N_("Akan ditangani paling lambat: {date}"), date=sub.due_text(lang))
        online = _network(self.core) == "online"
        set_msgid(
            self.network,
            N_("Laporan Anda sedang dikirim ke petugas.") if online else N_("Laporan Anda akan dikirim otomatis."),
        )
        # Big, but the code and the words beside it must fit a 768-pixel-high panel too.
        win = self.window()
        short = win.height() <= 800  # the words beside it need the width on a 768-line panel
        px = min(QR_PX_OK if ok else QR_PX_PHOTO, int(win.height() * (0.36 if ok else 0.45)),
                 int(win.width() * (0.25 if short else 0.3)))
        pm = QPixmap()
        try:
            pm.loadFromData(self.core.qr_png(sub.tracking_code, px))
        except Exception:  # the QR is a convenience: the code alone is enough
            pm = QPixmap()
        self.qr.setPixmap(pm)
        self.qr.setAccessibleName(_("Kode QR tanda terima"))
        self._place_survey()

    def _place_survey(self) -> None:
        """The survey offer under the QR where its words fit about the QR's width, else (a
        narrow panel, large text, long words) in the words' column right after "take your
        receipt": it never squeezes the code and the due date, and its words are never cut.
        Smaller on a 768-line panel, where the code and the due date need the height."""
        win = self.window()
        short = win.height() <= 800
        restyle(self.survey, "compact", "true" if short else "false")
        self.survey.setMinimumHeight(theme.touch_min_px(win.height()) if short else theme.TOUCH_MIN_PX)
        m = self.body.contentsMargins()
        room = max(self.qr.sizeHint().width(), int(0.3 * (self.page.viewport().width() - m.left() - m.right())))
        under_qr = self.survey.sizeHint().width() <= room
        if (self.side.indexOf(self.survey) >= 0) == under_qr:
            return
        self.side.removeWidget(self.survey)
        self.words.removeWidget(self.survey)
        if under_qr:
            self.side.insertWidget(1, self.survey)
        else:
            self.words.insertWidget(self.words.indexOf(self.printing) + 1, self.survey, 0, Qt.AlignLeft)


def _network(core) -> str:
    try:
        return core.sync_status().network
    except Exception:
        return "unknown"
