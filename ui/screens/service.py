"""Choose the service: grouped tiles with icons, and a keyword search."""
from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk import speech
from kiosk.i18n import N_, _, current_language
from ui import theme
from ui.flow import SERVICE
from ui.icons import pixmap
from ui.screens import Screen
from ui.widgets import Tile, label, name_icon, scroll_area, set_msgid, text_field

COLUMNS = 2


class ServiceScreen(Screen):
    name = SERVICE

    def __init__(self, flow, parent=None) -> None:
        super().__init__(flow, parent)
        top = QHBoxLayout()
        self.title = label(N_("Pilih layanan"), role="title")
        top.addWidget(self.title, 1)
        self.search = text_field(max_length=40)
        self.search.setObjectName("service-search")
        set_msgid(self.search, N_("Cari: misalnya sampah, KTP, air"))
        self.search.setMinimumWidth(420)
        self.search.textChanged.connect(self._filter)
        glass = QLabel()
        glass.setPixmap(pixmap("search", theme.NAVY, 44))
        name_icon(glass, N_("Cari layanan"))
        top.addWidget(glass)
        top.addWidget(self.search)
        self.body.addLayout(top)
        self.list_widget = QWidget()
        self.list_layout = QVBoxLayout(self.list_widget)
        self.list_layout.setContentsMargins(0, 0, 12, 0)
        self.list_layout.setSpacing(12)
        self.scroll = scroll_area(self.list_widget)
        self.body.addWidget(self.scroll, 1)
        self.tiles: dict[str, QPushButton] = {}
        self.empty = label(N_("Tidak ada layanan yang cocok. Coba kata lain, atau pilih dari daftar."), role="notice")

    def enter(self) -> None:
        self._build(self.search.text())

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

    def _sections(self, text: str) -> list[tuple[object, list]]:
        """``(group or None, services)`` in screen order: grouped when browsing, one flat list
        of matches when searching (empty: nothing matched)."""
        text = text.strip()
        if text:
            found = self.flow.search(text)
            return [(None, found)] if found else []
        all_services = self.flow.services()
        sections: list[tuple[object, list]] = []
        seen = set()
        for g in self.flow.groups():
            members = [s for s in all_services if s.group == g.code]
            if members:
                seen.update(s.code for s in members)
                sections.append((g, members))
        rest = [s for s in all_services if s.code not in seen]
        if rest:
            sections.append((None, rest))
        return sections

    def spoken(self, lang: str) -> str:
        return speech.services(lang, [(g.name.get(lang) if g is not None else "", [s.name.get(lang) for s in members])
                                      for g, members in self._sections(self.search.text())])

    def _build(self, text: str) -> None:
        """(Re)build the tiles: grouped when browsing, a flat list of matches when searching."""
        lay = self.list_layout
        self.empty.setParent(None)
        while lay.count():
            item = lay.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.tiles = {}
        lang = current_language()
        sections = self._sections(text)
        if not sections:
            lay.addWidget(self.empty)
            self.empty.setText(_(self.empty.property("msgid")))
        for g, members in sections:
            if g is not None:
                lay.addWidget(self._group_header(g.name.get(lang), g.icon))
            lay.addWidget(self._grid(members, lang))
        lay.addStretch(1)

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
