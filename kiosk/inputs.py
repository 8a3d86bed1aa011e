"""How each kind of answer is typed: which keypad, how long, which extra keys.

One rule in one place: the screen builds its field and keypad from :func:`input_spec`, and the
limits are the validator's own constants, so the field can never accept more than the core
allows (nor fewer: a NIK field that stops at 15 digits would make a valid NIK impossible).
"""
from __future__ import annotations

from dataclasses import dataclass

from kiosk import validation as v

# Longest phone a citizen may type: "+62" and 12 digits (validation allows 12 after 0/+62).
MAX_PHONE = 15
MAX_NIK = 16
MAX_NUMBER = 12


@dataclass(frozen=True)
class InputSpec:
    """``keypad``: ``letters`` (the on-screen keyboard), ``digits`` (the big numeric pad only),
    ``choice`` or ``date`` (no keyboard at all).  ``extra_keys`` are added to the numeric pad
    (block letters and a dash for stall numbers such as ``B-12``; ``+`` for phones)."""

    keypad: str
    max_length: int = 0
    extra_keys: str = ""
    multiline: bool = False

    @property
    def numeric(self) -> bool:
        return self.keypad == "digits"


_SPECS = {
    "text": InputSpec("letters", v.MAX_DESCRIPTION, multiline=True),
    "string": InputSpec("letters", v.MAX_STRING),
    "name": InputSpec("letters", v.MAX_NAME),
    "phone": InputSpec("digits", MAX_PHONE, "+"),
    "nik": InputSpec("digits", MAX_NIK),
    "stall": InputSpec("digits", v.MAX_STALL, "ABCDEFGH-"),
    "number": InputSpec("digits", MAX_NUMBER),
    "single": InputSpec("choice"),
    "multi": InputSpec("choice"),
    "datetime": InputSpec("date"),
}


def input_spec(editor: str) -> InputSpec:
    """The input of one editor kind (``Step.editor``); unknown kinds type letters."""
    return _SPECS.get(editor, _SPECS["string"])
