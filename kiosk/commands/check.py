"""`kiosk check [--json]`: the field self-test (see kiosk/selftest.py); exit 1 if any check FAILs.

The config itself is checked before this runs: a bad config never gets here, the CLI prints
one line naming the key and exits 2.
"""
from __future__ import annotations

import argparse
import json

from kiosk.config import Config


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check", help="self-test: config, database, disk, printer, server and key, clock, catalog; exit 1 on a fault"
    )
    parser.add_argument("--json", action="store_true", help='print {"ok": bool, "checks": [{"name", "status", "detail"}]}')
    from kiosk.selftest import CHECKS

    parser.add_argument("--only", action="append", metavar="NAME", choices=[name for name, _ in CHECKS],
                        help=f"run only this check (repeatable): {', '.join(name for name, _ in CHECKS)}")
    parser.set_defaults(func=check_command)


def check_command(args: argparse.Namespace, cfg: Config) -> int:
    from kiosk import selftest

    checks = selftest.run_checks(cfg, only=tuple(args.only) if args.only else None)
    if args.json:
        print(json.dumps(selftest.as_json(checks), ensure_ascii=False))
    else:
        print(selftest.format_text(checks))
    return 0 if selftest.ok(checks) else 1
