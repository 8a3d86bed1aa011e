"""Big, touch-sized building blocks the screens share.

Every control here carries its Indonesian msgid (``setProperty("msgid", ...)``) so
``retranslate_tree`` can re-apply ``_()`` to a whole screen on ``LanguageChange``, and
sets its accessible name from the same text, so screen readers and AT-SPI test tools
find each button by what it says.
"""
from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import datetime, timedelta

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QScroller,
    QScrollerProperties,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.clock import WIB, now_wib
from kiosk.i18n import N_, _
from ui import theme
from ui.icons import icon

ICON_PX = 48


def set_msgid(widget: QWidget, msgid: str, **params: object) -> None:
    """Give ``widget`` a translatable text and apply it now."""
    widget.setProperty("msgid", msgid)
    widget.setProperty("msgparams", params or None)
    _apply_text(widget)


def _apply_text(widget: QWidget) -> None:
    msgid = widget.property("msgid")
    if not msgid:
        return
    params = widget.property("msgparams") or {}
    text = _(msgid).format(**params) if params else _(msgid)
    if isinstance(widget, (QAbstractButton, QLabel)) and not widget.property("icon_only"):
        widget.setText(text)
    elif isinstance(widget, (QLineEdit,)):
        widget.setPlaceholderText(text)
    widget.setAccessibleName(text.replace("\n", " "))


def name_icon(widget: QWidget, msgid: str) -> None:
    """An icon's accessible name in the screen's language (its face stays the picture)."""
    widget.setProperty("icon_only", True)
    set_msgid(widget, msgid)


def retranslate_tree(root: QWidget) -> None:
    """Re-apply every msgid under ``root`` (and ``root`` itself) in the current language."""
    _apply_text(root)
    for w in root.findChildren(QWidget):
        _apply_text(w)


def label(msgid: str = "", role: str = "", wrap: bool = True, **params: object) -> QLabel:
    lab = QLabel()
    if role:
        lab.setProperty("role", role)
    lab.setWordWrap(wrap)
    lab.setTextFormat(Qt.PlainText)  # never interpret what a citizen typed as markup
    if msgid:
        set_msgid(lab, msgid, **params)
    return lab


def button(
    msgid: str, icon_name: str = "", role: str = "", object_name: str = "", icon_colour: str | None = None
) -> QPushButton:
    """A push button at least ``TOUCH_MIN_PX`` tall with an icon beside its words."""
    b = QPushButton()
    if role:
        b.setProperty("role", role)
    if object_name:
        b.setObjectName(object_name)
    if icon_name:
        colour = icon_colour or (theme.WHITE if role == "primary" else theme.NAVY)
        b.setIcon(icon(icon_name, colour, 96))
        b.setIconSize(QSize(ICON_PX, ICON_PX))
    b.setMinimumHeight(theme.TOUCH_MIN_PX)
    b.setFocusPolicy(Qt.TabFocus)  # Tab (a switch device) reaches it; a tap never takes focus from the field being typed in
    b.setAttribute(Qt.WA_AcceptTouchEvents, False)  # Qt turns a tap into a click
    set_msgid(b, msgid)
    return b


class WrapScrollArea(QScrollArea):
    """A scroll area whose content is as tall as its word-wrapped text needs at the width it
    gets.  A plain ``QScrollArea`` asks its content for a minimum size that ignores word wrap,
    then squeezes wrapped labels to a sliver (0 px) instead of scrolling."""

    def setWidget(self, w: QWidget) -> None:  # noqa: N802 (Qt API)
        super().setWidget(w)
        w.installEventFilter(self)

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:  # noqa: N802
        if obj is self.widget() and ev.type() in (QEvent.LayoutRequest, QEvent.Show):
            self._hold()
        return super().eventFilter(obj, ev)  # QScrollArea follows its content's resizes here

    def resizeEvent(self, ev) -> None:  # noqa: N802
        super().resizeEvent(ev)
        self._hold()

    def hideEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        # A list left while it still coasts from a flick (Back, the next question, the idle
        # wipe) must not coast on out of sight: it would come back still moving, undo the
        # screen's reset to the top, and the citizen's first tap on it would only stop it
        # (QScroller takes a press on a moving list as "stop", not as a tap on the tile).
        stop_coasting(self)
        super().hideEvent(ev)

    def settle(self) -> None:
        """Lay the content out now rather than at the event loop's next turn: a screen that
        fills its list just before it is shown painted its first frame with every wrapped row
        squeezed to a sliver (10 px; one frame, a quarter second on a busy kiosk)."""
        w = self.widget()
        if w is None or not w.isVisible():
            return
        # Widgets added to a shown layout are shown by a queued call (QLayout.addChildWidget);
        # until then the layout counts them as hidden. Show them now, as that call would.
        for child in w.findChildren(QWidget, options=Qt.FindDirectChildrenOnly):
            if child.isHidden() and not child.testAttribute(Qt.WA_WState_ExplicitShowHide):
                child.show()
        for _ in range(2):  # the content's layout, then the height it asks for at this width
            QCoreApplication.sendPostedEvents(w, QEvent.LayoutRequest)
            self._hold()

    def _hold(self) -> None:
        w = self.widget()
        lay = w.layout() if w is not None else None
        if lay is None or not lay.hasHeightForWidth():
            return
        need = max(0, lay.totalHeightForWidth(self.viewport().width()))
        if w.minimumHeight() != need:
            w.setMinimumHeight(need)


def scroll_area(content: QWidget) -> QScrollArea:
    """A scroll area that scrolls by dragging a finger (kinetic, no scroll bar hunting)."""
    area = WrapScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    area.setWidget(content)
    # A tap on a button in the list must not move focus to the scroll area (which would
    # take it from the field being typed in and hide the keyboard mid-tap).
    area.setFocusPolicy(Qt.NoFocus)
    kinetic(area.viewport())
    return area


def kinetic(viewport: QWidget) -> None:
    """Flick-scrolling by finger (and mouse, for demos) with ``QScroller``.

    The press delay is off: with Qt's default (0.25 s) the scroller holds back each press
    to see whether it becomes a drag, and a quick second tap on a button in the list was
    lost; a tap must always act.
    """
    QScroller.grabGesture(viewport, QScroller.LeftMouseButtonGesture)
    scroller = QScroller.scroller(viewport)
    props = scroller.scrollerProperties()
    props.setScrollMetric(QScrollerProperties.MousePressEventDelay, 0.0)
    props.setScrollMetric(QScrollerProperties.OvershootDragResistanceFactor, 0.3)
    props.setScrollMetric(QScrollerProperties.HorizontalOvershootPolicy, QScrollerProperties.OvershootAlwaysOff)
    scroller.setScrollerProperties(props)


def stop_coasting(area: QScrollArea) -> None:
    """Stop a kinetic list where it is (no-op when it is still): a press on a list that is
    still moving is taken by ``QScroller`` as "stop" and never reaches the button under it."""
    viewport = area.viewport()
    if QScroller.hasScroller(viewport):
        scroller = QScroller.scroller(viewport)
        if scroller.state() != QScroller.Inactive:
            scroller.stop()


def scroll_to(area: QScrollArea, y: int) -> None:
    """Show a kinetic list from ``y`` (0: the top) now: a scroller still coasting from a
    flick would otherwise carry on from where it was and undo the move."""
    stop_coasting(area)
    area.verticalScrollBar().setValue(y)


def restyle(widget: QWidget, prop: str, value: str) -> None:
    """Set a property the stylesheet selects on (``role``, ``compact``, ``invalid``) and have
    the new look, and the size it brings, take effect now."""
    if widget.property(prop) != value:
        widget.setProperty(prop, value)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def set_invalid(widget: QWidget, invalid: bool) -> None:
    restyle(widget, "invalid", "true" if invalid else "false")


class Tile(QPushButton):
    """A big tappable card: icon, a bold name and a plain description under it.

    Its accessible name is the name alone (what a screen reader should say first); the
    description is its accessible description.
    """

    def __init__(self, icon_name: str, name: str = "", description: str = "", object_name: str = "") -> None:
        super().__init__()
        self.setProperty("role", "tile")
        self.setFocusPolicy(Qt.TabFocus)
        if object_name:
            self.setObjectName(object_name)
        row = QHBoxLayout(self)
        row.setContentsMargins(18, 12, 18, 12)
        row.setSpacing(18)
        self.icon_label = QLabel()
        self.icon_label.setPixmap(icon(icon_name, theme.TEAL, 112).pixmap(56, 56))
        self.icon_label.setFixedSize(56, 56)
        col = QVBoxLayout()
        col.setSpacing(2)
        self.name_label = QLabel()
        self.name_label.setProperty("role", "tile-name")
        self.name_label.setWordWrap(True)
        self.desc_label = QLabel()
        self.desc_label.setProperty("role", "tile-desc")
        self.desc_label.setWordWrap(True)
        for lab in (self.icon_label, self.name_label, self.desc_label):
            lab.setAttribute(Qt.WA_TransparentForMouseEvents)
            lab.setTextFormat(Qt.PlainText)
        col.addWidget(self.name_label)
        col.addWidget(self.desc_label)
        col.addStretch(1)
        row.addWidget(self.icon_label, 0, Qt.AlignTop)
        row.addLayout(col, 1)
        self.setMinimumHeight(120)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Minimum)
        self.set_texts(name, description)

    def set_texts(self, name: str, description: str = "") -> None:
        self.name_label.setText(name)
        self.desc_label.setText(description)
        self.desc_label.setVisible(bool(description))
        self.setAccessibleName(name)
        self.setAccessibleDescription(description)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.layout().sizeHint().expandedTo(QSize(200, 120))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.layout().minimumSize().expandedTo(QSize(200, 120))


class PadKey(QPushButton):
    """One key of the NumPad, exactly ``key_size`` big: the pad sizes its keys to the panel,
    and a stylesheet re-polish (the large-text toggle) must not undo that."""

    def __init__(self, text: str, size: QSize) -> None:
        super().__init__(text)
        self.key_size = size
        self.setFixedSize(size)

    def set_key_size(self, size: QSize) -> None:
        self.key_size = size
        self.setFixedSize(size)

    def event(self, ev: QEvent) -> bool:
        done = super().event(ev)
        if ev.type() in (QEvent.Polish, QEvent.StyleChange) and self.minimumSize() != self.key_size:
            self.setFixedSize(self.key_size)
        return done


class NumPad(QWidget):
    """A big numeric keypad typing into ``target`` with real key events.

    Used for phone numbers, NIK, stall and number questions: larger keys than any
    on-screen QWERTY layout, and only the keys that make sense.  ``extra`` adds keys
    (letters of market blocks, a dash) for stall numbers like ``B-12``; they live in their own
    grid, ``extra_pad``, which a screen may place elsewhere (under the field on a narrow
    panel) and which otherwise sits beside the digits.  A key acts on release, like every
    button, and never repeats while a finger rests on it.
    """

    def __init__(
        self, target: QLineEdit | None = None, extra: str = "", parent: QWidget | None = None, extra_columns: int = 5
    ) -> None:
        super().__init__(parent)
        self.target = target
        self.setObjectName("NumPad")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        digits = QWidget()
        grid = QGridLayout(digits)
        grid.setSpacing(10)
        grid.setContentsMargins(0, 0, 0, 0)
        row.addWidget(digits, 0, Qt.AlignTop)
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", ""]
        self.keys: dict[str, PadKey] = {}
        for i, k in enumerate(keys):
            if not k:
                continue
            b = self._key(k, 110)
            if k == "⌫":
                b.setText("")
                b.setProperty("icon_only", True)  # the words are its accessible name, not its face
                b.setIcon(icon("backspace", theme.NAVY, 96))
                b.setIconSize(QSize(ICON_PX, ICON_PX))
                set_msgid(b, N_("Hapus satu angka"))
                b.setText("")
            grid.addWidget(b, i // 3, i % 3)
        self.extra_pad: QWidget | None = None
        self.extra_columns = 0
        if extra:
            extra_columns = min(extra_columns, -(-len(extra) // 4))  # at most four rows, like the digits
            self.extra_columns = extra_columns
            self.extra_pad = QWidget()
            self.extra_pad.setObjectName("NumPad-extra")
            xgrid = QGridLayout(self.extra_pad)
            xgrid.setSpacing(10)
            xgrid.setContentsMargins(0, 0, 0, 0)
            for j, k in enumerate(extra):
                xgrid.addWidget(self._key(k, theme.TOUCH_MIN_PX), j // extra_columns, j % extra_columns)
            xgrid.setColumnStretch(extra_columns, 1)
            row.addWidget(self.extra_pad, 0, Qt.AlignTop)

    def set_key_size(self, width: int, height: int, gap: int = 10) -> None:
        """Every key this size, ``gap`` apart (the question screen fits the pad to the panel)."""
        for grid in self.findChildren(QGridLayout):
            grid.setSpacing(gap)
        self.layout().setSpacing(gap)
        for b in self.keys.values():
            if b.key_size != QSize(width, height):
                b.set_key_size(QSize(width, height))

    def _key(self, k: str, min_width: int) -> PadKey:
        b = PadKey(k, QSize(min_width, theme.TOUCH_MIN_PX))
        b.setProperty("role", "key")
        b.setFocusPolicy(Qt.TabFocus)
        b.setAutoRepeat(False)  # a finger resting on a key is one press, never a repeat
        b.setAccessibleName(k)
        b.clicked.connect(lambda _=False, key=k: self.press(key))
        self.keys[k] = b
        return b

    def press(self, key: str) -> None:
        """Send the key to the target as a keyboard would (validators and max length apply)."""
        target = self.target
        if target is None:
            return
        if key == "⌫":
            ev_press = QKeyEvent(QEvent.KeyPress, Qt.Key_Backspace, Qt.NoModifier)
            ev_release = QKeyEvent(QEvent.KeyRelease, Qt.Key_Backspace, Qt.NoModifier)
        else:
            code = Qt.Key_Minus if key == "-" else (Qt.Key(ord(key)) if key.isalnum() else Qt.Key_unknown)
            ev_press = QKeyEvent(QEvent.KeyPress, code, Qt.NoModifier, key)
            ev_release = QKeyEvent(QEvent.KeyRelease, code, Qt.NoModifier, key)
        QGuiApplication.sendEvent(target, ev_press)
        QGuiApplication.sendEvent(target, ev_release)


class PadField(QLineEdit):
    """A line edit filled by the NumPad only, taken out of the input method altogether.

    Input-method hints (``ImhDigitsOnly``) do not keep Qt Virtual Keyboard away, and neither
    does ``WA_InputMethodEnabled`` alone: ``QLineEdit`` answers the ``ImEnabled`` query itself
    (``isEnabled() && !isReadOnly()``) and asks for the software panel on every tap.  So this
    field answers "no input method" and hides the panel after a tap: the pad is its only keyboard.
    """

    def __init__(self, max_length: int = 32, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setInputMethodHints(Qt.ImhDigitsOnly | Qt.ImhNoPredictiveText)
        self.setAttribute(Qt.WA_InputMethodEnabled, False)
        self.setMaxLength(max_length)
        self.setContextMenuPolicy(Qt.NoContextMenu)
        self.setMinimumHeight(theme.TOUCH_MIN_PX)

    def inputMethodQuery(self, query: Qt.InputMethodQuery):  # noqa: N802 (Qt API)
        if query == Qt.ImEnabled:
            return False
        return super().inputMethodQuery(query)

    def changeEvent(self, ev: QEvent) -> None:  # noqa: N802
        # QLineEdit turns the input method back on when it is re-enabled or its mode changes.
        super().changeEvent(ev)
        if self.testAttribute(Qt.WA_InputMethodEnabled):
            self.setAttribute(Qt.WA_InputMethodEnabled, False)

    def mouseReleaseEvent(self, ev) -> None:  # noqa: N802
        super().mouseReleaseEvent(ev)
        QGuiApplication.inputMethod().hide()  # QLineEdit asked for the panel: not for this field


def numeric_field(max_length: int = 32) -> PadField:
    """A field filled by the NumPad only: the letter keyboard never opens for it."""
    return PadField(max_length)


def text_field(hints: Qt.InputMethodHint = Qt.ImhNone, max_length: int = 200) -> QLineEdit:
    """A line edit typed on the on-screen keyboard."""
    f = QLineEdit()
    f.setInputMethodHints(hints | Qt.ImhNoPredictiveText)
    f.setMaxLength(max_length)
    f.setContextMenuPolicy(Qt.NoContextMenu)
    f.setMinimumHeight(theme.TOUCH_MIN_PX)
    return f


def text_area() -> QPlainTextEdit:
    t = QPlainTextEdit()
    t.setInputMethodHints(Qt.ImhNoPredictiveText)
    t.setContextMenuPolicy(Qt.NoContextMenu)
    t.setTabChangesFocus(True)
    t.setMinimumHeight(150)
    t.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
    return t


class FitGrid(QWidget):
    """Big buttons in ``max_columns`` columns when every one's words fit, else in half as
    many (4, 2, 1), down to one.

    A list of answers at 1024 pixels with large text would otherwise cut "Lantai becek atau
    licin" in half; one column is taller, and the screen scrolls by finger."""

    def __init__(self, parent: QWidget | None = None, max_columns: int = 2, spacing: int = 14) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setSpacing(spacing)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.items: list[QWidget] = []
        self.max_columns = max_columns
        self.columns = 0
        self.header: QWidget | None = None

    def add(self, w: QWidget) -> None:
        # Its natural width decides the columns, not the layout's minimum (which would hold
        # the grid wider than the screen).
        w.setSizePolicy(QSizePolicy.Ignored, w.sizePolicy().verticalPolicy())
        self.items.append(w)
        self._place(self.columns or self.max_columns)

    def clear(self) -> None:
        """Take every button out (they are deleted)."""
        for w in self.items:
            self.grid.removeWidget(w)
            w.hide()
            w.deleteLater()
        self.items.clear()

    def set_header(self, w: QWidget) -> None:
        self.header = w
        self._place(self.columns or self.max_columns)

    def _fits(self, columns: int) -> bool:
        if columns == 1:
            return True
        width = (self.width() - self.grid.spacing() * (columns - 1)) // columns
        return all(w.sizeHint().width() <= width for w in self.items)

    def _place(self, columns: int) -> None:
        self.columns = columns
        for w in ([self.header] if self.header else []) + self.items:
            self.grid.removeWidget(w)
        top = 0
        if self.header is not None:
            self.grid.addWidget(self.header, 0, 0, 1, columns)
            top = 1
        for i, w in enumerate(self.items):
            self.grid.addWidget(w, top + i // columns, i % columns)
        for c in range(self.max_columns):
            self.grid.setColumnStretch(c, 1 if c < columns else 0)
        self.grid.activate()  # now, not on the next pass of the event loop
        self.updateGeometry()

    def _refit(self) -> None:
        want = self.max_columns
        while want > 1 and not self._fits(want):
            want //= 2
        if want != self.columns:
            self._place(want)

    def resizeEvent(self, ev) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(ev)
        QTimer.singleShot(0, self, self._refit)

    def event(self, ev: QEvent) -> bool:
        # A new font (large text), new words (language) or the first show: decide again.
        if ev.type() in (QEvent.StyleChange, QEvent.FontChange, QEvent.Show, QEvent.LayoutRequest):
            QTimer.singleShot(0, self, self._refit)
        return super().event(ev)


def _mnemonic_safe(text: str) -> str:
    """Button text shown as written: Qt reads "&" as a shortcut marker ("Los daging & ikan")."""
    return text.replace("&", "&&")


class ChoiceList(FitGrid):
    """Big radio buttons (one answer) or big checkable buttons (several answers)."""

    changed = Signal(object)  # str key, or list[str] keys

    def __init__(self, options: list[tuple[str, str]], multi: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent, max_columns=2 if len(options) > 3 else 1)
        self.multi = multi
        self.group = QButtonGroup(self)
        self.group.setExclusive(not multi)
        self.buttons: dict[str, QAbstractButton] = {}
        for i, (key, text) in enumerate(options):
            if multi:
                b: QAbstractButton = QPushButton(_mnemonic_safe(text))
                b.setProperty("role", "choice")
                b.setCheckable(True)
                b.setIconSize(QSize(ICON_PX, ICON_PX))
                b.setIcon(icon("plus", theme.NAVY, 96))
            else:
                b = QRadioButton(_mnemonic_safe(text))
            b.setFocusPolicy(Qt.TabFocus)
            b.setMinimumHeight(theme.TOUCH_MIN_PX)
            b.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
            b.setAccessibleName(text)
            b.setProperty("key", key)
            self.group.addButton(b, i)
            self.buttons[key] = b
            self.add(b)
        self.group.buttonToggled.connect(self._toggled)

    def _toggled(self, b: QAbstractButton, checked: bool) -> None:
        if self.multi:
            b.setIcon(icon("check" if checked else "plus", theme.NAVY, 96))
        self.changed.emit(self.value())

    def value(self) -> str | list[str]:
        keys = [k for k, b in self.buttons.items() if b.isChecked()]
        if self.multi:
            return keys
        return keys[0] if keys else ""

    def set_value(self, value: str | list[str]) -> None:
        keys = value if isinstance(value, list) else ([value] if value else [])
        for k, b in self.buttons.items():
            b.blockSignals(True)
            b.setChecked(k in keys)
            b.blockSignals(False)
            if self.multi:
                b.setIcon(icon("check" if k in keys else "plus", theme.NAVY, 96))

    def relabel(self, options: list[tuple[str, str]]) -> None:
        for key, text in options:
            if key in self.buttons:
                self.buttons[key].setText(_mnemonic_safe(text))
                self.buttons[key].setAccessibleName(text)


class Stepper(QWidget):
    """``[-]  value  [+]`` with big buttons; used for day, month, year, hour and minute."""

    changed = Signal()

    def __init__(self, caption_msgid: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._caption_msgid = caption_msgid
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        self.caption = label(caption_msgid, role="muted")
        self.caption.setAlignment(Qt.AlignCenter)
        row = QHBoxLayout()
        row.setSpacing(6)
        self.minus = QPushButton()
        self.plus = QPushButton()
        for b, name, msgid in ((self.minus, "minus", N_("Kurangi")), (self.plus, "plus", N_("Tambah"))):
            b.setIcon(icon(name, theme.NAVY, 96))
            b.setIconSize(QSize(40, 40))
            b.setProperty("role", "stepper")
            b.setFocusPolicy(Qt.NoFocus)
            b.setFixedSize(theme.TOUCH_MIN_PX, theme.TOUCH_MIN_PX)
            b.setAutoRepeat(True)
        self.value_label = QLabel()
        self.value_label.setAlignment(Qt.AlignCenter)
        self.value_label.setProperty("role", "title")
        self.value_label.setMinimumWidth(120)
        row.addWidget(self.minus)
        row.addWidget(self.value_label, 1)
        row.addWidget(self.plus)
        lay.addWidget(self.caption)
        lay.addLayout(row)
        self.setSizePolicy(QSizePolicy.Maximum, QSizePolicy.Fixed)
        self.minus.clicked.connect(lambda: self._step(-1))
        self.plus.clicked.connect(lambda: self._step(+1))
        self.on_step = None
        self.set_text("")
        retranslate_tree(self)

    def _step(self, delta: int) -> None:
        if self.on_step is not None:
            self.on_step(delta)
        self.changed.emit()

    def set_size(self, button_px: int, widest: str = "") -> None:
        """Buttons ``button_px`` square and the value as wide as ``widest`` needs (a narrow
        panel with large text: three steppers side by side must fit its width)."""
        for b in (self.minus, self.plus):
            # A local rule: the theme's stepper minimum is the roomy size.
            b.setStyleSheet(f"min-width: {button_px - 4}px; min-height: {button_px - 4}px;")
            b.setFixedSize(button_px, button_px)
        fm = self.value_label.fontMetrics()
        need = max(fm.horizontalAdvance(widest or self.value_label.text()), fm.horizontalAdvance(self.value_label.text()))
        self.value_label.setMinimumWidth(max(need + 8, 0) if widest else 120)
        self.updateGeometry()

    def set_text(self, text: str) -> None:
        self.value_label.setText(text)
        caption = _(self._caption_msgid)
        self.minus.setAccessibleName(f"{_(N_('Kurangi'))} {caption}".strip())
        self.plus.setAccessibleName(f"{_(N_('Tambah'))} {caption}".strip())


FIT_MARGIN_PX = 16  # room the date picker leaves at the column's edge


class DateTimePicker(QWidget):
    """Date and time with big +/- steppers and one-tap "today" / "yesterday".

    A calendar grid has targets too small for a finger; steppers are slower for far dates
    but a complaint is almost always about today or the last few days.
    """

    changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, now: datetime | None = None) -> None:
        super().__init__(parent)
        # The core's WIB time (judged against the server, kiosk/clock.py), aware; a naive
        # ``now`` from a caller is taken as WIB.
        now = now or now_wib()
        self._now = now.replace(tzinfo=WIB) if now.tzinfo is None else now.astimezone(WIB)
        self.moment = self._now.replace(second=0, microsecond=0, minute=(self._now.minute // 5) * 5)
        self.is_set = False
        lay = QVBoxLayout(self)
        lay.setSpacing(14)
        lay.setContentsMargins(0, 0, 0, 0)
        self.today = button(N_("Hari ini"), "calendar", object_name="today")
        self.yesterday = button(N_("Kemarin"), "calendar", object_name="yesterday")
        date_row = QHBoxLayout()
        date_row.setSpacing(24)
        time_row = QHBoxLayout()
        time_row.setSpacing(24)
        # "Hari ini" / "Kemarin" go here, above the steppers, where they do not fit beside
        # the time (1024 pixels with large text): never cut, and the usual answer first.
        self.quick_row = QHBoxLayout()
        self.quick_row.setSpacing(24)
        self.date_row, self.time_row = date_row, time_row
        self.roomy = True
        self.day = Stepper(N_("Tanggal"))
        self.month = Stepper(N_("Bulan"))
        self.year = Stepper(N_("Tahun"))
        self.hour = Stepper(N_("Jam"))
        self.minute = Stepper(N_("Menit"))
        self.day.on_step = lambda d: self._shift(timedelta(days=d))
        self.month.on_step = self._shift_month
        self.year.on_step = lambda d: self._shift_month(12 * d)
        self.hour.on_step = lambda d: self._shift(timedelta(hours=d))
        self.minute.on_step = lambda d: self._shift(timedelta(minutes=5 * d))
        for s in (self.day, self.month, self.year):
            date_row.addWidget(s)
        date_row.addStretch(1)
        for s in (self.hour, self.minute):
            time_row.addWidget(s)
        time_row.addStretch(1)
        # One tap for the usual answers, beside the time.
        time_row.addWidget(self.today, 0, Qt.AlignBottom)
        time_row.addWidget(self.yesterday, 0, Qt.AlignBottom)
        self.quick_row.addStretch(1)
        self.quick_beside = True
        lay.addLayout(self.quick_row)
        lay.addLayout(date_row)
        lay.addLayout(time_row)
        self.today.clicked.connect(lambda: self._set_day(0))
        self.yesterday.clicked.connect(lambda: self._set_day(-1))
        self._show()

    def fit_width(self, width: int, button_px: int) -> None:
        """Lay the picker out for ``width`` pixels: roomy steppers where they fit, else
        ``button_px`` buttons (a fingertip on this panel) and tighter gaps; the one-tap days
        beside the time where they fit on a tall panel, else on their own row above the steppers."""
        months = _MONTHS.get(_current_language(), _MONTHS["id"])
        fm = self.month.value_label.fontMetrics()
        widest_month = max(months, key=fm.horizontalAdvance)
        widest = {self.day: "28", self.month: widest_month, self.year: "2088", self.hour: "23", self.minute: "55"}
        for roomy in (True, False):
            for stepper, text in widest.items():
                stepper.set_size(theme.TOUCH_MIN_PX if roomy else button_px, "" if roomy else text)
            gap = 24 if roomy else 12
            for row in (self.date_row, self.time_row, self.quick_row):
                row.setSpacing(gap)
            date_need = sum(s.sizeHint().width() for s in (self.day, self.month, self.year)) + 2 * gap
            # A margin: the column can lose a few pixels after this fit (a scroll bar, a
            # re-polish); a year stepper just past the edge was seen at 1024x768.
            if date_need + FIT_MARGIN_PX <= width:
                break
        self.roomy = roomy
        time_need = sum(w.sizeHint().width() for w in (self.hour, self.minute, self.today, self.yesterday)) + 3 * gap
        # On a short panel (768 lines) the one-tap days go first too: they are the usual
        # answer and must show without scrolling, the steppers are for other days.
        beside = time_need <= width and self.window().height() > 800
        if beside != self.quick_beside:
            self.quick_beside = beside
            for b in (self.today, self.yesterday):
                self.time_row.removeWidget(b)
                self.quick_row.removeWidget(b)
            if beside:
                self.time_row.addWidget(self.today, 0, Qt.AlignBottom)
                self.time_row.addWidget(self.yesterday, 0, Qt.AlignBottom)
            else:
                self.quick_row.insertWidget(0, self.today)
                self.quick_row.insertWidget(1, self.yesterday)
        self.updateGeometry()

    def _set_day(self, days_back: int) -> None:
        d = (self._now + timedelta(days=days_back)).date()
        self.moment = self.moment.replace(year=d.year, month=d.month, day=d.day)
        self._commit()

    def _shift(self, delta: timedelta) -> None:
        self.moment = self.moment + delta
        self._commit()

    def _shift_month(self, months: int) -> None:
        m = self.moment.month - 1 + months
        year, month = self.moment.year + m // 12, m % 12 + 1
        day = min(self.moment.day, calendar.monthrange(year, month)[1])
        self.moment = self.moment.replace(year=year, month=month, day=day)
        self._commit()

    def _commit(self) -> None:
        self.is_set = True
        self._show()
        self.changed.emit(self.value())

    def _show(self) -> None:
        from kiosk.i18n import current_language

        months = _MONTHS.get(current_language(), _MONTHS["id"])
        self.day.set_text(str(self.moment.day))
        self.month.set_text(months[self.moment.month - 1])
        self.year.set_text(str(self.moment.year))
        self.hour.set_text(f"{self.moment.hour:02d}")
        self.minute.set_text(f"{self.moment.minute:02d}")

    def value(self) -> str:
        """ISO 8601 in WIB (+07:00), the kiosk's time zone; empty until the citizen sets it."""
        return self.moment.astimezone(WIB).isoformat(timespec="seconds") if self.is_set else ""

    def set_value(self, text: str) -> None:
        if text:
            try:
                moment = datetime.fromisoformat(text)
                # An offset is converted, never dropped; a naive text is the kiosk's own WIB.
                self.moment = moment.replace(tzinfo=WIB) if moment.tzinfo is None else moment.astimezone(WIB)
                self.is_set = True
            except ValueError:
                pass
        self._show()

    def retranslate(self) -> None:
        retranslate_tree(self)
        self._show()


def _current_language() -> str:
    from kiosk.i18n import current_language

    return current_language()


_MONTHS = {
    "id": ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
    "jv": ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}


class LongPress(QWidget):
    """An invisible-looking area that fires ``triggered`` after a press held ``hold_ms``.

    The staff gesture: a long press in the top-left corner opens the PIN prompt; a citizen's
    ordinary tap there does nothing.
    """

    triggered = Signal()

    def __init__(self, hold_ms: int = 3000, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(hold_ms)
        self.timer.timeout.connect(self.triggered)
        self.setAttribute(Qt.WA_AcceptTouchEvents)

    def event(self, ev: QEvent) -> bool:
        t = ev.type()
        if t in (QEvent.MouseButtonPress, QEvent.TouchBegin):
            self.timer.start()
            ev.accept()
            return True
        if t in (QEvent.MouseButtonRelease, QEvent.TouchEnd, QEvent.TouchCancel, QEvent.Leave):
            self.timer.stop()
            ev.accept()
            return True
        return super().event(ev)


def drop_item(item) -> None:
    """Free a ``QLayoutItem`` that ``takeAt`` handed back (its widget, if any, is left alone).

    ``takeAt`` gives the item to the caller (Qt: "delete it"); PySide6 marks it C++-owned, so
    its Python wrapper never frees it: every widget or stretch taken out this way leaked its
    ``QWidgetItem``/``QSpacerItem`` (the soak: ~90 a session, ~1.6 KB).  A nested layout is
    the item itself: its owner deletes it (``deleteLater``), not this."""
    if item is not None and item.layout() is None:
        shiboken6.delete(item)


def clear_layout(layout: QLayout, keep: Iterable[QWidget] = ()) -> None:
    """Empty ``layout`` so a list can be built afresh, leaving nothing behind.

    Each widget is hidden, taken out of the widget tree at once (a later ``findChild`` by
    object name finds the new one, not a stale copy) and deleted with ``deleteLater`` (safe
    when the tap that rebuilds the list came from one of its own buttons); nested layouts
    are emptied the same way, and every layout item is freed (``drop_item``).  Widgets in ``keep`` (a screen
    that builds a widget once and re-adds it) are only hidden, still children of the same
    parent, for the caller to add and ``show()`` again (an explicitly hidden widget stays
    hidden when a layout takes it back).
    """
    kept = set(keep)
    while layout.count():
        item = layout.takeAt(0)
        widget, inner = item.widget(), item.layout()
        if widget is not None:
            widget.hide()
            if widget not in kept:
                widget.setParent(None)
                widget.deleteLater()
        elif inner is not None:
            clear_layout(inner, kept)
            inner.deleteLater()
        drop_item(item)
