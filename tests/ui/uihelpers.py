"""Helpers that drive the kiosk window as a person would (imported by the UI tests)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QInputDevice, QPointingDevice
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.config import Config


def kiosk_config(tmp_path: Path, base_url: str = "http://127.0.0.1:9/open311/v2", **printer) -> Config:
    printer = {"backend": "file", "path": "receipts", **printer}
    return Config().replace(
        kiosk={"data_dir": str(tmp_path / "kiosk"), "fullscreen": False},
        server={"base_url": base_url, "retry_base_s": 0.05, "retry_cap_s": 0.3, "timeout_s": 3.0,
                "connect_timeout_s": 1.0},
        printer=printer,
    )

# -- driving the window as a person would ---------------------------------------------------

_touch: QPointingDevice | None = None


def touchscreen() -> QPointingDevice:
    global _touch
    if _touch is None:
        _touch = QTest.createTouchDevice(QInputDevice.DeviceType.TouchScreen)
    return _touch


def tap(qtbot, widget: QWidget, pos: QPoint | None = None) -> None:
    """A finger tap: touch press and release on ``widget`` (Qt synthesises the click), where
    the widget is drawn once its screen has settled and it is scrolled into view."""
    assert widget.isVisible(), f"{widget.objectName() or widget} is not on screen"
    assert widget.isEnabled(), f"{widget.objectName() or widget} is disabled"
    scroll_into_view(widget)
    win = widget.window().windowHandle()
    p = widget.mapTo(widget.window(), pos) if pos is not None else _shown_part(widget).center()
    # A tap off the window or on a part of the widget scrolled out of sight would land on
    # something else (or nothing): say so here rather than as a puzzling "nothing happened".
    name = widget.objectName() or widget
    assert widget.window().rect().contains(p), f"{name} is at {p}, off the window"
    hit = widget.window().childAt(p)
    assert hit is not None and (hit is widget or widget.isAncestorOf(hit)), f"a tap on {name} at {p} would land on {hit}"
    QTest.touchEvent(win, touchscreen()).press(0, p).commit()
    QTest.touchEvent(win, touchscreen()).release(0, p).commit()
    QApplication.processEvents()


def _shown_part(widget: QWidget) -> QRect:
    """The part of ``widget`` its scroll areas and the window let a person see (window
    coordinates): a field taller than the room left above the keyboard is tapped where it
    shows, not at its middle, which may lie under the Back/Next bar."""
    top = widget.window()
    r = QRect(widget.mapTo(top, QPoint(0, 0)), widget.size())
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        r &= QRect(parent.mapTo(top, QPoint(0, 0)), parent.size())
        parent = parent.parentWidget()
    return r & top.rect()


def scroll_into_view(widget: QWidget) -> None:
    """What a person does before tapping something below the fold: scroll to it, and look
    again once the screen has settled.  A list can be laid out over more than one turn of
    the event loop (the review's rows get their word-wrapped height only after they are
    shown), and a scroll made before that is undone by it: the "Ubah" scrolled to sat
    200 px below the window.  So: scroll, let the turn run, and repeat until nothing moves."""
    from PySide6.QtWidgets import QScrollArea

    def where() -> tuple:
        areas = []
        parent = widget.parentWidget()
        while parent is not None:
            if isinstance(parent, QScrollArea):
                areas.append(parent)
            parent = parent.parentWidget()
        return areas, (widget.mapTo(widget.window(), QPoint(0, 0)), widget.size(),
                       tuple(a.verticalScrollBar().value() for a in areas))

    for _ in range(20):
        areas, before = where()
        for area in areas:  # innermost first, then each one around it
            area.ensureWidgetVisible(widget, 10, 10)
        QApplication.processEvents()
        if where()[1] == before:
            return
    raise AssertionError(f"{widget.objectName() or widget} keeps moving: its screen never settles")


def find(window: QWidget, name: str) -> QWidget:
    w = window.findChild(QWidget, name)
    assert w is not None, f"no widget named {name!r}"
    return w


def visible_named(window: QWidget, name: str) -> QWidget:
    for w in window.findChildren(QWidget, name):
        if w.isVisible():
            return w
    raise AssertionError(f"no visible widget named {name!r}")


def press_key(qtbot, window, item) -> None:
    kb = window.keyboard
    p = kb.key_centre(item).toPoint()
    QTest.mousePress(kb, Qt.LeftButton, Qt.NoModifier, p)
    QTest.mouseRelease(kb, Qt.LeftButton, Qt.NoModifier, p)
    qtbot.wait(5)


def type_keys(qtbot, window, text: str) -> None:
    """Type ``text`` by pressing the on-screen keyboard's key items (letters, digits, space).

    Upper-case letters go through the shift key, digits and punctuation through the
    symbol layout ("&123"), exactly as a citizen would switch.
    """
    # The first keyboard of a process loads Qt Quick and compiles its QML (no cache on a
    # fresh clone): on a loaded 2-core machine that has taken more than 5 s.
    qtbot.waitUntil(lambda: window.keyboard.isVisible() and bool(window.keyboard.keys()), timeout=30000)
    kb = window.keyboard

    def key(label: str, *, key_code=None):
        for item in kb.keys():
            if key_code is not None and item.property("key") == key_code:
                return item
            if key_code is None and item.property("text") == label:
                return item
        return None

    def symbols(on: bool) -> None:
        # The layout switch key shows "&123" on letters and "ABC" on symbols.
        want = "&123" if on else "ABC"
        item = next((i for i in kb.keys() if i.property("displayText") == want or i.property("text") == want), None)
        if item is None:
            item = next((i for i in kb.keys() if str(i.property("displayText") or "").lower() == want.lower()), None)
        assert item is not None, f"no layout switch key {want!r}"
        press_key(qtbot, window, item)
        qtbot.waitUntil(lambda: key("a") is None if on else key("a") is not None, timeout=3000)

    in_symbols = False
    for ch in text:
        if ch == " ":
            press_key(qtbot, window, key("", key_code=int(Qt.Key_Space)) or key(" "))
            continue
        if ch.isalpha():
            if in_symbols:
                symbols(False)
                in_symbols = False
            item = key(ch.lower())
            assert item is not None, f"no key {ch!r} on the keyboard"
            if bool(item.property("uppercased")) != ch.isupper():
                # The keyboard capitalises a sentence's first letter by itself: shift only
                # when its case is not the one wanted.
                press_key(qtbot, window, key("", key_code=int(Qt.Key_Shift)))
                qtbot.waitUntil(lambda: bool(key(ch.lower()).property("uppercased")) == ch.isupper(), timeout=3000)
                item = key(ch.lower())
            assert item is not None, f"no key {ch!r} on the keyboard"
            press_key(qtbot, window, item)
        else:
            item = key(ch)
            if item is None and not in_symbols:
                symbols(True)
                in_symbols = True
                item = key(ch)
            assert item is not None, f"no key {ch!r} on the keyboard"
            press_key(qtbot, window, item)
    if in_symbols:
        symbols(False)


def next_(qtbot, window) -> None:
    tap(qtbot, window.primary_button)


def start_service(qtbot, window, kind: str, code: str) -> None:
    """Welcome -> "Lapor / Ajukan" -> the service's tile (``kind`` is the service's own)."""
    tap(qtbot, find(window, "start-report"))
    tap(qtbot, visible_named(window, f"service-{code}"))
    assert window.flow.screen == "question", f"the tap on the {code} tile was not taken"


def file_suggestion(qtbot, window, text: str = "Tolong tambah tempat sampah") -> None:
    """File the simplest complaint (a suggestion, anonymous, no stall) up to the done screen."""
    start_service(qtbot, window, "complaint", "UMM-SARAN")
    type_keys(qtbot, window, text)
    next_(qtbot, window)  # description
    next_(qtbot, window)  # stall: none
    tap(qtbot, visible_named(window, "anonymous"))  # name and phone: one tap, and on by itself
    qtbot.waitUntil(lambda: window.flow.screen == "review", timeout=3000)
    next_(qtbot, window)  # Kirim
    qtbot.waitUntil(lambda: window.flow.screen == "done", timeout=15000)


def texts_on_screen(window) -> list[str]:
    """Every text a person could read in the window: fields, labels, buttons."""
    from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QPlainTextEdit, QTextEdit

    out = []
    for w in window.findChildren(QWidget):
        if isinstance(w, QLineEdit):
            out.append(w.text())
        elif isinstance(w, (QPlainTextEdit, QTextEdit)):
            out.append(w.toPlainText())
        elif isinstance(w, (QLabel, QAbstractButton)):
            out.append(w.text())
    return out


def tour(qtbot, window, *, typing: bool = True, lang: str | None = None, large: bool = False,
         staff: bool = True):
    """Bring the window to every screen and state a citizen or clerk can see, yielding a name
    for each (for screenshots and the accessibility checks).  Navigation here goes through
    the Flow directly: the behaviour itself is tested elsewhere.  ``large``: with the larger
    text on throughout (each wipe turns it off; it is turned on again); ``staff=False`` stops
    after the citizen's screens."""
    from kiosk.core import PrintOutcome
    from kiosk.i18n import tr

    real_flow = window.flow
    settle = lambda: qtbot.wait(30)  # noqa: E731

    class _Flow:
        """The flow, with the text size put back after every wipe."""

        def __getattr__(self, name):
            return getattr(real_flow, name)

        def __setattr__(self, name, value):
            setattr(real_flow, name, value)

        def wipe(self):
            real_flow.wipe()
            if large:
                window.set_large_text(True)

    flow = _Flow()
    flow.wipe()
    if lang:
        flow.set_language(lang)
    settle()
    try:  # the welcome screen re-arranges itself over a few passes (large text, language)
        qtbot.waitUntil(lambda: window.current._fits(), timeout=2000)
    except Exception:  # noqa: BLE001 (pytest-qt's TimeoutError): shown as it is
        pass
    settle()
    yield "welcome"
    flow.start_report()
    settle()
    yield "service"  # complaints and requests together, under two headings
    flow.choose_service("PSR-KEAMANAN")
    settle()
    if typing:
        qtbot.waitUntil(lambda: window.keyboard.isVisible(), timeout=5000)
        qtbot.wait(150)
    yield "question-text-keyboard"
    flow.set_value("description", "Ada copet di lorong los sayur tadi pagi")
    visible_named(window, "answer").setPlainText("Ada copet di lorong los sayur tadi pagi")
    flow.next()
    settle()
    yield "question-single"
    step = flow.current_step
    visible_named(window, "answer").buttons[step.options("id")[0][0]].click()
    flow.next()
    settle()
    yield "question-datetime"
    flow.next()
    flow.next()
    settle()
    yield "question-contact-name"  # name and phone on one screen, the name being typed
    visible_named(window, "answer-reporter.name").setText("Siti Aminah")
    window.current._activate("reporter.phone")
    settle()
    if typing:
        qtbot.waitUntil(lambda: not window.keyboard.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: window.current.pad is not None and window.current.pad.isVisible(), timeout=5000)
    yield "question-contact-phone-numpad"
    visible_named(window, "answer-reporter.phone").setText("0812345")
    window.current.on_primary()
    settle()
    yield "question-contact-error"
    visible_named(window, "answer-reporter.phone").setText("081234567890")
    flow.next()
    settle()
    yield "review"
    flow.back()
    flow.back()  # the contact screen, then the stall question
    settle()
    yield "question-stall-numpad"
    flow.edit("description")
    flow.next()
    flow._go("review", remember=False)
    settle()
    # Hold the save lane until "sending" has been looked at: the submission waits behind a
    # gate on that lane's one thread, so a fast save cannot turn the screen to "done" first
    # (the committed "sending" pictures were "done" pictures).
    import threading

    from ui import ops

    gate = threading.Event()
    ops.run(gate.wait, 20, lane=ops.SAVE)
    with qtbot.waitSignal(flow.submit_finished, timeout=30000):
        try:
            flow.submit()
            settle()
            flow.stage = "printing"
            flow.progress_changed.emit("printing")
            window.current.enter()
            assert flow.screen == "sending"
            yield "sending"
        finally:
            gate.set()
    settle()
    yield "done"
    flow.print_outcome = PrintOutcome(False, "paper_out", tr(flow.language, "Kertas printer habis."))
    window.current.enter()
    settle()
    yield "done-printer-failed"
    code = flow.submitted.tracking_code
    flow.wipe()
    flow.set_language(lang or flow.default_language)
    flow.start_status()
    settle()
    visible_named(window, "status-code").setText(code)
    with qtbot.waitSignal(flow.lookup_finished, timeout=15000):
        window.current.on_primary()
    settle()
    yield "status"
    flow.wipe()
    flow.set_language(lang or flow.default_language)
    flow.start_report()
    flow.choose_service("DKC-KTP")
    flow.next()
    flow.set_value("description", "KTP rusak")
    visible_named(window, "answer").setPlainText("KTP rusak")
    flow.next()
    settle()
    yield "question-nik-numpad"
    nik = "3510014506900001"  # a valid NIK (Banyuwangi): the step is required
    visible_named(window, "answer").setText(nik)
    flow.set_value(flow.current_step.field, nik)
    flow.next()
    settle()
    # (Two Nexts on an empty NIK had left every "question-choices" picture on the NIK's error.)
    assert flow.screen == "question" and flow.current_step.editor == "single", flow.all_errors
    yield "question-choices"
    flow.wipe()
    flow.set_language(lang or flow.default_language)
    flow.start_report()
    flow.choose_service("PSR-KEBERSIHAN")
    flow.set_value("description", "Sampah")
    flow.next()
    flow.set_value("attributes.area", flow.current_step.options("id")[0][0])
    flow.next()
    settle()
    yield "question-multi"
    flow.choose_service("PSR-PARKIR")
    flow.set_value("description", "Tarif parkir mahal")
    flow.next()
    flow.set_value("attributes.masalah_parkir", flow.current_step.options("id")[0][0])
    flow.next()
    settle()
    yield "question-number-numpad"
    flow.wipe()
    flow.set_language(lang or flow.default_language)
    window.idle._warn()
    settle()
    window.flow.start_report()  # (the overlay only shows when there is something to lose)
    window.idle._warn()
    settle()
    yield "idle-countdown"
    window.idle.dismiss()
    if not staff:
        flow.wipe()
        settle()
        return
    flow.wipe()
    flow.set_language(lang or flow.default_language)
    import dataclasses

    from kiosk.staff import hash_pin

    cfg = window.core.cfg
    window.core.cfg = dataclasses.replace(cfg, staff=dataclasses.replace(cfg.staff, pin_hash=hash_pin("2468")))
    flow.open_staff()
    settle()
    yield "staff-pin"
    window.current._show(_Locked())
    settle()
    yield "staff-pin-locked"
    window.current._set_locked(False)
    flow.staff_ok = True
    flow._go("staff", remember=False)
    qtbot.waitUntil(lambda: bool(find(window, "queue-summary").text()), timeout=5000)
    qtbot.waitUntil(lambda: not ops_busy(), timeout=5000)
    staff = window.current
    # A rejected submission, as the server's answer leaves it (presentation only).
    from types import SimpleNamespace

    dead = SimpleNamespace(ref="T1MZQAD7SWP", service_code="PSR-KEBERSIHAN",
                           last_error="HTTP 400: attribute[area] is required",
                           meta={"service_name": {"id": "Pasar kotor", "jv": "Peken reged", "en": "Dirty market"}})
    staff._dead_shown = None
    staff._show_dead([dead])
    settle()
    yield "staff"
    staff._pick_service(dead.ref, dead.service_code)
    laid_out = lambda p: p.height() >= p.minimumSizeHint().height()  # noqa: E731
    qtbot.waitUntil(lambda: laid_out(staff.picker), timeout=5000)
    settle()
    yield "staff-pick-service"
    staff._back_to_main()
    staff.pages.setCurrentIndex(staff.CONFIRM_EXIT)
    settle()
    yield "staff-exit-confirm"
    staff._back_to_main()
    flow.start_assisted()
    qtbot.waitUntil(lambda: laid_out(window.current.picker), timeout=5000)
    qtbot.wait(300)  # (a fresh list of 35 buttons needs a few frames before a grab shows it)
    yield "assisted-pick-service"
    flow.set_value("description", "Got di los ikan mampet sejak Senin")
    flow.set_value("reporter.name", "Siti Aminah")
    flow.assisted_service("PSR-KEBERSIHAN")
    window.current.enter()
    flow.submit()  # the required choices are missing: the errors show on the page
    qtbot.waitUntil(lambda: flow.screen == "assisted" and not flow.busy, timeout=10000)
    settle()
    yield "assisted-form-errors"
    flow.wipe()
    settle()


class _Locked:
    """A PIN gate answer "locked for 4 minutes" (for the screenshot of the locked pad)."""

    status = "locked"
    ok = False
    seconds_left = 240
    tries_left = 0

    def message(self, lang: str) -> str:
        from kiosk.staff import PinResult

        return PinResult("locked", seconds_left=self.seconds_left).message(lang)


def ops_busy() -> bool:
    from ui import ops

    return ops.busy()


def pad_keys(qtbot, window, text: str, check=None) -> None:
    """Tap ``text`` on the current question's NumPad, each key where it is drawn; ``check``
    runs after every key (the keypad tests assert that nothing hides or covers it)."""
    for ch in text:
        tap(qtbot, window.current.pad.keys[ch])
        if check is not None:
            check()


def stall_name_phone(qtbot, window, stall: str, name: str, phone: str, keys=pad_keys, phone_keys=None) -> None:
    """The closing questions: the stall on the pad, then the contact screen: the name on the
    letter keyboard, a tap on the phone field, the phone on the pad (``phone_keys``: how the
    phone is tapped, by default as ``keys``)."""
    flow = window.flow
    assert flow.current_step.editor == "stall"
    keys(qtbot, window, stall)
    assert visible_named(window, "answer").text() == stall
    next_(qtbot, window)
    assert flow.current_step.editor == "contact"
    name_field = visible_named(window, "answer-reporter.name")
    assert name_field.hasFocus(), "the contact screen starts on the name"
    type_keys(qtbot, window, name)
    assert name_field.text() == name
    (phone_keys or contact_phone_keys)(qtbot, window, phone)
    assert visible_named(window, "answer-reporter.phone").text() == phone
    next_(qtbot, window)


def contact_phone_keys(qtbot, window, phone: str, check=None) -> None:
    """On the contact screen: tap the phone field (the letter keyboard goes, the pad comes),
    then each key of the pad where it is drawn."""
    tap(qtbot, visible_named(window, "answer-reporter.phone"))
    qtbot.waitUntil(lambda: window.current.pad is not None and window.current.pad.isVisible(), timeout=5000)
    assert not window.keyboard.isVisible(), "the letter keyboard stayed up on the phone field"
    pad_keys(qtbot, window, phone, check)
