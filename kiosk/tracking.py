"""Tracking codes: made offline, unique across kiosks, easy to read over the phone.

A code is 11 characters of Crockford base32 (digits and upper-case letters without
I, L, O, U, so nothing looks like anything else), shown as ``XXX-XXXX-XXXX``:

- 3 characters of kiosk prefix (``prefix_for(kiosk_id)``, or ``kiosk.tracking_prefix``
  from the config when the province hands out prefixes), so two kiosks can only meet
  when their prefixes do;
- 7 random characters from :mod:`secrets` (35 bits: codes cannot be guessed in order);
- 1 check character (Damm's algorithm, below).

Why a tiny table and not the ``base32-crockford`` package: we need only the 32-symbol
alphabet and a forgiving decode map (i/l -> 1, o -> 0); that package's check symbol is
mod 37 (five extra symbols, and it misses some neighbour swaps), and it is unmaintained.

The check character is Damm's algorithm over a totally anti-symmetric quasigroup of
order 32: ``x * y = A·x + y`` in GF(2^5) (field polynomial x^5 + x^2 + 1, A = 2).  A
quasigroup makes every single substitution change the result; total anti-symmetry
(``(c*x)*y == (c*y)*x`` only if ``x == y``, because ``(A+1)(x+y) = 0`` forces x = y when
A != 1) makes every swap of two neighbours change it, and the same algebra covers a swap
of the last data character with the check character.  ``tests/kiosk/test_tracking.py``
proves both exhaustively.

Uniqueness: within one kiosk the outbox's unique ``ref`` is the guard (pass ``is_taken``
to :func:`new_code` so a clash is redrawn before it reaches the database).  Between kiosks
only a shared prefix can collide: with hashed prefixes (32,768 of them) 1,000 kiosks share
about 15 prefix pairs, and two kiosks issuing 1,000 codes each under one prefix collide
with probability about 3e-5; a province that wants zero can assign prefixes in the config.
"""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable

from kiosk.i18n import N_

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX_LEN = 3
RANDOM_LEN = 7
CODE_LEN = PREFIX_LEN + RANDOM_LEN + 1

_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# Crockford's forgiving reads: I and L look like 1, O looks like 0.
_VALUE.update({"I": 1, "L": 1, "O": 0})
_IGNORED = " -_.\t\u00a0\u2010\u2011\u2012\u2013\u2014"  # separators people and phones type

_GF_POLY = 0b100101  # x^5 + x^2 + 1, irreducible over GF(2)
_A = 2  # any field element other than 0 and 1 keeps the quasigroup totally anti-symmetric


def _gf_mul(x: int, y: int) -> int:
    result = 0
    while y:
        if y & 1:
            result ^= x
        y >>= 1
        x <<= 1
        if x & 0b100000:
            x ^= _GF_POLY
    return result


_TIMES_A = [_gf_mul(_A, x) for x in range(32)]


def _damm(values: list[int]) -> int:
    """The interim of Damm's algorithm: 0 for a string that carries a valid check."""
    interim = 0
    for v in values:
        interim = _TIMES_A[interim] ^ v
    return interim


def check_char(body: str) -> str:
    """The check character for ``body`` (canonical Crockford characters)."""
    # interim * c == 0  <=>  A·interim + c == 0  <=>  c == A·interim (addition is XOR)
    return ALPHABET[_TIMES_A[_damm([_VALUE[ch] for ch in body])]]


def is_valid(code: str) -> bool:
    """True when a canonical code's check character matches."""
    try:
        return len(code) == CODE_LEN and _damm([_VALUE[ch] for ch in code]) == 0
    except KeyError:
        return False


class InvalidCode(ValueError):
    """A typed or scanned code that cannot be a tracking code.

    ``reason`` is one of ``empty``, ``length``, ``characters``, ``check``; ``message`` is an
    Indonesian msgid to show through ``tr(lang, exc.message)``.
    """

    MESSAGES = {
        "empty": N_("Kode pelacakan belum diisi."),
        "length": N_("Kode pelacakan terdiri dari 11 huruf dan angka, misalnya ABC-1234-5678."),
        "characters": N_("Kode pelacakan hanya berisi angka dan huruf (tanpa huruf U)."),
        "check": N_("Kode pelacakan tidak cocok. Periksa kembali setiap huruf dan angka."),
    }

    def __init__(self, reason: str):
        self.reason = reason
        self.message = self.MESSAGES[reason]
        super().__init__(f"invalid tracking code ({reason})")


def validate_prefix(prefix: str) -> str | None:
    """Why ``prefix`` cannot be a tracking prefix (English, for config errors), or None."""
    if len(prefix) != PREFIX_LEN:
        return f"must be exactly {PREFIX_LEN} characters, not {prefix!r}"
    bad = [ch for ch in prefix if ch not in ALPHABET]
    if bad:
        return f"must use only the characters {ALPHABET} (upper case, no I, L, O or U), not {''.join(bad)!r}"
    return None


def prefix_for(kiosk_id: str, override: str = "") -> str:
    """The kiosk's 3-character prefix: ``override`` if given, else derived from the id.

    Derived from SHA-256 of the id so it is stable across restarts and reinstalls and needs
    no registry; ``kiosk.tracking_prefix`` in the config overrides it.
    """
    if override:
        problem = validate_prefix(override)
        if problem:
            raise ValueError(f"tracking prefix {problem}")
        return override
    digest = int.from_bytes(hashlib.sha256(kiosk_id.strip().upper().encode("utf-8")).digest()[:4], "big")
    return "".join(ALPHABET[(digest >> (5 * i)) & 31] for i in range(PREFIX_LEN))


def new_code(prefix: str, is_taken: Callable[[str], bool] | None = None) -> str:
    """A fresh canonical code (11 characters, no separators) under ``prefix``.

    ``is_taken`` (e.g. "is this ref already in the outbox?") makes a clash within one kiosk
    impossible instead of merely unlikely.
    """
    problem = validate_prefix(prefix)
    if problem:
        raise ValueError(f"tracking prefix {problem}")
    while True:
        bits = secrets.randbits(5 * RANDOM_LEN)
        body = prefix + "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(RANDOM_LEN))
        code = body + check_char(body)
        if is_taken is None or not is_taken(code):
            return code


def format_code(code: str) -> str:
    """``ABC12345678`` -> ``ABC-1234-5678`` (groups of 3, 4, 4 for reading aloud)."""
    return f"{code[:3]}-{code[3:7]}-{code[7:]}"


def parse_code(text: str) -> str:
    """Canonical code from what a person typed or a scanner read; raises :class:`InvalidCode`.

    Forgives lower case, hyphens and spaces, and reads I/L as 1 and O as 0.
    """
    cleaned = "".join(ch for ch in (text or "").upper() if ch not in _IGNORED)
    if not cleaned:
        raise InvalidCode("empty")
    if len(cleaned) != CODE_LEN:
        # characters first would be friendlier for "U", but length is the commoner slip
        raise InvalidCode("length")
    try:
        code = "".join(ALPHABET[_VALUE[ch]] for ch in cleaned)
    except KeyError:
        raise InvalidCode("characters") from None
    if _damm([_VALUE[ch] for ch in code]) != 0:
        raise InvalidCode("check")
    return code
