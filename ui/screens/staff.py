"""Staff area behind the PIN: queue at a glance, send now, reprint, re-queue, exit the app.

Opened by the hidden gesture (long press in the top-left corner).  Staff text is still
translated, but the people reading it are trained, so it can be denser than citizen screens.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QGridLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.i18n import N_, _, current_language
from ui import ops
from ui.flow import STAFF, STAFF_PIN
from ui.screens import Screen
from ui.widgets import NumPad, button, label, numeric_field, scroll_area, set_msgid, text_field


class StaffPinScreen(Screen):
    name = STAFF_PIN

    def __init__(self, flow, parent=None) -> None:
        super().__init__(flow, parent)
        row = QHBoxLayout()
        row.setSpacing(40)
        col = QVBoxLayout()
        col.setSpacing(14)
        self.title = label(N_("Khusus petugas"), role="title")
        self.hint = label(N_("Masukkan PIN petugas."), role="muted")
        self.field = numeric_field(max_length=8)
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
        self.field.textChanged.connect(lambda _t: self.nav_changed.emit())
        flow.staff_login_finished.connect(self._result)

    def primary(self):
        return (N_("Masuk"), "staff")

    def primary_enabled(self) -> bool:
        return len(self.field.text()) >= 4 and not self.flow.busy

    def on_primary(self) -> None:
        if self.primary_enabled():
            self.flow.staff_login(self.field.text())
            self.field.clear()
            self.nav_changed.emit()

    def enter(self) -> None:
        self.field.clear()
        self.error.hide()

    def clear(self) -> None:
        self.field.clear()
        self.error.clear()
        self.error.hide()

    def _result(self, result) -> None:
        self.nav_changed.emit()
        if result is None:
            self.error.setText(_("Area petugas tidak tersedia."))
        elif result.ok:
            self.error.hide()
            return
        else:
            msg = getattr(result, "message", None)
            self.error.setText(msg(current_language()) if callable(msg) else _("PIN salah."))
        self.error.show()


class StaffScreen(Screen):
    name = STAFF

    def __init__(self, flow, parent=None) -> None:
        super().__init__(flow, parent)
        self.title = label(N_("Area petugas"), role="title")
        self.body.addWidget(self.title)
        self.summary = label("", role="card")
        self.summary.setObjectName("queue-summary")
        self.body.addWidget(self.summary)
        actions = QHBoxLayout()
        self.sync = button(N_("Kirim sekarang"), "send", object_name="staff-sync")
        self.refresh = button(N_("Muat ulang"), "refresh", object_name="staff-refresh")
        self.exit = button(N_("Tutup aplikasi"), "exit", object_name="staff-exit")
        self.sync.clicked.connect(self._sync_now)
        self.refresh.clicked.connect(self.enter)
        self.exit.clicked.connect(self._exit)
        for b in (self.sync, self.refresh, self.exit):
            actions.addWidget(b)
        self.body.addLayout(actions)
        reprint = QHBoxLayout()
        self.code = text_field(Qt.ImhUppercaseOnly, max_length=20)
        self.code.setObjectName("reprint-code")
        set_msgid(self.code, N_("Kode untuk cetak ulang"))
        self.reprint = button(N_("Cetak ulang"), "print", object_name="staff-reprint")
        self.reprint.clicked.connect(self._reprint)
        reprint.addWidget(self.code, 1)
        reprint.addWidget(self.reprint)
        self.body.addLayout(reprint)
        self.message = label("", role="notice")
        self.message.hide()
        self.body.addWidget(self.message)
        self.dead_title = label(N_("Laporan yang ditolak server"), role="muted")
        self.body.addWidget(self.dead_title)
        self.dead_box = QWidget()
        self.dead_layout = QGridLayout(self.dead_box)
        self.body.addWidget(scroll_area(self.dead_box), 1)

    def enter(self) -> None:
        ops.run(self.core.queue_summary, on_done=self._show_summary, on_error=lambda e: None)
        ops.run(self.core.dead_items, on_done=self._show_dead, on_error=lambda e: None)

    def clear(self) -> None:
        self.code.clear()
        self.message.clear()
        self.message.hide()
        self.summary.clear()
        self._show_dead([])

    def _show_summary(self, s: dict) -> None:
        lines = [
            _("Menunggu dikirim: {n}").format(n=s.get("queued", 0) + s.get("sending", 0)),
            _("Menunggu nomor dari server: {n}").format(n=s.get("awaiting_token", 0)),
            _("Terkirim: {n}").format(n=s.get("sent", 0)),
            _("Ditolak: {n}").format(n=s.get("dead", 0)),
        ]
        if s.get("paused"):
            lines.append(_("Pengiriman dihentikan: {reason}").format(reason=s.get("pause_reason", "")))
        if s.get("last_error"):
            lines.append(_("Kesalahan terakhir: {error}").format(error=s["last_error"]))
        self.summary.setText("\n".join(lines))

    def _show_dead(self, items) -> None:
        while self.dead_layout.count():
            it = self.dead_layout.takeAt(0)
            if it.widget() is not None:
                it.widget().deleteLater()
        for r, item in enumerate(items[:50]):
            ref = getattr(item, "ref", "")
            reason = getattr(item, "last_error", "") or ""
            lab = label("")
            lab.setText(f"{ref} · {getattr(item, 'service_code', '')}\n{reason}")
            b = button(N_("Kirim ulang"), "refresh", object_name=f"requeue-{ref}")
            b.clicked.connect(lambda _=False, ref=ref: self._requeue(ref))
            self.dead_layout.addWidget(lab, r, 0)
            self.dead_layout.addWidget(b, r, 1)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _sync_now(self) -> None:
        self.core.sync_now()
        self._say(_("Pengiriman dimulai."))
        QTimer.singleShot(1500, self.enter)

    def _reprint(self) -> None:
        code = self.code.text().strip()
        if not code:
            return
        ops.run(self.core.reprint, code, current_language(),
                on_done=lambda o: self._say(o.message),
                on_error=lambda e: self._say(_("Kode tidak ditemukan.")))

    def _requeue(self, ref: str) -> None:
        ops.run(self.core.requeue, ref, on_done=lambda _r: (self._say(_("Dikirim ulang.")), self.enter()),
                on_error=lambda e: self._say(_("Gagal mengirim ulang.")))

    def _exit(self) -> None:
        win = self.window()
        if hasattr(win, "allow_close"):
            win.allow_close()
        QApplication.instance().quit()
