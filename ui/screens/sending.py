"""Saving and printing, with visible progress (the work runs off the GUI thread)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar

from kiosk import speech
from kiosk.i18n import N_
from ui import theme
from ui.flow import SENDING
from ui.icons import pixmap
from ui.screens import Screen
from ui.widgets import label, name_icon, set_msgid

STAGES = {
    "saving": N_("Menyimpan laporan Anda…"),
    "printing": N_("Laporan tersimpan. Mencetak tanda terima…"),
}


class SendingScreen(Screen):
    name = SENDING
    back_visible = False

    def __init__(self, flow, parent=None) -> None:
        super().__init__(flow, parent)
        self.body.addStretch(1)
        pic = QLabel()
        pic.setPixmap(pixmap("print", theme.TEAL, 120))
        pic.setAlignment(Qt.AlignCenter)
        name_icon(pic, N_("Printer"))
        self.body.addWidget(pic)
        self.title = label(N_("Mohon tunggu sebentar"), role="title")
        self.title.setAlignment(Qt.AlignCenter)
        self.stage = label(STAGES["saving"])
        self.stage.setAlignment(Qt.AlignCenter)
        self.stage.setObjectName("stage")
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy indicator: saving takes a moment, printing a few seconds
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(700)
        set_msgid(self.bar, N_("Kemajuan"))
        self.body.addWidget(self.title)
        self.body.addWidget(self.stage)
        self.body.addWidget(self.bar, 0, Qt.AlignHCenter)
        self.body.addStretch(2)
        flow.progress_changed.connect(self._stage)

    def _stage(self, stage: str) -> None:
        if stage in STAGES:
            set_msgid(self.stage, STAGES[stage])
            self.bar.setRange(0, 2)
            self.bar.setValue(1 if stage == "saving" else 2)
            self.bar.setRange(0, 0)

    def spoken(self, lang: str) -> str:
        return speech.sending(lang, self.flow.stage or "saving")

    def enter(self) -> None:
        self._stage(self.flow.stage or "saving")
