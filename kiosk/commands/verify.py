"""`kiosk verify URL_OR_CODE`: is this receipt genuine? Exit 0 if so, 1 if not.

Prints ``genuine: <what was checked>`` or ``forged: <why>``.  A bare tracking code has no
signature, so the most it can be is "check character valid": that is reported, and the
exit code is 1 because nothing proves the receipt genuine.
"""
from __future__ import annotations

import argparse

from kiosk.config import Config
from kiosk.signing import verify
from kiosk.tracking import format_code


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify", help="check a receipt's QR URL (signature) or a tracking code (check character)")
    p.add_argument("text", metavar="URL_OR_CODE", help="the URL read from the receipt's QR, or a tracking code")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, cfg: Config) -> int:
    verdict = verify(args.text, cfg.receipt)
    code = f" [{format_code(verdict.code)}]" if verdict.code else ""
    if verdict.ok:
        print(f"genuine{code}: {verdict.reason}")
        return 0
    if verdict.bare_code and verdict.code:
        print(f"unverified{code}: {verdict.reason}")
        return 1
    print(f"forged{code}: {verdict.reason}")
    return 1
