"""The order and emphasis of a receipt's parts, shared by the PDF and ESC/POS renderers.

One list of :class:`Part` says what comes where (header, title, service, the code in
large type, the QR, the due date, what happens next, how to check, the Indonesian block,
the footer); each renderer decides how a ``size``/``bold``/``align`` looks on its medium,
so the printed roll and the PDF preview never drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass

from printing.receipt import Receipt, Wording


@dataclass(frozen=True)
class Part:
    kind: str  # text | code | qr | rule | space
    text: str = ""
    size: float = 8.0  # points on the 58 mm roll; renderers scale per paper
    bold: bool = False
    align: str = "left"  # left | center
    bullet: bool = False
    space_before: float = 0.0  # points
    dashed: bool = False
    group: str = ""  # "code": the code label, code, QR and caption, which wide paper sets side by side


def _wording(w: Wording, primary: bool) -> list[Part]:
    k = 1.0 if primary else 0.85
    parts = [Part("text", w.title, 11 * k, bold=True, align="center", space_before=4)]
    parts += [
        Part("text", w.service_label, 7 * k, space_before=5),
        Part("text", w.service, 9 * k, bold=True),
        Part("text", w.time_label, 7 * k, space_before=3),
        Part("text", w.time_text, 8.5 * k),
    ]
    if primary:
        parts += [
            Part("rule", space_before=5),
            Part("text", w.code_label, 7.5, align="center", space_before=4, group="code"),
            Part("code", align="center", space_before=1, group="code"),
            Part("qr", space_before=4, group="code"),
        ]
        if w.qr_caption:
            parts.append(Part("text", w.qr_caption, 7, align="center", space_before=2, group="code"))
        parts.append(Part("rule", space_before=5))
    parts += [
        Part("text", w.due_label, 7 * k, space_before=4),
        Part("text", w.due_text, 9.5 * k, bold=True),
    ]
    # the Indonesian block is for the office: what was filed and promised, not how to scan
    sections = ((w.next_label, w.next_steps), (w.status_label, w.check_status)) if primary else ((w.next_label, w.next_steps),)
    for label, items in sections:
        if not items:
            continue
        if label:
            parts.append(Part("text", label, 8 * k, bold=True, space_before=5))
        parts += [Part("text", item, 8 * k, bullet=True, space_before=1.5) for item in items]
    return parts


def parts_of(receipt: Receipt) -> list[Part]:
    """The receipt, top to bottom."""
    parts: list[Part] = []
    for i, line in enumerate(receipt.header):
        parts.append(Part("text", line, 8.5 if i == 0 else 7.5, bold=i == 0, align="center"))
    parts.append(Part("rule", space_before=4))
    parts += _wording(receipt.main, primary=True)
    if receipt.secondary is not None:
        parts.append(Part("rule", space_before=7, dashed=True))
        parts += _wording(receipt.secondary, primary=False)
    if receipt.footer:
        parts.append(Part("rule", space_before=7))
        parts += [Part("text", line, 7, align="center", space_before=2 if i == 0 else 0.5)
                  for i, line in enumerate(receipt.footer)]
    return parts
