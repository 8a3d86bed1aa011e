"""`kiosk sync [--once]`: run the sync worker in the foreground.

``--once`` exits when nothing is left that can be sent now (all sent, or the rest waits for a
later retry, or the server refuses the key).  Exit 0 when the queue drained or only waits for
retries; 1 when the server refused this kiosk's key (queue paused); 130 on Ctrl-C.
"""
from __future__ import annotations

import argparse
import signal
import sys
import threading

from kiosk.config import Config


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sync", help="deliver queued submissions to the server (foreground)")
    p.add_argument("--once", action="store_true", help="exit when nothing is left that can be sent now")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, cfg: Config) -> int:
    from kiosk.core import KioskCore

    core = KioskCore(cfg, start_sync=False)
    try:
        if not core.outbox.acquire_sender():
            print("kiosk sync: another process (the kiosk app or another `kiosk sync`) is sending "
                  "from this outbox; nothing to do here", file=sys.stderr)
            return 0
        core.skm.release_due()  # survey responses of past days, when skm.service_code is set
        if args.once:
            core.worker.drain()
        else:
            stop = threading.Event()
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stop.set())
            core.worker.start()
            while not stop.wait(1.0):
                pass
        core.learn_server_time()  # retention counts from a trusted clock (kiosk/clock.py)
        core.erase_expired()  # also on a machine that only delivers imported bundles
        summary = core.queue_summary()
    finally:
        core.close()
    counts = " ".join(f"{k}={summary[k]}" for k in ("queued", "sending", "awaiting_token", "sent", "dead"))
    print(f"kiosk sync: {counts}", file=sys.stderr)
    if summary["paused"]:
        print(f"kiosk sync: queue paused: {summary['pause_reason']}", file=sys.stderr)
        return 1
    return 0
