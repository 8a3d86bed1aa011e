"""Welcome / attract screen: language choice, "Lapor / Ajukan", "Cek status"."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QHBoxLayout, QPushButton

from kiosk import speech
from kiosk.i18n import LANGUAGE_NAMES, N_
from ui import theme
from ui.flow import WELCOME
from ui.icons import icon
from ui.screens import Screen
from ui.widgets import button, label

LANG_SHORT = {"id": "Indonesia", "jv": "Jawa", "en": "English"}


class WelcomeScreen(Screen):
    name = WELCOME
    back_visible = False

    def __init__(self, flow, parent=None) -> None:
        super().__init__(flow, parent)
        self.body.setContentsMargins(80, 12, 80, 8)  # fits 1366x768 with the Back/Listen/Next bar below
        self.body.addStretch(1)
        self.title = label(N_("Selamat datang"), role="hero")
        self.subtitle = label(N_("Sampaikan pengaduan atau ajukan permohonan layanan di sini. Mudah dan gratis."), role="muted")
        self.body.addWidget(self.title)
        self.body.addWidget(self.subtitle)
        self.body.addSpacing(16)
        self.lang_label = label(N_("Pilih bahasa:"))
        self.body.addWidget(self.lang_label)
        row = QHBoxLayout()
        row.setSpacing(18)
        self.lang_group = QButtonGroup(self)
        self.lang_buttons: dict[str, QPushButton] = {}
        self._globe = icon("language", theme.NAVY, 96)
        for lang in flow.languages:
            b = QPushButton(LANG_SHORT.get(lang, lang))
            b.setProperty("role", "lang")
            b.setCheckable(True)
            b.setFocusPolicy(Qt.TabFocus)
            b.setObjectName(f"lang-{lang}")
            b.setIcon(self._globe)
            b.setIconSize(QSize(44, 44))
            b.setAccessibleName(LANGUAGE_NAMES.get(lang, lang))
            b.clicked.connect(lambda _=False, l=lang: flow.set_language(l))
            self.lang_group.addButton(b)
            self.lang_buttons[lang] = b
            row.addWidget(b)
        self.body.addLayout(row)
        self.body.addSpacing(24)
        actions = QGridLayout()
        actions.setSpacing(24)
        self.report = button(N_("Lapor / Ajukan"), "complaint", role="primary", object_name="start-report")
        self.status = button(N_("Cek status laporan"), "status", role="accent", object_name="start-status")
        for b in (self.report, self.status):
            b.setMinimumHeight(140)
            b.setIconSize(QSize(64, 64))
        self.report.clicked.connect(flow.start_report)
        self.status.clicked.connect(flow.start_status)
        actions.addWidget(self.report, 0, 0)
        actions.addWidget(self.status, 0, 1)
        self.survey = button(N_("Nilai layanan kami"), "face-4", object_name="start-skm")
        self.survey.clicked.connect(flow.skm.start)
        actions.addWidget(self.survey, 1, 0, 1, 2)
        self.actions = actions
        self.stacked = False
        self.body.addLayout(actions)
        self.body.addStretch(2)
        flow.language_changed.connect(lambda _l: self.enter())
        self.enter()

    def spoken(self, lang: str) -> str:
        return speech.welcome(lang, self.flow.languages)

    def resizeEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(ev)
        QTimer.singleShot(0, self, self._arrange)

    def changeEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        super().changeEvent(ev)
        if ev.type() in (QEvent.StyleChange, QEvent.FontChange, QEvent.LanguageChange):
            QTimer.singleShot(0, self, self._arrange)

    def _arrange(self) -> None:
        """Side by side where the words fit, else the globe icons go and the two actions stack
        (1024 pixels with large text): a button's words are never cut."""
        m = self.body.contentsMargins()
        width = self.page.viewport().width() - m.left() - m.right()
        for b in self.lang_buttons.values():
            b.setIcon(self._globe)
        row_need = sum(b.sizeHint().width() for b in self.lang_buttons.values()) + 18 * (len(self.lang_buttons) - 1)
        if row_need > width:
            for b in self.lang_buttons.values():
                b.setIcon(QIcon())
        stack = 2 * max(self.report.sizeHint().width(), self.status.sizeHint().width()) + 24 > width
        if stack != self.stacked or self.actions.count() == 0:
            self.stacked = stack
            for b in (self.report, self.status, self.survey):
                self.actions.removeWidget(b)
            self.actions.addWidget(self.report, 0, 0)
            self.actions.addWidget(self.status, 1 if stack else 0, 0 if stack else 1)
            # The survey (SKM) under both, full width.
            self.actions.addWidget(self.survey, 2 if stack else 1, 0, 1, 1 if stack else 2)
            self.actions.setColumnStretch(1, 0 if stack else 1)
            self.actions.setColumnStretch(0, 1)
            for b in (self.report, self.status):
                b.setMinimumHeight(96 if stack else 140)
            # Stacked (a narrow panel, large text): tighter, so both actions show without scrolling.
            self.body.setContentsMargins(80, 16 if stack else 40, 80, 12 if stack else 30)
            self.body.setSpacing(10 if stack else 18)
            self.lang_label.setVisible(not stack)  # the buttons are the languages' own names
            for b in self.lang_buttons.values():
                b.setProperty("compact", "true" if stack else "false")
                b.style().unpolish(b)
                b.style().polish(b)

    def enter(self) -> None:
        for lang, b in self.lang_buttons.items():
            b.setChecked(lang == self.flow.language)
