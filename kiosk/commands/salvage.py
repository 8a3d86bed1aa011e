"""`kiosk salvage [--bundle FILE]`: copy every readable row of a damaged outbox into a fresh one.

Run it with the kiosk stopped, when `kiosk check` calls the outbox damaged.  The damaged file is
kept beside the new one (`outbox.sqlite3.damaged-<time>`); delete it once the queue is
delivered (it holds personal data).  See kiosk/salvage.py for how rows are read.
"""
from __future__ import annotations

import argparse
import sys

from kiosk.config import Config


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("salvage", help="copy every readable row of a damaged outbox into a fresh one")
    p.add_argument("--bundle", metavar="FILE", help="also write the unsent rows recovered to a bundle FILE")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, cfg: Config) -> int:
    from kiosk.salvage import SalvageError, salvage

    try:
        result = salvage(cfg, bundle=args.bundle)
    except SalvageError as exc:
        print(f"kiosk salvage: {exc}", file=sys.stderr)
        return 1
    states = ", ".join(f"{k} {v}" for k, v in sorted(result.by_state.items())) or "none"
    print(f"Recovered {result.recovered} submissions ({states}) into a fresh {cfg.outbox_path}")
    if result.unreadable_ids:
        print(f"{len(result.unreadable_ids)} rows could not be read (ids {_ranges(result.unreadable_ids)}); "
              "their citizens' receipts will show 'not found'", file=sys.stderr)
    print(f"The damaged file is kept as {result.moved_aside}: delete it once the queue is delivered "
          "(it holds personal data)", file=sys.stderr)
    if result.bundle is not None:
        print(f"Wrote {result.bundled} unsent submissions to the bundle {result.bundle}", file=sys.stderr)
    return 0


def _ranges(ids: list[int]) -> str:
    out, start, prev = [], None, None
    for i in ids + [None]:
        if start is None:
            start = prev = i
        elif i is not None and i == prev + 1:
            prev = i
        else:
            out.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = prev = i
    return ", ".join(out[:20]) + (" ..." if len(out) > 20 else "")
