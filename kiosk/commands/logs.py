"""`kiosk logs [--tail N] [--follow]`: show the kiosk's log to a technician on site.

Reads ``<data dir>/logs/kiosk.log`` (and the rotated files before it when ``--tail`` asks for
more lines than the current file holds).  The file is already redacted when written; the
lines are passed through the redaction once more on the way out so a log copied from an
older build still shows nothing personal.
"""
from __future__ import annotations

import argparse
import sys

from kiosk import logs
from kiosk.config import Config


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("logs", help="print the kiosk's log (last lines; --follow to keep watching)")
    parser.add_argument("--tail", type=int, default=50, metavar="N", help="how many of the last lines to print (default 50)")
    parser.add_argument("--follow", "-f", action="store_true", help="keep printing new lines as they are written (Ctrl+C to stop)")
    parser.set_defaults(func=logs_command)


def logs_command(args: argparse.Namespace, cfg: Config) -> int:
    path = logs.log_path(cfg)
    secrets = logs.config_secrets(cfg)
    lines = logs.tail_lines(path, max(0, args.tail))
    if not lines and not args.follow and not path.exists():
        print(f"kiosk logs: no log yet at {path}", file=sys.stderr)
        return 1
    for line in lines:
        print(logs.redact(line, secrets))
    if args.follow:
        sys.stdout.flush()
        for line in logs.follow(path):
            print(logs.redact(line, secrets), flush=True)
    return 0
