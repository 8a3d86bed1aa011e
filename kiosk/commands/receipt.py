"""`kiosk receipt CODE --out FILE` / `--print`: render or reprint a receipt from the outbox.

The format follows the extension: ``.pdf``, ``.png``, ``.bin`` or ``.escpos``.  ``--print``
sends it to the configured printer; a printer failure is one line naming what a clerk can
do (exit 1).  The receipt is in the submission's language unless ``--lang`` says otherwise.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from kiosk.config import Config
from kiosk.i18n import LANGUAGES
from kiosk.receipts import build_receipt, printer_from_config, render_receipt
from kiosk.tracking import InvalidCode, format_code, parse_code
from offline_queue import Outbox
from printing import PrinterError

FORMATS = {".pdf": "pdf", ".png": "png", ".bin": "escpos", ".escpos": "escpos"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("receipt", help="render a receipt to a file (pdf, png, escpos by extension) or reprint it")
    p.add_argument("code", metavar="CODE", help="tracking code (hyphens and lower case are fine)")
    p.add_argument("--out", metavar="FILE", help="write the receipt here; .pdf, .png, .bin or .escpos")
    p.add_argument("--print", dest="do_print", action="store_true", help="print it on the configured printer")
    p.add_argument("--lang", choices=LANGUAGES, help="language (default: the one the citizen chose)")
    p.set_defaults(func=run)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.fchmod(fd, 0o644)  # mkstemp makes 0600; a receipt is not secret
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run(args: argparse.Namespace, cfg: Config) -> int:
    if not args.out and not args.do_print:
        print("kiosk receipt: give --out FILE and/or --print", file=sys.stderr)
        return 2
    fmt = None
    if args.out:
        fmt = FORMATS.get(Path(args.out).suffix.lower())
        if fmt is None:
            print(f"kiosk receipt: cannot tell the format of {args.out!r}; use .pdf, .png, .bin or .escpos", file=sys.stderr)
            return 2
    try:
        code = parse_code(args.code)
    except InvalidCode as exc:
        print(f"kiosk receipt: not a valid tracking code ({exc.reason})", file=sys.stderr)
        return 1
    if not cfg.outbox_path.exists():
        print(f"kiosk receipt: no outbox at {cfg.outbox_path}", file=sys.stderr)
        return 1
    with Outbox(cfg.outbox_path) as outbox:
        item = outbox.get(code)
    if item is None:
        print(f"kiosk receipt: {format_code(code)} is not in this kiosk's outbox", file=sys.stderr)
        return 1
    lang = args.lang or item.meta.get("language") or cfg.default_language
    if args.out:
        assert fmt is not None
        _write_atomic(Path(args.out), render_receipt(item.meta, item.ref, cfg, lang, fmt))
        print(f"wrote {args.out}")
    if args.do_print:
        printer = printer_from_config(cfg)
        try:
            printer.print(build_receipt(item.meta, item.ref, cfg, lang))
        except PrinterError as exc:
            print(f"kiosk receipt: printer {exc.kind}: {exc.detail}", file=sys.stderr)
            return 1
        print(f"printed {format_code(code)} on {cfg.printer.backend}{' ' + cfg.printer.name if cfg.printer.name else ''}"
              f" at {datetime.now():%H:%M:%S}")
    return 0
