"""`kiosk [--config PATH] COMMAND ...`: the technician's and the tests' interface.

Each command lives in ``kiosk/commands/<name>.py`` with ``register(subparsers)`` that adds
its parser and sets ``func(args, cfg) -> int``.  Exit codes: 0 ok, 1 a fault the command
found (self-test failed, forged receipt, nothing to do where something was expected),
2 bad usage or bad config.  A config error is one line on stderr naming the key; any other
unexpected error is logged with its traceback and reported in one line.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from kiosk import config as config_mod

COMMANDS = (
    "check", "catalog", "enqueue", "sync", "queue",
    "receipt", "verify", "staff", "logs", "bundle", "salvage",
    "skm",
)
# Commands other packages plug in: `run` and `demo` come from ui/ (the core must not import
# the UI, so the UI registers itself through this entry-point group in pyproject.toml).
PLUGIN_GROUP = "kiosk.commands"

log = logging.getLogger("kiosk.cli")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The CLI's parser; ``only`` names the one command the command line asks for.

    With ``only`` just that command's module is imported (``kiosk run`` starts ~0.1 s sooner
    without the receipt, bundle, salvage... modules and what they import); a name no module
    registers (an alias such as ``import-bundle``, a typo) gets the full parser, so argparse
    lists every command in its error exactly as before.
    """
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Pasar Layanan Publik kiosk: complaints and service requests for the province (Open311).",
    )
    parser.add_argument("--config", metavar="PATH", help=f"kiosk TOML config (default: ${config_mod.ENV_VAR} or built-in demo defaults)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        if only is not None and name != only:
            continue
        try:
            module = importlib.import_module(f"kiosk.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"kiosk.commands.{name}":
                raise
            continue
        module.register(sub)
    if only is None or only not in COMMANDS:
        from importlib.metadata import entry_points

        for ep in sorted(entry_points(group=PLUGIN_GROUP), key=lambda e: e.name):
            if only is None or ep.name == only:
                ep.load()(sub)
    if only is not None and only not in sub.choices:
        return build_parser()
    return parser


def command_named(argv: Sequence[str]) -> str | None:
    """The command a command line names (``run`` when it names none), or None when only the
    full parser can tell (``--help``, an option it does not know before the command)."""
    pre = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    pre.add_argument("--config")
    try:
        _, rest = pre.parse_known_args(list(argv))
    except (argparse.ArgumentError, SystemExit):  # e.g. ``--config`` without its PATH: the full parser says so
        return None
    if not rest:
        return "run"
    return None if rest[0].startswith("-") else rest[0]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(command_named(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(argv)
    if not args.command:
        args = parser.parse_args([*(argv or sys.argv[1:]), "run"])
    if getattr(args, "without_config", False):
        # A helper process of the running app (the frozen build's speech host, started as
        # `kiosk speech host`): its parent has read the config and owns the log.
        return int(args.func(args, None) or 0)
    try:
        cfg = config_mod.load(args.config)
    except config_mod.ConfigError as exc:
        print(f"kiosk: config error: {exc}", file=sys.stderr)
        return 2
    from kiosk.datadir import UMASK, storage_problem
    from kiosk.logs import setup_logging

    os.umask(UMASK)  # outbox, WAL/SHM, catalog, logs and receipts hold personal data: 0600

    # `staff set-pin` runs as root (it edits /etc/kiosk): a log file it created would then be
    # root's, and the kiosk user's app could no longer write its own log.
    setup_logging(cfg, file=args.command != "staff")
    log.info("kiosk %s started", args.command)
    try:
        return int(args.func(args, cfg) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except config_mod.ConfigError as exc:
        print(f"kiosk: config error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # the log keeps the traceback; the terminal gets one line
        problem = storage_problem(exc, cfg)
        if problem:  # a read-only or full data dir: say so plainly, it is not a bug
            log.error("command %s stopped: %s (%s: %s)", args.command, problem, type(exc).__name__, exc,
                      extra={"console": False})
            print(f"kiosk {args.command}: {problem}", file=sys.stderr)
            return 1
        log.exception("command %s failed", args.command)
        print(f"kiosk {args.command}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
