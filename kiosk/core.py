"""The use cases the touch UI and the CLI call: submit, print, look up status, staff actions.

``KioskCore`` owns the outbox, the catalog, the printer and the sync worker, and is the only
thing ``ui/`` talks to (DESIGN.md "The house").  Its methods are plain Python and thread-safe
where the UI calls them from a worker thread (``submit``, ``print_receipt``,
``lookup_status``); sync events come from the worker thread through ``subscribe``.
"""
from __future__ import annotations

import functools
import logging
import os
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from kiosk import clock as clock_mod
from kiosk import datadir
from kiosk.clock import now_wib
from kiosk.config import Config
from kiosk.i18n import N_, tr
from kiosk.model import Draft, FieldError, Service
from kiosk.staff import PinGate, PinResult
from kiosk.tracking import InvalidCode, format_code, new_code, parse_code, prefix_for
from printing import PrinterError, Receipt, Wording

# The rest is imported where it is used: the outbox and HTTP client (offline_queue: requests,
# sqlite_utils), the catalog, receipts and printer back-ends (reportlab, qrcode, PIL, escpos),
# validation (phonenumbers) and due dates (holidays) cost ~0.4 s that the touch UI's welcome
# screen does not need; ``KioskCore(open_later=True)`` lets it paint first (issue #10).
if TYPE_CHECKING:
    from offline_queue import FaultKind, Open311Client, SyncStatus

log = logging.getLogger(__name__)

ERASE_EVERY_S = 3600.0
STATUS_FIELDS = ("service_request_id", "status", "status_notes", "agency_responsible",
                 "updated_datetime", "expected_datetime")

_PRINT_MESSAGES = {
    "ok": N_("Tanda terima sedang dicetak. Silakan ambil."),
    "no_printer": N_("Printer tidak ditemukan."),
    "offline": N_("Printer sedang tidak menyala atau tidak tersambung."),
    "paper_out": N_("Kertas printer habis."),
    "failed": N_("Tanda terima tidak dapat dicetak."),
}
_TEST_PAGE_OK = N_("Halaman uji sedang dicetak.")

# Where USB sticks are mounted on Linux desktops (udisks2): /media/<user>/<label>,
# /run/media/<user>/<label>; some set-ups mount straight under /media/<label>.
MEDIA_ROOTS = ("/media", "/run/media")


class SubmitRefused(ValueError):
    """The draft did not pass validation; nothing was saved."""

    def __init__(self, errors: list[FieldError]):
        self.errors = errors
        super().__init__("; ".join(f"{e.field}: {e.text('id')}" for e in errors))


class StorageFull(RuntimeError):
    """The kiosk's disk is full: the submission was refused, nothing saved is damaged."""

    MESSAGE = N_("Penyimpanan kios penuh. Laporan belum tersimpan. Mohon hubungi petugas.")

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)

    def text(self, lang: str) -> str:
        return tr(lang, self.MESSAGE)


@dataclass(frozen=True)
class Submitted:
    tracking_code: str
    display_code: str
    qr_url: str
    submitted_at: datetime
    due_date: date
    service: Service
    kind: str

    def due_text(self, lang: str) -> str:
        from kiosk.receipts import format_date

        return format_date(self.due_date, lang)


@dataclass(frozen=True)
class PrintOutcome:
    ok: bool
    kind: str
    message: str


@dataclass(frozen=True)
class StatusResult:
    outcome: str  # invalid | not_found | waiting | open | closed | dead | unreachable
    code: str | None = None
    display_code: str = ""
    service_name: str = ""
    status_notes: str = ""
    agency: str = ""
    updated: str = ""
    expected: str = ""
    due_date: date | None = None
    message: str = ""


def client_from_config(cfg: Config) -> Open311Client:
    from offline_queue import Open311Client

    s = cfg.server
    return Open311Client(s.base_url, s.api_key, s.jurisdiction_id,
                         timeout=(s.connect_timeout_s, s.timeout_s), deadline_s=s.request_deadline_s,
                         max_answer_bytes=s.max_answer_bytes, ca_bundle=s.ca_bundle or None,
                         send_idempotency_key=s.dedupe != "reconcile")


class KioskCore:
    """The kiosk's use cases over one outbox, one catalog, one printer and one sync worker."""

    #: What :meth:`open` makes; reading one of them before opens the core (``__getattr__``).
    _OPENED_PARTS = frozenset({
        "outbox", "catalog", "client", "_lookup_client", "_time_client", "_clock_sources",
        "printer", "worker", "catalog_keeper", "skm",
    })

    def __init__(self, cfg: Config, *, start_sync: bool = True, printer: Any | None = None,
                 clock: Callable[[], datetime] = now_wib, open_later: bool = False):
        """``open_later``: open the outbox, catalog, clients and printer (and start syncing, if
        ``start_sync``) only in :meth:`open`, which the touch UI calls once its welcome screen
        is painted; whatever needs one of them first opens them then, waiting for it."""
        self.cfg = cfg
        self.clock = clock
        self.prefix = prefix_for(cfg.kiosk.id, cfg.kiosk.tracking_prefix)
        self._given_printer = printer
        self._lookup_lock = threading.Lock()
        self._start_sync = start_sync
        self._open_lock = threading.Lock()
        self._opening_thread: int | None = None
        self._opened = False
        self._sync_subscribers: list[Callable[[SyncStatus], None]] = []
        self._catalog_subscribers: list[Callable[[], None]] = []
        self._catalog_unsubscribers: dict[int, Callable[[], None]] = {}
        self._printer_state = "unknown"
        self.last_export_path: Path | None = None
        self._stop = threading.Event()
        self._housekeeper: threading.Thread | None = None
        self._started = False
        if not open_later:
            self.open()

    def __getattr__(self, name: str) -> Any:
        # Reached only when ``name`` is not set yet: a part of an unopened core opens it.
        parts = type(self)._OPENED_PARTS
        if name in parts and self.__dict__.get("_opening_thread") != threading.get_ident():
            self.open()
            if name in self.__dict__:
                return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def opened(self) -> bool:
        return self._opened

    def open(self) -> None:
        """Open the outbox, the catalog, the clients and the printer, and start syncing if asked
        (idempotent, thread-safe: a second caller waits for the first).  Nothing is set until
        all of it opened, so a failure (a read-only data dir) leaves the core unopened and
        raises here, to whoever needed it."""
        if self._opened:
            return
        with self._open_lock:
            if self._opened:
                return
            self._opening_thread = threading.get_ident()
            try:
                parts = self._open_parts()
            finally:
                self._opening_thread = None
            self.__dict__.update(parts)
            for source in self._clock_sources:
                clock_mod.CLOCK.add_source(source)
            for callback in self._sync_subscribers:
                self.worker.subscribe(callback)
            self._sync_subscribers.clear()
            for callback in self._catalog_subscribers:
                self._catalog_unsubscribers[id(callback)] = self.catalog_keeper.subscribe(callback)
            self._catalog_subscribers.clear()
            self._opened = True
        if self._start_sync:
            self.start()

    def _open_parts(self) -> dict[str, Any]:
        from kiosk.catalog import Catalog
        from kiosk.catalog_refresh import CatalogKeeper
        from kiosk.receipts import printer_from_config
        from kiosk.survey import Survey
        from offline_queue import Open311Client, SyncWorker

        cfg = self.cfg
        outbox = datadir.open_outbox(cfg)
        try:
            catalog = Catalog.open(cfg)
            client = client_from_config(cfg)  # the sync worker's (a Session is not shared across threads)
            lookup_client = client_from_config(cfg)  # status lookups from the UI's worker threads
            # Every answer's Date header teaches the kiosk's clock the real time (kiosk/clock.py);
            # its own client, short timeouts, so asking never holds up a citizen's status lookup.
            s = cfg.server
            time_client = Open311Client(s.base_url, s.api_key, s.jurisdiction_id,
                                        timeout=(min(3.0, s.connect_timeout_s), min(5.0, s.timeout_s)))
            printer = self._given_printer if self._given_printer is not None else printer_from_config(cfg)
            worker = SyncWorker(
                outbox, client,
                retry_base=cfg.server.retry_base_s, retry_cap=cfg.server.retry_cap_s,
                on_unknown_service=self._refresh_catalog_quietly,
                reconcile=cfg.server.dedupe != "idempotency-key",
            )
            # Its own client: a requests.Session is not shared across threads.
            keeper = CatalogKeeper(catalog, client_from_config(cfg), cfg.server.catalog_refresh_h)
            skm = Survey(cfg, outbox, prefix=self.prefix, today=lambda: self.clock().date(), wake=worker.wake)
        except BaseException:
            outbox.close()
            raise
        return {
            "outbox": outbox, "catalog": catalog, "client": client, "_lookup_client": lookup_client,
            "_time_client": time_client,
            "_clock_sources": [lambda c=c: c.last_server_date for c in (client, lookup_client, time_client)],
            "printer": printer, "worker": worker, "catalog_keeper": keeper, "skm": skm,
        }

    # -- life cycle -------------------------------------------------------------------------
    def start(self) -> None:
        """Start syncing and the hourly erasure of personal data past its retention."""
        self.open()
        if self._started:
            return
        self._started = True
        self.worker.start()
        self.catalog_keeper.start()  # at start, on a schedule, and a technician's refresh picked up
        self._housekeeper = threading.Thread(target=self._housekeeping, name="kiosk-housekeeping", daemon=True)
        self._housekeeper.start()

    def close(self) -> None:
        self._stop.set()
        with self._open_lock:  # (an open under way finishes first)
            if not self._opened:
                return  # nothing was opened: nothing to stop, and nothing to open now
        self.worker.stop()
        self.catalog_keeper.stop()
        for source in self._clock_sources:
            clock_mod.CLOCK.remove_source(source)
        if self._housekeeper:
            self._housekeeper.join(timeout=5)
        self._time_client.close()

    def __enter__(self) -> "KioskCore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _housekeeping(self) -> None:
        from printing import fonts

        try:
            fonts.register()  # the receipt faces (50 ms), loaded here instead of in the first print
        except Exception:  # a broken font must not stop the erasure of personal data below
            log.exception("loading receipt fonts failed")
        self.refresh_printer_state()
        while True:
            self.learn_server_time()
            self.erase_expired()
            datadir.ensure_reserve(self.cfg)
            self.skm.release_due_quietly()
            if self._stop.wait(ERASE_EVERY_S):
                return

    def learn_server_time(self) -> bool:
        """Ask the server for its ``Date`` (a cheap GET) so the clock is judged even when
        nothing is being sent (kiosk/clock.py reads every answer's Date header)."""
        try:
            self._time_client.server_date()
        except Exception as exc:
            log.info("server time not available: %s", type(exc).__name__)
            return False
        return True

    def erase_expired(self) -> int:
        """Erase name, phone, NIK and text of submissions the server confirmed more than
        ``privacy.retention_days`` ago; code, service and status stay for reprint and lookup."""
        state = clock_mod.CLOCK.state()
        try:
            if state.server_known or state.ok:
                # Confirmations stamped by a clock that lied (2040, 2000) count from now instead:
                # never kept until 2040 + retention, never erased at once for a clock in 2000.
                earliest, _ = clock_mod.plausible_window()
                latest = state.trusted + timedelta(seconds=clock_mod.MAX_SKEW_S)
                moved = self.outbox.restamp_sent(earliest, latest, state.trusted)
                if moved:
                    log.warning("clock: %d confirmation time(s) outside the plausible window reset to now", moved)
            erased = self.outbox.erase_personal(self.cfg.privacy.retention_days, now=state.trusted)
        except Exception:
            log.exception("erasing personal data failed")
            return 0
        if erased:
            log.info("erased personal data of %d sent submissions", erased)
        return erased

    def _refresh_catalog_quietly(self, service_code: str) -> bool:
        """After a 404: True only if a fresh catalog confirms the server dropped the service.

        False (the refresh failed, or the server still lists it) tells the sync worker the 404
        came from elsewhere (a wrong base_url, a proxy) and the item must be retried, not dropped.
        """
        from kiosk.catalog import UnknownService

        log.warning("server refused service %s by name; refreshing the catalog", service_code)
        try:
            self.catalog.refresh(self.client)
        except Exception as exc:
            log.warning("catalog refresh failed: %s", exc)
            return False
        self.catalog_keeper.check_cache()  # the app's screens hear of the new catalog
        try:
            self.catalog.service(service_code)
        except UnknownService:
            return True
        return False

    # -- filing -----------------------------------------------------------------------------
    def service(self, code: str) -> Service:
        return self.catalog.service(code)

    def validate(self, draft: Draft) -> list[FieldError]:
        from kiosk.catalog import UnknownService
        from kiosk.validation import normalize, validate

        try:
            service = self.catalog.service(draft.service_code)
        except UnknownService:
            return [FieldError("service_code", N_("Layanan tidak dikenal. Silakan pilih layanan lagi."))]
        return validate(normalize(draft, service), service, self.cfg)

    def validate_field(self, draft: Draft, field_path: str) -> list[FieldError]:
        from kiosk.catalog import UnknownService
        from kiosk.validation import normalize, validate_field

        try:
            service = self.catalog.service(draft.service_code)
        except UnknownService:  # the catalog changed under the citizen's feet
            return [FieldError("service_code", N_("Layanan tidak dikenal. Silakan pilih layanan lagi."))]
        return validate_field(normalize(draft, service), service, field_path, self.cfg)

    def submit(self, draft: Draft) -> Submitted:
        """Validate and commit the submission durably; only then may a receipt be printed."""
        from kiosk.duedate import due_date
        from kiosk.payload import build_body
        from kiosk.signing import receipt_url
        from kiosk.validation import normalize
        from offline_queue import OutboxFull

        errors = self.validate(draft)
        if errors:
            raise SubmitRefused(errors)
        service = self.catalog.service(draft.service_code)
        draft = normalize(draft, service)
        submitted_at = self.clock()
        kind = draft.kind or service.kind
        due = due_date(submitted_at, service.due_working_days or self.cfg.receipt.due_working_days)
        code = new_code(self.prefix, is_taken=lambda c: self.outbox.get(c) is not None)
        meta = {
            "kind": kind,
            "service_code": service.code,
            "service_name": dict(service.name),
            "language": draft.language,
            "submitted_at": submitted_at.isoformat(timespec="seconds"),
            "due_date": due.isoformat(),
            "kiosk_id": self.cfg.kiosk.id,
            "assisted": draft.assisted,
        }
        body = build_body(draft, service, self.cfg, code, submitted_at)
        # Before the transaction: nothing is stored that cannot get a signed receipt.
        qr_url = receipt_url(code, submitted_at, self.cfg.receipt)
        clock_state = clock_mod.CLOCK.state()
        if not clock_state.ok:
            meta["clock_suspect"] = clock_state.local.isoformat(timespec="seconds")
            log.warning("submission %s filed while the local clock is %s (%s)", code,
                        clock_state.verdict, clock_state.local.isoformat(timespec="seconds"))
        # Due at once (0), not at the local clock's "now": a clock in 2040 later corrected
        # must not hold a new submission until 2040.
        store = dict(ref=code, service_code=service.code, body=body, meta=meta, created_at=submitted_at, due_at=0)
        try:
            self.outbox.enqueue(**store)
        except OutboxFull:
            # The disk filled up: the space reserve takes this citizen's submission (staff now
            # see "disk full"); only with no reserve left is it refused.
            if not datadir.release_reserve(self.cfg):
                log.error("outbox full: submission refused")
                raise StorageFull() from None
            try:
                self.outbox.enqueue(**store)
            except OutboxFull:
                log.error("outbox full even after releasing the space reserve: submission refused")
                raise StorageFull() from None
        log.info("queued %s for service %s%s", code, service.code, " (assisted)" if draft.assisted else "")
        self.worker.wake()
        return Submitted(
            tracking_code=code,
            display_code=format_code(code),
            qr_url=qr_url,
            submitted_at=submitted_at,
            due_date=due,
            service=service,
            kind=kind,
        )

    # -- receipts ---------------------------------------------------------------------------
    def _item(self, code_text: str):
        code = parse_code(code_text)
        item = self.outbox.get(code)
        if item is None:
            raise KeyError(code)
        return item

    def receipt(self, code_text: str, lang: str | None = None):
        from kiosk.receipts import build_receipt

        item = self._item(code_text)
        return build_receipt(item.meta, item.ref, self.cfg, lang or item.meta.get("language", "id"))

    def print_receipt(self, code_text: str, lang: str | None = None) -> PrintOutcome:
        """Print (slow: off the GUI thread); failures come back as a message a clerk can act on."""
        lang = lang or self.cfg.default_language
        try:
            receipt = self.receipt(code_text, lang)
            self.printer.print(receipt)
        except PrinterError as exc:
            log.warning("printing %s failed: %s (%s)", code_text, exc.kind, exc.detail)
            self._printer_state = exc.kind
            return PrintOutcome(False, exc.kind, tr(lang, _PRINT_MESSAGES.get(exc.kind, _PRINT_MESSAGES["failed"])))
        except Exception:
            log.exception("printing %s failed unexpectedly", code_text)
            self._printer_state = "failed"
            return PrintOutcome(False, "failed", tr(lang, _PRINT_MESSAGES["failed"]))
        self._printer_state = "ready"
        return PrintOutcome(True, "ok", tr(lang, _PRINT_MESSAGES["ok"]))

    def reprint(self, code_text: str, lang: str | None = None) -> PrintOutcome:
        log.info("staff reprint requested")
        return self.print_receipt(code_text, lang)

    def qr_png(self, code_text: str, px: int) -> bytes:
        from kiosk.receipts import render_qr_png
        from kiosk.signing import receipt_url

        item = self._item(code_text)
        submitted_at = datetime.fromisoformat(item.meta["submitted_at"])
        return render_qr_png(receipt_url(item.ref, submitted_at, self.cfg.receipt), px)

    def printer_state(self) -> str:
        return self._printer_state

    def refresh_printer_state(self) -> str:
        try:
            self._printer_state = self.printer.status()
        except Exception:
            log.exception("printer status failed")
            self._printer_state = "unknown"
        return self._printer_state

    # -- status -----------------------------------------------------------------------------
    def lookup_status(self, text: str, lang: str | None = None) -> StatusResult:
        """What a citizen sees for a tracking code (slow: may ask the server)."""
        lang = lang or self.cfg.default_language
        try:
            code = parse_code(text)
        except InvalidCode as exc:
            return StatusResult("invalid", message=tr(lang, exc.message))
        item = self.outbox.get(code)
        if item is None:
            return StatusResult("not_found", code, format_code(code),
                                message=tr(lang, N_("Kode ini tidak tercatat di kios ini. Periksa lagi kodenya, atau pindai QR pada tanda terima dengan ponsel.")))
        base = dict(code=code, display_code=format_code(code),
                    service_name=_localized(item.meta.get("service_name"), lang),
                    due_date=_parse_date(item.meta.get("due_date")))
        if item.state in ("queued", "sending"):
            return StatusResult("waiting", **base, message=tr(lang, N_("Tersimpan, menunggu dikirim. Laporan akan dikirim otomatis saat jaringan tersedia.")))
        if item.state == "awaiting_token":
            return StatusResult("waiting", **base, message=tr(lang, N_("Sudah diterima server provinsi, menunggu nomor laporan.")))
        if item.state == "dead":
            return StatusResult("dead", **base, message=tr(lang, N_("Laporan ini perlu diperiksa petugas. Silakan hubungi petugas di loket.")))
        cached = item.server_status or {}
        if item.service_request_id:
            try:
                with self._lookup_lock:
                    fresh = self._lookup_client.request(item.service_request_id)
            except Exception as exc:
                log.info("status lookup failed: %s", type(exc).__name__)
                fresh = None
            if fresh:
                # Keep only the status: the server's answer also repeats the description and
                # the address, which must not outlive the retention period on the kiosk.
                fresh = {k: fresh.get(k) for k in STATUS_FIELDS if fresh.get(k) is not None}
                self.outbox.set_server_status(code, fresh)
                cached = fresh
            elif not cached:
                return StatusResult("unreachable", **base, message=tr(lang, N_("Laporan sudah terkirim. Status terbaru belum dapat dilihat karena jaringan terputus.")))
        status = cached.get("status") or "open"
        message = (N_("Laporan sudah selesai ditangani.") if status == "closed"
                   else N_("Laporan sudah diterima dan sedang ditangani."))
        return StatusResult(
            "closed" if status == "closed" else "open", **base,
            status_notes=cached.get("status_notes") or "",
            agency=cached.get("agency_responsible") or "",
            updated=cached.get("updated_datetime") or "",
            expected=cached.get("expected_datetime") or "",
            message=tr(lang, message),
        )

    # -- sync -------------------------------------------------------------------------------
    def subscribe(self, callback: Callable[[SyncStatus], None]) -> None:
        """``callback(status)`` on the worker's thread at every sync event; before :meth:`open`
        it is kept and handed to the worker when it exists (subscribing opens nothing)."""
        if not self._opened:
            with self._open_lock:
                if not self._opened:
                    self._sync_subscribers.append(callback)
                    return
        self.worker.subscribe(callback)

    def subscribe_catalog(self, callback: Callable[[], None]) -> Callable[[], None]:
        """``callback()`` (on a background thread) whenever the catalog in use changed: a
        scheduled or refusal-driven refresh, or ``kiosk catalog refresh`` in another process.
        Before :meth:`open` nothing is opened: the catalog keeper gets it when it exists."""
        if not self._opened:
            with self._open_lock:
                if not self._opened:
                    self._catalog_subscribers.append(callback)
                    return lambda: self._unsubscribe_catalog(callback)
        return self.catalog_keeper.subscribe(callback)

    def _unsubscribe_catalog(self, callback: Callable[[], None]) -> None:
        with self._open_lock:
            if callback in self._catalog_subscribers:
                self._catalog_subscribers.remove(callback)
                return
            unsubscribe = self._catalog_unsubscribers.pop(id(callback), None)
        if unsubscribe is not None:
            unsubscribe()

    def sync_status(self) -> SyncStatus | None:
        """The worker's status; None while the core is not opened yet (``open_later``)."""
        if not self._opened:
            return None
        return self.worker.status

    def sync_now(self) -> None:
        self.worker.wake()

    # -- staff ------------------------------------------------------------------------------
    def _pin_gate(self) -> PinGate:
        # Built per call: the config (and so the PIN hash) may be replaced while running.
        return PinGate.for_config(self.cfg, mirror=self.outbox)  # a copy of the lockout in the outbox

    def staff_login(self, pin: str) -> PinResult:
        """Check a staff PIN (slow on purpose: scrypt); the lockout lives on disk in the data dir.

        Logged by the gate without the PIN: accepted, wrong (tries left) or refused while locked.
        """
        return self._pin_gate().attempt(pin)

    def staff_pin_status(self) -> PinResult:
        """Before any PIN is typed: is the staff area locked (and for how long), or unset?"""
        return self._pin_gate().status()

    def print_test_page(self, lang: str | None = None) -> PrintOutcome:
        """A short receipt-shaped page through the configured printer, to check paper and head.

        It carries no citizen data and no real tracking code, so it can never be mistaken for
        a receipt (its title says what it is).
        """
        from kiosk.receipts import format_datetime

        lang = lang or self.cfg.default_language
        now = self.clock()
        k = self.cfg.kiosk
        wording = Wording(
            title=tr(lang, N_("HALAMAN UJI PRINTER")),
            service_label=tr(lang, N_("Kios")),
            service=k.id,
            time_label=tr(lang, "Waktu"),
            time_text=format_datetime(now, lang),
            code_label=tr(lang, N_("Kertas")),
            due_label=tr(lang, N_("Hasil")),
            due_text=tr(lang, N_("Jika halaman ini terbaca jelas, printer siap dipakai.")),
            qr_caption=tr(lang, N_("Kode QR uji")),
        )
        page = Receipt(
            header=(k.province.upper(), k.regency, k.market),
            code="TEST-" + self.cfg.receipt.paper.upper(),
            qr_data=f"KIOSK TEST {k.id} {now.isoformat(timespec='seconds')}",
            main=wording,
            secondary=None,
            footer=(tr(lang, N_("Bukan tanda terima.")),),
        )
        log.info("staff printer test page requested")
        try:
            self.printer.print(page)
        except PrinterError as exc:
            log.warning("test page failed: %s (%s)", exc.kind, exc.detail)
            self._printer_state = exc.kind
            return PrintOutcome(False, exc.kind, tr(lang, _PRINT_MESSAGES.get(exc.kind, _PRINT_MESSAGES["failed"])))
        except Exception:
            log.exception("test page failed unexpectedly")
            self._printer_state = "failed"
            return PrintOutcome(False, "failed", tr(lang, _PRINT_MESSAGES["failed"]))
        self._printer_state = "ready"
        return PrintOutcome(True, "ok", tr(lang, _TEST_PAGE_OK))

    def bundle_filename(self) -> str:
        """A file name for an export that says which kiosk and when (several sticks, several kiosks)."""
        safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in self.cfg.kiosk.id) or "kiosk"
        return f"kiosk-{safe}-unsent-{self.clock():%Y%m%d-%H%M%S}.jsonl"

    def export_unsent(self, path: str | os.PathLike[str]) -> int:
        """Write every unsent submission to a signed bundle at ``path`` (a folder: a new file
        named by :meth:`bundle_filename` inside it); returns how many.  Nothing is marked here:
        the bundle's items keep their idempotency keys, so delivery stays exactly once."""
        from kiosk.bundle import export_bundle

        target = Path(path)
        if target.is_dir():
            target = target / self.bundle_filename()
        n = export_bundle(target, self.cfg, outbox=self.outbox)
        self.last_export_path = target
        return n

    def export_targets(self, roots: tuple[str, ...] | None = None, *, mounts_only: bool = True) -> list[Path]:
        """Folders a clerk may export to: ``staff.export_dir`` if set, else mounted removable
        media under ``/media`` and ``/run/media`` (``roots`` and ``mounts_only`` for tests)."""
        if self.cfg.staff.export_dir and roots is None:
            # Not there (the stick is not plugged in): nothing to offer, never a file in its place.
            configured = Path(self.cfg.staff.export_dir).expanduser()
            return [configured] if configured.is_dir() and os.access(configured, os.W_OK) else []
        found: list[Path] = []
        for root in roots or MEDIA_ROOTS:
            base = Path(root)
            try:
                level1 = sorted(p for p in base.iterdir() if p.is_dir())
            except OSError:
                continue
            for p in level1:
                if os.path.ismount(p) or not mounts_only:
                    found.append(p)
                    continue
                try:  # /media/<user>/<label>
                    found += sorted(q for q in p.iterdir() if q.is_dir() and (os.path.ismount(q) or not mounts_only))
                except OSError:
                    continue
        return [p for p in found if os.access(p, os.W_OK)]

    def last_sync_error_text(self, lang: str | None = None) -> str:
        """The last delivery problem in plain words for the clerk ("" when all is well).

        The worker's raw reason (HTTP status, exception type) is for the technician's log;
        the clerk needs to know which of three things it is: no network, the server refuses
        this kiosk's key (a technician must fix the config), or the server itself is failing.
        """
        lang = lang or self.cfg.default_language
        notices = self.staff_warnings(lang)
        sync = self._sync_error_text(lang)
        return "\n".join([*notices, sync] if sync else notices)

    def staff_warnings(self, lang: str | None = None, *, short: bool = False) -> list[str]:
        """Clock and storage problems staff must know of (status bar: ``short``, staff area); cheap."""
        lang = lang or self.cfg.default_language
        out = datadir.staff_texts(self.cfg, lang, short=short)
        clock_text = clock_mod.CLOCK.state().message(lang, short=short)
        if clock_text:
            out.append(clock_text)
        return out

    def _sync_error_text(self, lang: str) -> str:
        status = self.worker.status
        reason = (status.last_error or "").strip()
        text = fault_text(status.fault, paused=status.paused or self.outbox.paused)
        if text is None:
            return "" if not reason else tr(lang, N_("Server menolak sebuah laporan: {reason}"), reason=reason)
        return tr(lang, text, reason=status.pause_reason or reason)

    def queue_summary(self) -> dict[str, Any]:
        counts = self.outbox.counts()
        oldest = self.outbox.oldest_waiting()
        last = self.outbox.last_success_at
        status = self.worker.status
        return {
            **counts,
            "paused": self.outbox.paused,
            "pause_reason": self.outbox.pause_reason or "",
            "oldest_waiting": oldest.isoformat() if oldest else None,
            "last_success_at": last.isoformat() if last else None,
            "last_error": status.last_error,
        }

    def dead_items(self) -> list:
        return self.outbox.dead_items()

    def dead_reasons(self) -> list[tuple[str, int]]:
        """The reasons of dead items, with how many share each (most first)."""
        return self.outbox.dead_reasons()

    def requeue_reason(self, reason: str) -> int:
        """Re-queue, unchanged, every dead item the server rejected with ``reason``, in one
        action (staff fixed what the server complained about); returns how many."""
        from offline_queue import StateError

        n = 0
        for item in self.outbox.dead_items():
            if (item.last_error or "") != reason:
                continue
            try:
                self.outbox.requeue(item.ref)
            except StateError:
                continue  # re-queued meanwhile (another staff action, or the CLI)
            n += 1
        log.info("staff re-queued %d dead items of one reason", n)
        self.worker.wake()
        return n

    def requeue(self, ref: str, service_code: str | None = None) -> None:
        """Re-queue a dead submission after staff fixed its cause (e.g. a new service code).

        The stored payload changes only in its ``service_code``; the meta follows, so a reprint
        names the new service.  Answers to the old service's questions stay in the payload.
        """
        item = self._item(ref)
        body = meta = None
        if service_code and service_code != item.service_code:
            service = self.catalog.service(service_code)  # must exist
            from urllib.parse import parse_qsl, urlencode

            pairs = [(k, service_code if k == "service_code" else v)
                     for k, v in parse_qsl(item.body or "", keep_blank_values=True)]
            body = urlencode(pairs, encoding="utf-8")
            meta = {**item.meta, "service_code": service.code, "service_name": dict(service.name)}
        self.outbox.requeue(item.ref, service_code=service_code, body=body, meta=meta)
        log.info("staff re-queued %s", item.ref)
        self.worker.wake()


@functools.cache
def _fault_texts() -> dict[FaultKind, str]:
    """What staff read for each kind of delivery fault (DESIGN.md's answer table); ``{reason}``
    is the server's own words. None: no fault worth a sentence.  (A function: building it
    imports offline_queue, which the welcome screen does not need.)"""
    from offline_queue import FaultKind

    return {
        FaultKind.OFFLINE: N_("Kios tidak tersambung ke server (jaringan mati atau tidak ada internet). Laporan tetap tersimpan dan dikirim otomatis."),
        FaultKind.NOT_OPEN311: N_("Kios tidak tersambung ke server (jaringan mati atau tidak ada internet). Laporan tetap tersimpan dan dikirim otomatis."),
        FaultKind.TIMEOUT: N_("Server tidak menjawab tepat waktu. Sebelum mengirim ulang, kios memeriksa dulu apakah laporan sudah diterima, jadi tidak ada laporan ganda."),
        FaultKind.CONNECTION_LOST: N_("Server tidak menjawab tepat waktu. Sebelum mengirim ulang, kios memeriksa dulu apakah laporan sudah diterima, jadi tidak ada laporan ganda."),
        FaultKind.TOO_LARGE: N_("Server provinsi sedang bermasalah. Kios mencoba lagi otomatis."),
        FaultKind.SERVER: N_("Server provinsi sedang bermasalah. Kios mencoba lagi otomatis."),
        FaultKind.INTERNAL: N_("Server provinsi sedang bermasalah. Kios mencoba lagi otomatis."),
        FaultKind.KEY_REFUSED: N_("Server menolak kunci API kios ini, pengiriman dihentikan. Hubungi teknisi untuk memeriksa kunci di konfigurasi."),
        FaultKind.REPEATED_REFUSAL: N_("Server menolak beberapa laporan berturut-turut dengan alasan yang sama, jadi pengiriman dihentikan dan tidak ada laporan yang dibuang. Hubungi teknisi. Alasan server: {reason}"),
        FaultKind.SERVICE_REFUSED: N_("Server menolak satu layanan: {reason}. Laporan untuk layanan itu ditahan; laporan lain tetap dikirim."),
        FaultKind.UNKNOWN_SERVICE: N_("Server menolak sebuah laporan: {reason}"),
        FaultKind.REJECTED: N_("Server menolak sebuah laporan: {reason}"),
    }


def fault_text(fault: FaultKind | None, *, paused: bool = False) -> str | None:
    """The msgid staff read for a fault kind (never derived from the message text)."""
    from offline_queue import FaultKind

    if paused and fault not in (FaultKind.KEY_REFUSED, FaultKind.REPEATED_REFUSAL):
        fault = FaultKind.KEY_REFUSED
    return None if fault is None else _fault_texts().get(fault)


def _localized(names: Any, lang: str) -> str:
    if isinstance(names, dict):
        return names.get(lang) or names.get("id") or next(iter(names.values()), "")
    return str(names or "")


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def __getattr__(name: str) -> Any:
    # ``from kiosk.core import format_date`` (older callers) without importing receipts at start.
    if name == "format_date":
        from kiosk.receipts import format_date

        return format_date
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "KioskCore", "Submitted", "PrintOutcome", "StatusResult", "SubmitRefused", "StorageFull",
    "format_date", "now_wib", "client_from_config",
]
