"""What a receipt says (already translated) and the papers it is printed on."""
from __future__ import annotations

from dataclasses import dataclass, field

DPI = 203  # thermal printer heads: 8 dots per mm


@dataclass(frozen=True)
class Paper:
    """A paper, measured in 203-dpi printer dots so QR modules land on whole dots.

    ``width_dots`` is the sheet (roll) width; ``printable_dots`` what the head can reach,
    centred.  ``height_mm`` is None for a roll (the page is as tall as the content).
    """

    name: str
    width_dots: int
    printable_dots: int
    height_mm: float | None = None
    max_module_dots: int = 6  # 0.75 mm: big enough to scan, small enough to leave room for text
    scale: float = 1.0  # type size relative to the 58 mm roll
    qr_beside: bool = False  # wide paper: QR to the right of the tracking code

    @property
    def width_mm(self) -> float:
        return self.width_dots * 25.4 / DPI

    @property
    def margin_dots(self) -> int:
        return (self.width_dots - self.printable_dots) // 2


# 58 mm roll: 464 dots (58.06 mm) with 384 printable; 80 mm roll: 640 dots with 576 printable.
PAPERS: dict[str, Paper] = {
    "58mm": Paper("58mm", 464, 384),
    "80mm": Paper("80mm", 640, 576, max_module_dots=7, scale=1.15),
    # A6 portrait for office printers: 105 x 148 mm, 8 mm margins, the QR beside the code.
    "a6": Paper("a6", 839, 711, height_mm=148.0, max_module_dots=5, scale=1.05, qr_beside=True),
}


def paper_for(paper: str | Paper) -> Paper:
    """Accept a paper name ("58mm", "80mm", "a6") or a :class:`Paper`."""
    if isinstance(paper, Paper):
        return paper
    try:
        return PAPERS[paper.lower()]
    except KeyError:
        raise ValueError(f"unknown paper {paper!r}; choose from {', '.join(PAPERS)}") from None


@dataclass(frozen=True)
class Wording:
    """Every word of a receipt in one language (labels and values, already translated)."""

    title: str  # "TANDA TERIMA PENGADUAN"
    service_label: str  # "Layanan"
    service: str  # the service's name
    time_label: str  # "Waktu"
    time_text: str  # "Senin, 23 November 2026, 10.15 WIB"
    code_label: str  # "Kode pelacakan"
    due_label: str  # "Ditangani paling lambat"
    due_text: str  # "Rabu, 25 November 2026"
    next_label: str = ""  # "Langkah selanjutnya"
    next_steps: tuple[str, ...] = ()
    status_label: str = ""  # "Cara cek status"
    check_status: tuple[str, ...] = ()
    qr_caption: str = ""  # "Pindai untuk melihat status"


@dataclass(frozen=True)
class Receipt:
    """A receipt ready to render: plain, already-translated strings and the QR's data.

    ``main`` is in the citizen's language; ``secondary`` (optional) repeats the essentials
    in Indonesian, printed underneath, when the citizen chose another language.
    ``code`` is the tracking code as people read it (``T1M-ZQAD-7SWP``).
    """

    header: tuple[str, ...]  # province, regency, market: first line strongest
    code: str
    qr_data: str
    main: Wording
    secondary: Wording | None = None
    footer: tuple[str, ...] = field(default_factory=tuple)
