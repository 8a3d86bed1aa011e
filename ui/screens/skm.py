"""The satisfaction survey (SKM) for citizens, and its report page in the staff area.

Citizen side: one element per page, four big face-and-word buttons that move on by
themselves; four optional profile pages of big choice buttons (age in bands); an optional
suggestion on the on-screen keyboard; the thanks once the core has stored the response.
Staff side: respondents, IKM and mutu, a bar per element, the weakest elements, the profile,
suggestions, the sample size against the Krejcie-Morgan table, and export to a USB stick.
Everything slow (the save, the report query, the export) runs through ``ui.ops``.
"""
from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QButtonGroup, QGridLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton,
                               QSizePolicy, QStackedWidget, QVBoxLayout, QWidget)

from kiosk.i18n import N_, _, current_language
from ui import ops, theme
from ui.icons import pixmap
from ui.screens import Screen
from ui.skm_flow import SKM, STAFF_SKM, SUGGESTION_PAGE
from ui.sticks import list_sticks, stick_buttons
from ui.widgets import ChoiceList, FitGrid, button, clear_layout, label, set_msgid, text_area

SUGGESTIONS_SHOWN = 5  # distinct suggestions on the staff page; the exported CSV has every one

log = logging.getLogger(__name__)

FACE_COLOURS = {1: "#A4161A", 2: "#C75000", 3: "#4E7A1E", 4: "#1B6B3A"}
AUTO_ADVANCE_MS = 350  # long enough to see the tapped face light up, short enough to feel quick
FACE_PX = 96
FACE_PX_COMPACT = 64  # on a short panel (theme.SHORT_PANEL_PX)


class FaceButton(QPushButton):
    """A face over its word; checkable so the chosen answer stays lit when coming back."""

    def __init__(self, value: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value = value
        self.setObjectName(f"skm-answer-{value}")
        self.setProperty("role", "choice")
        self.setCheckable(True)
        self.setFocusPolicy(Qt.NoFocus)
        self.setAttribute(Qt.WA_AcceptTouchEvents, False)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.lay = QVBoxLayout(self)
        self.lay.addStretch(1)
        self.face = QLabel()
        self.face.setAlignment(Qt.AlignCenter)
        self.word = QLabel()
        self.word.setAlignment(Qt.AlignHCenter | Qt.AlignTop)  # right under its face, however many lines
        self.word.setWordWrap(True)
        self.word.setTextFormat(Qt.PlainText)
        self.word.setStyleSheet(f"font-weight: 700; color: {theme.NAVY};")
        for w in (self.face, self.word):
            w.setAttribute(Qt.WA_TransparentForMouseEvents)
            self.lay.addWidget(w)
        self.lay.addStretch(1)  # face and words in the middle; SurveyScreen evens the words' heights
        self.compact: bool | None = None
        self.set_compact(False)

    def set_compact(self, on: bool) -> None:
        """Smaller face and margins on a short panel (768 px high): with large text the words
        under the faces were below the fold, a flick away, on a page whose answer is one tap."""
        if on == self.compact:
            return
        self.compact = on
        self.setMinimumHeight(150 if on else 230)
        margin = 8 if on else 16
        self.lay.setContentsMargins(8 if on else 10, margin, 8 if on else 10, margin)
        self.lay.setSpacing(4 if on else 10)
        px = FACE_PX_COMPACT if on else FACE_PX
        self.face.setPixmap(pixmap(f"face-{self.value}", FACE_COLOURS[self.value], px))

    def set_word(self, text: str) -> None:
        self.word.setText(text)
        self.setAccessibleName(text)


class SurveyScreen(Screen):
    name = SKM

    def __init__(self, flow, parent=None) -> None:
        super().__init__(flow, parent)
        self.skm = flow.skm
        self.progress = label("", role="muted")
        self.progress.setObjectName("skm-progress")
        self.title = label("", role="title")
        self.title.setObjectName("skm-question")
        self.body.addWidget(self.progress)
        self.body.addWidget(self.title)
        self.pages = QStackedWidget()
        self.body.addWidget(self.pages, 1)

        # element page: four faces
        faces_page = QWidget()
        row = QHBoxLayout(faces_page)
        row.setContentsMargins(0, 12, 0, 0)
        row.setSpacing(18)
        self.faces = [FaceButton(v) for v in (1, 2, 3, 4)]
        self.face_group = QButtonGroup(self)
        for b in self.faces:
            self.face_group.addButton(b, b.value)
            b.clicked.connect(lambda _=False, v=b.value: self._answered(v))
            row.addWidget(b)
        self.pages.addWidget(faces_page)

        # profile pages: big optional choices
        self.profile_page = QWidget()
        self.profile_layout = QVBoxLayout(self.profile_page)
        self.profile_layout.setContentsMargins(0, 0, 0, 0)
        self.profile_layout.setSpacing(10)
        self.pages.addWidget(self.profile_page)
        self._choices: dict[str, ChoiceList] = {}
        self._profile_labels: dict[str, QLabel] = {}

        # suggestion page
        sug = QWidget()
        lay = QVBoxLayout(sug)
        lay.setContentsMargins(0, 0, 0, 0)
        self.suggestion = text_area()
        self.suggestion.setObjectName("skm-suggestion")
        self.suggestion.textChanged.connect(lambda: self.skm.set_suggestion(self.suggestion.toPlainText()))
        lay.addWidget(self.suggestion)
        self.error = label("", role="error")
        self.error.setObjectName("skm-error")
        self.error.hide()
        lay.addWidget(self.error)
        lay.addStretch(1)
        self.pages.addWidget(sug)

        # thanks
        thanks = QWidget()
        tl = QVBoxLayout(thanks)
        self.mark = QLabel()
        self.mark.setAlignment(Qt.AlignCenter)
        self.thanks_text = label(N_("Penilaian Anda sudah tersimpan tanpa nama. Terima kasih telah membantu kami memperbaiki layanan."))
        self.thanks_text.setObjectName("skm-thanks")
        self.thanks_text.setAlignment(Qt.AlignCenter)
        tl.addStretch(1)
        tl.addWidget(self.mark)
        tl.addWidget(self.thanks_text)
        tl.addStretch(2)
        self.pages.addWidget(thanks)

        self._advance_timer = QTimer(self)
        self._advance_timer.setSingleShot(True)
        self._advance_timer.setInterval(AUTO_ADVANCE_MS)
        self._advance_timer.timeout.connect(self.skm.advance)
        self.skm.changed.connect(self._refresh)

    # -- navigation ---------------------------------------------------------------------------
    @property
    def back_visible(self) -> bool:  # type: ignore[override]
        return not (self.skm.done or self.skm.saving)

    def primary(self):
        s = self.skm
        if s.done:
            return (N_("Selesai"), "home")
        if s.page == SUGGESTION_PAGE:
            return (N_("Kirim penilaian"), "send")
        if s.element_id is None:
            return (N_("Lanjut"), "next")
        return None

    def primary_enabled(self) -> bool:
        return not self.skm.saving

    def on_primary(self) -> None:
        s = self.skm
        if s.done:
            s.finish()
        elif s.page == SUGGESTION_PAGE:
            s.submit()
        else:
            s.advance()

    def on_back(self) -> bool:
        self._advance_timer.stop()
        return self.skm.back()

    def _answered(self, value: int) -> None:
        self.skm.answer(value)
        self._advance_timer.start()

    # -- showing ------------------------------------------------------------------------------
    def enter(self) -> None:
        self._fit_faces()
        self._refresh()

    def resizeEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(ev)
        self._fit_faces()

    def _fit_faces(self) -> None:
        short = self.window().height() <= theme.SHORT_PANEL_PX
        for b in self.faces:
            b.set_compact(short)
        self._even_words()

    def _even_words(self) -> None:
        """The four words as tall as the longest, so the faces stand on one line (centred in
        buttons as tall as the longest words, a face over one line stood lower than a face
        over four, and fell below the fold on a short panel)."""
        width = self.faces[0].word.width()
        if width <= 0:
            return
        need = max(0, *(b.word.heightForWidth(width) for b in self.faces))  # -1: no words yet
        for b in self.faces:
            if b.word.minimumHeight() != need:
                b.word.setMinimumHeight(need)

    def clear(self) -> None:
        self._advance_timer.stop()
        blocked = self.suggestion.blockSignals(True)
        self.suggestion.clear()
        self.suggestion.blockSignals(blocked)
        for c in self._choices.values():
            c.set_value("")
        self.face_group.setExclusive(False)
        for b in self.faces:
            b.setChecked(False)
        self.face_group.setExclusive(True)
        self.error.clear()
        self.error.hide()

    def retranslate(self) -> None:
        super().retranslate()
        self._refresh()

    def _refresh(self) -> None:
        if self.flow.screen != SKM and not self.isVisible():
            return
        s = self.skm
        lang = current_language()
        self.progress.setText(s.progress_text(lang))
        self.progress.setVisible(bool(s.element_id))
        if s.element_id:
            q = self.core.skm.questions(lang)[s.page]
            self.title.setText(q["question"])
            self.title.setAccessibleName(q["question"])
            self.face_group.setExclusive(False)
            for b, word in zip(self.faces, q["answers"]):
                b.set_word(word)
                b.setChecked(s.answers.get(s.element_id) == b.value)
            self.face_group.setExclusive(True)
            self.pages.setCurrentIndex(0)
            self._even_words()
            QTimer.singleShot(0, self, self._even_words)  # again at the widths the layout gives
        elif s.profile_fields:
            set_msgid(self.title, N_("Tentang Anda (boleh dilewati)"))
            self._build_profile(s.profile_fields, lang)
            self.pages.setCurrentIndex(1)
        elif s.done:
            set_msgid(self.title, N_("Terima kasih!"))
            self.mark.setPixmap(pixmap("check", theme.OK, 96))
            self.pages.setCurrentIndex(3)
        else:
            set_msgid(self.title, N_("Saran untuk kami (boleh dikosongkan)"))
            set_msgid(self.suggestion, N_("Tulis saran Anda di sini. Jangan tulis nama atau nomor HP."))
            self.error.setText(s.error)
            self.error.setVisible(bool(s.error))
            self.pages.setCurrentIndex(2)
        self._fit_to_current_page()
        self.nav_changed.emit()

    def _fit_to_current_page(self) -> None:
        """A stacked widget is as tall as its tallest page: the hidden pages must not make the
        thanks or a face page scroll (the profile page needs the most room)."""
        current = self.pages.currentIndex()
        for i in range(self.pages.count()):
            policy = QSizePolicy.Preferred if i == current else QSizePolicy.Ignored
            self.pages.widget(i).setSizePolicy(policy, policy)
        self.pages.updateGeometry()
        self.body.invalidate()
        self.page.setWidgetResizable(True)  # re-fit the scrolled page now: it does not shrink by itself

    def _build_profile(self, fields: tuple[str, ...], lang: str) -> None:
        # The captions and choice lists are built once per field and re-added (they keep the
        # answer picked): only the stretch goes.
        clear_layout(self.profile_layout, keep=[*self._profile_labels.values(), *self._choices.values()])
        by_field = {p["field"]: p for p in self.core.skm.profile_choices(lang)}
        for f in fields:
            spec = by_field[f]
            cap = self._profile_labels.get(f) or label("", role="muted")
            cap.setText(spec["label"])
            self._profile_labels[f] = cap
            choices = self._choices.get(f)
            if choices is None:
                choices = ChoiceList(spec["choices"], multi=False)
                choices.setObjectName(f"skm-profile-{f}")
                for key, b in choices.buttons.items():
                    b.setObjectName(f"skm-{f}-{key}")
                choices.changed.connect(lambda v, f=f: self.skm.set_profile(f, v))
                self._choices[f] = choices
            choices.relabel(spec["choices"])
            choices.set_value(self.skm.profile.get(f, ""))
            self.profile_layout.addWidget(cap)
            self.profile_layout.addWidget(choices)
            cap.show()
            choices.show()
        self.profile_layout.addStretch(1)


def _periods(today: date) -> list[tuple[str, str, date | None, date | None]]:
    first_month = today.replace(day=1)
    return [
        ("month", N_("Bulan ini"), first_month, today),
        ("quarter", N_("3 bulan terakhir"), today - timedelta(days=91), today),
        ("year", N_("Tahun ini"), today.replace(month=1, day=1), today),
        ("all", N_("Semua"), None, None),
    ]


class SkmReportScreen(Screen):
    """The staff's view of the survey: the numbers a unit must publish, and an export."""

    name = STAFF_SKM

    def __init__(self, flow, parent=None) -> None:
        super().__init__(flow, parent)
        self.body.setSpacing(10)
        self.title = label(N_("Survei Kepuasan Masyarakat (SKM)"), role="title")
        self.body.addWidget(self.title)
        # Four in a row; two rows of two (or one column) when their words do not fit
        # (Basa Jawa with large text at 1024 pixels cut "Wulan punika" to "Wulan pu").
        row = FitGrid(max_columns=4, spacing=10)
        self.period_group = QButtonGroup(self)
        self.period_buttons: dict[str, QPushButton] = {}
        for key, msgid, _a, _b in _periods(date.today()):
            b = button(msgid, role="choice", object_name=f"skm-period-{key}")
            b.setCheckable(True)
            b.clicked.connect(lambda _=False, k=key: self._load(k))
            self.period_group.addButton(b)
            self.period_buttons[key] = b
            row.add(b)
        self.body.addWidget(row)
        self.period = label("", role="muted")
        self.period.setObjectName("skm-period")
        self.body.addWidget(self.period)
        # The export's outcome, and the sticks to choose from, at the top: the page may be
        # scrolled down to the bars when staff press "Ekspor" in the bottom bar.
        self.message = label("", role="notice")
        self.message.setObjectName("skm-message")
        self.message.hide()
        self.body.addWidget(self.message)
        self.targets = FitGrid(max_columns=2, spacing=10)
        self.targets.hide()
        self.body.addWidget(self.targets)
        self._exporting = False

        cols = QHBoxLayout()
        cols.setSpacing(28)
        left = QVBoxLayout()
        self.index = label("", role="code", wrap=False)
        self.index.setObjectName("skm-ikm")
        self.mutu = label("", role="title")
        self.mutu.setObjectName("skm-mutu")
        self.respondents = label("")
        self.respondents.setObjectName("skm-respondents")
        self.sample = label("", role="notice")
        self.sample.setObjectName("skm-sample")
        for w in (self.index, self.mutu, self.respondents, self.sample):
            left.addWidget(w)
        left.addStretch(1)
        cols.addLayout(left, 2)

        right = QVBoxLayout()
        grid = QGridLayout()
        grid.setVerticalSpacing(6)
        self.bar_labels: list[QLabel] = []
        self.bars: list[QProgressBar] = []
        for i in range(9):
            lab = label("", wrap=True)
            bar = QProgressBar()
            bar.setObjectName(f"skm-bar-u{i + 1}")
            bar.setRange(0, 400)
            bar.setTextVisible(True)
            bar.setMinimumHeight(34)
            bar.setMinimumWidth(260)
            grid.addWidget(lab, i, 0)
            grid.addWidget(bar, i, 1)
            self.bar_labels.append(lab)
            self.bars.append(bar)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        right.addLayout(grid)
        self.details = label("", role="muted")
        self.details.setObjectName("skm-details")
        right.addWidget(self.details)
        cols.addLayout(right, 3)
        self.body.addLayout(cols, 1)
        self._period_key = "month"
        self.report = None

    def on_back(self) -> bool:
        self.flow.skm.close_report()
        return True

    def primary(self) -> tuple[str, str]:
        return (N_("Ekspor ke flashdisk"), "send")

    def primary_enabled(self) -> bool:
        return not self._exporting

    def on_primary(self) -> None:
        self._export()

    def enter(self) -> None:
        self.message.hide()
        self._hide_targets()
        self._load(self._period_key)

    def clear(self) -> None:
        self.report = None
        self.details.clear()

    def retranslate(self) -> None:
        super().retranslate()
        if self.report is not None:
            self._show(self.report)

    def _range(self, key: str) -> tuple[date | None, date | None]:
        for k, _m, a, b in _periods(self.core.clock().date()):
            if k == key:
                return a, b
        return None, None

    def _load(self, key: str) -> None:
        self._period_key = key
        for k, b in self.period_buttons.items():
            b.setChecked(k == key)
        start, end = self._range(key)
        ops.run(self.core.skm.report, start, end, on_done=self._show,
                on_error=lambda _e: self._say(_("Laporan SKM tidak dapat dibaca.")))

    def _show(self, report) -> None:
        from kiosk.skm import ELEMENT_IDS, element_name, suggestion_text
        from kiosk.survey import decimal_text

        self.report = report
        lang = current_language()
        s = self.core.skm
        self.period.setText(s.period_text(report, lang))
        self.index.setText("IKM " + (decimal_text(report.ikm, lang) if report.ikm is not None else "-"))
        self.mutu.setText(s.mutu_text(report, lang))
        self.respondents.setText(_("Jumlah responden") + f": {report.respondents}")
        self.sample.setText(s.sample_text(report, lang))
        weak = set(report.weakest)
        for i, eid in enumerate(ELEMENT_IDS):
            name = f"{eid.upper()} {element_name(eid, lang)}"
            self.bar_labels[i].setText(("▼ " if eid in weak else "") + name)
            value = report.nrr.get(eid)
            self.bars[i].setValue(int(round(float(value) * 100)) if value is not None else 0)
            self.bars[i].setFormat(decimal_text(value, lang) if value is not None else "-")
            self.bars[i].setAccessibleName(f"{name}: {self.bars[i].format()}")
            colour = "#F3A765" if eid in weak else "#8CCBCB"  # light fills: the navy number stays readable
            self.bars[i].setStyleSheet(f"QProgressBar {{ color: {theme.NAVY}; font-weight: 700; }} "
                                       f"QProgressBar::chunk {{ background: {colour}; }}")
        lines = s.profile_lines(report, lang)
        grouped = report.suggestion_counts
        if grouped:
            # As the PDF and `kiosk skm report` show them: the same words once, with a count,
            # most frequent first (what the unit should act on), five at most on this page.
            lines.append(_("Saran dan masukan") + ":")
            lines += [f"• {suggestion_text(t, n)}" for t, n in grouped[:SUGGESTIONS_SHOWN]]
            if len(grouped) > SUGGESTIONS_SHOWN:
                lines.append(_("dan {n} saran lain: semuanya di berkas CSV ekspor").format(
                    n=len(grouped) - SUGGESTIONS_SHOWN))
        self.details.setText("\n".join(lines))

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _busy(self, on: bool) -> None:
        self._exporting = on
        self.nav_changed.emit()  # the bottom bar's "Ekspor" follows primary_enabled()

    def _hide_targets(self) -> None:
        self.targets.hide()
        self.targets.clear()

    def _export(self) -> None:
        """As the staff page's export (``ui.sticks``): the sticks listed and the files written
        on the media lane, a stick chosen when there are several and no ``staff.export_dir``."""
        if self._exporting:
            return
        self._busy(True)
        self._hide_targets()
        list_sticks(self.core, self._targets_found)

    def _targets_found(self, targets: list[Path]) -> None:
        self._busy(False)
        if not targets:
            self._say(_("Tidak ada flashdisk terpasang. Pasang flashdisk, lalu tekan lagi."))
            return
        if self.core.cfg.staff.export_dir or len(targets) == 1:
            self._export_to(targets[0])
            return
        self._say(_("Pilih flashdisk tujuan ekspor"))
        for b in stick_buttons(targets, "skm-export-target-", self._export_to):
            self.targets.add(b)
        self.targets.show()
        self.page.verticalScrollBar().setValue(0)

    def _export_to(self, folder: Path) -> None:
        self._hide_targets()
        self._busy(True)
        self._say(_("Mengekspor..."))
        start, end = self._range(self._period_key)

        def done(paths: list[Path]) -> None:
            self._busy(False)
            names = ", ".join(p.name for p in paths)
            self._say(_("Laporan SKM disimpan ke {path}.").format(path=f"{folder} ({names})"))

        def failed(_exc) -> None:
            self._busy(False)
            self._say(_("Ekspor gagal. Periksa flashdisk, lalu coba lagi."))

        ops.run(self.core.skm.export, folder, start, end, on_done=done, on_error=failed, lane=ops.MEDIA)
        self.page.verticalScrollBar().setValue(0)


__all__ = ["SurveyScreen", "SkmReportScreen", "FaceButton"]
