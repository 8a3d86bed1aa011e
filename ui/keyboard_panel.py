"""The Qt Virtual Keyboard panel itself: ``InputPanel`` in a ``QQuickWidget`` (see ``ui.keyboard``).

Imported only when the keyboard is first needed, since Qt Quick and the QML scene are most of
what the welcome screen would otherwise wait for and keep in memory.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QPointF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QGuiApplication, QResizeEvent
from PySide6.QtQuick import QQuickItem
from PySide6.QtQuickWidgets import QQuickWidget
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.i18n import N_, _, tr
from ui.keyboard import LOCALES, QML, focus_takes_text


class KeyboardPanel(QQuickWidget):
    """Hosts ``InputPanel``; visible exactly while Qt's input method is visible."""

    shown = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Keyboard")
        self.setAccessibleName(_(N_("Papan ketik")))
        self.setFocusPolicy(Qt.NoFocus)  # a key tap must leave focus in the field
        self.setAttribute(Qt.WA_AcceptTouchEvents)
        self.setResizeMode(QQuickWidget.SizeRootObjectToView)
        self.setClearColor(Qt.transparent)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setSource(QUrl.fromLocalFile(str(QML)))
        self.max_height = 320
        self.ok = self.status() == QQuickWidget.Ready and self.rootObject() is not None
        self.hide()
        if self.ok:
            # Queued: resizing from inside QML's own binding update makes a binding loop.
            self.rootObject().panelHeightChanged.connect(lambda: QTimer.singleShot(0, self._fit))
        QGuiApplication.inputMethod().visibleChanged.connect(self._sync_visibility)
        QTimer.singleShot(0, self, self._sync_visibility)  # asked for before the panel existed

    @property
    def panel(self) -> QQuickItem | None:
        root = self.rootObject()
        return root.findChild(QQuickItem, "inputPanel") if root is not None else None

    def set_max_height(self, px: int) -> None:
        self.max_height = px
        self._fit()

    def set_language(self, lang: str) -> None:
        self.setAccessibleName(tr(lang, N_("Papan ketik")))
        if self.ok:
            self.rootObject().setProperty("locale", LOCALES.get(lang, "id_ID"))

    def resizeEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(ev)
        self._fit()

    def _fit(self) -> None:
        """Size the QML root to the widget, and the widget's height to the panel's."""
        if not self.ok:
            return
        root = self.rootObject()
        # Keep the keyboard near 40 % of the window's height: a wide panel grows tall
        # (its height is about 0.31 of its width in the default style).
        max_width = max(600.0, self.max_height / 0.3125)
        if root.property("maxPanelWidth") != max_width:
            root.setProperty("maxPanelWidth", max_width)
        if root.width() != self.width():
            root.setProperty("width", float(self.width()))
        h = int(root.property("panelHeight") or 0)
        if h > 0 and h != self.height():
            self.setFixedHeight(h)
        if root.height() != self.height():
            root.setProperty("height", float(self.height()))

    def _sync_visibility(self) -> None:
        im = QGuiApplication.inputMethod()
        visible = self.ok and im.isVisible()
        if visible and not focus_takes_text():
            # Asked for by a field that is not typed on letters (a NumPad field): never two
            # keyboards at once.
            im.hide()
            visible = False
        if visible != self.isVisible():
            self.setVisible(visible)
            self._fit()
            if visible and self.quickWindow().size() != self.size():
                # A QQuickWidget sized while hidden keeps a 0-high offscreen window (blank
                # in grabs and screenshots): tell it its real size.
                QCoreApplication.sendEvent(self, QResizeEvent(self.size(), self.quickWindow().size()))
            self.shown.emit(visible)

    # -- for tests and assistive tools: the key items of the current layout -------------
    def keys(self) -> list[QQuickItem]:
        """Every visible key item (``text`` and ``key`` properties) of the current layout."""
        panel = self.panel
        out: list[QQuickItem] = []

        def walk(item: QQuickItem) -> None:
            for c in item.childItems():
                if c.property("key") is not None and c.property("text") is not None and c.isVisible():
                    out.append(c)
                walk(c)

        if panel is not None:
            walk(panel)
        return out

    def key_centre(self, item: QQuickItem) -> QPointF:
        return item.mapToScene(QPointF(item.width() / 2, item.height() / 2))
