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
    keygen = sub.add_parser("keygen", help="make the province's key pair: private key to FILE, config lines for the kiosks")
    keygen.add_argument("--out", metavar="FILE", required=True, help="where the private key goes (mode 0600; never on a kiosk)")
    keygen.add_argument("--key-id", default="P1", help="a short id for this key pair (letters and digits; default P1)")
    keygen.set_defaults(func=keygen_command)
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
    print(f"The file is encrypted to the province's key {cfg.bundle.key_id}; delete it once it has been imported.",
          file=sys.stderr)
    return 0


def keygen_command(args: argparse.Namespace, cfg: Config) -> int:
    from kiosk import sealing

    if not args.key_id.isalnum():
        print(f"kiosk bundle keygen: --key-id must be letters and digits only, not {args.key_id!r}", file=sys.stderr)
        return 2
    private, public = sealing.generate_keypair()
    try:
        sealing.write_private_key(args.out, private, args.key_id)
    except FileExistsError:
        print(f"kiosk bundle keygen: {args.out} exists; refusing to overwrite a private key", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"kiosk bundle keygen: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print("# every kiosk's config (the public half):")
    print("[bundle]")
    print(f'province_public_key = "{public}"')
    print(f'key_id = "{args.key_id}"')
    print("# and on the province's import machine only, also:")
    print(f'province_private_key_file = "{args.out}"')
    print(f"kiosk bundle keygen: private key written to {args.out} (0600): keep it off the kiosks", file=sys.stderr)
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
