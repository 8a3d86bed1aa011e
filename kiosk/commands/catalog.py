"""`kiosk catalog refresh|list|export`: the service catalog, for technicians.

- ``refresh`` fetches ``services.json`` and every ``services/{code}.json`` from the server
  into the local cache; it prints how many services and definitions came, or one line saying
  why not (exit 1), and the catalog in use stays as it was.
- ``list [--json] [--lang L]`` shows the catalog in use (cached or bundled) and its age.
- ``export [FILE]`` writes the catalog in GeoReport v2 shape (what ``python -m devserver
  --catalog FILE`` serves), so a simulator can offer exactly the kiosk's services.
"""
from __future__ import annotations

import argparse
import json
import sys

from kiosk.config import Config


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("catalog", help="the service catalog: refresh from the server, list, export")
    actions = p.add_subparsers(dest="catalog_action", metavar="ACTION", required=True)
    r = actions.add_parser("refresh", help="fetch services and their definitions from the server into the cache")
    r.set_defaults(func=run_refresh)
    ls = actions.add_parser("list", help="show the catalog in use (cached from the server, or bundled)")
    ls.add_argument("--json", action="store_true", help="one JSON object on standard output")
    ls.add_argument("--lang", default="id", choices=("id", "jv", "en"), help="language of the names (default id)")
    ls.set_defaults(func=run_list)
    ex = actions.add_parser("export", help="write the catalog as GeoReport v2 services + definitions JSON")
    ex.add_argument("file", nargs="?", help="output file (default: standard output)")
    ex.set_defaults(func=run_export)


def run_refresh(args: argparse.Namespace, cfg: Config) -> int:
    from kiosk.catalog import Catalog, RefreshError
    from kiosk.core import client_from_config

    catalog = Catalog.open(cfg)
    with client_from_config(cfg) as client:  # the overall deadline: a trickling server cannot hang it
        try:
            result = catalog.refresh(client)
        except RefreshError as exc:
            print(f"kiosk catalog refresh: failed: {exc} (the catalog in use is unchanged: {catalog.source})",
                  file=sys.stderr)
            return 1
    print(f"Fetched {result.services} services and {result.definitions} definitions from {cfg.server.base_url}")
    if result.skipped:
        print(f"Skipped {result.skipped} server items without a service code or name")
    print(f"Cached in {cfg.catalog_path}")
    return 0


def _listing(catalog, lang: str) -> dict:
    return {
        "source": catalog.source,
        "fetched_at": catalog.fetched_at.isoformat() if catalog.fetched_at else None,
        "groups": [{"code": g.code, "name": g.name.get(lang), "icon": g.icon} for g in catalog.groups()],
        "services": [
            {"code": svc.code, "name": svc.name.get(lang), "group": svc.group, "kind": svc.kind, "type": svc.type,
             "icon": svc.icon, "due_working_days": svc.due_working_days,
             "attributes": [{"code": a.code, "datatype": a.datatype, "required": a.required} for a in svc.attributes]}
            for svc in catalog.services()
        ],
    }


def run_list(args: argparse.Namespace, cfg: Config) -> int:
    from kiosk.catalog import Catalog

    catalog = Catalog.open(cfg)
    data = _listing(catalog, args.lang)
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
        return 0
    where = f"server catalog fetched {data['fetched_at']}" if catalog.source == "cache" else "bundled default catalog"
    print(f"{len(data['services'])} services in {len(data['groups'])} groups ({where})")
    for group in catalog.groups():
        print(f"\n{group.name.get(args.lang)} [{group.code}]")
        for svc in catalog.services(group=group.code):
            fields = f", {len(svc.attributes)} fields" if svc.attributes else ""
            print(f"  {svc.code:<16} {svc.kind:<9} {svc.type:<8} {svc.name.get(args.lang)}{fields}")
    return 0


def run_export(args: argparse.Namespace, cfg: Config) -> int:
    from kiosk.catalog import Catalog

    text = json.dumps(Catalog.open(cfg).to_open311(), ensure_ascii=False, indent=2) + "\n"
    if args.file:
        with open(args.file, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0
