"""Run every benchmark module and print one table (also as Markdown for docs/BENCHMARKS.md)."""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import platform
import sys
import time
import traceback
from pathlib import Path

import bench


def collect(only: list[str]) -> list[dict]:
    rows: list[dict] = []
    for mod in sorted(pkgutil.iter_modules(bench.__path__), key=lambda m: m.name):
        if not mod.name.startswith("bench_"):
            continue
        if only and not any(o in mod.name for o in only):
            continue
        started = time.perf_counter()
        print(f"running {mod.name} ...", file=sys.stderr, flush=True)
        try:
            rows += importlib.import_module(f"bench.{mod.name}").run()
        except Exception:
            traceback.print_exc()
            rows.append({"name": f"{mod.name} FAILED", "value": float("nan"), "unit": "", "reference_name": "",
                         "reference": float("nan"), "target": ""})
        print(f"  {mod.name} took {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return rows


def fmt(v: float) -> str:
    if v != v:  # NaN
        return "-"
    return f"{v:,.2f}" if abs(v) < 1000 else f"{v:,.0f}"


def table(rows: list[dict]) -> str:
    head = "| benchmark | value | reference (same run) | reference value | target |\n|---|---:|---|---:|---|\n"
    return head + "".join(
        f"| {r['name']} | {fmt(r['value'])} {r['unit']} | {r['reference_name']} | "
        f"{fmt(r['reference'])} {r.get('reference_unit', r['unit']) if r['reference_name'] else ''} | {r['target']} |\n"
        for r in rows
    )


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m bench")
    ap.add_argument("only", nargs="*", help="run only modules whose name contains one of these")
    ap.add_argument("--write", metavar="MD", help="also write the table into this Markdown file")
    args = ap.parse_args()
    rows = collect(args.only)
    out = table(rows)
    print(out)
    if args.write:
        from bench.soak import SECTION, write_section

        old = Path(args.write).read_text(encoding="utf-8") if Path(args.write).exists() else ""
        kept = old[old.index(SECTION):] if SECTION in old else ""  # `make soak` writes that part
        machine = f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}, {platform.system()}"
        Path(args.write).write_text(
            "# Benchmarks\n\nMeasured by `make bench` on " + time.strftime("%Y-%m-%d") + f" ({machine}, 2 cores).\n"
            "Each figure stands beside a reference measured in the same run.\n\n" + out, encoding="utf-8")
        if kept:
            write_section(Path(args.write), kept.rstrip("\n") + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
