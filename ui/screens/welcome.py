"""Welcome / attract screen: language choice, "Lapor / Ajukan", "Cek status"."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QHBoxLayout, QPushButton, QSpacerItem, QWidget

from kiosk import speech
from kiosk.i18n import LANGUAGE_NAMES, N_
from ui import theme
from ui.flow import WELCOME
from ui.icons import icon
from ui.screens import Screen
from ui.widgets import button, label, restyle

LANG_SHORT = {"id": "Indonesia", "jv": "Jawa", "en": "English"}
GAP = 24  # between the two actions, and between the title and the survey beside it
TIGHTEST = 5  # the last of ``_tighten``'s steps


class WelcomeScreen(Screen):
    name = WELCOME
    back_visible = False

    def __init__(self, flow, parent=None) -> None:
        super().__init__(flow, parent)
        self.body.setContentsMargins(80, 12, 80, 8)
        self.body.addStretch(1)
        self.title = label(N_("Selamat datang"), role="hero")
        self.subtitle = label(N_("Sampaikan pengaduan atau ajukan permohonan layanan di sini. Mudah dan gratis."), role="muted")
        self.head = QHBoxLayout()  # the title, and the survey beside it where the panel is short
        self.head.setSpacing(GAP)
        self.head.addWidget(self.title, 1)
        self.body.addLayout(self.head)
        self.body.addWidget(self.subtitle)
        self.gap_lang = QSpacerItem(0, 16)
        self.body.addSpacerItem(self.gap_lang)
        self.lang_label = label(N_("Pilih bahasa:"))
        self.body.addWidget(self.lang_label)
        self.lang_row = QWidget()
        row = QHBoxLayout(self.lang_row)
        row.setContentsMargins(0, 0, 0, 0)
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
        self.body.addWidget(self.lang_row)
        self.gap_actions = QSpacerItem(0, 24)
        self.body.addSpacerItem(self.gap_actions)
        actions = QGridLayout()
        actions.setSpacing(GAP)
        self.report = button(N_("Lapor / Ajukan"), "complaint", role="primary", object_name="start-report")
        self.status = button(N_("Cek status laporan"), "status", role="accent", object_name="start-status")
        for b in (self.report, self.status):
            b.setMinimumHeight(140)
            b.setIconSize(QSize(64, 64))
        self.report.clicked.connect(flow.start_report)
        self.status.clicked.connect(flow.start_status)
        # The SKM survey: a secondary action, under the two (or beside the title when the
        # panel is short, smaller: the two actions must never need scrolling).
        self.survey = button(N_("Nilai layanan kami"), "face-4", object_name="start-skm")
        self.survey.clicked.connect(flow.skm.start)
        actions.addWidget(self.report, 0, 0)  # until ``_arrange`` knows the panel
        actions.addWidget(self.status, 0, 1)
        actions.addWidget(self.survey, 1, 0, 1, 2)
        self.actions = actions
        self.stacked = False
        self.tight = 0
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
        (1024 pixels with large text): a button's words are never cut.  Then, where the panel
        is short (768 lines under the Back/Listen/Next bar), the screen gives up room step by
        step until "Lapor / Ajukan" and "Cek status" show without scrolling."""
        m = self.body.contentsMargins()
        width = self.page.viewport().width() - m.left() - m.right()
        for b in self.lang_buttons.values():
            b.setIcon(self._globe)
        row_need = sum(b.sizeHint().width() for b in self.lang_buttons.values()) + 18 * (len(self.lang_buttons) - 1)
        if row_need > width:
            for b in self.lang_buttons.values():
                b.setIcon(QIcon())
        stack = 2 * max(self.report.sizeHint().width(), self.status.sizeHint().width()) + GAP > width
        if stack != self.stacked:
            self.stacked = stack
            for b in (self.report, self.status):
                self.actions.removeWidget(b)
            self.actions.addWidget(self.report, 0, 0)
            self.actions.addWidget(self.status, 1 if stack else 0, 0 if stack else 1)
            self.actions.setColumnStretch(1, 0 if stack else 1)
            self.actions.setColumnStretch(0, 1)
        for level in range(TIGHTEST + 1):
            self._tighten(level)
            if self._fits():
                break
        self.tight = level

    def _fits(self) -> bool:
        inner = self.page.widget()
        width = self.page.viewport().width()
        need = inner.heightForWidth(width) if inner.hasHeightForWidth() else inner.sizeHint().height()
        return need <= self.page.viewport().height()

    def _tighten(self, level: int) -> None:
        """Level 0: roomy (1920x1080).  1: no "Pilih bahasa:" (the buttons are the languages'
        own names), flatter language buttons, smaller gaps.  2: the survey goes beside the
        title where it fits, as a smaller button.  3: a smaller headline, the actions at a
        fingertip's height on this panel (``theme.touch_min_px``).  4: the subtitle goes (the
        listen button still says it), so the big language buttons stay for whoever cannot read
        the default language (1024x768 with large text).  5: the language row goes too (the
        header keeps the same buttons)."""
        floor = theme.touch_min_px(self.window().height())
        stack = bool(self.stacked)
        self.lang_label.setVisible(level < 1 and not stack)
        compact = "true" if level >= 1 or stack else "false"
        for b in self.lang_buttons.values():
            restyle(b, "compact", compact)
            b.setMinimumHeight(floor if compact == "true" else 0)
        self.subtitle.setVisible(level < 4)
        self.lang_row.setVisible(level < 5)
        self.gap_lang.changeSize(0, 16 if level < 1 else 0)
        self.gap_actions.changeSize(0, 24 if level < 1 else 4)
        self.body.setSpacing(18 if level < 1 and not stack else 10 if level < 3 else 6)
        top, bottom = (40, 30) if level < 1 and not stack else (16, 12) if level < 3 else (8, 6)
        self.body.setContentsMargins(80, top, 80, bottom)
        restyle(self.title, "role", "hero" if level < 3 else "title")
        for b in (self.report, self.status):
            b.setMinimumHeight(140 if level < 1 and not stack else 96 if level < 3 else floor)
            restyle(b, "compact", "true" if level >= 3 else "false")
        # The survey: full width under both actions, or (short panel) a smaller button
        # beside the title, or where the title leaves no room, a smaller one under both.
        small = level >= 2
        restyle(self.survey, "role", "link" if small else "")
        restyle(self.survey, "compact", "true" if small else "false")
        self.survey.setMinimumHeight(floor if small else theme.TOUCH_MIN_PX)
        self.survey.setIconSize(QSize(40, 40) if small else QSize(48, 48))
        m = self.body.contentsMargins()
        room = self.page.viewport().width() - m.left() - m.right()
        title_w = self.title.fontMetrics().horizontalAdvance(self.title.text())
        beside = small and title_w + GAP + self.survey.sizeHint().width() <= room
        self.head.removeWidget(self.survey)
        self.actions.removeWidget(self.survey)
        if beside:
            self.head.addWidget(self.survey, 0, Qt.AlignRight | Qt.AlignVCenter)
        elif small:
            self.actions.addWidget(self.survey, 2 if stack else 1, 0, 1, 1 if stack else 2, Qt.AlignHCenter)
        else:
            self.actions.addWidget(self.survey, 2 if stack else 1, 0, 1, 1 if stack else 2)

    def enter(self) -> None:
        for lang, b in self.lang_buttons.items():
            b.setChecked(lang == self.flow.language)
