"""`kiosk skm add FILE.json` and `kiosk skm report [--from D] [--to D] [--json | --pdf F | --csv F]`.

``add`` checks every response before storing any: an answer outside 1-4 or a missing element
is refused with a message naming it (exit 1, nothing stored).  ``report`` prints the IKM of a
period; ``--json`` is one object on standard output with at least ``respondents``, ``nrr``
(u1..u9), ``ikm`` and ``mutu``.  Suggestions are grouped as on the PDF (``Toilet kotor (22x)``,
most frequent first): ``suggestion_counts`` in the JSON, beside every response's own
``suggestions`` with its day.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from kiosk.config import Config


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("skm", help="the satisfaction survey (PermenPAN-RB 14/2017): add responses, the IKM report")
    skm_sub = p.add_subparsers(dest="skm_command", metavar="add|report", required=True)
    add = skm_sub.add_parser("add", help="store survey responses from a JSON file (one object or an array)")
    add.add_argument("file", help="JSON file, or - for standard input")
    add.set_defaults(func=run_add)
    rep = skm_sub.add_parser("report", help="respondents, NRR per element, IKM and mutu of a period")
    rep.add_argument("--from", dest="date_from", type=_day, metavar="DATE", help="first day (YYYY-MM-DD), included")
    rep.add_argument("--to", dest="date_to", type=_day, metavar="DATE", help="last day (YYYY-MM-DD), included")
    rep.add_argument("--lang", default="id", choices=("id", "jv", "en"), help="language of the text and the PDF (default id)")
    out = rep.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="one JSON object on standard output")
    out.add_argument("--pdf", metavar="FILE", help="the one-page A4 report a unit pins up")
    out.add_argument("--csv", metavar="FILE", help="one anonymous row per response")
    rep.set_defaults(func=run_report)


def _survey(cfg: Config):
    from kiosk.core import now_wib
    from kiosk.survey import Survey
    from kiosk.tracking import prefix_for
    from offline_queue import Outbox

    # The outbox only to keep refs unique across it; nothing is handed over here (that is `kiosk sync`).
    return Survey(cfg, Outbox(cfg.outbox_path) if cfg.outbox_path.exists() else None,
                  prefix=prefix_for(cfg.kiosk.id, cfg.kiosk.tracking_prefix), today=lambda: now_wib().date())


def run_add(args: argparse.Namespace, cfg: Config) -> int:
    from kiosk.skm import SkmInvalid
    from kiosk.survey import SurveyFull

    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
        data = json.loads(text)
    except OSError as exc:
        print(f"kiosk skm add: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        print(f"kiosk skm add: {args.file} is not valid JSON: {exc}", file=sys.stderr)
        return 2
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    survey = _survey(cfg)
    try:
        n = survey.record(data)
    except SkmInvalid as exc:
        print(f"kiosk skm add: nothing stored: {exc.text('en')}", file=sys.stderr)
        return 1
    except SurveyFull as exc:
        print(f"kiosk skm add: {exc.text('en')}", file=sys.stderr)
        return 1
    where = "queued for delivery from tomorrow" if survey.delivers else "kept on this kiosk (skm.service_code not set)"
    print(f"kiosk skm add: {n} response(s) stored, {where}", file=sys.stderr)
    return 0


def run_report(args: argparse.Namespace, cfg: Config) -> int:
    from kiosk import skm
    from kiosk.i18n import tr
    from kiosk.survey import decimal_text

    if args.date_from and args.date_to and args.date_from > args.date_to:
        print("kiosk skm report: --from is after --to", file=sys.stderr)
        return 2
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    survey = _survey(cfg)
    report = survey.report(args.date_from, args.date_to)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
        return 0
    if args.pdf:
        Path(args.pdf).write_bytes(survey.pdf(report, args.lang))
        print(f"kiosk skm report: {args.pdf} written ({report.respondents} respondents)", file=sys.stderr)
        return 0
    if args.csv:
        Path(args.csv).write_text(survey.csv_text(args.date_from, args.date_to), encoding="utf-8")
        print(f"kiosk skm report: {args.csv} written ({report.respondents} respondents)", file=sys.stderr)
        return 0
    lang = args.lang
    print(survey.unit_name(), "-", survey.period_text(report, lang))
    print(f"  {tr(lang, 'Jumlah responden')}: {report.respondents}")
    for eid in skm.ELEMENT_IDS:
        value = decimal_text(report.nrr[eid], lang) if eid in report.nrr else "-"
        print(f"  {eid.upper():<3} {skm.element_name(eid, lang):<42} {value:>5}")
    if report.ikm is not None:
        print(f"  IKM {decimal_text(report.ikm, lang)}  {survey.mutu_text(report, lang)}")
        print("  " + tr(lang, "Unsur dengan nilai terendah (prioritas perbaikan)") + ": "
              + ", ".join(e.upper() for e in report.weakest))
    for line in survey.profile_lines(report, lang):
        print("  " + line)
    print("  " + survey.sample_text(report, lang))
    if report.suggestions:  # grouped as on the PDF: "Toilet kotor (22x)", most frequent first
        print("  " + tr(lang, "Saran dan masukan") + ":")
        for text, n in report.suggestion_counts:
            print(f"    - {skm.suggestion_text(text, n)}")
    return 0
