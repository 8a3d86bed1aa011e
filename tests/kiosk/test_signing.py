"""Signed receipt URLs: a genuine receipt verifies; any change to it, or another key, does not."""
from __future__ import annotations

import argparse
from datetime import datetime, timedelta, timezone

import pytest
import qrcode

from kiosk import signing
from kiosk.commands import verify as verify_cmd
from kiosk.config import from_dict
from kiosk.tracking import ALPHABET, format_code, new_code

WIB = timezone(timedelta(hours=7))
CFG = from_dict({"receipt": {"tracking_base_url": "https://lapor.jatimprov.go.id/lacak/", "signing_key_id": "k1",
                             "signing_secret": "a-long-kiosk-secret-0123"}})
WHEN = datetime(2026, 11, 23, 10, 15, 42, tzinfo=WIB)


@pytest.fixture
def url() -> str:
    return signing.receipt_url(new_code("T1M"), WHEN, CFG.receipt)


def test_url_is_upper_case_and_fits_qr_alphanumeric_mode(url: str) -> None:
    assert url == url.upper()
    assert url.startswith("HTTPS://LAPOR.JATIMPROV.GO.ID/LACAK/")
    assert set(url) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q)
    qr.add_data(url)
    qr.make(fit=True)
    assert qr.data_list[0].mode == qrcode.util.MODE_ALPHA_NUM
    tag = url.rsplit("/", 1)[1]
    assert len(tag) * 5 >= 80


def test_genuine_url_verifies_with_code_and_minute(url: str) -> None:
    verdict = signing.verify(url, CFG.receipt)
    assert verdict.ok, verdict.reason
    assert verdict.code == url.split("/")[-4]
    assert verdict.submitted_at == WHEN.replace(second=0).astimezone(timezone.utc)
    # a phone camera app may hand back lower case, or add a trailing slash
    assert signing.verify(url.lower(), CFG.receipt).ok
    assert signing.verify(url + "/", CFG.receipt).ok


def test_every_single_character_change_in_code_time_or_tag_is_rejected(url: str) -> None:
    parts = url.split("/")
    base_len = len("/".join(parts[:-4])) + 1
    for pos in range(base_len, len(url)):
        if url[pos] == "/":
            continue
        for ch in ALPHABET:
            if ch == url[pos]:
                continue
            forged = url[:pos] + ch + url[pos + 1:]
            assert not signing.verify(forged, CFG.receipt).ok, forged


def test_forgeries_are_rejected_with_the_reason(url: str) -> None:
    code, key, time_text, tag = url.split("/")[-4:]
    base = url[: -len("/".join([code, key, time_text, tag])) - 1]
    other_code = new_code("T1M")
    cases = {
        # a valid code pasted onto someone else's signature
        f"{base}/{other_code}/{key}/{time_text}/{tag}": "signature does not match",
        # the same receipt re-dated
        f"{base}/{code}/{key}/{signing.encode_time(WHEN + timedelta(days=1))}/{tag}": "signature does not match",
        # signed with a key this kiosk does not hold
        f"{base}/{code}/K2/{time_text}/{tag}": "key 'K2'",
        # a signature made with another secret
        signing.receipt_url(code, WHEN, from_dict({"receipt": {"signing_key_id": "K1", "signing_secret": "somebody-else-1",
                                                                "tracking_base_url": "https://lapor.jatimprov.go.id/lacak"}}).receipt):
            "signature does not match",
        f"{base}/{code}/{key}/{time_text}/{tag[:-1]}": "malformed",
        f"{base}/{code}/{key}/{time_text}": "parts",
        f"https://evil.example/lacak/{code}/{key}/{time_text}/{tag}": "tracking address",
    }
    bad_check = code[:-1] + ("0" if code[-1] != "0" else "1")
    cases[f"{base}/{bad_check}/{key}/{time_text}/{tag}"] = "invalid (check)"
    for text, why in cases.items():
        verdict = signing.verify(text, CFG.receipt)
        assert not verdict.ok
        assert why in verdict.reason, (text, verdict.reason)


def test_a_bare_code_only_has_its_check_character_checked() -> None:
    code = new_code("T1M")
    verdict = signing.verify(format_code(code).lower(), CFG.receipt)
    assert not verdict.ok and verdict.bare_code and verdict.code == code
    assert "check character is valid" in verdict.reason and "no signature" in verdict.reason
    bad = signing.verify(code[:-1] + ("0" if code[-1] != "0" else "1"), CFG.receipt)
    assert not bad.ok and bad.code is None and "check" in bad.reason


def _run_verify(text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    rc = verify_cmd.run(argparse.Namespace(text=text), CFG)
    return rc, capsys.readouterr().out


def test_verify_command_says_genuine_or_forged(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out = _run_verify(url, capsys)
    assert rc == 0 and out.startswith("genuine [") and "signature valid" in out
    rc, out = _run_verify(url[:-1] + ("0" if url[-1] != "0" else "1"), capsys)
    assert rc == 1 and out.startswith("forged [") and "signature does not match" in out
    rc, out = _run_verify(url.split("/")[-4], capsys)
    assert rc == 1 and out.startswith("unverified [") and "no signature" in out
