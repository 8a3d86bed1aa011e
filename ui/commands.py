"""`kiosk run` and `kiosk demo`: the UI's commands, plugged into the core's CLI.

Registered through the ``kiosk.commands`` entry-point group (pyproject.toml), because the
core's CLI must not import the UI (DESIGN.md: ui -> kiosk, never back).
"""
from __future__ import annotations

import argparse
import signal
import sys

from kiosk.config import Config


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--exit-after-start", action="store_true",
                   help="show the welcome screen, then exit cleanly (smoke test of an install)")
    p.add_argument("--windowed", action="store_true", help="a normal window instead of full screen")


def register_run(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="the touchscreen app (what plain `kiosk` does)")
    _add_common(p)
    p.set_defaults(func=run)


def register_demo(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="the app against a local simulator with sample data: try it in one command")
    _add_common(p)
    p.set_defaults(func=demo)


def _stop_on_sigterm() -> None:
    """Until the Qt loop runs (ui.app.StopOnSignal takes over there), SIGTERM unwinds like
    Ctrl-C: ``finally`` blocks stop the sync worker, release the sender lock and reap the
    demo's simulator, and the exit is a clean one (status 0) because systemd asked for it."""
    def _exit(signum: int, _frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _exit)


def _start(cfg: Config, args: argparse.Namespace) -> int:
    from kiosk.core import KioskCore
    from ui.app import run_app

    if args.windowed:
        cfg = cfg.replace(kiosk={"fullscreen": False})
    core = KioskCore(cfg, open_later=True)  # opened once the welcome screen is painted (ui.startup)
    try:
        return run_app(core, exit_after_start=args.exit_after_start)
    finally:
        core.close()


def run(args: argparse.Namespace, cfg: Config) -> int:
    _stop_on_sigterm()
    return _start(cfg, args)


def demo(args: argparse.Namespace, cfg: Config) -> int:
    from kiosk import demo as demo_mod
    from kiosk.core import KioskCore

    _stop_on_sigterm()
    try:
        cfg, server = demo_mod.prepare(cfg)
    except demo_mod.DemoError as exc:
        print(f"kiosk demo: {exc}", file=sys.stderr)
        return 1
    try:
        with KioskCore(cfg, start_sync=False) as seeding:
            codes = demo_mod.seed_samples(seeding)
        print(f"kiosk demo: simulator at {server.base_url}", file=sys.stderr)
        print(f"kiosk demo: data in {cfg.data_dir}; receipts in {cfg.printer_path}", file=sys.stderr)
        for code in codes:
            print(f"kiosk demo: sample tracking code {code}", file=sys.stderr)
        return _start(cfg, args)
    finally:
        server.stop()
