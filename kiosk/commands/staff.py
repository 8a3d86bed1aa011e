"""`kiosk staff set-pin`: set the staff PIN (a scrypt hash written into the config file).

The PIN is read twice with ``getpass`` (nothing echoed, nothing in the shell history), or
once from standard input with ``--pin-stdin`` for install scripts.  Only the ``pin_hash``
line of ``[staff]`` changes; the technician's comments and layout stay.  Without a config
file (``--config`` or ``KIOSK_CONFIG``) there is nowhere durable to write, so it refuses.
"""
from __future__ import annotations

import argparse
import getpass
import sys

from kiosk import staff
from kiosk.config import ENV_VAR, Config


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("staff", help="staff area: set the staff PIN")
    sub = parser.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    set_pin = sub.add_parser("set-pin", help="set the staff PIN (4-8 digits) in the config file")
    set_pin.add_argument("--pin-stdin", action="store_true", help="read the PIN from standard input (one line), for scripts")
    set_pin.set_defaults(func=set_pin_command)
    status = sub.add_parser("status", help="is a PIN set, is the staff area locked")
    status.set_defaults(func=status_command)


def _read_pin(args: argparse.Namespace) -> str | None:
    if args.pin_stdin:
        return sys.stdin.readline().strip()
    first = getpass.getpass(f"New staff PIN ({staff.PIN_MIN}-{staff.PIN_MAX} digits): ")
    second = getpass.getpass("The same PIN again: ")
    if first != second:
        print("kiosk staff set-pin: the two PINs differ; nothing changed", file=sys.stderr)
        return None
    return first


def set_pin_command(args: argparse.Namespace, cfg: Config) -> int:
    if not cfg.source:
        print(
            f"kiosk staff set-pin: no config file in use; give one with --config FILE or ${ENV_VAR} "
            "(the PIN hash is written into it). Nothing changed.",
            file=sys.stderr,
        )
        return 2
    pin = _read_pin(args)
    if pin is None:
        return 1
    if staff.pin_problem(pin):
        print(f"kiosk staff set-pin: the PIN must be {staff.PIN_MIN} to {staff.PIN_MAX} digits (0-9); nothing changed",
              file=sys.stderr)
        return 1
    try:
        staff.write_pin_hash(cfg.source, staff.hash_pin(pin))
    except (OSError, ValueError) as exc:
        print(f"kiosk staff set-pin: PIN not saved: {exc}", file=sys.stderr)
        return 1
    print(f"Staff PIN set in {cfg.source}. Restart the kiosk app to use it.")
    return 0


def status_command(args: argparse.Namespace, cfg: Config) -> int:
    result = staff.PinGate.for_config(cfg).status()
    if result.status == "no_pin":
        print(f"No staff PIN set: the staff area stays shut. Set one with: {staff.SET_PIN_HINT}")
    elif result.status == "locked":
        print(f"Staff area locked after too many wrong PINs: {result.seconds_left} s left")
    else:
        print(f"Staff PIN set; {result.tries_left} tries before the lockout")
    return 0 if result.status == "ready" else 1
