"""Printer backends report what a clerk can act on, and never hang the caller."""
from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from printing import PrinterError, make_printer, render_escpos
from printing.escpos_render import raster_images

STATUS_QUERY = b"\x10\x04\x04"  # DLE EOT 4: paper sensor status


class FakeNetworkPrinter:
    """An ESC/POS printer on 127.0.0.1: stores what it receives, answers the paper query."""

    def __init__(self, paper: bytes | None = b"\x12"):
        self.paper = paper  # reply to DLE EOT 4: 0x12 paper ok, 0x72 no paper, None = never answers
        self.received: list[bytes] = []
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.port = self.server.getsockname()[1]
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.server.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except (socket.timeout, OSError):
                continue
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._client, args=(conn,), daemon=True).start()

    def _client(self, conn: socket.socket) -> None:
        data = b""
        answered = False
        with conn:
            while True:
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    break
                if not chunk:
                    break
                data += chunk
                if not answered and data.startswith(STATUS_QUERY) and self.paper is not None:
                    conn.sendall(self.paper)
                    answered = True
        self.received.append(data)

    def close(self) -> None:
        self._stop.set()
        self.server.close()
        self.thread.join(5)


@pytest.fixture
def net_printer() -> Iterator[type[FakeNetworkPrinter]]:
    made: list[FakeNetworkPrinter] = []

    def factory(**kwargs) -> FakeNetworkPrinter:  # type: ignore[no-untyped-def]
        p = FakeNetworkPrinter(**kwargs)
        made.append(p)
        return p

    yield factory  # type: ignore[misc]
    for p in made:
        p.close()


def _wait_received(printer: FakeNetworkPrinter, connections: int = 1) -> bytes:
    """What the printer got on its n-th connection (status() and print() each connect once)."""
    for _ in range(500):  # the client thread finishes as soon as we close; a guard, not a timing test
        if len(printer.received) >= connections:
            return printer.received[connections - 1]
        threading.Event().wait(0.01)
    raise AssertionError("the fake printer received nothing")


def test_network_printer_receives_the_exact_receipt(net_printer, receipt_factory, qr_reader) -> None:
    fake = net_printer()
    receipt = receipt_factory()
    p = make_printer("escpos-network", host="127.0.0.1", port=fake.port, paper="58mm", timeout=5)
    assert p.status() == "ready"
    p.print(receipt)
    got = _wait_received(fake, 2)
    assert got.startswith(STATUS_QUERY)  # asked for paper first
    assert got[len(STATUS_QUERY):] == render_escpos(receipt, "58mm")
    assert qr_reader(raster_images(got[len(STATUS_QUERY):])[0]) == [receipt.qr_data]


def test_network_printer_out_of_paper_is_reported_and_nothing_printed(net_printer, receipt_factory) -> None:
    fake = net_printer(paper=b"\x72")
    p = make_printer("escpos-network", host="127.0.0.1", port=fake.port, timeout=5)
    assert p.status() == "paper_out"
    with pytest.raises(PrinterError) as info:
        p.print(receipt_factory())
    assert info.value.kind == "paper_out"
    assert _wait_received(fake, 2) == STATUS_QUERY


def test_a_printer_that_never_answers_the_paper_question_still_prints(net_printer, receipt_factory) -> None:
    fake = net_printer(paper=None)
    p = make_printer("escpos-network", host="127.0.0.1", port=fake.port, timeout=5, status_timeout=0.2)
    p.print(receipt_factory())
    assert _wait_received(fake).endswith(render_escpos(receipt_factory(), "58mm"))


def test_network_printer_switched_off_is_offline(receipt_factory) -> None:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now: connection refused
    p = make_printer("escpos-network", host="127.0.0.1", port=port, timeout=2)
    assert p.status() == "offline"
    with pytest.raises(PrinterError) as info:
        p.print(receipt_factory())
    assert info.value.kind == "offline"


def test_serial_and_usb_printers_that_are_not_there(receipt_factory) -> None:
    serial = make_printer("escpos-serial", device="/dev/ttyNOPRINTER0", timeout=2)
    assert serial.status() == "no_printer"
    with pytest.raises(PrinterError) as info:
        serial.print(receipt_factory())
    assert info.value.kind == "no_printer"
    usb = make_printer("escpos-usb", usb_vendor=0x0416, usb_product=0x5011, timeout=2)
    with pytest.raises(PrinterError) as info:
        usb.print(receipt_factory())
    assert info.value.kind == "no_printer"  # no such device (or no libusb at all) on this machine
    assert usb.status() == "no_printer"


def test_windows_backend_without_pywin32_says_so(receipt_factory) -> None:
    p = make_printer("windows", name="POS-58")
    assert p.status() == "no_printer"
    with pytest.raises(PrinterError) as info:
        p.print(receipt_factory())
    assert info.value.kind == "no_printer" and "pywin32" in info.value.detail


def test_file_printer_writes_named_receipts(tmp_path: Path, receipt_factory) -> None:
    folder = tmp_path / "receipts"
    pdf = make_printer("file", path=folder, paper="80mm")
    assert pdf.status() == "ready"
    pdf.print(receipt_factory())
    pdf.print(receipt_factory())
    files = sorted(folder.iterdir())
    assert len(files) == 2 and all(f.name.startswith("T1MZQAD7SWP-") and f.suffix == ".pdf" for f in files)
    assert files[0].read_bytes().startswith(b"%PDF")
    raw = make_printer("file", path=folder, fmt="escpos")
    raw.print(receipt_factory())
    [binary] = folder.glob("*.bin")
    assert binary.read_bytes() == render_escpos(receipt_factory(), "58mm")
    assert not list(folder.glob(".printing-*"))  # no half-written leftovers


def test_file_printer_with_an_unusable_folder(tmp_path: Path, receipt_factory) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    p = make_printer("file", path=blocker / "receipts")
    with pytest.raises(PrinterError) as info:
        p.print(receipt_factory())
    assert info.value.kind == "no_printer"


def test_dummy_printer_keeps_jobs_and_can_simulate_failures(receipt_factory) -> None:
    p = make_printer("escpos-dummy", paper="80mm")
    p.print(receipt_factory())
    assert p.status() == "ready" and len(p.jobs) == 1 and raster_images(p.jobs[0])[0].width == 576
    p.fail_with = "paper_out"
    assert p.status() == "paper_out"
    with pytest.raises(PrinterError) as info:
        p.print(receipt_factory())
    assert info.value.kind == "paper_out" and len(p.jobs) == 1


def test_cups_backend_without_cups_commands(receipt_factory) -> None:
    p = make_printer("cups", name="KioskPDF", lp="/nonexistent/lp", lpstat="/nonexistent/lpstat")
    assert p.status() == "no_printer"
    with pytest.raises(PrinterError) as info:
        p.print(receipt_factory())
    assert info.value.kind == "no_printer" and "not installed" in info.value.detail


def test_unknown_error_kinds_are_refused() -> None:
    with pytest.raises(ValueError):
        PrinterError("on_fire", "x")
