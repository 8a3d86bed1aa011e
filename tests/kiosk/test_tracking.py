"""Tracking codes: every typo a citizen or clerk can make on one character is caught."""
from __future__ import annotations

import random

import pytest

from kiosk import tracking
from kiosk.i18n import tr
from kiosk.tracking import ALPHABET, CODE_LEN, InvalidCode, format_code, new_code, parse_code, prefix_for


def _codes(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        prefix = "".join(rng.choice(ALPHABET) for _ in range(3))
        out.append(new_code(prefix))
    return out


def test_code_shape_and_display() -> None:
    code = new_code(prefix_for("BWI-GENTENG-01"))
    assert len(code) == CODE_LEN == 11
    assert set(code) <= set(ALPHABET)
    assert not set(code) & set("ILOU")
    shown = format_code(code)
    assert shown.count("-") == 2 and shown.replace("-", "") == code
    assert [len(g) for g in shown.split("-")] == [3, 4, 4]


def test_prefix_is_stable_per_kiosk_and_overridable() -> None:
    assert prefix_for("BWI-GENTENG-01") == prefix_for("BWI-GENTENG-01")
    assert prefix_for("BWI-GENTENG-01") != prefix_for("BWI-GENTENG-02")
    assert new_code(prefix_for("BWI-GENTENG-01")).startswith(prefix_for("BWI-GENTENG-01"))
    assert prefix_for("BWI-GENTENG-01", override="JT1") == "JT1"
    assert tracking.validate_prefix("JT1") is None
    for bad in ("JT", "JT12", "JTU", "jt1", "JTI"):
        assert tracking.validate_prefix(bad)


def test_every_single_substitution_is_caught_exhaustively() -> None:
    """All 11 positions x all 31 wrong symbols, for 300 random codes (102,300 typos)."""
    for code in _codes(300):
        assert tracking.is_valid(code)
        for pos in range(CODE_LEN):
            for ch in ALPHABET:
                if ch == code[pos]:
                    continue
                typo = code[:pos] + ch + code[pos + 1:]
                assert not tracking.is_valid(typo), (code, typo)


def test_every_adjacent_swap_is_caught_including_the_check_character() -> None:
    for code in _codes(2000, seed=11):
        for pos in range(CODE_LEN - 1):
            if code[pos] == code[pos + 1]:
                continue
            swapped = code[:pos] + code[pos + 1] + code[pos] + code[pos + 2:]
            assert not tracking.is_valid(swapped), (code, swapped)


def test_quasigroup_is_totally_antisymmetric_for_every_pair() -> None:
    """The algebra behind the swap guarantee, checked on all 32^3 triples (c, x, y)."""
    mul = tracking._TIMES_A
    op = lambda a, b: mul[a] ^ b  # noqa: E731
    for c in range(32):
        for x in range(32):
            for y in range(32):
                if x != y:
                    assert op(op(c, x), y) != op(op(c, y), x)
    # and it is a quasigroup: each row and column is a permutation
    for x in range(32):
        assert sorted(op(x, y) for y in range(32)) == list(range(32))
        assert sorted(op(y, x) for y in range(32)) == list(range(32))


def test_parse_forgives_case_separators_and_lookalikes() -> None:
    code = "T1MZQAD7SWP"
    assert tracking.is_valid(code)
    assert parse_code("t1m-zqad-7swp") == code
    assert parse_code("  T1M ZQAD 7SWP ") == code
    assert parse_code("TIM-ZQAD-7SWP") == code  # I read as 1
    assert parse_code("tlm zqad 7swp") == code  # l read as 1
    c0 = new_code("AB0")
    assert parse_code(c0.replace("0", "O").lower()) == c0


@pytest.mark.parametrize(
    ("text", "reason"),
    [("", "empty"), ("  - ", "empty"), ("T1M-ZQAD-7SW", "length"), ("T1M-ZQAD-7SWPP", "length"),
     ("T1M-ZQAU-7SWP", "characters"), ("T1M-ZQAD-7S*P", "characters"), ("T1M-ZQAD-7SWQ", "check")],
)
def test_parse_rejects_with_a_reason_a_citizen_can_read(text: str, reason: str) -> None:
    with pytest.raises(InvalidCode) as info:
        parse_code(text)
    assert info.value.reason == reason
    message = tr("id", info.value.message)
    assert message and "Kode pelacakan" in message


def test_thousand_kiosks_times_thousand_codes_never_collide() -> None:
    """1,000,000 codes from 1,000 kiosks: each kiosk redraws a clash with its own outbox
    (``is_taken``), so only kiosks sharing a hashed prefix could meet (p ~ 5e-4, see module doc)."""
    seen: set[str] = set()
    for k in range(1000):
        prefix = prefix_for(f"JATIM-PASAR-{k:04d}")
        mine: set[str] = set()
        for _ in range(1000):
            code = new_code(prefix, is_taken=mine.__contains__)
            mine.add(code)
        assert not (mine & seen)
        seen |= mine
    assert len(seen) == 1_000_000
