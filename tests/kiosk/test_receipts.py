"""The citizen's receipt: right words, right language, a QR that verifies, and no personal data."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from kiosk import signing
from kiosk.config import from_dict, load
from kiosk.receipts import build_receipt, format_date, printer_from_config, render_qr_png, render_receipt
from offline_queue import Outbox
from printing.backends import CupsPrinter, EscposPrinter, FilePrinter
from printing.escpos_render import raster_images

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "docs" / "screenshots"
CODE = "T1MZQAD7SWP"
CFG = from_dict({"receipt": {"signing_secret": "receipt-test-secret", "signing_key_id": "K1"}})
META = {
    "kind": "complaint", "service_code": "PSR-KEBERSIHAN", "language": "jv",
    "service_name": {"id": "Pasar kotor", "jv": "Peken reged", "en": "Dirty market"},
    "submitted_at": "2026-11-23T10:15:00+07:00", "due_date": "2026-11-25", "kiosk_id": "BWI-GENTENG-01",
}
PERSONAL = {"name": "Siti Aminah Rahayu", "phone": "081234567890", "nik": "3510014101900001",
            "email": "siti.aminah@example.com", "description": "Rumah saya di Jl. Melati 7"}


def _pdf_text(pdf: bytes) -> str:
    doc = pdfium.PdfDocument(pdf)
    try:
        return " ".join(" ".join(page.get_textpage().get_text_range() for page in doc).split())
    finally:
        doc.close()


def _qr(png: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))]


def test_receipt_in_indonesian_has_everything_a_citizen_needs() -> None:
    r = build_receipt(META, CODE, CFG, "id")
    assert r.header == ("PEMERINTAH PROVINSI JAWA TIMUR", "Kabupaten Banyuwangi", "Pasar Genteng")
    assert r.code == "T1M-ZQAD-7SWP"
    assert r.main.title == "TANDA TERIMA PENGADUAN"
    assert r.main.service == "Pasar kotor"
    assert r.main.time_text == "Senin, 23 November 2026, pukul\u00a010.15\u00a0WIB"  # kept on one line
    assert r.main.due_text == "Rabu, 25 November 2026"
    assert any("2 hari kerja" in s for s in r.main.next_steps)
    assert any("QR" in s for s in r.main.check_status)
    assert r.secondary is None  # already Indonesian
    text = _pdf_text(render_receipt(META, CODE, CFG, "id", "pdf"))
    for needle in ("TANDA TERIMA PENGADUAN", "T1M-ZQAD-7SWP", "Rabu, 25 November 2026", "Kios BWI-GENTENG-01"):
        assert needle in text


def test_other_languages_get_an_indonesian_block_underneath() -> None:
    for lang, service, weekday in (("jv", "Peken reged", "Rebo"), ("en", "Dirty market", "Wednesday")):
        r = build_receipt(META, CODE, CFG, lang)
        assert r.main.service == service and r.main.due_text.startswith(weekday)
        assert r.secondary is not None
        assert r.secondary.title == "TANDA TERIMA PENGADUAN" and r.secondary.service == "Pasar kotor"
        assert r.secondary.due_text == "Rabu, 25 November 2026"
    assert build_receipt(META, CODE, CFG, "en").main.time_text.endswith("10:15\u00a0WIB")


def test_service_request_title_and_a_longer_promise() -> None:
    meta = {**META, "kind": "request", "due_date": "2026-11-30"}
    r = build_receipt(meta, CODE, CFG, "id")
    assert r.main.title == "TANDA TERIMA PERMOHONAN LAYANAN"
    assert any("5 hari kerja" in s for s in r.main.next_steps)  # Mon 23 -> Mon 30: five working days


def test_due_date_is_computed_when_the_item_has_none() -> None:
    meta = {k: v for k, v in META.items() if k != "due_date"} | {"submitted_at": "2026-12-23T11:00:00+07:00"}
    r = build_receipt(meta, CODE, CFG, "id")
    assert r.main.due_text == format_date(datetime(2026, 12, 29).date(), "id")  # Christmas and cuti bersama skipped


def test_no_personal_data_on_paper_even_if_it_slipped_into_meta() -> None:
    meta = {**META, **PERSONAL, "reporter": dict(PERSONAL)}
    for lang in ("id", "jv", "en"):
        text = _pdf_text(render_receipt(meta, CODE, CFG, lang, "pdf"))
        raw = render_receipt(meta, CODE, CFG, lang, "escpos")
        for value in PERSONAL.values():
            assert value not in text
            assert value.encode() not in raw
        assert "Siti" not in text and b"Siti" not in raw and b"0812" not in raw  # not even a part of them


def test_qr_on_every_format_verifies_with_the_kiosk_key() -> None:
    png = render_receipt(META, CODE, CFG, "jv", "png")
    [url] = _qr(png)
    verdict = signing.verify(url, CFG.receipt)
    assert verdict.ok and verdict.code == CODE
    assert verdict.submitted_at == datetime.fromisoformat(META["submitted_at"])
    [image] = raster_images(render_receipt(META, CODE, CFG, "jv", "escpos"))
    assert [r.text for r in zxingcpp.read_barcodes(image.convert("L"))] == [url]
    assert _qr(render_qr_png(url, 300)) == [url]
    with pytest.raises(ValueError):
        render_receipt(META, CODE, CFG, "jv", "docx")


def test_printer_from_config_follows_the_printer_section(tmp_path: Path) -> None:
    cfg = from_dict({"kiosk": {"data_dir": str(tmp_path)}, "receipt": {"paper": "80mm"}})
    p = printer_from_config(cfg)
    assert isinstance(p, FilePrinter) and p.folder == tmp_path / "receipts" and p.paper.name == "80mm"
    p = printer_from_config(from_dict({"printer": {"backend": "cups", "name": "KioskPDF"}}))
    assert isinstance(p, CupsPrinter) and p.name == "KioskPDF"
    p = printer_from_config(from_dict({"printer": {"backend": "escpos-network", "host": "10.0.0.9"},
                                       "receipt": {"paper": "a6"}}))
    assert isinstance(p, EscposPrinter) and p.options["host"] == "10.0.0.9" and p.paper.name == "80mm"


# -- the command line -------------------------------------------------------------------------
@pytest.fixture
def kiosk_with_item(tmp_path: Path) -> Path:
    cfg_path = tmp_path / "kiosk.toml"
    cfg_path.write_text(f"""
[kiosk]
data_dir = "{tmp_path / 'data'}"
[receipt]
signing_secret = "receipt-test-secret"
paper = "58mm"
[printer]
backend = "file"
path = "printed"
""", encoding="utf-8")
    cfg = load(cfg_path)
    cfg.data_dir.mkdir(parents=True)
    with Outbox(cfg.outbox_path) as outbox:
        outbox.enqueue(ref=CODE, service_code="PSR-KEBERSIHAN", body="service_code=PSR-KEBERSIHAN", meta=META)
    return cfg_path


def _kiosk(cfg_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", "--config", str(cfg_path), *args], capture_output=True,
                          text=True, timeout=120, cwd=REPO, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def test_cli_renders_reprints_and_verifies(kiosk_with_item: Path, tmp_path: Path) -> None:
    for name in ("r.pdf", "r.png", "r.bin"):
        proc = _kiosk(kiosk_with_item, "receipt", "t1m-zqad-7swp", "--out", str(tmp_path / name))
        assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    [url] = _qr((tmp_path / "r.png").read_bytes())
    assert raster_images((tmp_path / "r.bin").read_bytes())
    proc = _kiosk(kiosk_with_item, "receipt", CODE, "--print")
    assert proc.returncode == 0, proc.stderr
    [printed] = (tmp_path / "data" / "printed").glob(f"{CODE}-*.pdf")
    assert "Peken reged" in _pdf_text(printed.read_bytes())  # the citizen's language by default
    proc = _kiosk(kiosk_with_item, "verify", url)
    assert proc.returncode == 0 and proc.stdout.startswith("genuine [T1M-ZQAD-7SWP]")
    forged = url[:-1] + ("0" if url[-1] != "0" else "1")
    proc = _kiosk(kiosk_with_item, "verify", forged)
    assert proc.returncode == 1 and proc.stdout.startswith("forged")


def test_cli_explains_what_it_cannot_do(kiosk_with_item: Path, tmp_path: Path) -> None:
    proc = _kiosk(kiosk_with_item, "receipt", "T1M-ZQAD-7SWQ", "--out", str(tmp_path / "x.pdf"))
    assert proc.returncode == 1 and "not a valid tracking code (check)" in proc.stderr
    other = "AB00000000"  # a well-formed code this kiosk never issued
    from kiosk.tracking import check_char

    proc = _kiosk(kiosk_with_item, "receipt", other + check_char(other), "--out", str(tmp_path / "x.pdf"))
    assert proc.returncode == 1 and "not in this kiosk's outbox" in proc.stderr
    proc = _kiosk(kiosk_with_item, "receipt", CODE, "--out", str(tmp_path / "x.docx"))
    assert proc.returncode == 2 and ".pdf" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "x.pdf").exists()


# -- screenshots for people to look at -------------------------------------------------------
def test_write_receipt_screenshots() -> None:
    """docs/screenshots/receipt-*.png, regenerated from the real code (deterministic bytes)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    long_meta = {**META, "service_name": {"id": "Kebersihan pasar dan saluran air", "jv": "Karesikan peken lan got",
                                          "en": "Market cleanliness and drains"}}
    shots = {
        "receipt-58mm.png": (long_meta, "id", "58mm"),
        "receipt-80mm.png": ({**long_meta, "kind": "request", "service_name": {"id": "Izin pemakaian lapak"}}, "id", "80mm"),
        "receipt-58mm-jv.png": (long_meta, "jv", "58mm"),
        "receipt-80mm-en.png": (long_meta, "en", "80mm"),
        "receipt-a6.png": (long_meta, "id", "a6"),
    }
    for name, (meta, lang, paper) in shots.items():
        cfg = CFG.replace(receipt={"paper": paper})
        png = render_receipt(meta, CODE, cfg, lang, "png")
        assert signing.verify(_qr(png)[0], cfg.receipt).ok
        path = SCREENSHOTS / name
        if not path.exists() or path.read_bytes() != png:
            path.write_bytes(png)
