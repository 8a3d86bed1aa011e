"""One module per screen.  Each screen asks the ``Flow`` what to show and tells it what
the citizen did; the window owns the shared header, the Back/Next bar and the keyboard.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from ui.flow import Flow
from ui.widgets import retranslate_tree


class Screen(QWidget):
    """Base of all screens.

    ``primary`` names the main action in the bottom bar (msgid, icon) or None;
    ``back_visible`` says whether Back is offered (everywhere but the start, the
    in-progress send and the final "done" which has its own "Selesai").
    """

    name = ""
    back_visible = True
    nav_changed = Signal()  # primary text / enabled state changed

    def __init__(self, flow: Flow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.flow = flow
        self.core: Any = flow.core
        self.setObjectName(f"screen-{self.name}")
        # The whole screen scrolls if it does not fit (larger text, keyboard up, a small
        # panel): nothing is ever cut off or pushed under the keyboard.
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.page = QScrollArea()
        self.page.setWidgetResizable(True)
        self.page.setFrameShape(QFrame.NoFrame)
        self.page.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.page.setFocusPolicy(Qt.NoFocus)
        inner = QWidget()
        inner.setObjectName("page")
        self.body = QVBoxLayout(inner)
        self.body.setContentsMargins(48, 28, 48, 20)
        self.body.setSpacing(18)
        self.page.setWidget(inner)
        outer.addWidget(self.page)

    def primary(self) -> tuple[str, str] | None:
        return None

    def primary_enabled(self) -> bool:
        return True

    def on_primary(self) -> None:
        pass

    def ensure_field_visible(self) -> None:
        """The keyboard appeared: keep the focused field in view above it."""
        from PySide6.QtWidgets import QApplication

        focus = QApplication.focusWidget()
        if focus is not None and self.isAncestorOf(focus):
            self.page.ensureWidgetVisible(focus, 20, 20)

    def resizeEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(ev)
        # The keyboard appearing shrinks the screen: bring the field being typed in back
        # into view once the layout has settled.
        QTimer.singleShot(0, self, self._ensure_field_visible_safely)

    def _ensure_field_visible_safely(self) -> None:
        try:
            self.ensure_field_visible()
        except RuntimeError:  # the field went away meanwhile (next question, wipe)
            pass

    def on_back(self) -> bool:
        """Back was pressed: True if the screen handled it itself (a page inside the screen)."""
        return False

    def set_compact(self, compact: bool) -> None:
        """The on-screen keyboard is up on a short panel: give up what can be spared."""

    def enter(self) -> None:
        """Called each time the screen is shown: refresh from the flow."""

    def spoken(self, lang: str) -> str | None:
        """What the listen button reads on this screen, from the core's ``kiosk.speech``
        (the same strings the screen shows); None: no listen button here (staff screens)."""
        return None

    def clear(self) -> None:
        """Forget everything a citizen entered or was shown (the idle wipe)."""

    def retranslate(self) -> None:
        retranslate_tree(self)

    def changeEvent(self, ev: QEvent) -> None:  # noqa: N802 (Qt API)
        if ev.type() == QEvent.LanguageChange:
            self.retranslate()
        super().changeEvent(ev)
