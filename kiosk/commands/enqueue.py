"""`kiosk enqueue FILE.json`: queue submissions as if filed at the screen.

Standard output carries the tracking codes only, one per line in input order, so scripts can
read them; every message goes to standard error.  Everything is validated before anything is
queued: a file with one bad submission queues none (exit 1, each error naming item and field).
"""
from __future__ import annotations

import argparse
import json
import sys

from kiosk.config import Config


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("enqueue", help="queue submissions from a JSON file (one object or an array); print their tracking codes")
    p.add_argument("file", help="JSON file, or - for standard input")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, cfg: Config) -> int:
    from kiosk.core import KioskCore, StorageFull
    from kiosk.drafts import DraftFormatError, drafts_from_json

    try:
        text = sys.stdin.read() if args.file == "-" else open(args.file, encoding="utf-8").read()
        drafts = drafts_from_json(json.loads(text))
    except OSError as exc:
        print(f"kiosk enqueue: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    except json.JSONDecodeError as exc:
        print(f"kiosk enqueue: {args.file} is not valid JSON: {exc}", file=sys.stderr)
        return 2
    except DraftFormatError as exc:
        print(f"kiosk enqueue: {exc}", file=sys.stderr)
        return 2
    core = KioskCore(cfg, start_sync=False)
    try:
        problems = []
        for i, draft in enumerate(drafts):
            for err in core.validate(draft):
                problems.append(f"item {i}: {err.field}: {err.text('en')}")
        if problems:
            print("kiosk enqueue: nothing queued:", *problems, sep="\n  ", file=sys.stderr)
            return 1
        for draft in drafts:
            try:
                done = core.submit(draft)
            except StorageFull as exc:
                print(f"kiosk enqueue: {exc.text('en')}", file=sys.stderr)
                return 1
            print(done.tracking_code, flush=True)
    finally:
        core.close()
    return 0
