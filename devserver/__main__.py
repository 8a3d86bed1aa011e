"""``python -m devserver``: run the provincial simulator in the foreground.

Prints exactly one line on standard output once it accepts connections,
``listening on http://127.0.0.1:PORT/open311/v2``, so scripts and tests can start it with
``--port 0`` and read the real port. SIGTERM and SIGINT stop it cleanly (exit 0).
"""
from __future__ import annotations

import argparse
import signal
import sys
import threading

from .catalog import CatalogError, load_catalog
from .faults import FaultSpecError, parse_faults
from .server import API_PREFIX, make_server


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m devserver", description="Open311 GeoReport v2 simulator of the provincial server.")
    p.add_argument("--port", type=int, default=8311, help="TCP port (0: pick a free one); default 8311")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on; default 127.0.0.1")
    p.add_argument("--db", default=None, help="SQLite file for what it receives (default: in memory)")
    p.add_argument("--faults", default="", help="e.g. 500:0.1,503:0.05:2,slow:0.05:3,drop:0.1,html:0.05,badkey:1")
    p.add_argument("--api-key", default="demo-key", help="the key POSTs must carry; '' accepts any; default demo-key")
    p.add_argument("--catalog", default=None, help='JSON {"services": [...], "definitions": {...}} instead of the built-in one')
    p.add_argument("--token-delay", type=float, default=0.0, help="seconds before a batch token resolves")
    p.add_argument("--seed", type=int, default=None, help="seed for the fault dice (reproducible runs)")
    p.add_argument("--profile", choices=("default", "plain"), default="default",
                   help="default: DESIGN.md's server; plain: behaves like the real provincial servers")
    p.add_argument("--quiet", action="store_true", help="do not log requests on standard error")
    p.add_argument("--stop-with-stdin", action="store_true",
                   help="stop when standard input closes: the parent that started it (kiosk demo) has ended, "
                        "even by a crash or SIGKILL")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        parse_faults(args.faults)
        catalog = load_catalog(args.catalog)
    except (FaultSpecError, CatalogError) as exc:
        print(f"devserver: {exc}", file=sys.stderr)
        return 2
    try:
        server = make_server(args.host, args.port, db_path=args.db, api_key=args.api_key or None,
                             faults=args.faults, catalog=catalog, token_delay=args.token_delay,
                             seed=args.seed, verbose=not args.quiet, profile=args.profile)
    except OSError as exc:
        print(f"devserver: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1

    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    if args.stop_with_stdin:
        def _parent_gone() -> None:
            try:
                while sys.stdin.buffer.read(4096):
                    pass
            except (OSError, ValueError):
                pass
            stop.set()

        threading.Thread(target=_parent_gone, name="devserver-parent-watch", daemon=True).start()

    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    print(f"listening on http://{host}:{port}{API_PREFIX.rstrip('/')}", flush=True)
    while not stop.wait(0.5):
        pass
    server.stopping.set()
    server.shutdown()
    server.close_connections()
    server.server_close()
    thread.join()
    server.store.close()
    print("devserver: stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
