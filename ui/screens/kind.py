"""Complaint or service request?"""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout

from kiosk import speech
from kiosk.i18n import N_, _
from ui.flow import KIND
from ui.screens import Screen
from ui.widgets import Tile, label


class KindScreen(Screen):
    name = KIND

    def __init__(self, flow, parent=None) -> None:
        super().__init__(flow, parent)
        self.title = label(N_("Apa yang ingin Anda sampaikan?"), role="title")
        self.body.addWidget(self.title)
        self.body.addSpacing(10)
        row = QHBoxLayout()
        row.setSpacing(30)
        self.tiles: list[Tile] = []
        for kind, msgid, hint, icon_name in (
            ("complaint", N_("Pengaduan"), N_("Ada masalah atau keluhan, misalnya sampah, atap bocor, air mati."), "complaint"),
            ("request", N_("Permohonan layanan"), N_("Minta layanan atau informasi, misalnya KTP, KK, pajak kendaraan."), "request"),
        ):
            b = Tile(icon_name, object_name=f"kind-{kind}")
            b.setMinimumHeight(200)
            b.setProperty("msgids", (msgid, hint))
            b.clicked.connect(lambda _=False, k=kind: flow.choose_kind(k))
            self.tiles.append(b)
            row.addWidget(b, 1)
        self.body.addLayout(row)
        self.body.addStretch(1)
        self.retranslate()

    def spoken(self, lang: str) -> str:
        return speech.kind(lang)

    def retranslate(self) -> None:
        super().retranslate()
        for t in self.tiles:
            name, hint = t.property("msgids")
            t.set_texts(_(name), _(hint))
