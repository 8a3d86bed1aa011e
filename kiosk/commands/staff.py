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
from kiosk.i18n import tr


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("staff", help="staff area: set the staff PIN")
    sub = parser.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    set_pin = sub.add_parser("set-pin", help="set the staff PIN (4-8 digits) in the config file")
    set_pin.add_argument("--pin-stdin", action="store_true", help="read the PIN from standard input (one line), for scripts")
    set_pin.set_defaults(func=set_pin_command)
    status = sub.add_parser("status", help="is a PIN set, is the staff area locked")
    status.set_defaults(func=status_command)


def _read_pin(args: argparse.Namespace, lang: str) -> str | None:
    if args.pin_stdin:
        return sys.stdin.readline().strip()
    first = getpass.getpass(tr(lang, "PIN petugas baru ({min}-{max} angka): ", min=staff.PIN_MIN, max=staff.PIN_MAX))
    second = getpass.getpass(tr(lang, "Ulangi PIN: "))
    if first != second:
        print(tr(lang, "Kedua PIN tidak sama; PIN tidak diubah."), file=sys.stderr)
        return None
    return first


def set_pin_command(args: argparse.Namespace, cfg: Config) -> int:
    lang = cfg.default_language
    if not cfg.source:
        print(
            tr(
                lang,
                "Tidak ada berkas konfigurasi: jalankan dengan --config BERKAS atau atur {env}. PIN tidak disimpan.",
                env=ENV_VAR,
            ),
            file=sys.stderr,
        )
        return 2
    pin = _read_pin(args, lang)
    if pin is None:
        return 1
    problem = staff.pin_problem(pin)
    if problem:
        print(tr(lang, problem, min=staff.PIN_MIN, max=staff.PIN_MAX), file=sys.stderr)
        return 1
    try:
        staff.write_pin_hash(cfg.source, staff.hash_pin(pin))
    except (OSError, ValueError) as exc:
        print(tr(lang, "PIN tidak disimpan: {reason}", reason=exc), file=sys.stderr)
        return 1
    print(tr(lang, "PIN petugas disimpan di {path}.", path=cfg.source))
    return 0


def status_command(args: argparse.Namespace, cfg: Config) -> int:
    result = staff.PinGate.for_config(cfg).status()
    print(result.message(cfg.default_language))
    return 0 if result.status == "ready" else 1
