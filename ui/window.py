"""The kiosk window: header, the current screen, Back/Listen/Next, keyboard, staff status bar.

It also holds the three things that are about the whole kiosk rather than one screen:
the idle countdown and wipe (privacy), the lock-down (nothing a citizen does can leave the
app), the staff gesture (a 3-second press in the top-left corner) and reading the screen
aloud (``ui.listen.ListenControl``: one "Dengarkan" button in the Back/Next bar for every citizen
screen; each screen only says what to read through ``Screen.spoken``).
"""
from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from kiosk.i18n import N_, _
from ui import ops, theme
from ui.bridge import SyncBridge
from ui.flow import WELCOME, Flow
from ui.icons import icon, pixmap
from ui.keyboard import NoKeyboard, load_panel
from ui.screens import Screen
from ui.screens.done import DoneScreen
from ui.screens.question import QuestionScreen
from ui.screens.review import ReviewScreen
from ui.screens.sending import SendingScreen
from ui.screens.service import ServiceScreen
from ui.screens.skm import SkmReportScreen, SurveyScreen
from ui.screens.staff import StaffPinScreen, StaffScreen
from ui.screens.staff_assisted import AssistedScreen
from ui.screens.status import StatusScreen
from ui.screens.welcome import LANG_SHORT, WelcomeScreen
from ui.listen import ListenControl
from ui.widgets import LongPress, button, label, name_icon, retranslate_tree, set_msgid

log = logging.getLogger(__name__)

SCREEN_CLASSES = (
    WelcomeScreen, ServiceScreen, QuestionScreen, ReviewScreen,
    SendingScreen, DoneScreen, StatusScreen, StaffPinScreen, StaffScreen, AssistedScreen,
    SurveyScreen, SkmReportScreen,
)
PREBUILD_MS = 800  # after the welcome screen is shown
KEYBOARD_SHARE = 0.4  # of the window height, at most
KEYBOARD_SHARE_SHORT = 0.33
LAYOUT_PASSES = 4  # before each frame: how many rounds of pending layout requests are settled
_INPUT_EVENTS = (
    QEvent.MouseButtonPress, QEvent.MouseButtonRelease, QEvent.TouchBegin, QEvent.TouchUpdate,
    QEvent.KeyPress, QEvent.InputMethod, QEvent.Wheel,
)
NETWORK_WORDS = {
    "online": N_("Daring"),
    "offline": N_("Luring"),
    "paused": N_("Dijeda"),
    "unknown": N_("Belum diketahui"),
}
PRINTER_WORDS = {
    "ready": N_("siap"),
    "offline": N_("mati"),
    "paper_out": N_("kertas habis"),
    "no_printer": N_("tidak ada"),
    "failed": N_("gagal"),
    "unknown": N_("belum diketahui"),
}


class IdleOverlay(QWidget):
    """Full-screen "Masih di sana?" with a countdown and one big "yes" button."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("IdleOverlay")
        self.setAttribute(Qt.WA_StyledBackground)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(80, 60, 80, 60)
        lay.setSpacing(24)
        lay.addStretch(1)
        self.title = label(N_("Masih di sana?"), role="title")
        self.title.setAlignment(Qt.AlignCenter)
        self.text = label(N_("Demi keamanan data Anda, isian akan dihapus jika tidak ada jawaban."))
        self.text.setAlignment(Qt.AlignCenter)
        self.count = QLabel()
        self.count.setProperty("role", "countdown")
        self.count.setAlignment(Qt.AlignCenter)
        self.count.setObjectName("idle-countdown")
        self.stay = button(N_("Ya, saya masih di sini"), "check", role="accent", object_name="idle-stay")
        self.stay.setMinimumHeight(130)
        for w in (self.title, self.text, self.count):
            lay.addWidget(w)
        lay.addWidget(self.stay, 0, Qt.AlignHCenter)
        lay.addStretch(1)
        self.hide()

    def changeEvent(self, ev: QEvent) -> None:  # noqa: N802
        if ev.type() == QEvent.LanguageChange:
            retranslate_tree(self)
        super().changeEvent(ev)


class IdleWatcher(QObject):
    """Watches every input event; after ``timeout - warning`` seconds asks "still there?",
    and after ``warning`` more seconds without an answer wipes the flow.

    The times are injectable (seconds, floats) so tests run in well under a second.
    """

    warning_shown = Signal()
    dismissed = Signal()
    expired = Signal()

    def __init__(self, window: "MainWindow", timeout_s: float, warning_s: float) -> None:
        super().__init__(window)
        self.window = window
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.timeout.connect(self._warn)
        self.deadline = QTimer(self)
        self.deadline.setSingleShot(True)
        self.deadline.timeout.connect(self._expire)
        self.tick = QTimer(self)
        self.tick.timeout.connect(self._update_count)
        self.set_timeouts(timeout_s, warning_s)
        QApplication.instance().installEventFilter(self)

    def set_timeouts(self, timeout_s: float, warning_s: float) -> None:
        """Idle time until the wipe, and the countdown's share of it (seconds); restarts."""
        self.timeout_s, self.warning_s = float(timeout_s), float(warning_s)
        self.idle.setInterval(max(1, int((self.timeout_s - self.warning_s) * 1000)))
        self.deadline.setInterval(max(1, int(self.warning_s * 1000)))
        self.tick.setInterval(max(50, min(1000, int(self.warning_s * 1000) // 10 or 50)))
        self.idle.start()

    @property
    def warning(self) -> bool:
        return self.deadline.isActive()

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:  # noqa: N802
        if ev.type() in _INPUT_EVENTS:
            if self.warning:
                if ev.type() in (QEvent.MouseButtonPress, QEvent.TouchBegin, QEvent.KeyPress):
                    self.dismiss()
                    return obj is not self.window.overlay.stay  # a tap answers; it does not act
            else:
                self.idle.start()
        return False

    def _needed(self) -> bool:
        """Only warn when there is something of a citizen to forget."""
        flow = self.window.flow
        return flow.screen != WELCOME or flow.language != flow.default_language or self.window.large_text

    def _warn(self) -> None:
        if not self._needed():
            self.idle.start()
            return
        ov = self.window.overlay
        ov.setGeometry(self.window.rect())
        ov.raise_()
        ov.show()
        QGuiApplication.inputMethod().hide()
        self.deadline.start()
        self.tick.start()
        self._update_count()
        self.warning_shown.emit()

    def _update_count(self) -> None:
        left_ms = self.deadline.remainingTime() if self.deadline.isActive() else 0
        # Whole seconds left, rounded up (a timer may report a millisecond over the interval).
        self.window.overlay.count.setText(str(max(0, -(-(left_ms - 1) // 1000))))

    def dismiss(self) -> None:
        self.deadline.stop()
        self.tick.stop()
        self.window.overlay.hide()
        self.idle.start()
        self.dismissed.emit()

    def _expire(self) -> None:
        self.tick.stop()
        self.window.overlay.hide()
        self.window.wipe()
        self.idle.start()
        self.expired.emit()

    def stop(self) -> None:
        for t in (self.idle, self.deadline, self.tick):
            t.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class LockDown(QObject):
    """Swallows what could leave the app: context menus, Alt+F4, Ctrl+Q/W, Alt+Tab."""

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:  # noqa: N802
        t = ev.type()
        if t == QEvent.ContextMenu:
            return True
        if t in (QEvent.KeyPress, QEvent.ShortcutOverride):
            key, mods = ev.key(), ev.modifiers()
            if key == Qt.Key_F4 and mods & Qt.AltModifier:
                return True
            if mods & (Qt.AltModifier | Qt.MetaModifier) and key == Qt.Key_Tab:
                return True
            if mods & Qt.ControlModifier and key in (Qt.Key_Q, Qt.Key_W):
                return True
            if ev.matches(QKeySequence.Quit) or ev.matches(QKeySequence.Close):
                return True
        return False


class Screens(Mapping):
    """The window's screens by name, each built the first time it is asked for.

    Only the welcome screen is built before the first paint; the window builds the others
    one per event-loop turn after it (``MainWindow.build_screens_later``), and any screen
    asked for sooner is built there and then.  ``get`` and ``built`` never build: they are
    for code that only needs to reach a screen that exists (a volume shown, inputs cleared).
    """

    def __init__(self, classes: tuple[type[Screen], ...], make: Callable[[type[Screen]], Screen]) -> None:
        self._classes = {cls.name: cls for cls in classes}
        self._make = make
        self._built: dict[str, Screen] = {}

    def __getitem__(self, name: str) -> Screen:
        screen = self._built.get(name)
        if screen is None:
            screen = self._built[name] = self._make(self._classes[name])
        return screen

    def __iter__(self) -> Iterator[str]:
        return iter(self._classes)

    def __len__(self) -> int:
        return len(self._classes)

    def __contains__(self, name: object) -> bool:
        return name in self._classes

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        return self._built.get(name, default)

    def built(self) -> list[Screen]:
        return list(self._built.values())

    def unbuilt(self) -> list[str]:
        return [name for name in self._classes if name not in self._built]


class MainWindow(QWidget):
    """The one top-level window; see the module docstring."""

    exit_requested = Signal()  # staff confirmed "Keluar dari mode kios"
    #: Once, just after the first paint of the window (the welcome screen is on the glass):
    #: ``ui.startup.StartUp`` then opens the core (off the GUI thread) and loads what the welcome screen did not need.
    first_painted = Signal()

    def __init__(
        self,
        core: Any,
        *,
        idle_timeout_s: float | None = None,
        idle_warning_s: float | None = None,
        fullscreen: bool | None = None,
        staff_hold_ms: int = 3000,
    ) -> None:
        super().__init__()
        self.core = core
        cfg = core.cfg
        self.setObjectName("Root")
        self.setWindowTitle("Pasar Layanan Publik")
        self.setAttribute(Qt.WA_StyledBackground)
        self.fullscreen = cfg.kiosk.fullscreen if fullscreen is None else fullscreen
        if self.fullscreen:
            self.setWindowFlags(Qt.Window | Qt.FramelessWindowHint | Qt.WindowStaysOnTopHint)
        self.setContextMenuPolicy(Qt.NoContextMenu)
        self._closing_allowed = False
        self.large_text = False
        self.flow = Flow(core, self)
        self.bridge = SyncBridge(core, self)

        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        self.header = self._build_header()
        root.addWidget(self.header)
        self.stack = QStackedWidget()
        self._compact = False
        self._painted = False
        self.screens = Screens(SCREEN_CLASSES, self._make_screen)
        self.screens[WELCOME]  # the stack's first, and current, screen
        root.addWidget(self.stack, 1)
        root.addWidget(self._build_nav())
        # The keyboard's QML scene is built when a citizen leaves the welcome screen
        # (``_ensure_keyboard``): the welcome screen paints, and idles, without Qt Quick.
        self.keyboard: Any = NoKeyboard()
        self._keyboard_slot = root.count()
        root.addWidget(self._build_status_bar())
        self.overlay = IdleOverlay(self)
        self.overlay.stay.clicked.connect(lambda: None)  # the event filter already dismissed
        self.listen.update()

        self.flow.screen_changed.connect(self._show_screen)
        self.flow.language_changed.connect(self._language_changed)
        self.flow.wiped.connect(self._wiped)
        self.flow.answers_cleared.connect(self._clear_inputs)
        self.bridge.status_changed.connect(self._sync_status)
        self.flow.submit_finished.connect(self._refresh_printer)
        self.quit_on_exit = True  # tests turn this off: quitting would end pytest-qt's loop
        QApplication.instance().focusChanged.connect(self._focus_changed)
        self.lockdown = LockDown(self)
        QApplication.instance().installEventFilter(self.lockdown)
        k = cfg.kiosk
        self.idle = IdleWatcher(
            self,
            k.idle_timeout_s if idle_timeout_s is None else idle_timeout_s,
            k.idle_warning_s if idle_warning_s is None else idle_warning_s,
        )
        self.idle.warning_shown.connect(self.listen.warned)
        self.staff_gesture.timer.setInterval(staff_hold_ms)
        self.printer_timer = QTimer(self)
        self.printer_timer.setInterval(15000)
        self.printer_timer.timeout.connect(self._refresh_printer)
        self._show_screen(WELCOME)
        if getattr(core, "opened", True):  # an opened core: its numbers now, as before
            self.core_opened()
        self._language_changed(self.flow.language)

    def _make_screen(self, cls: type[Screen]) -> Screen:
        """Build one screen and wire it in (``Screens`` calls this on first use)."""
        s = cls(self.flow, self.stack)  # a child from the start: never a window of its own
        self.stack.addWidget(s)
        s.nav_changed.connect(self._update_nav)
        if self._compact:
            s.set_compact(True)
        if s.name == "staff":
            self.bridge.status_changed.connect(s.sync_changed)
            s.printer_used.connect(self._refresh_printer)
            s.volume_changed.connect(self.listen.set_volume)
            s.volume_test.connect(self.listen.hear_volume)
        elif s.name == "service":
            self.bridge.catalog_changed.connect(s.catalog_changed)
        if s.name == "staff":
            QTimer.singleShot(0, self, self.listen._staff_volume)  # once ``screens`` holds it
        return s

    def core_opened(self) -> None:
        """The core's outbox and printer are there: show their state, and keep asking the printer."""
        try:
            self._sync_status(self.core.sync_status())
        except Exception:
            log.warning("sync status not available yet")
        self._refresh_printer()
        if not self.printer_timer.isActive():
            self.printer_timer.start()

    def build_screens_later(self, on_done: Callable[[], None] | None = None) -> None:
        """Build the screens not built yet, one per event-loop turn (a tap in between is
        handled at once), so the first "Lapor" or "Cek status" finds its screen ready."""
        left = self.screens.unbuilt()
        if not left or getattr(self, "_shut", False):
            if on_done is not None:
                on_done()
            return
        self.screens[left[0]]
        QTimer.singleShot(0, self, lambda: self.build_screens_later(on_done))

    def event(self, ev: QEvent) -> bool:  # noqa: N802 (Qt API)
        if ev.type() == QEvent.UpdateRequest:
            # Every frame with today's layout: a frame already due when a label got a longer
            # text (the next question, the print outcome, the review's rows) was painted
            # before the layout that makes room for it, the text squeezed for that frame.
            # Nested word-wrapped layouts (a face button's words) settle over a few passes,
            # each posting the next.
            for _ in range(LAYOUT_PASSES):
                QCoreApplication.sendPostedEvents(None, QEvent.LayoutRequest)
        return super().event(ev)

    def paintEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        super().paintEvent(ev)
        if not self._painted:
            # The children paint right after this, in the same pass: the next turn of the
            # event loop comes after the whole window is on the glass.
            self._painted = True
            QTimer.singleShot(0, self, self.first_painted.emit)

    # -- building -------------------------------------------------------------------------
    def _build_header(self) -> QWidget:
        header = QWidget()
        header.setObjectName("Header")
        header.setAttribute(Qt.WA_StyledBackground)
        row = QHBoxLayout(header)
        row.setContentsMargins(0, 0, 24, 0)
        row.setSpacing(16)
        self.staff_gesture = LongPress()
        self.staff_gesture.setFixedSize(110, 100)
        self.staff_gesture.setObjectName("staff-corner")
        set_msgid(self.staff_gesture, N_("Logo pasar"))
        g = QHBoxLayout(self.staff_gesture)
        g.setContentsMargins(24, 0, 0, 0)
        logo = QLabel()
        logo.setPixmap(pixmap("market", theme.GOLD, 64))
        logo.setAttribute(Qt.WA_TransparentForMouseEvents)
        name_icon(logo, N_("Logo pasar"))
        g.addWidget(logo)
        self.staff_gesture.triggered.connect(self._staff_gesture)
        row.addWidget(self.staff_gesture, 0, Qt.AlignTop | Qt.AlignLeft)
        names = QVBoxLayout()
        names.setSpacing(0)
        cfg = self.core.cfg
        self.market_label = QLabel(cfg.kiosk.market)
        self.market_label.setProperty("role", "market")
        self.service_label = label(N_("Layanan Pengaduan dan Permohonan Warga"), wrap=False)
        names.addStretch(1)
        names.addWidget(self.market_label)
        names.addWidget(self.service_label)
        names.addStretch(1)
        row.addLayout(names, 1)
        self.names_layout = names
        self.header_langs = QButtonGroup(self)
        self.header_lang_buttons: dict[str, QPushButton] = {}
        for lang in self.flow.languages:
            b = QPushButton(LANG_SHORT.get(lang, lang))
            b.setCheckable(True)
            b.setFocusPolicy(Qt.TabFocus)
            b.setObjectName(f"header-lang-{lang}")
            b.setMinimumSize(theme.TOUCH_MIN_PX + 40, theme.TOUCH_MIN_PX)
            from kiosk.i18n import LANGUAGE_NAMES

            b.setAccessibleName(LANGUAGE_NAMES.get(lang, lang))
            b.clicked.connect(lambda _=False, l=lang: self.flow.set_language(l))
            self.header_langs.addButton(b)
            self.header_lang_buttons[lang] = b
            row.addWidget(b)
        row.addSpacing(12)
        self.text_size = button(N_("Huruf besar"), "textsize", object_name="large-text", icon_colour=theme.WHITE)
        self.text_size.setCheckable(True)
        self.text_size.toggled.connect(self.set_large_text)
        row.addWidget(self.text_size)
        header.setMinimumHeight(100)
        # The header never sets the window's width (a full-screen window takes the screen's):
        # ``_fit_header`` shortens it instead.
        header.setMinimumWidth(1)
        header.installEventFilter(self)
        return header

    def _build_nav(self) -> QWidget:
        nav = QWidget()
        nav.setObjectName("NavBar")
        nav.setAttribute(Qt.WA_StyledBackground)
        row = QHBoxLayout(nav)
        row.setContentsMargins(40, 8, 40, 8)
        self.back_button = button(N_("Kembali"), "back", object_name="back")
        self.back_button.setMinimumWidth(220)
        self.back_button.clicked.connect(self._back)
        self.primary_button = button(N_("Lanjut"), "next", role="primary", object_name="next")
        self.primary_button.setMinimumWidth(300)
        self.primary_button.setLayoutDirection(Qt.RightToLeft)  # the arrow after the word
        self.primary_button.clicked.connect(self._primary)
        from kiosk import volume

        self.listen = ListenControl(self, self.core.cfg.kiosk.speech, volume.current(self.core.cfg))
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.listen.button)
        row.addStretch(1)
        row.addWidget(self.primary_button)
        self.nav = nav
        return nav

    def _build_status_bar(self) -> QWidget:
        bar = QWidget()
        bar.setObjectName("StatusBar")
        bar.setAttribute(Qt.WA_StyledBackground)
        row = QHBoxLayout(bar)
        row.setContentsMargins(16, 3, 16, 3)
        row.setSpacing(24)
        self.net_icon = QLabel()
        self.net_label = QLabel()
        self.net_label.setObjectName("status-network")
        self.queue_label = QLabel()
        self.queue_label.setObjectName("status-queue")
        self.printer_label = QLabel()
        self.printer_label.setObjectName("status-printer")
        # The health watch's verdict (ui/healthwatch.py) and clock or disk problems
        # (kiosk/clock.py, kiosk/datadir.py), in one label for staff.
        self.health_label = QLabel()
        self.health_label.setObjectName("status-health")
        # A long notice must never widen the window: it gets what room is left, clipped.
        self.health_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.health_label.setMinimumWidth(0)
        self.health_label.hide()
        self._health_text = ""
        kiosk_id = QLabel(self.core.cfg.kiosk.id)
        row.addWidget(self.net_icon)
        row.addWidget(self.net_label)
        row.addWidget(self.queue_label)
        row.addWidget(self.printer_label)
        row.addWidget(self.health_label, 1)
        row.addStretch(1)
        row.addWidget(kiosk_id)
        self._net = "unknown"
        self._waiting = 0
        self._printer = "unknown"
        return bar

    def show_health(self, verdict: Any) -> None:
        """A vital sign out of bounds, in the status bar (staff's language: the kiosk's default)."""
        self._health_text = verdict.staff_text(self.flow.default_language) if verdict is not None else ""
        self._render_status()

    # -- screens and navigation --------------------------------------------------------------
    @property
    def current(self) -> Screen:
        return self.stack.currentWidget()  # type: ignore[return-value]

    def _show_screen(self, name: str) -> None:
        if name != WELCOME:
            self._ensure_keyboard()
        screen = self.screens[name]
        if self.stack.currentWidget() is not screen:
            focus = QApplication.focusWidget()
            if focus is not None and self.isAncestorOf(focus):
                focus.clearFocus()
            self.stack.setCurrentWidget(screen)
        screen.enter()
        self._update_nav()
        self.listen.update()
        if QApplication.focusWidget() is None or not isinstance(QApplication.focusWidget(), (QLineEdit, QPlainTextEdit)):
            QGuiApplication.inputMethod().hide()

    def _update_nav(self) -> None:
        screen = self.current
        self.back_button.setVisible(screen.back_visible)
        self.back_button.setEnabled(not self.flow.busy)
        primary = screen.primary()
        self.primary_button.setVisible(primary is not None)
        if primary is not None:
            msgid, icon_name = primary
            set_msgid(self.primary_button, msgid)
            self.primary_button.setIcon(icon(icon_name, theme.WHITE, 96))
            self.primary_button.setEnabled(screen.primary_enabled())
        self.nav.setVisible(screen.back_visible or primary is not None or self.listen.button.isVisibleTo(self.nav))

    def _back(self) -> None:
        if not self.current.on_back():
            self.flow.back()

    def _primary(self) -> None:
        self.current.on_primary()
        self._update_nav()

    # -- keyboard --------------------------------------------------------------------------
    def _ensure_keyboard(self) -> None:
        if self.keyboard.ok or isinstance(self.keyboard, QWidget):
            return
        panel = load_panel(self)
        self.keyboard = panel
        panel.shown.connect(self._keyboard_shown)
        self.layout().insertWidget(self._keyboard_slot, panel)
        panel.set_language(self.flow.language)
        share = KEYBOARD_SHARE_SHORT if self.height() <= theme.SHORT_PANEL_PX else KEYBOARD_SHARE
        panel.set_max_height(int(self.height() * share))

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        im = QGuiApplication.inputMethod()
        if isinstance(new, (QLineEdit, QPlainTextEdit, QTextEdit)) and new.testAttribute(Qt.WA_InputMethodEnabled):
            self._ensure_keyboard()
        if isinstance(new, (QLineEdit, QPlainTextEdit, QTextEdit)) and new.testAttribute(Qt.WA_InputMethodEnabled):
            im.show()
        elif new is None or new is not self.keyboard:
            im.hide()

    def _keyboard_shown(self, visible: bool) -> None:
        # On a short screen (1366x768) the header gives its room to the question while typing,
        # and the Back/Next bar tightens round its buttons: the question, at least three lines
        # of the field and Back/Next must all stay visible above the keyboard.
        short = self.height() <= theme.SHORT_PANEL_PX
        self.header.setVisible(not visible or not short)
        m = 2 if visible and short else 8
        self.nav.layout().setContentsMargins(40, m, 40, m)
        self._compact = visible and short
        for screen in self.screens.built():
            screen.set_compact(self._compact)
        if visible:
            QTimer.singleShot(0, self, self._ensure_field_visible)

    def _ensure_field_visible(self) -> None:
        self.current._ensure_field_visible_safely()

    # -- language and text size --------------------------------------------------------------
    def _language_changed(self, lang: str) -> None:
        for l, b in self.header_lang_buttons.items():
            b.setChecked(l == lang)
        QTimer.singleShot(0, self, self._fit_header)  # "Huruf besar" is longer in some languages
        self.keyboard.set_language(lang)
        self._update_nav()
        self._render_status()

    def changeEvent(self, ev: QEvent) -> None:  # noqa: N802
        if ev.type() == QEvent.LanguageChange:
            retranslate_tree(self.findChild(QWidget, "Header"))
            retranslate_tree(self.nav)
            self._render_status()
        super().changeEvent(ev)

    def set_large_text(self, on: bool) -> None:
        """The larger-text toggle: every screen follows through the stylesheet."""
        self.large_text = on
        if self.text_size.isChecked() != on:
            self.text_size.setChecked(on)
        app = QApplication.instance()
        # Only on a change: re-applying the stylesheet re-styles every widget, which froze
        # the screen for half a second after every citizen's wipe (found by bench/soak.py).
        if app.property("kiosk_large_text") != on:
            app.setProperty("kiosk_large_text", on)
            app.setStyleSheet(theme.stylesheet(large=on))
            self._fit_header()
            QTimer.singleShot(0, self, self._fit_header)  # again once every widget is re-polished

    # -- sync status (staff eyes) ----------------------------------------------------------
    def _sync_status(self, status: Any) -> None:
        if status is None:
            return
        self._net = "paused" if getattr(status, "paused", False) else getattr(status, "network", "unknown")
        counts = getattr(status, "counts", {}) or {}
        self._waiting = int(counts.get("queued", 0)) + int(counts.get("sending", 0))
        self._render_status()

    def _refresh_printer(self) -> None:
        """Ask the printer itself (off the GUI thread: CUPS or USB may be slow), on a timer and
        after every staff action, so the status bar never says "ready" only because nothing
        has failed yet."""
        if getattr(self, "_printer_asking", False):
            return
        self._printer_asking = True
        ops.run(self.core.refresh_printer_state, on_done=self._printer_known, on_error=self._printer_unknown)

    def _printer_known(self, state: str) -> None:
        self._printer_asking = False
        self._printer = state or "unknown"
        self._render_status()

    def _printer_unknown(self, exc: BaseException) -> None:
        self._printer_asking = False
        self._printer = "unknown"
        self._render_status()

    def _render_status(self) -> None:
        self.net_icon.setPixmap(pixmap("online" if self._net == "online" else "offline", theme.WHITE, 20))
        self.net_label.setText(_(NETWORK_WORDS.get(self._net, NETWORK_WORDS["unknown"])))
        self.queue_label.setText(_("Menunggu dikirim: {n}").format(n=self._waiting))
        self.printer_label.setText(
            _("Printer: {state}").format(state=_(PRINTER_WORDS.get(self._printer, PRINTER_WORDS["unknown"])))
        )
        from kiosk.i18n import current_language

        try:
            texts = self.core.staff_warnings(current_language(), short=True)
        except Exception:
            log.exception("staff warnings failed")
            texts = []
        if self._health_text:
            texts.insert(0, self._health_text)
        self.health_label.setText("  ·  ".join(texts))
        try:
            self.health_label.setToolTip("\n".join(self.core.staff_warnings(current_language())))
        except Exception:
            pass
        self.health_label.setVisible(bool(texts))

    # -- staff --------------------------------------------------------------------------------
    def _staff_gesture(self) -> None:
        log.info("staff gesture")
        self.flow.open_staff()

    def allow_close(self) -> None:
        """Only the staff area's "exit" may close the kiosk."""
        self._closing_allowed = True

    def exit_kiosk(self) -> None:
        """The staff area's confirmed "leave kiosk mode": the only way out of the app."""
        log.info("staff left kiosk mode")
        self.allow_close()
        self.exit_requested.emit()
        self.close()
        if self.quit_on_exit:
            QApplication.instance().quit()

    # -- privacy ---------------------------------------------------------------------------------
    def wipe(self) -> None:
        """The idle timeout's "forget everything": flow, widgets, keyboard, text size."""
        self.flow.wipe()

    def _wiped(self) -> None:
        self._clear_inputs()
        self.set_large_text(False)

    def _clear_inputs(self) -> None:
        """Every screen's widgets, every text field and the keyboard's half-typed word."""
        im = QGuiApplication.inputMethod()
        im.reset()  # drops the keyboard's preedit (a half-typed word)
        im.hide()
        focus = QApplication.focusWidget()
        if focus is not None:
            focus.clearFocus()
        for s in self.screens.built():  # a screen not built yet holds nothing
            s.clear()
        # Belt and braces: any text field anywhere (signals off: the draft is already gone).
        for w in self.findChildren(QLineEdit) + self.findChildren(QPlainTextEdit):
            blocked = w.blockSignals(True)
            w.clear()
            w.blockSignals(blocked)

    # -- lock-down --------------------------------------------------------------------------------
    def closeEvent(self, ev) -> None:  # noqa: N802
        if self._closing_allowed:
            self.idle.stop()
            QApplication.instance().removeEventFilter(self.lockdown)
            ev.accept()
        else:
            ev.ignore()

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:  # noqa: N802
        # Any change of the header's contents (a new font, a translated word): shorten it
        # again if it no longer fits.
        if obj is self.header and ev.type() == QEvent.LayoutRequest:
            if self.header.layout().sizeHint().width() > self.width():
                QTimer.singleShot(0, self, self._fit_header)
        return False

    def _fit_header(self) -> None:
        """Everything in the header at its natural size: on a narrow panel (or with large
        text) the service line goes first, then the language buttons shorten to their codes
        (their accessible names stay the languages' names)."""
        header = self.header
        self.service_label.setVisible(True)
        self.market_label.setVisible(True)
        for lang, b in self.header_lang_buttons.items():
            b.setText(LANG_SHORT.get(lang, lang))
        for step in ("service", "codes", "market"):
            self.names_layout.invalidate()  # (a nested layout keeps its own cached size)
            header.layout().invalidate()
            if header.layout().sizeHint().width() <= self.width():
                break
            if step == "service":
                self.service_label.setVisible(False)
            elif step == "codes":
                for lang, b in self.header_lang_buttons.items():
                    b.setText(lang.upper())
            else:
                self.market_label.setVisible(False)
        from kiosk.i18n import LANGUAGE_NAMES

        for lang, b in self.header_lang_buttons.items():
            # The name says what the button shows ("ID"), and what it means.
            name = LANGUAGE_NAMES.get(lang, lang)
            b.setAccessibleName(name if b.text().lower() in name.lower() else f"{name} ({b.text()})")
        self.names_layout.invalidate()
        header.layout().invalidate()
        header.layout().activate()

    def showEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        super().showEvent(ev)
        if not getattr(self, "_prebuilt", False):
            # Once the welcome screen is up: the service list, so the first "Lapor" is quick.
            self._prebuilt = True
            QTimer.singleShot(PREBUILD_MS, self, lambda: self.screens["service"].prebuild())
            if self.listen.speaker is not None:
                QTimer.singleShot(PREBUILD_MS, self, self.listen.speaker.start)

    def resizeEvent(self, ev) -> None:  # noqa: N802
        self._fit_header()
        self.overlay.setGeometry(self.rect())
        # A short panel gets a flatter keyboard (keys stay well over a fingertip wide).
        share = KEYBOARD_SHARE_SHORT if self.height() <= theme.SHORT_PANEL_PX else KEYBOARD_SHARE
        self.keyboard.set_max_height(int(self.height() * share))
        super().resizeEvent(ev)

    def show_kiosk(self) -> None:
        """Full screen (or a window for demos); with no window manager, the screen's geometry."""
        # The layout's size hints before the native window exists: set afterwards they would
        # be pushed to a live window (a warning on the offscreen platform, a resize elsewhere).
        self.layout().activate()
        screen = QGuiApplication.primaryScreen()
        if self.fullscreen and screen is not None:
            self.setGeometry(screen.geometry())
            self.showFullScreen()
        else:
            self.resize(1366, 768)
            self.show()

    def shutdown(self) -> None:
        """Tear down for tests and the end of ``run_app`` (idempotent)."""
        if getattr(self, "_shut", False):
            return
        self._shut = True
        self.allow_close()
        self.idle.stop()
        self.printer_timer.stop()
        self.listen.shutdown()
        QApplication.instance().removeEventFilter(self.lockdown)
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            try:
                QApplication.instance().focusChanged.disconnect(self._focus_changed)
            except (RuntimeError, TypeError):
                pass
        self.close()
