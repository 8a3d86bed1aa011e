"""`kiosk check`: the field self-test a technician runs on site, often with no network.

One line per check, ``OK`` / ``WARN`` / ``FAIL`` and a reason to act on.  ``FAIL`` means the
kiosk cannot do its job (the exit code becomes 1); ``WARN`` means it works but something
needs attention (a demo secret, a stale catalog, no staff PIN).

Rules the checks follow, and why:

- Nothing here changes the kiosk's state.  The outbox is opened with plain sqlite3 in
  ``mode=rw`` (no file is created, no schema migrated, no ``recover()``: a running kiosk's
  sync worker may be mid-send while the technician runs the check).
- Every check runs in its own thread with a deadline, and network calls have short
  connect/read timeouts, so a dead network or a hung printer driver makes a ``FAIL`` line
  instead of a hung terminal.
- The API key: plain Open311 servers check it only on ``POST``, and the kiosk never puts the
  key in a URL.  So the check reports what is known: the server refusing a ``GET`` (401/403),
  the outbox paused because a real submission was refused, or the last successful delivery.
  With none of these the line is ``WARN key not verified``.
- Clock: compared with the server's ``Date`` header (more than 5 minutes apart is ``FAIL``,
  printing both times); without a server, a clock in a year before the software was built
  is still caught (a dead RTC battery resets to 1970 or 2000).
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from kiosk.clock import MAX_SKEW_S, plausible_window

if TYPE_CHECKING:
    from kiosk.config import Config

Status = Literal["OK", "WARN", "FAIL"]

CHECK_TIMEOUT_S = 20.0  # per check: the guard against anything that hangs
NET_CONNECT_S, NET_READ_S = 3.0, 8.0
MIN_FREE_MB, LOW_FREE_MB = 50, 200
CATALOG_MAX_AGE_DAYS = 30
_DEMO_SECRETS = {"demo-secret-change-me"}
_DEMO_KEYS = {"demo-key"}


@dataclass(frozen=True)
class Check:
    """One line of the self-test."""

    name: str
    status: Status
    detail: str


@dataclass
class _Context:
    """What one check learns that another uses (the server's clock for the clock check)."""

    server_date: datetime | None = None
    server_error: str | None = None


def _mb(n: int) -> str:
    return f"{n / 1e9:.1f} GB" if n >= 10e9 else f"{n / 1e6:.1f} MB"


# -- the checks ---------------------------------------------------------------------------------
def check_config(cfg: "Config", ctx: _Context) -> list[Check]:
    out = []
    if cfg.source:
        out.append(Check("config", "OK", f"{cfg.source} (kiosk {cfg.kiosk.id})"))
    else:
        out.append(Check("config", "WARN", "no config file (--config or KIOSK_CONFIG): built-in demo defaults in use"))
    demo = []
    if cfg.receipt.signing_secret in _DEMO_SECRETS:
        demo.append("receipt.signing_secret")
    if cfg.server.api_key in _DEMO_KEYS:
        demo.append("server.api_key")
    from kiosk.sealing import DEMO_PUBLIC_KEY

    if cfg.bundle.province_public_key == DEMO_PUBLIC_KEY:
        demo.append("bundle.province_public_key")
    if not cfg.server.api_key.strip():
        out.append(Check("secrets", "FAIL", "server.api_key is empty: the server refuses every submission "
                                            "without the key the province gave this kiosk"))
    elif demo:
        out.append(Check("secrets", "WARN", f"demo values in {', '.join(demo)}: set this kiosk's own before going live"))
    else:
        out.append(Check("secrets", "OK", "api_key and signing_secret set (not shown)"))
    out += check_transport(cfg)
    return out


def check_transport(cfg: "Config") -> list[Check]:
    """A plain ``http://`` base URL to anything but this machine carries the key in clear."""
    from urllib.parse import urlsplit

    url = urlsplit(cfg.server.base_url)
    host = (url.hostname or "").lower()
    local = host in ("localhost", "::1") or host.startswith("127.")
    if url.scheme == "http" and not local:
        return [Check("transport", "WARN", f"server.base_url is plain http:// to {host}: the API key and citizens' "
                                           "data travel unencrypted; ask the province for an https:// address")]
    if cfg.server.ca_bundle:
        return [Check("transport", "OK", f"server certificates checked against server.ca_bundle {cfg.server.ca_bundle}")]
    return []


def check_database(cfg: "Config", ctx: _Context) -> list[Check]:
    path = cfg.outbox_path
    if not path.exists():
        return [Check("database", "WARN", f"no outbox yet at {path} (it is created when the kiosk first starts)")]
    from kiosk.datadir import writable

    unwritable = writable(path.parent)
    if unwritable:  # not damage: SQLite cannot open a WAL database it may not write next to
        return [Check("database", "FAIL", f"{path} cannot be opened: its folder cannot be written ({unwritable}); "
                                          "remount the data dir read-write or fix its owner (the file itself is "
                                          "probably sound)")]
    try:
        conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=5)
    except sqlite3.Error as exc:
        return [Check("database", "FAIL", f"cannot open {path}: {exc}")]
    try:
        try:
            result = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        except sqlite3.DatabaseError as exc:
            return [Check("database", "FAIL", f"{path} is damaged ({exc}); stop the kiosk and run 'kiosk salvage' "
                                              "(copies every readable row into a fresh outbox, moves the damaged "
                                              "file aside)")]
        if result != ["ok"]:
            return [Check("database", "FAIL", f"{path} failed the integrity check: {'; '.join(result[:3])}; "
                                              "stop the kiosk and run 'kiosk salvage'")]
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        except sqlite3.OperationalError as exc:
            return [Check("database", "FAIL", f"{path} is not writable ({exc})")]
        try:
            rows = dict(conn.execute("SELECT state, count(*) FROM items GROUP BY state").fetchall())
        except sqlite3.Error:
            rows = {}
        waiting = rows.get("queued", 0) + rows.get("sending", 0)
        summary = f"{waiting} waiting, {rows.get('awaiting_token', 0)} awaiting token, {rows.get('dead', 0)} dead"
        dead = rows.get("dead", 0)
        from kiosk.salvage import damaged_copies

        aside = damaged_copies(cfg)
        if aside:
            return [Check("database", "WARN", f"{path} ok; {summary}; a damaged outbox was moved aside by "
                                              f"'kiosk salvage': {aside[0]} (delete it once the queue is "
                                              "delivered: it holds personal data)")]
        if dead:
            return [Check("database", "WARN", f"{path} ok; {summary}: staff should review the dead items")]
        return [Check("database", "OK", f"{path} ok; {summary}")]
    finally:
        conn.close()


def _existing_parent(p: Path) -> Path:
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def check_disk(cfg: "Config", ctx: _Context) -> list[Check]:
    where = _existing_parent(cfg.data_dir)
    try:
        usage = shutil.disk_usage(where)
    except OSError as exc:
        return [Check("disk", "FAIL", f"cannot read free space of {where}: {exc.strerror}")]
    free = usage.free
    # A real write, so a read-only mount or a full disk shows even when the numbers look fine.
    probe_error = None
    if where == cfg.data_dir:
        probe = cfg.data_dir / ".kiosk-check-probe"
        try:
            with open(probe, "wb") as fh:
                fh.write(b"\0" * 65536)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            probe_error = exc.strerror or str(exc)
        finally:
            try:
                probe.unlink()
            except OSError:
                pass
    if probe_error:
        return [Check("disk", "FAIL", f"cannot write in {cfg.data_dir} ({probe_error}); {_mb(free)} free")]
    from kiosk.datadir import space

    if space(cfg).full:
        return [Check("disk", "FAIL", f"disk full: {_mb(free)} free in {where}, the space reserve is used up; the kiosk "
                                      "still delivers and exports what is queued, but free space now (old logs, "
                                      "receipts folder)")]
    if free < MIN_FREE_MB * 1_000_000:
        return [Check("disk", "FAIL", f"disk almost full: {_mb(free)} free in {where} (need at least {MIN_FREE_MB} MB); "
                                      "free space before citizens' submissions are refused")]
    if free < LOW_FREE_MB * 1_000_000:
        return [Check("disk", "WARN", f"low disk space: {_mb(free)} free in {where}")]
    return [Check("disk", "OK", f"{_mb(free)} free in {where}")]


_PRINTER_WORDS = {
    "no_printer": "no printer found",
    "offline": "printer offline or not answering",
    "paper_out": "printer is out of paper",
    "unknown": "printer state unknown",
}


def _printer_label(cfg: "Config") -> str:
    p = cfg.printer
    if p.backend == "file":
        return f"file backend, folder {cfg.printer_path}"
    if p.backend in ("cups", "windows"):
        return f"{p.backend} queue {p.name!r}"
    if p.backend == "escpos-network":
        return f"ESC/POS at {p.host}:{p.port}"
    if p.backend == "escpos-serial":
        return f"ESC/POS on {p.device}"
    if p.backend == "escpos-usb":
        return f"ESC/POS USB {p.usb_vendor:04x}:{p.usb_product:04x}"
    return p.backend


def _file_target_problem(folder: Path) -> str:
    """Why receipts cannot be written to ``folder`` ('' if they can): really write a probe file.

    ``os.access`` is not enough: it says yes to root for any existing parent, even
    ``/dev/null/receipts`` or a read-only mount."""
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".kiosk-check-", delete=True) as f:
            f.write(b"ok")
            f.flush()
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    return ""


def check_printer(cfg: "Config", ctx: _Context) -> list[Check]:
    from printing import PrinterError

    from kiosk.receipts import printer_from_config

    label = _printer_label(cfg)
    if cfg.printer.backend == "file":
        problem = _file_target_problem(Path(cfg.printer_path))
        if problem:
            return [Check("printer", "FAIL", f"cannot write receipts: {label} ({problem}); "
                                             "set [printer] path to a folder the kiosk can write")]
    try:
        state = printer_from_config(cfg).status()
    except PrinterError as exc:
        return [Check("printer", "FAIL", f"{_PRINTER_WORDS.get(exc.kind, exc.kind)}: {label} ({exc.detail})")]
    except Exception as exc:  # a driver library failing to load is a printer problem, not a crash
        return [Check("printer", "FAIL", f"printer backend failed: {label} ({type(exc).__name__}: {exc})")]
    if state == "ready":
        return [Check("printer", "OK", f"ready: {label}")]
    if state == "unknown":
        return [Check("printer", "WARN", f"{_PRINTER_WORDS['unknown']}: {label}")]
    hint = {
        "no_printer": "check the cable/power and the [printer] section of the config",
        "offline": "is it switched on, and (CUPS) is cupsd running and the queue enabled?",
        "paper_out": "load a new roll",
    }.get(state, "")
    return [Check("printer", "FAIL", f"{_PRINTER_WORDS.get(state, state)}: {label}; {hint}".rstrip("; "))]


def check_server(cfg: "Config", ctx: _Context) -> list[Check]:
    from offline_queue import Open311Client, Open311Error

    s = cfg.server
    timeout = (min(s.connect_timeout_s, NET_CONNECT_S), min(s.timeout_s, NET_READ_S))
    with Open311Client(s.base_url, s.api_key, s.jurisdiction_id, timeout=timeout, ca_bundle=s.ca_bundle or None,
                       deadline_s=min(s.request_deadline_s, sum(timeout)), max_answer_bytes=s.max_answer_bytes) as client:
        try:
            services = client.services()
        except Open311Error as exc:
            ctx.server_error = exc.reason
            if exc.kind == "refused":
                return [Check("server", "FAIL", f"server refuses this kiosk's key (HTTP {exc.http_status}) at {s.base_url}: "
                                                "check server.api_key with the province")]
            if exc.kind == "offline":
                return [Check("server", "FAIL", f"cannot reach {s.base_url}: {exc.reason}; check the network/SIM and "
                                                "server.base_url (submissions wait safely in the outbox)")]
            return [Check("server", "FAIL", f"{s.base_url} answered but not as an Open311 server ({exc.kind}: {exc.reason})")]
        try:
            ctx.server_date = client.server_date()
        except Open311Error as exc:
            ctx.server_error = exc.reason
    # Reachable.  What do we know about the key?
    paused, reason, last_ok = _outbox_key_facts(cfg)
    if paused:
        return [Check("server", "FAIL", f"reachable, but the server refused this kiosk's key when sending "
                                        f"({reason}); the queue is paused: fix server.api_key, then 'sync now'")]
    if last_ok:
        return [Check("server", "OK", f"{s.base_url} reachable ({len(services)} services); key accepted at the "
                                      f"last delivery {last_ok:%Y-%m-%d %H:%M} UTC")]
    return [Check("server", "WARN", f"{s.base_url} reachable ({len(services)} services); key not verified "
                                    "(the server checks it only when a submission is sent)")]


def _outbox_key_facts(cfg: "Config") -> tuple[bool, str, datetime | None]:
    """(paused, pause reason, last successful delivery) from the outbox's facts, without writing.

    Read with plain sqlite3 rather than ``Outbox(path)``, whose constructor migrates and runs
    ``recover()`` (a running kiosk may be mid-send).  TODO(offline_queue): a read-only
    inspection entry point would remove this knowledge of the ``facts`` table.
    """
    path = cfg.outbox_path
    if not path.exists():
        return False, "", None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=5)  # rw: WAL readers need the -shm
        try:
            facts = dict(conn.execute("SELECT name, value FROM facts").fetchall())
        finally:
            conn.close()
    except sqlite3.Error:
        return False, "", None
    import json

    def _val(name: str) -> Any:
        raw = facts.get(name)
        try:
            return json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            return raw

    reason = _val("paused_reason")
    last = _val("last_success_at")
    last_dt = None
    if isinstance(last, (int, float)) and last > 0:
        # The outbox stores epoch microseconds (older files: seconds); tell them apart by size.
        seconds = last / 1_000_000 if last > 1e12 else float(last)
        try:
            last_dt = datetime.fromtimestamp(seconds, timezone.utc)
        except (OverflowError, OSError, ValueError):
            last_dt = None
    return reason is not None, str(reason or ""), last_dt


def check_clock(cfg: "Config", ctx: _Context, now: Callable[[], datetime] | None = None) -> list[Check]:
    local = (now or (lambda: datetime.now(timezone.utc)))()
    earliest, latest = plausible_window()
    if not earliest <= local <= latest:
        return [Check("clock", "FAIL", f"the kiosk's clock says {local:%Y-%m-%d %H:%M} UTC, outside the plausible "
                                       f"window {earliest:%Y-%m-%d}..{latest:%Y-%m-%d} (kiosk/clock.py): set the date "
                                       "and time (the clock battery may be dead); receipts would show wrong dates")]
    if ctx.server_date is None:
        why = ctx.server_error or "server not reachable"
        return [Check("clock", "WARN", f"not compared with the server ({why}); kiosk says {local:%Y-%m-%d %H:%M:%S} UTC")]
    skew = (local - ctx.server_date).total_seconds()
    both = f"kiosk {local:%Y-%m-%d %H:%M:%S} UTC, server {ctx.server_date.astimezone(timezone.utc):%Y-%m-%d %H:%M:%S} UTC"
    if abs(skew) > MAX_SKEW_S:
        direction = "ahead of" if skew > 0 else "behind"
        return [Check("clock", "FAIL", f"clock {abs(skew) / 60:.0f} min {direction} the server ({both}); set the time "
                                       "(enable NTP) or replace the clock battery")]
    return [Check("clock", "OK", f"{abs(skew):.0f} s from the server ({both})")]


def check_catalog(cfg: "Config", ctx: _Context) -> list[Check]:
    from kiosk.catalog import Catalog

    catalog = Catalog.open(cfg)
    n = len(catalog.services())
    if catalog.fetched_at is None:
        return [Check("catalog", "WARN", f"bundled default catalog ({n} services); run 'kiosk catalog refresh' when online")]
    age_days = (catalog.age_s() or 0) / 86400
    when = f"{catalog.fetched_at:%Y-%m-%d}"
    if age_days > CATALOG_MAX_AGE_DAYS:
        return [Check("catalog", "WARN", f"server catalog from {when} is {age_days:.0f} days old ({n} services); "
                                         "run 'kiosk catalog refresh'")]
    return [Check("catalog", "OK", f"server catalog from {when} ({n} services)")]


class _ReadOnlyFacts:
    """The outbox's facts for ``PinGate.status()`` (the lockout's copy), read without writing."""

    def __init__(self, cfg: "Config"):
        self.path = cfg.outbox_path

    def get_fact(self, name: str) -> Any:
        import json

        if not self.path.exists():
            return None
        conn = sqlite3.connect(f"file:{self.path}?mode=rw", uri=True, timeout=5)
        try:
            row = conn.execute("SELECT value FROM facts WHERE name = ?", (name,)).fetchone()
        finally:
            conn.close()
        return json.loads(row[0]) if row else None


def check_staff_pin(cfg: "Config", ctx: _Context) -> list[Check]:
    from kiosk import staff

    result = staff.PinGate.for_config(cfg, mirror=_ReadOnlyFacts(cfg)).status()
    if result.status == "no_pin":
        return [Check("staff_pin", "WARN", f"no staff PIN set: the staff area stays shut; set one with "
                                           f"'{staff.SET_PIN_HINT}'")]
    if result.status == "locked":
        return [Check("staff_pin", "WARN", f"staff area locked after wrong PINs ({result.seconds_left} s left)")]
    return [Check("staff_pin", "OK", "staff PIN set")]


def check_logs(cfg: "Config", ctx: _Context) -> list[Check]:
    where = cfg.log_dir
    target = where if where.exists() else _existing_parent(where)
    if os.access(target, os.W_OK):
        return [Check("logs", "OK", f"{where}")]
    return [Check("logs", "WARN", f"cannot write logs in {where}: diagnostics will be missing")]


SPEECH_PROBE_TIMEOUT_S = 18.0  # the probe gives up on a hung engine after 15 s


def _kiosk_command(*args: str) -> list[str]:
    """This kiosk's own CLI as a child process (the bundle's executable, or ``python -m kiosk``)."""
    import sys

    if getattr(sys, "frozen", False):
        return [sys.executable, *args]
    return [sys.executable, "-m", "kiosk", *args]


def check_speech(cfg: "Config", ctx: _Context) -> list[Check]:
    """Read-aloud: which voice reads each language, as the app would find them.

    The core has no Qt, so it asks the UI's ``kiosk speech voices --json`` in a child process
    (which also keeps a hung speech-dispatcher away from this one).  A missing voice is a WARN:
    the kiosk works, only the "Dengarkan" button is hidden in that language.
    """
    import json
    import subprocess

    mode = cfg.kiosk.speech
    if mode == "off":
        return [Check("speech", "OK", "read-aloud off (kiosk.speech = \"off\")")]
    args = ["--config", cfg.source] if cfg.source else []
    try:
        proc = subprocess.run(_kiosk_command(*args, "speech", "voices", "--json"), capture_output=True,
                              text=True, timeout=SPEECH_PROBE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return [Check("speech", "WARN", "the speech engine did not answer: no Dengarkan button (restart speech-dispatcher)")]
    try:
        data = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return [Check("speech", "WARN", "read-aloud is not part of this install (no `kiosk speech` command): "
                                        "no Dengarkan button")]
    if data.get("hung"):  # installed, but the engine never answered: nothing to install
        return [Check("speech", "WARN", f"{data.get('problem')}: no Dengarkan button")]
    install = "install espeak-ng and speech-dispatcher, see deploy/INSTALL.md"
    if not data.get("engine") or data.get("problem"):
        return [Check("speech", "WARN", f"{data.get('problem') or 'no text-to-speech engine'}: "
                                        f"no Dengarkan button; {install}")]
    voices = data.get("voices") or {}
    missing = [lang for lang in cfg.kiosk.languages if not voices.get(lang)]
    found = ", ".join(f"{lang} {voices[lang]}" for lang in cfg.kiosk.languages if voices.get(lang))
    if missing:
        return [Check("speech", "WARN", f"{data['engine']}: no voice for {', '.join(missing)} "
                                        f"(no Dengarkan button there; {install}); voices: {found or 'none'}")]
    return [Check("speech", "OK", f"{data['engine']} ({mode}, volume {cfg.kiosk.speech_volume}%): {found}")]


CHECKS: tuple[tuple[str, Callable[["Config", _Context], list[Check]]], ...] = (
    ("config", check_config),
    ("database", check_database),
    ("disk", check_disk),
    ("printer", check_printer),
    ("server", check_server),
    ("clock", check_clock),  # after server: it uses the server's Date
    ("catalog", check_catalog),
    ("staff_pin", check_staff_pin),
    ("logs", check_logs),
    ("speech", check_speech),
)


def _guarded(name: str, fn: Callable[["Config", _Context], list[Check]], cfg: "Config", ctx: _Context,
             timeout_s: float) -> list[Check]:
    """Run one check in a daemon thread; a hang or an exception becomes a FAIL line, never a traceback."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = fn(cfg, ctx)
        except Exception as exc:  # noqa: BLE001 - reported as the check's failure
            box["error"] = f"{type(exc).__name__}: {exc}"

    t = threading.Thread(target=target, name=f"kiosk-check-{name}", daemon=True)
    t.start()
    t.join(timeout_s)
    if t.is_alive():
        return [Check(name, "FAIL", f"no answer within {timeout_s:g} s (hung device or network)")]
    if "error" in box:
        return [Check(name, "FAIL", f"check failed: {box['error']}")]
    return box["result"]


def run_checks(cfg: "Config", *, timeout_s: float = CHECK_TIMEOUT_S,
               only: tuple[str, ...] | None = None) -> list[Check]:
    """Every check in order (or ``only`` the named ones); never raises."""
    import logging

    ctx = _Context()
    results: list[Check] = []
    for name, fn in CHECKS:
        if only and name not in only:
            continue
        results += _guarded(name, fn, cfg, ctx, timeout_s)
    log = logging.getLogger("kiosk.selftest")
    for c in results:
        (log.warning if c.status != "OK" else log.info)("check %s %s: %s", c.name, c.status, c.detail,
                                                        extra={"console": False})  # printed already
    return results


def ok(checks: list[Check]) -> bool:
    return all(c.status != "FAIL" for c in checks)


def as_json(checks: list[Check]) -> dict[str, Any]:
    return {"ok": ok(checks), "checks": [asdict(c) for c in checks]}


def format_text(checks: list[Check]) -> str:
    width = max((len(c.name) for c in checks), default=8)
    lines = [f"{c.status:<5} {c.name:<{width}}  {c.detail}" for c in checks]
    fails = sum(c.status == "FAIL" for c in checks)
    warns = sum(c.status == "WARN" for c in checks)
    if fails:
        lines.append(f"kiosk check: {fails} FAIL, {warns} WARN: fix the FAIL lines before opening the kiosk")
    else:
        lines.append(f"kiosk check: all essential checks passed ({warns} WARN)")
    return "\n".join(lines)
