"""Choose the service: grouped tiles with icons, and a keyword search."""
from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk import speech
from kiosk.i18n import N_, _, current_language
from kiosk.kinds import KIND_LABELS, KINDS, kind_label
from ui import theme
from ui.flow import SERVICE
from ui.icons import icon, pixmap
from ui.screens import Screen
from ui.widgets import Tile, button, clear_layout, label, name_icon, scroll_area, scroll_to, set_msgid, text_field

COLUMNS = 2
SEARCH_LONG = N_("Cari: misalnya sampah, KTP, air")
SEARCH_SHORT = N_("Cari layanan")
JUMP_ICONS = {"complaint": "complaint", "request": "request"}


class ServiceScreen(Screen):
    name = SERVICE

    def __init__(self, flow, parent=None) -> None:
        super().__init__(flow, parent)
        top = QHBoxLayout()
        self.title = label(N_("Pilih layanan"), role="title")
        top.addWidget(self.title, 1)
        self.search = text_field(max_length=40)
        self.search.setObjectName("service-search")
        set_msgid(self.search, SEARCH_LONG)
        self.search.textChanged.connect(self._filter)
        glass = QLabel()
        glass.setPixmap(pixmap("search", theme.NAVY, 44))
        name_icon(glass, SEARCH_SHORT)
        # Both kinds are listed, complaints first: these jump to the requests (or back up)
        # for whoever came for one; no extra step for anyone.
        self.jump_buttons: dict[str, QPushButton] = {}
        for kind in KINDS:
            b = button(KIND_LABELS[kind], JUMP_ICONS[kind], role="link", object_name=f"jump-{kind}")
            b.clicked.connect(lambda _=False, k=kind: self._jump(k))
            top.addWidget(b)
            self.jump_buttons[kind] = b
        top.addSpacing(12)
        top.addWidget(glass)
        top.addWidget(self.search)
        self.top = top
        self.body.addLayout(top)
        self.list_widget = QWidget()
        self.list_layout = QVBoxLayout(self.list_widget)
        self.list_layout.setContentsMargins(0, 0, 12, 0)
        self.list_layout.setSpacing(12)
        self.scroll = scroll_area(self.list_widget)
        self.body.addWidget(self.scroll, 1)
        self.tiles: dict[str, QPushButton] = {}
        self._prebuilding: Iterator[None] | None = None  # a list being built ahead, a group a turn
        self.empty = label(N_("Tidak ada layanan yang cocok. Coba kata lain, atau pilih dari daftar."), role="notice")

    def enter(self) -> None:
        self._build(self.search.text())
        self._arrange_top()
        scroll_to(self.scroll, 0)

    def resizeEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(ev)
        QTimer.singleShot(0, self, self._arrange_top)

    def changeEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        super().changeEvent(ev)
        if ev.type() in (QEvent.StyleChange, QEvent.FontChange, QEvent.LanguageChange):
            QTimer.singleShot(0, self, self._arrange_top)

    def _arrange_top(self) -> None:
        """Title, the two jumps and the search on one line; where they do not fit (a narrow
        panel, large text) the title goes first (the list says what it is), then the search's
        example words shorten to "Cari layanan": nothing is ever cut off."""
        m = self.body.contentsMargins()
        width = self.width() - m.left() - m.right()
        fm = self.search.fontMetrics()
        set_msgid(self.search, SEARCH_LONG)
        self.title.show()
        searching = bool(self.search.text().strip())
        for kind, b in self.jump_buttons.items():
            b.setIcon(icon(JUMP_ICONS[kind], theme.NAVY, 96))
            b.setVisible(not searching)

        def need() -> int:
            self.search.setMinimumWidth(fm.horizontalAdvance(self.search.placeholderText()) + 60)
            self.top.invalidate()
            return self.top.sizeHint().width()

        if need() > width:
            self.title.hide()
        if need() > width:
            set_msgid(self.search, SEARCH_SHORT)
        if need() > width:
            for b in self.jump_buttons.values():
                b.setIcon(QIcon())
        if need() > width:  # still too wide: the headings in the list are enough
            for b in self.jump_buttons.values():
                b.hide()
            need()

    def _jump(self, kind: str) -> None:
        header = self.list_widget.findChild(QWidget, f"kind-header-{kind}")
        if header is not None:
            scroll_to(self.scroll, header.y())

    def clear(self) -> None:
        # Only the search words are the citizen's; the tiles are rebuilt on the next enter(),
        # so rebuilding them here (~100 ms) would only stall the GUI thread on every wipe.
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)

    def retranslate(self) -> None:
        super().retranslate()
        if self.isVisible():
            self._build(self.search.text())

    def catalog_changed(self) -> None:
        """The core refreshed its catalog: a retired service must not stay on screen."""
        if self.isVisible():
            self._build(self.search.text())

    def _filter(self, text: str) -> None:
        self._build(text)
        self._arrange_top()

    def _sections(self, text: str) -> list[tuple[str | None, object, list]]:
        """``(kind or None, group or None, services)`` in screen order (what ``_build`` shows,
        for the ear): under the two kinds' headings, complaints' groups then requests' when
        browsing, one flat list of matches when searching (empty: nothing matched)."""
        text = text.strip()
        if text:
            found = self.flow.search(text)
            return [(None, None, found)] if found else []
        sections: list[tuple[str | None, object, list]] = []
        for kind in KINDS:
            heading = kind
            all_services = self.flow.services(kind)
            seen = set()
            for g in self.flow.groups(kind):
                members = [s for s in all_services if s.group == g.code]
                if members:
                    seen.update(s.code for s in members)
                    sections.append((heading, g, members))
            rest = [s for s in all_services if s.code not in seen]
            if rest:
                sections.append((heading, None, rest))
        return sections

    def spoken(self, lang: str) -> str:
        return speech.services(lang, [(kind_label(kind, lang) if kind else "",
                                       g.name.get(lang) if g is not None else "",
                                       [s.name.get(lang) for s in members])
                                      for kind, g, members in self._sections(self.search.text())])

    def prebuild(self) -> None:
        """Build the full list ahead of the first "Lapor / Ajukan" (the window calls it once the
        welcome screen is painted), one group of tiles per event-loop turn: built in one go,
        its 34 tiles froze the welcome screen for 1.4 s on a busy start (the sync worker and
        the catalog keeper starting beside it), and a tap there waited that long."""
        if self.flow.screen != "welcome":
            return
        steps = self._build_steps("")
        self._prebuilding = steps

        def step() -> None:
            if self._prebuilding is not steps:
                return  # finished by a _build meanwhile
            try:
                next(steps)
            except StopIteration:
                self._prebuilding = None
                return
            QTimer.singleShot(0, self, step)

        step()

    def _build(self, text: str) -> None:
        """(Re)build the tiles now (a prebuild under way is finished first, then kept if it is
        the list wanted)."""
        pending, self._prebuilding = self._prebuilding, None
        if pending is not None:
            for _part in pending:
                pass
        for _part in self._build_steps(text):
            pass

    def _build_steps(self, text: str):
        """Build the tiles, yielding after each part: grouped when browsing, a flat list of
        matches when searching.  The same list (language, kinds, words, catalog) is kept, not
        rebuilt."""
        key = (current_language(), text.strip(),
               tuple(s.code for s in self.flow.services()))
        if key == getattr(self, "_built", None) and self.list_layout.count():
            return
        self._built = key
        lay = self.list_layout
        clear_layout(lay, keep=[self.empty])
        self.tiles = {}
        lang = current_language()
        text = text.strip()
        if text:
            services = self.flow.search(text)
            if not services:
                lay.addWidget(self.empty)
                self.empty.setText(_(self.empty.property("msgid")))
                self.empty.show()
            else:
                lay.addWidget(self._grid(services, lang))
        else:
            for kind in KINDS:
                lay.addWidget(self._kind_header(kind))
                yield from self._add_groups(kind, lang)
        lay.addStretch(1)

    def _kind_header(self, kind: str) -> QWidget:
        """Complaints first, then service requests: the choice a citizen used to make on a
        screen of its own is now these two headings."""
        w = QWidget()
        col = QVBoxLayout(w)
        col.setContentsMargins(0, 12, 0, 0)
        col.setSpacing(2)
        col.addWidget(label(KIND_LABELS[kind], role="title", wrap=False))  # one or two words
        w.setObjectName(f"kind-header-{kind}")
        return w

    def _add_groups(self, kind: str, lang: str) -> Iterator[None]:
        lay = self.list_layout
        all_services = self.flow.services(kind)
        seen = set()
        for g in self.flow.groups(kind):
            members = [s for s in all_services if s.group == g.code]
            if not members:
                continue
            seen.update(s.code for s in members)
            lay.addWidget(self._group_header(g.name.get(lang), g.icon))
            lay.addWidget(self._grid(members, lang))
            yield
        rest = [s for s in all_services if s.code not in seen]
        if rest:
            lay.addWidget(self._grid(rest, lang))
            yield

    def _group_header(self, text: str, icon_name: str) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 12, 0, 0)
        pic = QLabel()
        pic.setPixmap(pixmap(icon_name, theme.TEAL, 40))
        pic.setAccessibleName(text)  # the group it stands for, in the screen's language
        row.addWidget(pic)
        lab = QLabel(text)
        lab.setProperty("role", "title")
        lab.setStyleSheet(f"font-size: {theme.Scale().body + 4}pt; color: {theme.TEAL_DARK};")
        row.addWidget(lab, 1)
        return w

    def _grid(self, services, lang: str) -> QWidget:
        w = QWidget()
        grid = QGridLayout(w)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(14)
        for i, s in enumerate(services):
            name = s.name.get(lang)
            desc = s.description.get(lang) if s.description else ""
            b = Tile(s.icon, name, _short(desc, 90), object_name=f"service-{s.code}")
            b.clicked.connect(lambda _=False, code=s.code: self.flow.choose_service(code))
            grid.addWidget(b, i // COLUMNS, i % COLUMNS)
            self.tiles[s.code] = b
        for c in range(COLUMNS):
            grid.setColumnStretch(c, 1)
        return w


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
