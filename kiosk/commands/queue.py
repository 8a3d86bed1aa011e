"""`kiosk queue [--json]`: counts by state, oldest waiting, why items wait, dead items with reasons.

A waiting item's reason is the last thing that went wrong when it was tried (the server's own
words, or what happened on the way: "no whole answer within 30 s"); items never tried yet
have none. The list shows the oldest ``WAITING_SHOWN`` waiting items.
"""
from __future__ import annotations

import argparse
import json
import sys

from kiosk.config import Config


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("queue", help="show the outbox: counts by state, oldest waiting, dead items")
    p.add_argument("--json", action="store_true", help="one JSON object on standard output")
    p.set_defaults(func=run)


WAITING_SHOWN = 50


def _waiting(outbox) -> list[dict]:
    out = []
    for i in outbox.items("queued", "sending", limit=WAITING_SHOWN):
        out.append({"code": i.ref, "service_code": i.service_code, "state": i.state, "attempts": i.attempts,
                    "reason": i.last_error or "",
                    "next_attempt_at": i.next_attempt_at.isoformat() if i.next_attempt_at else None})
    return out


def summary(outbox) -> dict:
    counts = outbox.counts()
    oldest = outbox.oldest_waiting()
    last = outbox.last_success_at
    return {
        **{k: counts.get(k, 0) for k in ("queued", "sending", "awaiting_token", "sent", "dead")},
        "paused": bool(outbox.paused),
        "pause_reason": outbox.pause_reason or "",
        "oldest_waiting": oldest.isoformat() if oldest else None,
        "last_success_at": last.isoformat() if last else None,
        "waiting_items": _waiting(outbox),
        "dead_items": [
            {"code": i.ref, "service_code": i.service_code, "reason": i.last_error or "",
             "created_at": i.created_at.isoformat() if hasattr(i.created_at, "isoformat") else i.created_at}
            for i in outbox.dead_items()
        ],
    }


def run(args: argparse.Namespace, cfg: Config) -> int:
    from kiosk.tracking import format_code
    from kiosk.datadir import open_outbox, space

    box = open_outbox(cfg)
    try:
        data = summary(box)
    finally:
        box.close()
    if space(cfg).full:
        print(f"kiosk queue: disk full in {cfg.data_dir}: the queue is kept and can be delivered or exported; "
              "free some space", file=sys.stderr)
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
        return 0
    print("Outbox:", cfg.outbox_path)
    for k in ("queued", "sending", "awaiting_token", "sent", "dead"):
        print(f"  {k:<15} {data[k]:>8}")
    print(f"  paused          {'yes: ' + data['pause_reason'] if data['paused'] else 'no'}")
    print(f"  oldest waiting  {data['oldest_waiting'] or '-'}")
    print(f"  last success    {data['last_success_at'] or '-'}")
    for w in data["waiting_items"]:
        if w["reason"]:
            tries = f"{w['attempts']} tr{'y' if w['attempts'] == 1 else 'ies'}"
            print(f"  waiting {format_code(w['code'])} [{w['service_code']}] ({tries}): {w['reason']}")
    for d in data["dead_items"]:
        print(f"  dead {format_code(d['code'])} [{d['service_code']}]: {d['reason']}")
    return 0
