"""`kiosk bundle export FILE`, `kiosk bundle import FILE` (alias `kiosk import-bundle FILE`).

Moves unsent submissions from an offline kiosk to a connected machine on a USB stick; see
kiosk/bundle.py for the format and why delivery stays exactly once.  After an import, run
`kiosk sync --once` (or let the running kiosk's sync worker do it) and delete the file: it
holds personal data.
"""
from __future__ import annotations

import argparse
import sys

from kiosk.config import Config


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("bundle", help="carry unsent submissions on a USB stick (export / import)")
    sub = parser.add_subparsers(dest="bundle_command", metavar="ACTION", required=True)
    export = sub.add_parser("export", help="write every unsent submission to FILE (signed; contains personal data)")
    export.add_argument("file", metavar="FILE")
    export.set_defaults(func=export_command)
    imp = sub.add_parser("import", help="verify FILE and queue its submissions here, with their original keys")
    imp.add_argument("file", metavar="FILE")
    imp.set_defaults(func=import_command)
    # The name the issue and the staff screen use; the same command.
    alias = subparsers.add_parser("import-bundle", help="same as `bundle import FILE`")
    alias.add_argument("file", metavar="FILE")
    alias.set_defaults(func=import_command)


def export_command(args: argparse.Namespace, cfg: Config) -> int:
    from kiosk import bundle

    try:
        count = bundle.export_bundle(args.file, cfg)
    except OSError as exc:
        print(f"kiosk bundle export: cannot write {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"Exported {count} unsent submissions to {args.file}")
    print("The file holds personal data: delete it once it has been imported.", file=sys.stderr)
    return 0


def import_command(args: argparse.Namespace, cfg: Config) -> int:
    from kiosk import bundle

    try:
        result = bundle.import_bundle(args.file, cfg)
    except bundle.BundleError as exc:
        print(f"kiosk bundle import: refused: {exc}", file=sys.stderr)
        return 1
    print(f"Queued {len(result.imported)} submissions from kiosk {result.kiosk_id}; "
          f"{len(result.skipped)} were already here")
    print("Run `kiosk sync --once` (or let the running kiosk send them), then delete the bundle file: "
          "it holds personal data.", file=sys.stderr)
    return 0
