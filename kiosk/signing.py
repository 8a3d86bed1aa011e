"""The signed receipt URL in the QR, and telling a genuine receipt from a forged one.

Shape (all upper case)::

    <TRACKING_BASE_URL>/<CODE>/<KEYID>/<TIME>/<TAG>
    HTTPS://LAPOR.JATIMPROV.GO.ID/LACAK/T1MZQAD7SWP/K1/0C5RW7/9Q4M2XK7T0B3HJ8A

- CODE: the canonical tracking code (see :mod:`kiosk.tracking`);
- KEYID: ``receipt.signing_key_id``, so keys can be rotated and old receipts still checked;
- TIME: the submission minute, minutes since 2020-01-01 00:00 UTC in Crockford base32
  (6 characters last until the year 2080); it binds the receipt to when it was filed;
- TAG: HMAC-SHA256(secret, ``"CODE|KEYID|TIME"``) truncated to 100 bits, 20 Crockford
  characters (at least 80 bits are required; 100 costs nothing in the QR).

Why upper case: a QR in alphanumeric mode (0-9, A-Z, space and ``$%*+-./:``) stores 5.5
bits per character instead of 8, so the code is smaller and scans better off a cheap
58 mm thermal roll.  The base URL is upper-cased too: host names are case-insensitive by
definition, and the province's tracking site must treat the path case-insensitively.

A bare tracking code carries no signature: only its check character can be checked, and
:func:`verify` says so rather than calling it genuine.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Protocol

from kiosk.tracking import ALPHABET, InvalidCode, parse_code

EPOCH = datetime(2020, 1, 1, tzinfo=timezone.utc)
TIME_LEN = 6
TAG_LEN = 20  # characters of 5 bits: 100 bits of HMAC
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}


class ReceiptSettings(Protocol):
    """What we need of ``cfg.receipt`` (kiosk.config.ReceiptSection)."""

    tracking_base_url: str
    signing_key_id: str
    signing_secret: str


@dataclass(frozen=True)
class Verdict:
    """``ok`` only for a URL whose signature this kiosk's key confirms.

    ``reason`` is English for technicians and logs (the CLI prints it); ``code`` is the
    tracking code when one could be read; ``submitted_at`` is the signed submission minute.
    """

    ok: bool
    code: str | None
    reason: str
    submitted_at: datetime | None = None
    bare_code: bool = False  # a typed code: only the check character could be checked


def _b32(value: int, length: int) -> str:
    return "".join(ALPHABET[(value >> (5 * (length - 1 - i))) & 31] for i in range(length))


def _unb32(text: str) -> int:
    value = 0
    for ch in text:
        value = value * 32 + _VALUE[ch]
    return value


def encode_time(submitted_at: datetime) -> str:
    """The submission minute as 6 Crockford characters (naive datetimes are taken as WIB)."""
    if submitted_at.tzinfo is None:
        submitted_at = submitted_at.replace(tzinfo=timezone(timedelta(hours=7)))
    minutes = int((submitted_at - EPOCH).total_seconds() // 60)
    if not 0 <= minutes < 32**TIME_LEN:
        raise ValueError(f"submission time out of range: {submitted_at.isoformat()}")
    return _b32(minutes, TIME_LEN)


def decode_time(text: str) -> datetime:
    return EPOCH + timedelta(minutes=_unb32(text))


def _tag(secret: str, code: str, key_id: str, time_text: str) -> str:
    mac = hmac.new(secret.encode("utf-8"), f"{code}|{key_id}|{time_text}".encode("ascii"), hashlib.sha256)
    bits = int.from_bytes(mac.digest(), "big") >> (256 - 5 * TAG_LEN)
    return _b32(bits, TAG_LEN)


def _base(receipt_cfg: ReceiptSettings) -> str:
    return receipt_cfg.tracking_base_url.rstrip("/").upper()


def receipt_url(code: str, submitted_at: datetime, receipt_cfg: ReceiptSettings) -> str:
    """The upper-case signed URL printed as the receipt's QR."""
    code = parse_code(code)
    key_id = receipt_cfg.signing_key_id.upper()
    time_text = encode_time(submitted_at)
    tag = _tag(receipt_cfg.signing_secret, code, key_id, time_text)
    return f"{_base(receipt_cfg)}/{code}/{key_id}/{time_text}/{tag}"


def verify(text: str, receipt_cfg: ReceiptSettings) -> Verdict:
    """Check a scanned URL (or a typed bare code) against this kiosk's key.

    Checks, in order: the tracking site's address, the code's check character, the key id,
    the time field, then the HMAC tag in constant time (``hmac.compare_digest``).
    """
    raw = (text or "").strip()
    if not raw:
        return Verdict(False, None, "empty input")
    if "/" not in raw:
        try:
            code = parse_code(raw)
        except InvalidCode as exc:
            return Verdict(False, None, f"not a tracking code ({exc.reason}); a bare code has no signature, only its check character was checked", bare_code=True)
        return Verdict(False, code, "bare tracking code: check character is valid, but a bare code carries no signature, so it cannot be shown genuine (scan the QR to check the signature)", bare_code=True)
    upper = raw.upper()
    base = _base(receipt_cfg)
    if not upper.startswith(base + "/"):
        return Verdict(False, None, f"not this province's tracking address (expected {base}/...)")
    parts = upper[len(base) + 1:].rstrip("/").split("/")
    if len(parts) != 4:
        return Verdict(False, None, "URL does not have the parts CODE/KEYID/TIME/TAG")
    code_text, key_id, time_text, tag = parts
    try:
        code = parse_code(code_text)
    except InvalidCode as exc:
        return Verdict(False, None, f"tracking code is invalid ({exc.reason})")
    if code != code_text:
        return Verdict(False, code, "tracking code is not in canonical form (altered)")
    if key_id != receipt_cfg.signing_key_id.upper():
        return Verdict(False, code, f"signed with key {key_id!r}, which this kiosk does not hold (it holds {receipt_cfg.signing_key_id.upper()!r})")
    if len(time_text) != TIME_LEN or any(ch not in _VALUE for ch in time_text):
        return Verdict(False, code, "time field is malformed")
    if len(tag) != TAG_LEN or any(ch not in _VALUE for ch in tag):
        return Verdict(False, code, "signature is malformed")
    expected = _tag(receipt_cfg.signing_secret, code, key_id, time_text)
    if not hmac.compare_digest(expected.encode("ascii"), tag.encode("ascii")):
        return Verdict(False, code, "signature does not match the code and time (altered or forged)")
    submitted = decode_time(time_text)
    return Verdict(True, code, f"signature valid (key {key_id}), check character valid, submitted {submitted:%Y-%m-%d %H:%M} UTC", submitted)
