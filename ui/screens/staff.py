"""Staff area behind the PIN: the queue, delivery problems, re-queue, reprint, printer test,
export to a USB stick, assisted filing and the only way out of the app.

Opened by the hidden gesture (long press in the top-left corner).  Staff text is still
translated, but the people reading it are trained, so it is denser than citizen screens
(still >= 18 pt and finger-sized).  Every slow call (SQLite, printer, scrypt) goes through
``ui.ops``; every decision about data goes through ``KioskCore``.
"""
from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLineEdit, QStackedWidget, QVBoxLayout, QWidget

from kiosk.i18n import N_, _, current_language
from kiosk.dates import format_datetime
from kiosk.staff import PIN_MAX, PIN_MIN
from ui import ops, theme
from ui.flow import STAFF, STAFF_PIN
from ui.screens import Screen
from ui.sticks import list_sticks, stick_buttons
from ui.widgets import NumPad, button, clear_layout, label, numeric_field, scroll_area, set_msgid, text_field

log = logging.getLogger(__name__)


class StaffPinScreen(Screen):
    """The PIN pad, and the lockout in words: after five wrong PINs, for how many minutes.

    The lock is kept on disk by the core's PIN gate, so it is shown again (and the pad stays
    off) after a restart of the window or of the whole kiosk.
    """

    name = STAFF_PIN

    def __init__(self, flow, parent=None) -> None:
        super().__init__(flow, parent)
        row = QHBoxLayout()
        row.setSpacing(40)
        col = QVBoxLayout()
        col.setSpacing(14)
        self.title = label(N_("Khusus petugas"), role="title")
        self.hint = label(N_("Masukkan PIN petugas."), role="muted")
        self.field = numeric_field(max_length=PIN_MAX)  # the PIN rule is the core's
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setObjectName("staff-pin")
        set_msgid(self.field, N_("PIN"))
        self.error = label("", role="error")
        self.error.setObjectName("pin-error")
        self.error.hide()
        for w in (self.title, self.hint, self.field, self.error):
            col.addWidget(w)
        col.addStretch(1)
        row.addLayout(col, 2)
        self.pad = NumPad(self.field)
        row.addWidget(self.pad, 0, Qt.AlignTop)
        self.body.addLayout(row, 1)
        self.locked = False
        self.field.textChanged.connect(lambda _t: self.nav_changed.emit())
        self.field.returnPressed.connect(self.on_primary)
        # While locked, look again now and then: the pad comes back by itself when the time is up.
        self.relock = QTimer(self)
        self.relock.setInterval(10_000)
        self.relock.timeout.connect(self._check_status)
        flow.staff_login_finished.connect(self._result)

    def primary(self):
        return (N_("Masuk"), "staff")

    def primary_enabled(self) -> bool:
        return len(self.field.text()) >= PIN_MIN and not self.flow.busy and not self.locked

    def on_primary(self) -> None:
        if self.primary_enabled():
            self.flow.staff_login(self.field.text())
            self.field.clear()
            self.nav_changed.emit()

    def enter(self) -> None:
        self.field.clear()
        self.error.hide()
        self._check_status()

    def clear(self) -> None:
        self.relock.stop()
        self.field.clear()
        self.error.clear()
        self.error.hide()

    def _check_status(self) -> None:
        if self.flow.screen != STAFF_PIN:
            self.relock.stop()
            return
        try:
            status = self.core.staff_pin_status()
        except Exception:
            log.exception("staff PIN status failed")
            return
        if status.status in ("locked", "no_pin"):
            self._show(status)
        elif self.locked:
            self._set_locked(False)
            self.error.hide()

    def _set_locked(self, locked: bool) -> None:
        self.locked = locked
        self.pad.setEnabled(not locked)
        self.field.setEnabled(not locked)
        if locked:
            self.field.clear()
            self.relock.start()
        else:
            self.relock.stop()
        self.nav_changed.emit()

    def _show(self, result) -> None:
        if result.status == "no_pin":
            # Whoever holds the logo sees this screen: no command line here (the technician
            # finds it in `kiosk check` and the README).
            self.error.setText(_("PIN petugas belum dibuat. Silakan hubungi teknisi."))
        else:
            self.error.setText(result.message(current_language()))
        self.error.show()
        self._set_locked(result.status in ("locked", "no_pin"))

    def _result(self, result) -> None:
        self.nav_changed.emit()
        if result is None:
            self.error.setText(_("Area petugas tidak tersedia."))
            self.error.show()
        elif result.ok:
            self.error.hide()
        else:
            self._show(result)


class ServicePicker(QWidget):
    """Every service of the catalog as a finger-sized row ("code · name"); ``picked(code)``."""

    picked = Signal(str)

    def __init__(self, core, parent=None) -> None:
        super().__init__(parent)
        self.core = core
        self.lay = QVBoxLayout(self)
        self.lay.setContentsMargins(0, 0, 0, 0)
        self.lay.setSpacing(8)

    def fill(self, current: str = "") -> None:
        clear_layout(self.lay)
        lang = current_language()
        for s in sorted(self.core.catalog.services(), key=lambda s: s.name.get(lang) or s.code):
            b = button("", role="choice", object_name=f"pick-service-{s.code}")
            text = f"{s.name.get(lang) or s.code}  ·  {s.code}"
            b.setText(text.replace("&", "&&"))  # "&" is a shortcut marker on buttons
            b.setAccessibleName(text)
            b.setCheckable(True)
            b.setChecked(s.code == current)
            b.clicked.connect(lambda _=False, code=s.code: self.picked.emit(code))
            self.lay.addWidget(b)
        # Its new height must reach the scroll area around it now, not at some later layout pass.
        self.lay.activate()
        self.updateGeometry()


def _when(iso: str | None, lang: str) -> str:
    if not iso:
        return _("belum pernah")
    try:
        return format_datetime(datetime.fromisoformat(iso), lang)
    except ValueError:
        return iso


# Denser than the citizen screens (trained staff, many actions), still >= 18 pt and finger-sized.
STAFF_STYLE = f"""
QPushButton {{ min-height: {theme.TOUCH_MIN_PX}px; padding: 0px 16px; font-size: 19pt; }}
QLabel[role="card"] {{ padding: 8px 14px; }}
QLineEdit {{ min-height: {theme.TOUCH_MIN_PX - 30}px; padding: 4px 12px; }}
"""


class StaffScreen(Screen):
    name = STAFF
    printer_used = Signal()  # a reprint or test page ran: the status bar asks the printer again
    volume_changed = Signal(int)  # the read-aloud volume, percent (the window's ListenControl applies it)
    volume_test = Signal()  # "Uji suara": read the welcome words at this volume
    # Internal pages: the area itself, a service chooser for a dead item, the USB stick
    # chooser and the exit confirmation.
    MAIN, PICK_SERVICE, PICK_TARGET, CONFIRM_EXIT = range(4)

    def __init__(self, flow, parent=None) -> None:
        super().__init__(flow, parent)
        self.setStyleSheet(STAFF_STYLE)
        self.body.setContentsMargins(32, 10, 32, 10)
        self.body.setSpacing(8)
        self.pages = QStackedWidget()
        self.body.addWidget(self.pages, 1)
        self.new_codes: dict[str, str] = {}  # dead item ref -> service code chosen by the clerk
        self._picking_for = ""
        self._dead_shown: tuple | None = None
        self.pages.addWidget(self._build_main())
        self.pages.addWidget(self._build_pick_service())
        self.pages.addWidget(self._build_pick_target())
        self.pages.addWidget(self._build_confirm_exit())
        self._refresh_soon = QTimer(self)
        self._refresh_soon.setSingleShot(True)
        self._refresh_soon.setInterval(400)
        self._refresh_soon.timeout.connect(self._refresh_if_shown)

    # -- building ----------------------------------------------------------------------------
    def _build_main(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(8)
        self.title = label(N_("Area petugas"), role="title")
        outer.addWidget(self.title)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(28)
        outer.addLayout(row, 1)
        left = QVBoxLayout()
        left.setSpacing(8)
        self.summary = label("", role="card")
        self.summary.setObjectName("queue-summary")
        left.addWidget(self.summary)
        self.sync_error = label("", role="notice")
        self.sync_error.setObjectName("sync-error")
        left.addWidget(self.sync_error)
        actions = QHBoxLayout()
        self.sync = button(N_("Kirim sekarang"), "send", role="primary", object_name="staff-sync")
        self.refresh = button(N_("Muat ulang"), "refresh", object_name="staff-refresh")
        self.sync.clicked.connect(self._sync_now)
        self.refresh.clicked.connect(self.enter)
        actions.addWidget(self.sync)
        actions.addWidget(self.refresh)
        actions.addStretch(1)
        left.addLayout(actions)
        self.dead_title = label(N_("Laporan yang ditolak server"), role="muted")
        self.dead_title.setObjectName("dead-title")
        left.addWidget(self.dead_title)
        self.dead_box = QWidget()
        self.dead_layout = QVBoxLayout(self.dead_box)
        self.dead_layout.setContentsMargins(0, 0, 0, 0)
        self.dead_layout.setSpacing(10)
        left.addWidget(self.dead_box)
        self.skm_report = button(N_("Survei kepuasan (SKM)"), "face-4", object_name="staff-skm")
        self.skm_report.clicked.connect(self.flow.skm.open_report)
        left.addWidget(self.skm_report, 0, Qt.AlignLeft)
        left.addStretch(1)
        row.addLayout(left, 3)

        right = QVBoxLayout()
        right.setSpacing(8)
        self.assisted = button(N_("Lapor untuk warga"), "edit", role="accent", object_name="staff-assisted")
        self.assisted.clicked.connect(self.flow.start_assisted)
        right.addWidget(self.assisted)
        right.addWidget(label(N_("Cetak ulang tanda terima"), role="muted"))
        self.code = text_field(Qt.ImhUppercaseOnly | Qt.ImhNoAutoUppercase, max_length=20)
        self.code.setObjectName("reprint-code")
        set_msgid(self.code, N_("Kode pelacakan"))
        self.code.returnPressed.connect(self._reprint)
        self.reprint = button(N_("Cetak ulang"), "print", object_name="staff-reprint")
        self.reprint.clicked.connect(self._reprint)
        reprint = QHBoxLayout()
        self.code.setMinimumWidth(180)
        reprint.addWidget(self.code, 1)
        reprint.addWidget(self.reprint)
        right.addLayout(reprint)
        self.test_page = button(N_("Cetak halaman uji"), "print", object_name="staff-test-page")
        self.test_page.clicked.connect(self._test_page)
        right.addWidget(self.test_page)
        self.export = button(N_("Ekspor laporan belum terkirim"), "send", object_name="staff-export")
        self.export.clicked.connect(self._export)
        right.addWidget(self.export)
        right.addWidget(self._build_volume())
        self.message = label("", role="notice")
        self.message.setObjectName("staff-message")
        self.message.hide()
        right.addWidget(self.message)
        right.addStretch(1)
        self.exit = button(N_("Keluar dari mode kios"), "exit", object_name="staff-exit")
        self.exit.clicked.connect(lambda: self.pages.setCurrentIndex(self.CONFIRM_EXIT))
        right.addWidget(self.exit)
        row.addLayout(right, 0)  # the actions at their natural width, the queue takes the rest
        return page

    def _build_volume(self) -> QWidget:
        """Read-aloud volume: - / + in steps, and a button to hear it (hidden with no voice)."""
        self.volume_row = QWidget()
        col = QVBoxLayout(self.volume_row)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(4)
        self.volume_label = label("", role="muted", wrap=False)
        self.volume_label.setObjectName("staff-volume")
        col.addWidget(self.volume_label)
        row = QHBoxLayout()
        self.volume_down = button("", "minus", object_name="staff-volume-down")
        self.volume_up = button("", "plus", object_name="staff-volume-up")
        for b, msgid in ((self.volume_down, N_("Pelankan")), (self.volume_up, N_("Keraskan"))):
            b.setProperty("icon_only", True)  # the words are its accessible name, not its face
            set_msgid(b, msgid)
        hear = button(N_("Uji suara"), "speaker", object_name="staff-volume-test")
        self.volume_down.clicked.connect(lambda: self._step_volume(-1))
        self.volume_up.clicked.connect(lambda: self._step_volume(+1))
        hear.clicked.connect(self.volume_test.emit)
        row.addWidget(self.volume_down)
        row.addWidget(self.volume_up)
        row.addWidget(hear, 1)
        col.addLayout(row)
        self.volume = 0
        self.volume_row.hide()
        return self.volume_row

    def show_volume(self, percent: int, available: bool) -> None:
        """The window tells what the volume is and whether there is a voice at all."""
        from kiosk.volume import STEP

        self.volume = percent
        self._volume_step = STEP
        set_msgid(self.volume_label, N_("Volume suara: {n}%"), n=percent)
        self.volume_down.setEnabled(percent > 0)
        self.volume_up.setEnabled(percent < 100)
        self.volume_row.setVisible(available)

    def _step_volume(self, direction: int) -> None:
        self.volume_changed.emit(max(0, min(100, self.volume + direction * self._volume_step)))

    def _build_pick_service(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        self.pick_title = label("", role="title")
        self.pick_title.setObjectName("pick-service-title")
        head.addWidget(self.pick_title, 1)
        cancel = button(N_("Batal"), "back", object_name="pick-service-cancel")
        cancel.clicked.connect(self._back_to_main)
        head.addWidget(cancel, 0, Qt.AlignTop)
        lay.addLayout(head)
        self.picker = ServicePicker(self.core)
        self.picker.picked.connect(self._service_picked)
        # Its own scroll area: the long list must not make the stacked pages (and so the
        # staff area itself) as tall as itself.
        self.picker_scroll = scroll_area(self.picker)
        lay.addWidget(self.picker_scroll, 1)
        return page

    def _build_pick_target(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(label(N_("Pilih flashdisk tujuan ekspor"), role="title"), 1)
        cancel = button(N_("Batal"), "back", object_name="pick-target-cancel")
        cancel.clicked.connect(self._back_to_main)
        head.addWidget(cancel, 0, Qt.AlignTop)
        lay.addLayout(head)
        self.targets_box = QVBoxLayout()
        self.targets_box.setSpacing(8)
        lay.addLayout(self.targets_box)
        lay.addStretch(1)
        return page

    def _build_confirm_exit(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 40, 0, 0)
        lay.setSpacing(24)
        lay.addWidget(label(N_("Keluar dari mode kios?"), role="title"))
        lay.addWidget(label(N_("Kios berhenti melayani warga sampai aplikasi dijalankan lagi. Laporan yang belum terkirim tetap tersimpan.")))
        row = QHBoxLayout()
        no = button(N_("Batal"), "back", object_name="exit-cancel")
        no.clicked.connect(self._back_to_main)
        yes = button(N_("Ya, keluar"), "exit", role="primary", object_name="exit-confirm")
        yes.clicked.connect(self._exit)
        row.addWidget(no)
        row.addStretch(1)
        row.addWidget(yes)
        lay.addLayout(row)
        lay.addStretch(1)
        return page

    # -- showing -----------------------------------------------------------------------------
    def enter(self) -> None:
        if self.flow.screen != STAFF:
            return
        self.pages.setCurrentIndex(self.MAIN)
        ops.run(self.core.queue_summary, on_done=self._show_summary, on_error=lambda e: None, lane=ops.STAFF)
        ops.run(self.core.dead_items, on_done=self._show_dead, on_error=lambda e: None, lane=ops.STAFF)
        ops.run(self.core.last_sync_error_text, current_language(), on_done=self._show_sync_error,
                on_error=lambda e: None, lane=ops.STAFF)

    def sync_changed(self, _status=None) -> None:
        """A sync event arrived: refresh the numbers shortly (events can come in bursts)."""
        if self.flow.screen == STAFF and self.pages.currentIndex() == self.MAIN:
            self._refresh_soon.start()

    def _refresh_if_shown(self) -> None:
        if self.flow.screen == STAFF and self.pages.currentIndex() == self.MAIN:
            self.enter()

    def clear(self) -> None:
        self.pages.setCurrentIndex(self.MAIN)
        self.code.clear()
        self.message.clear()
        self.message.hide()
        self.summary.clear()
        self.sync_error.clear()
        self.new_codes.clear()
        self._dead_shown = None
        self._show_dead([])

    def retranslate(self) -> None:
        super().retranslate()
        if self.flow.screen == STAFF:
            self.enter()

    def _show_summary(self, s: dict) -> None:
        lang = current_language()
        sep = "   ·   "
        lines = [
            _("Menunggu dikirim: {n}").format(n=s.get("queued", 0) + s.get("sending", 0)) + sep
            + _("Ditolak: {n}").format(n=s.get("dead", 0)),
            _("Terkirim: {n}").format(n=s.get("sent", 0)) + sep
            + _("Menunggu nomor dari server: {n}").format(n=s.get("awaiting_token", 0)),
            _("Menunggu paling lama sejak: {when}").format(
                when=_when(s.get("oldest_waiting"), lang) if s.get("oldest_waiting") else _("tidak ada")),
            _("Terakhir berhasil terkirim: {when}").format(when=_when(s.get("last_success_at"), lang)),
        ]
        self.summary.setText("\n".join(lines))

    def _show_sync_error(self, text: str) -> None:
        self.sync_error.setText(text or _("Tidak ada masalah pengiriman."))
        self.sync_error.setProperty("role", "notice" if text else "ok")
        self.sync_error.style().unpolish(self.sync_error)
        self.sync_error.style().polish(self.sync_error)

    def _show_dead(self, items) -> None:
        items = list(items)
        shown = (current_language(), tuple((getattr(i, "ref", ""), i.service_code, getattr(i, "last_error", ""))
                                           for i in items), tuple(sorted(self.new_codes.items())))
        if shown == self._dead_shown:
            return  # unchanged: keep the widgets (a refresh must not pull a button from under a finger)
        self._dead_shown = shown
        clear_layout(self.dead_layout)
        lang = current_language()
        set_msgid(self.dead_title, N_("Laporan yang ditolak server: {n}"), n=len(items))
        self._add_requeue_by_reason(items)
        for item in items[:50]:
            ref = getattr(item, "ref", "")
            card = QFrame()
            card.setObjectName(f"dead-{ref}")
            lay = QVBoxLayout(card)
            lay.setContentsMargins(0, 4, 0, 4)
            meta = getattr(item, "meta", None) or {}
            names = meta.get("service_name") or {}
            name = names.get(lang) or names.get("id") or "" if isinstance(names, dict) else str(names)
            text = label("", role="card")
            lines = [f"{ref}  ·  {name}  ·  {item.service_code}",
                     _("Alasan server: {reason}").format(reason=getattr(item, "last_error", "") or "-")]
            new = self.new_codes.get(ref)
            if new:
                try:
                    new_name = self.core.catalog.service(new).name.get(lang) or new
                except Exception:
                    new_name = new
                lines.append(_("Layanan baru: {service}").format(service=f"{new_name} · {new}"))
            text.setText("\n".join(lines))
            lay.addWidget(text)
            buttons = QHBoxLayout()
            change = button(N_("Ganti layanan"), "edit", object_name=f"change-service-{ref}")
            change.clicked.connect(lambda _=False, ref=ref, code=item.service_code: self._pick_service(ref, code))
            again = button(N_("Kirim ulang"), "refresh", role="primary", object_name=f"requeue-{ref}")
            again.clicked.connect(lambda _=False, ref=ref: self._requeue(ref))
            buttons.addWidget(change)
            buttons.addWidget(again)
            buttons.addStretch(1)
            lay.addLayout(buttons)
            self.dead_layout.addWidget(card)
        self.dead_title.setVisible(True)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def on_back(self) -> bool:
        """Back on a sub-page (service chooser, USB stick, exit) returns to the staff area itself."""
        if self.pages.currentIndex() != self.MAIN:
            self._back_to_main()
            return True
        return False

    def _back_to_main(self) -> None:
        self.pages.setCurrentIndex(self.MAIN)
        self.page.verticalScrollBar().setValue(0)

    # -- actions -----------------------------------------------------------------------------
    def _sync_now(self) -> None:
        self.core.sync_now()
        self._say(_("Pengiriman dimulai."))
        QTimer.singleShot(1500, self, self._refresh_if_shown)

    def _reprint(self) -> None:
        code = self.code.text().strip()
        if not code or not self.reprint.isEnabled():
            return
        self.reprint.setEnabled(False)

        def done(outcome) -> None:
            self.reprint.setEnabled(True)
            self._say(outcome.message)
            self.printer_used.emit()

        def failed(_exc) -> None:
            self.reprint.setEnabled(True)
            self._say(_("Kode tidak ditemukan."))
            self.printer_used.emit()

        ops.run(self.core.reprint, code, current_language(), on_done=done, on_error=failed, lane=ops.PRINT)

    def _test_page(self) -> None:
        self.test_page.setEnabled(False)

        def done(outcome) -> None:
            self.test_page.setEnabled(True)
            self._say(outcome.message)
            self.printer_used.emit()

        def failed(_exc) -> None:
            self.test_page.setEnabled(True)
            self._say(_("Halaman uji tidak dapat dicetak."))
            self.printer_used.emit()

        ops.run(self.core.print_test_page, current_language(), on_done=done, on_error=failed, lane=ops.PRINT)

    def _pick_service(self, ref: str, current: str) -> None:
        self._picking_for = ref
        set_msgid(self.pick_title, N_("Pilih layanan baru untuk {code}"), code=ref)
        self.picker.fill(self.new_codes.get(ref, current))
        self.pages.setCurrentIndex(self.PICK_SERVICE)
        self.page.verticalScrollBar().setValue(0)
        self.picker_scroll.verticalScrollBar().setValue(0)

    def _service_picked(self, code: str) -> None:
        if self._picking_for:
            self.new_codes[self._picking_for] = code
        self._back_to_main()
        self.enter()

    def _add_requeue_by_reason(self, items: list) -> None:
        """One button per reason shared by several dead items: re-queue them all at once."""
        counts: dict[str, int] = {}
        for item in items:
            reason = getattr(item, "last_error", "") or ""
            counts[reason] = counts.get(reason, 0) + 1
        for n, (reason, count) in enumerate(sorted(counts.items(), key=lambda kv: -kv[1])):
            if count < 2:
                continue
            box = QFrame()
            box.setObjectName(f"dead-reason-{n}")
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 4, 0, 4)
            lay.addWidget(label(_("Alasan server: {reason}").format(reason=reason or "-"), role="card"))
            again = button(N_("Kirim ulang semua ({n}) dengan alasan ini"), "refresh", role="primary",
                           object_name=f"requeue-reason-{n}")
            set_msgid(again, N_("Kirim ulang semua ({n}) dengan alasan ini"), n=count)
            again.clicked.connect(lambda _=False, reason=reason: self._requeue_reason(reason))
            lay.addWidget(again)
            self.dead_layout.addWidget(box)

    def _requeue_reason(self, reason: str) -> None:
        def done(n: int) -> None:
            self._say(_("{n} laporan dikirim ulang.").format(n=n))
            self.enter()

        ops.run(self.core.requeue_reason, reason, on_done=done,
                on_error=lambda e: self._say(_("Gagal mengirim ulang.")))

    def _requeue(self, ref: str) -> None:
        new = self.new_codes.get(ref)

        def done(_r) -> None:
            self.new_codes.pop(ref, None)
            self._say(_("Dikirim ulang."))
            self.enter()

        ops.run(self.core.requeue, ref, new, on_done=done,
                on_error=lambda e: self._say(_("Gagal mengirim ulang.")), lane=ops.STAFF)

    def _export(self) -> None:
        self.export.setEnabled(False)
        list_sticks(self.core, self._targets_found)  # on the media lane: a stick may hang

    def _targets_found(self, targets: list[Path]) -> None:
        self.export.setEnabled(True)
        if self.core.cfg.staff.export_dir and targets:
            self._export_to(targets[0])
            return
        if not targets:
            self._say(_("Tidak ada flashdisk terpasang. Pasang flashdisk, lalu tekan lagi."))
            return
        clear_layout(self.targets_box)
        for b in stick_buttons(targets, "export-target-", self._export_to):
            self.targets_box.addWidget(b)
        self.pages.setCurrentIndex(self.PICK_TARGET)

    def _export_to(self, folder: Path) -> None:
        self._back_to_main()
        self.export.setEnabled(False)
        self._say(_("Mengekspor..."))

        def done(n: int) -> None:
            self.export.setEnabled(True)
            path = self.core.last_export_path or folder
            self._say(_("{n} laporan belum terkirim diekspor ke {path}. Hapus berkas dari flashdisk setelah diimpor.").format(
                n=n, path=path))

        def failed(_exc) -> None:
            self.export.setEnabled(True)
            self._say(_("Ekspor gagal. Periksa flashdisk, lalu coba lagi."))

        ops.run(self.core.export_unsent, folder, on_done=done, on_error=failed, lane=ops.MEDIA)

    def _exit(self) -> None:
        win = self.window()
        if hasattr(win, "exit_kiosk"):
            win.exit_kiosk()
