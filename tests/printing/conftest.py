"""Fixtures for the printing library's tests: sample receipts and a QR reader."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from printing import Receipt, Wording

URL = "HTTPS://LAPOR.JATIMPROV.GO.ID/LACAK/T1MZQAD7SWP/K1/03EN43/RRNC71BZBT452CC4DHM7"


def make_receipt(*, service: str = "Pasar kotor", steps: tuple[str, ...] | None = None,
                 secondary: bool = False, qr_data: str = URL, header: tuple[str, ...] | None = None) -> Receipt:
    def wording(title: str, svc: str) -> Wording:
        return Wording(
            title=title, service_label="Layanan", service=svc, time_label="Waktu",
            time_text="Senin, 23 November 2026, pukul 10.15 WIB", code_label="Kode pelacakan",
            due_label="Ditangani paling lambat", due_text="Rabu, 25 November 2026",
            next_label="Langkah selanjutnya",
            next_steps=steps if steps is not None else (
                "Pengaduan Anda sudah tersimpan dan dikirim ke Pemerintah Provinsi Jawa Timur.",
                "Petugas menanganinya paling lambat 2 hari kerja, tanpa biaya."),
            status_label="Cara cek status",
            check_status=("Pindai kode QR dengan kamera ponsel, atau", "ketik kode pelacakan di kios ini."),
            qr_caption="Pindai untuk melihat status")

    return Receipt(
        header=header or ("PEMERINTAH PROVINSI JAWA TIMUR", "Kabupaten Banyuwangi", "Pasar Genteng"),
        code="T1M-ZQAD-7SWP", qr_data=qr_data,
        main=wording("TANDA TERIMA PENGADUAN", service),
        secondary=wording("TANDA TERIMA PENGADUAN", "Pasar kotor") if secondary else None,
        footer=("Layanan ini tidak dipungut biaya.", "Kios BWI-GENTENG-01"))


@pytest.fixture
def receipt_factory() -> Callable[..., Receipt]:
    return make_receipt


def read_qr(image) -> list[str]:  # type: ignore[no-untyped-def]
    """Every QR text zxing-cpp finds in a Pillow image."""
    import zxingcpp

    return [r.text for r in zxingcpp.read_barcodes(image.convert("L")) if r.format == zxingcpp.BarcodeFormat.QRCode]


@pytest.fixture
def qr_reader() -> Callable[..., list[str]]:
    return read_qr


# Long, hostile Unicode: emoji (with joiners and variation selectors), Aksara Jawa, combining
# marks, a 300-character word with no space, right-to-left text, and 4,000 characters in all.
HOSTILE = (
    "Lapak saya kebanjiran 😡🙏🏽 👨‍👩‍👧 ❤️ sejak Senin. "
    "ꦗꦮꦶꦠꦺꦴꦤ꧀ꦏꦼꦩꦶꦤ꧀ ꦥꦱꦂ ꦒꦼꦤ꧀ꦠꦺꦁ "
    "Café, naïve, Ŝ, ǅ, ﬁ, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢, العربية, 中文字符, "
    + "X" * 300 + " "
)
LONG_TEXT = (HOSTILE * 40)[:4000]


@pytest.fixture
def hostile_text() -> str:
    return LONG_TEXT
