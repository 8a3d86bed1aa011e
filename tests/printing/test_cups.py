"""Receipts through a real CUPS queue (cups-pdf), read back and verified like a citizen's phone would.

Needs CUPS with the cups-pdf printer.  The fixture starts ``cupsd`` and creates the
``KioskPDF`` queue itself when it runs as root (CI does); elsewhere it uses what is there and
skips, with the reason, only when CUPS is absent or unusable.
"""
from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from kiosk import signing
from kiosk.config import from_dict
from kiosk.receipts import build_receipt
from printing import PrinterError, make_printer
from printing.png import pdf_to_images

pytestmark = pytest.mark.cups

QUEUE = "KioskPDF"
OFF_QUEUE = "KioskPDFOff"
PPD_GLOBS = ("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd", "/usr/share/ppd/cups-pdf/*.ppd",
             "/usr/share/cups/model/CUPS-PDF*.ppd")
GUARD_S = 60  # how long to wait for cupsd or a printed file before giving up (a guard, not a timing test)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=30,
                          env={**os.environ, "LC_ALL": "C", "LANG": "C"})


def _scheduler_running() -> bool:
    return "scheduler is running" in _run("lpstat", "-r").stdout


def _ppd() -> str | None:
    for pattern in PPD_GLOBS:
        found = sorted(glob.glob(pattern))
        if found:
            return found[0]
    return None


def _pdf_out_dir() -> Path:
    """cups-pdf's ``Out`` folder for jobs this user submits (``${HOME}/PDF`` by default)."""
    out = "${HOME}/PDF"
    conf = Path("/etc/cups/cups-pdf.conf")
    if conf.exists():
        for line in conf.read_text(errors="replace").splitlines():
            m = re.match(r"\s*Out\s+(\S+)", line)
            if m:
                out = m.group(1)
    user = pwd.getpwuid(os.getuid())
    return Path(out.replace("${HOME}", user.pw_dir).replace("${USER}", user.pw_name))


def _ensure_queue(name: str, ppd: str) -> None:
    if _run("lpstat", "-p", name).returncode != 0:
        proc = _run("lpadmin", "-p", name, "-E", "-v", "cups-pdf:/", "-P", ppd)
        if proc.returncode != 0:
            pytest.skip(f"cannot create CUPS queue {name}: {proc.stderr.strip()}")


@pytest.fixture(scope="module")
def cups_pdf() -> Iterator[Path]:
    """A running cupsd with an enabled cups-pdf queue KioskPDF; yields cups-pdf's output folder."""
    if not shutil.which("lpstat") or not shutil.which("lp"):
        pytest.skip("CUPS is not installed (no lpstat/lp)")
    if not _scheduler_running():
        cupsd = shutil.which("cupsd") or "/usr/sbin/cupsd"
        if os.geteuid() != 0 or not Path(cupsd).exists():
            pytest.skip("the CUPS scheduler is not running and this user cannot start cupsd")
        subprocess.run([cupsd], timeout=30, check=False)  # daemonises
        deadline = time.monotonic() + GUARD_S
        while not _scheduler_running():
            if time.monotonic() > deadline:
                pytest.skip("cupsd did not start")
            time.sleep(0.2)
    ppd = _ppd()
    if _run("lpstat", "-p", QUEUE).returncode != 0:
        if os.geteuid() != 0 or ppd is None:
            pytest.skip(f"no CUPS queue {QUEUE} and no way to create it (cups-pdf PPD: {ppd})")
        _ensure_queue(QUEUE, ppd)
    if os.geteuid() == 0:
        _run("cupsenable", QUEUE)
        _run("cupsaccept", QUEUE)
    yield _pdf_out_dir()


def _wait_for_job_pdf(out_dir: Path, job: str) -> Path:
    number = job.rsplit("-", 1)[-1]
    deadline = time.monotonic() + GUARD_S
    while time.monotonic() < deadline:
        # cups-pdf puts "job_N" before or after the title, by version and its Label option.
        named = re.compile(rf"(^|[-_.]){re.escape('job_' + number)}([-_.]|$)")
        found = [p for p in out_dir.glob("*.pdf") if named.search(p.stem) and p.stat().st_size > 0]
        if found and _run("lpstat", "-W", "not-completed", "-o", QUEUE).stdout.find(job) < 0:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"cups-pdf wrote no PDF for job {job} into {out_dir}")


CFG = from_dict({"receipt": {"signing_secret": "cups-test-secret-1", "signing_key_id": "K7"}})
META = {"kind": "request", "service_code": "IZIN-LAPAK", "language": "jv",
        "service_name": {"id": "Izin pemakaian lapak", "jv": "Idin ngginakaken lapak", "en": "Stall permit"},
        "submitted_at": "2026-12-23T16:30:00+07:00", "due_date": "2026-12-30", "kiosk_id": "BWI-GENTENG-01"}


@pytest.mark.parametrize(("paper", "width_mm"), [("58mm", 58.06), ("80mm", 80.08)])
def test_printed_receipt_scans_and_verifies(cups_pdf: Path, qr_reader, paper: str, width_mm: float) -> None:
    receipt = build_receipt(META, "T1MZQAD7SWP", CFG, "jv")
    printer = make_printer("cups", name=QUEUE, paper=paper)
    assert printer.status() == "ready"
    printer.print(receipt)
    assert printer.last_job and printer.last_job.startswith(QUEUE + "-")
    pdf = _wait_for_job_pdf(cups_pdf, printer.last_job).read_bytes()
    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[0]
        assert page.get_width() * 25.4 / 72 == pytest.approx(width_mm, abs=1.0)  # the roll, not A4
    finally:
        doc.close()
    [image, *_] = pdf_to_images(pdf, dpi=203, bilevel=True)
    [url] = qr_reader(image)
    verdict = signing.verify(url, CFG.receipt)
    assert verdict.ok, verdict.reason
    assert verdict.code == "T1MZQAD7SWP"


def test_missing_and_disabled_queues_are_told_apart(cups_pdf: Path, receipt_factory) -> None:
    missing = make_printer("cups", name="NoSuchKioskQueue")
    assert missing.status() == "no_printer"
    with pytest.raises(PrinterError) as info:
        missing.print(receipt_factory())
    assert info.value.kind == "no_printer"
    if os.geteuid() != 0 or _ppd() is None:
        pytest.skip("creating a disabled queue needs root and the cups-pdf PPD")
    _ensure_queue(OFF_QUEUE, _ppd() or "")
    try:
        _run("cupsdisable", OFF_QUEUE)
        off = make_printer("cups", name=OFF_QUEUE)
        assert off.status() == "offline"
        with pytest.raises(PrinterError) as info:
            off.print(receipt_factory())
        assert info.value.kind == "offline" and "disabled" in info.value.detail
    finally:
        _run("lpadmin", "-x", OFF_QUEUE)
