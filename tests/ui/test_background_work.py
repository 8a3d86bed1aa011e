"""The UI's background work over months: no descriptors or connections pile up, a save never
waits behind a hung look-up or a stuck print, and a finished call keeps nothing of the citizen."""
from __future__ import annotations

import gc
import logging
import os
import socket
import threading
import weakref

import pytest
import requests

from kiosk.model import Draft, Reporter
from ui import ops


def _open_fds() -> int:
    return len(os.listdir(f"/proc/{os.getpid()}/fd"))


def _draft(text: str = "Lampu lorong los ikan mati sejak kemarin") -> Draft:
    return Draft(service_code="UMM-SARAN", description=text,
                 reporter=Reporter(name="Siti Aminah", phone="081234567890"))


def _wait(qtbot, calls: list, n: int) -> None:
    qtbot.waitUntil(lambda: len(calls) >= n, timeout=30000)


def test_300_background_calls_leave_descriptors_and_connections_flat(qtbot, core):
    """The staff page's refresh (three calls), look-ups and prints, 300 calls in all."""
    code = core.submit(_draft()).tracking_code
    done: list = []

    def batch() -> None:
        ops.run(core.queue_summary, on_done=done.append, lane=ops.STAFF)
        ops.run(core.lookup_status, code, "id", on_done=done.append, lane=ops.NETWORK)
        ops.run(core.print_receipt, code, "id", on_done=done.append, lane=ops.PRINT)

    for _ in range(4):  # every lane has its thread and its connection
        batch()
    _wait(qtbot, done, 12)
    gc.collect()
    fds, conns = _open_fds(), core.outbox.connection_count()
    for i in range(100):
        batch()
        if i % 10 == 9:
            _wait(qtbot, done, 12 + 3 * (i + 1))
    _wait(qtbot, done, 312)
    qtbot.waitUntil(lambda: not ops.busy(), timeout=10000)
    gc.collect()
    assert core.outbox.connection_count() == conns
    assert core.outbox.connection_count() <= threading.active_count()
    assert _open_fds() - fds <= 2, "descriptors grow with background calls"
    assert all(getattr(r, "ok", True) for r in done)


@pytest.fixture
def silent_server():
    """A TCP port that accepts connections and never answers: a hung provincial server."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    yield f"http://127.0.0.1:{srv.getsockname()[1]}/"
    srv.close()


def test_a_hung_lookup_and_a_stuck_print_cannot_delay_a_save(qtbot, core, silent_server):
    order: list[str] = []
    printer_stuck = threading.Event()
    release_printer = threading.Event()

    def stuck_print() -> None:  # a CUPS job that does not come back
        printer_stuck.set()
        release_printer.wait(30)

    ops.run(requests.get, silent_server, timeout=20, on_done=lambda r: order.append("lookup"),
            on_error=lambda e: order.append("lookup"), lane=ops.NETWORK)
    ops.run(stuck_print, on_done=lambda r: order.append("print"), lane=ops.PRINT)
    ops.run(core.queue_summary, on_done=lambda r: order.append("staff"), lane=ops.STAFF)
    assert printer_stuck.wait(10)
    saved: list = []
    ops.run(core.submit, _draft(), on_done=saved.append, on_error=saved.append, lane=ops.SAVE)
    qtbot.waitUntil(lambda: bool(saved), timeout=30000)
    assert saved[0].tracking_code, saved
    assert "lookup" not in order and "print" not in order  # both still hanging
    assert core.outbox.get(saved[0].tracking_code) is not None
    release_printer.set()
    qtbot.waitUntil(lambda: "print" in order, timeout=10000)


def test_a_call_past_its_deadline_reports_and_its_late_result_is_dropped(qtbot):
    tm = ops.TaskManager(deadlines={ops.NETWORK: 0.3})
    release = threading.Event()
    got: list = []
    tm.run(release.wait, 30, on_done=lambda r: got.append(("done", r)),
           on_error=lambda e: got.append(("error", e)), lane=ops.NETWORK)
    qtbot.waitUntil(lambda: bool(got), timeout=10000)
    assert got[0][0] == "error" and isinstance(got[0][1], ops.DeadlineExceeded)
    assert not tm.busy()
    release.set()
    qtbot.wait(200)
    assert len(got) == 1  # the late answer is not delivered a second time
    tm.shutdown()


def test_nothing_holding_the_draft_is_alive_after_the_call_reported(qtbot, core):
    draft = _draft()
    alive = weakref.ref(draft)
    saved: list = []
    ops.run(core.submit, draft, on_done=saved.append, lane=ops.SAVE)
    del draft
    qtbot.waitUntil(lambda: bool(saved), timeout=30000)
    gc.collect()
    assert alive() is None, gc.get_referrers(alive()) if alive() else ""

    # A draft the core refuses: the exception's traceback held it in its frames' locals.
    bad = Draft(service_code="UMM-SARAN", description="", reporter=Reporter(phone="081234567890"))
    alive_bad = weakref.ref(bad)
    errors: list = []
    ops.run(core.submit, bad, on_error=lambda e: errors.append(type(e).__name__), lane=ops.SAVE)
    del bad
    qtbot.waitUntil(lambda: bool(errors), timeout=30000)
    gc.collect()
    assert alive_bad() is None


def test_a_failed_call_is_logged_with_its_traceback_without_personal_data(qtbot, tmp_path, core):
    from kiosk.logs import setup_logging

    root = logging.getLogger()
    before = list(root.handlers), root.level
    path = setup_logging(core.cfg, file=True)
    try:
        def boom(phone: str) -> None:
            raise ValueError(f"cannot reach {phone}")

        failed: list = []
        ops.run(boom, "081234567890", on_error=failed.append)
        qtbot.waitUntil(lambda: bool(failed), timeout=10000)
        for h in root.handlers:
            h.flush()
        text = path.read_text(encoding="utf-8")
    finally:
        for h in list(root.handlers):
            if h not in before[0]:
                root.removeHandler(h)
                h.close()
        root.setLevel(before[1])
    assert "Traceback" in text and "boom" in text and "ValueError" in text
    assert "081234567890" not in text


class _UnansweringPrinter:
    """A USB receipt printer that takes the job and never answers (cannot exist here)."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def print(self, receipt) -> None:
        self.release.wait(30)

    def status(self) -> str:
        return "ready"


def _file_anonymously(qtbot, flow, text: str) -> None:
    """A suggestion through the Flow, up to the done screen."""
    flow.start_report()
    flow.choose_service("UMM-SARAN")
    flow.set_anonymous(True)
    flow.set_value("description", text)
    while flow.screen != "review":
        assert flow.next(), flow.all_errors
    flow.submit()
    qtbot.waitUntil(lambda: flow.screen == "done", timeout=30000)


def test_a_printer_that_never_answers_still_ends_on_the_done_screen(qtbot, tmp_path, sim, make_window):
    from kiosk.core import KioskCore
    from uihelpers import kiosk_config

    printer = _UnansweringPrinter()
    core = KioskCore(kiosk_config(tmp_path, sim.base_url), printer=printer)
    lanes = ops.manager()
    saved_deadline = lanes.deadlines[ops.PRINT]
    lanes.deadlines[ops.PRINT] = 0.5
    try:
        window = make_window(core)
        flow = window.flow
        _file_anonymously(qtbot, flow, "Tolong tambah tempat sampah di los ikan")
        assert not flow.printed_ok
        code = flow.submitted.tracking_code
        assert core.outbox.get(code) is not None
        assert window.current.code.text() == flow.submitted.display_code  # the citizen can photograph it
        assert "Tanda terima tidak dapat dicetak." in window.current.printing.text()
        flow.finish()
        # The next citizen's save is not held up by the printer that is still stuck.
        _file_anonymously(qtbot, flow, "Lampu los daging mati")
        assert core.outbox.get(flow.submitted.tracking_code) is not None
    finally:
        lanes.deadlines[ops.PRINT] = saved_deadline
        printer.release.set()
        qtbot.waitUntil(lambda: not ops.busy(), timeout=10000)
        core.close()
