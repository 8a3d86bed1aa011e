"""The soak (``make soak``): months of a market day compressed into 2,000 citizen sessions.

The real Qt app (offscreen) with the real core, outbox, file printer and sync worker serves
``SOAK_SESSIONS`` (default 2,000) sessions through the Flow controller, the way the screens
drive it: a complaint filed (every other citizen gives a name and phone), saved, its receipt
printed; every third citizen looks up an earlier code's status; staff log in and open the
queue page every 50 sessions; the provincial server (``python -m devserver``, a child process
on 127.0.0.1, so its sockets are not counted as the kiosk's) goes away every 200 sessions and
comes back 100 sessions later, while submissions queue.

It prints the process's open descriptors, threads, RSS and outbox connections at the start
(after a warm-up of ``SOAK_WARMUP`` sessions, default 100: every lane, font and Qt pool
exists, and the allocator has settled after the first two staff PIN checks, whose scrypt
takes 16 MB that glibc keeps for the next one), in the middle and at the end, with their
growth against the start.  Targets:
descriptors and threads flat (+-5), RSS growth < 10 %.  ``--write docs/BENCHMARKS.md``
replaces that file's "Soak" section only.

The Flow controller, not simulated taps, keeps it fast enough for a shared machine; the
screens still react to every signal (they are shown, they re-render, the keyboard opens).
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

SESSIONS = int(os.environ.get("SOAK_SESSIONS", "2000"))
WARMUP = int(os.environ.get("SOAK_WARMUP", "100"))
STAFF_EVERY = 50
OUTAGE_EVERY = 200
OUTAGE_LENGTH = 100
LOOKUP_EVERY = 3
PIN = "2468"
SECTION = "## Soak"


# -- vital signs of this process ---------------------------------------------------------
def _status_field(name: str) -> int:
    with open(f"/proc/{os.getpid()}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    raise KeyError(name)


def sample(core) -> dict[str, float]:
    import gc

    gc.collect()
    return {
        "open descriptors": len(os.listdir(f"/proc/{os.getpid()}/fd")),
        "threads": _status_field("Threads"),
        "RSS (MB)": _status_field("VmRSS") / 1024,
        "outbox connections": core.outbox.connection_count(),
    }


# -- the provincial server, as a child process that can go away and come back ------------
class Server:
    def __init__(self, workdir: Path, catalog_json: str) -> None:
        self.workdir = workdir
        self.catalog = workdir / "catalog.json"
        self.catalog.write_text(catalog_json, encoding="utf-8")
        self.port = 0
        self.proc: subprocess.Popen | None = None

    def start(self) -> str:
        cmd = [sys.executable, "-m", "devserver", "--port", str(self.port), "--host", "127.0.0.1",
               "--db", str(self.workdir / "server.sqlite3"), "--catalog", str(self.catalog),
               "--api-key", "demo-key", "--quiet", "--stop-with-stdin"]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("listening on "):
            raise RuntimeError("the simulator did not start")
        url = line[len("listening on "):].strip()
        self.port = int(url.split(":")[2].split("/")[0])
        return url

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            pipe.close()
        self.proc = None


# -- driving the app -------------------------------------------------------------------
def wait_until(app, cond: Callable[[], bool], timeout_s: float = 60.0) -> None:
    end = time.monotonic() + timeout_s
    while not cond():
        if time.monotonic() > end:
            raise TimeoutError("the app did not get there in time")
        app.processEvents()
        time.sleep(0.001)


def _answer(step, i: int) -> object:
    editor = getattr(step, "editor", "")
    if editor == "name":
        return "Siti Aminah"
    if editor == "phone":
        return f"0812{i:08d}"
    if editor in ("stall",) or step.field == "location.stall":
        return f"B-{i % 90 + 10}"
    return f"Lampu lorong los ikan nomor {i} mati sejak kemarin malam"


def file_one(app, window, i: int) -> str:
    """One citizen: a complaint through every question, saved and printed; the tracking code."""
    flow = window.flow
    flow.start_report()
    flow.choose_service("UMM-SARAN")
    if i % 2:
        flow.set_anonymous(True)
    for _ in range(30):
        if flow.screen == "review":
            break
        step = flow.current_step
        assert step is not None, f"stuck on {flow.screen}"
        for part in step.parts or (step,):  # the contact screen asks name and phone together
            if not (part.editor in ("name", "phone") and flow.anonymous) and not flow.value(part.field):
                flow.set_value(part.field, _answer(part, i))
        if not flow.next():
            raise AssertionError(f"{step.field}: {flow.error_text(step.field)}")
    flow.submit()
    wait_until(app, lambda: flow.screen == "done" and not flow.busy)
    code = flow.submitted.tracking_code
    if not flow.printed_ok:
        raise AssertionError("the receipt did not print")
    flow.finish()
    app.processEvents()
    return code


def look_up(app, window, code: str) -> None:
    flow = window.flow
    flow.start_status()
    flow.check_status(code)
    wait_until(app, lambda: not flow.busy)
    flow.wipe()


def staff_visit(app, window) -> None:
    from ui import ops

    flow = window.flow
    flow.open_staff()
    flow.staff_login(PIN)
    wait_until(app, lambda: flow.screen == "staff")
    wait_until(app, lambda: not ops.busy())
    flow.wipe()
    wait_until(app, lambda: not ops.busy())


def soak(sessions: int = SESSIONS, warmup: int = WARMUP, log: Callable[[str], None] = print) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui.keyboard import prepare_environment

    prepare_environment()
    from PySide6.QtCore import QEvent

    from kiosk.core import KioskCore
    from kiosk.staff import hash_pin
    from ui import ops
    from ui.app import build_window

    app, work, server, cfg = app_and_simulator("kiosk-soak-", timeout_s=3.0, connect_timeout_s=1.0,
                                               staff={"pin_hash": hash_pin(PIN)})
    core = KioskCore(cfg)
    window = build_window(core, fullscreen=False, idle_timeout_s=3600, idle_warning_s=30)
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    samples: dict[str, dict[str, float]] = {}
    codes: list[str] = []
    outages = 0
    started = time.perf_counter()
    try:
        for i in range(1, sessions + 1):
            codes.append(file_one(app, window, i))
            if i % LOOKUP_EVERY == 0 and len(codes) > 5:
                look_up(app, window, codes[-5])
            if i % STAFF_EVERY == 0:
                staff_visit(app, window)
            if i % OUTAGE_EVERY == 0:
                server.stop()
                outages += 1
            elif i % OUTAGE_EVERY == OUTAGE_LENGTH and server.proc is None:
                server.start()
                core.sync_now()
            # What the running event loop does between two events: delete the widgets the
            # screens dropped with deleteLater() (a bare processEvents() never does).
            app.sendPostedEvents(None, QEvent.DeferredDelete)
            if i % 50 == 0:  # the receipts folder: a technician empties it, the soak too
                shutil.rmtree(cfg.printer_path, ignore_errors=True)
            if i == warmup:
                samples["start"] = sample(core)
            if i == warmup + (sessions - warmup) // 2:
                samples["middle"] = sample(core)
            if i % int(os.environ.get("SOAK_LOG_EVERY", "100")) == 0:
                s = sample(core)
                log(f"  {i:5d} sessions, {time.perf_counter() - started:6.0f} s: "
                    + ", ".join(f"{k} {v:.0f}" for k, v in s.items()))
        if server.proc is None:
            server.start()
            core.sync_now()
        wait_until(app, lambda: not ops.busy())
        samples["end"] = sample(core)
        counts = core.outbox.counts()
        wait_until(app, lambda: core.outbox.counts().get("queued", 0) == 0, timeout_s=120)
        counts = core.outbox.counts()
    finally:
        window.shutdown()
        ops.shutdown()
        core.close()
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return {"samples": samples, "sessions": sessions, "warmup": warmup, "lookups": sessions // LOOKUP_EVERY,
            "staff_visits": sessions // STAFF_EVERY, "outages": outages, "counts": counts,
            "seconds": time.perf_counter() - started}


# Qt's own chatter on the offscreen platform (the UI tests ignore the same lines).
_QT_NOISE = re.compile(r"propagateSizeHints|QQmlExpression: Expression .* depends on non-bindable|"
                       r"(QLineEdit|PadField)::echoMode|QUnifiedTimer::stopAnimationDriver|qt\.multimedia|pipewire")


def app_and_simulator(prefix: str, *, timeout_s: float, connect_timeout_s: float, **sections):
    """The QApplication, a scratch folder, the simulator running in it and a kiosk config
    pointed at it (quick retries): what the soak and the GUI-stall bench both start from."""
    from kiosk.catalog import Catalog
    from kiosk.config import Config
    from ui.app import make_application

    _quiet_qt()
    app = make_application()
    work = Path(tempfile.mkdtemp(prefix=prefix))
    server = Server(work, _catalog_json(Catalog))
    base_url = server.start()
    cfg = Config().replace(
        kiosk={"data_dir": str(work / "kiosk"), "fullscreen": False},
        server={"base_url": base_url, "retry_base_s": 0.2, "retry_cap_s": 2.0,
                "timeout_s": timeout_s, "connect_timeout_s": connect_timeout_s},
        printer={"backend": "file", "path": "receipts"},
        **sections,
    )
    return app, work, server, cfg


def _quiet_qt() -> None:
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_mode, _context, message: str) -> None:
        if not _QT_NOISE.search(message):
            print(f"qt: {message}", file=sys.stderr)

    qInstallMessageHandler(handler)


def _catalog_json(catalog_cls) -> str:
    import json

    return json.dumps(catalog_cls.bundled().to_open311(), ensure_ascii=False)


TARGETS = {"open descriptors": ("abs", 5), "threads": ("abs", 5), "RSS (MB)": ("rel", 0.10),
           "outbox connections": ("abs", 0)}


def verdicts(samples: dict[str, dict[str, float]]) -> list[tuple[str, float, float, float, float, str, bool]]:
    rows = []
    for name, (kind, bound) in TARGETS.items():
        s, m, e = (samples[k][name] for k in ("start", "middle", "end"))
        growth = e - s
        ok = abs(growth) <= bound if kind == "abs" else growth <= bound * s
        target = f"+-{bound:g}" if kind == "abs" else f"< {bound:.0%}"
        rows.append((name, s, m, e, growth, target, ok))
    return rows


def markdown(result: dict) -> str:
    rows = verdicts(result["samples"])
    c = result["counts"]
    out = [
        SECTION, "",
        f"Measured by `make soak` on {time.strftime('%Y-%m-%d')} ({platform.machine()}, "
        f"{platform.python_implementation()} {platform.python_version()}, {platform.system()}, 2 cores shared): "
        f"the real Qt app (offscreen) served {result['sessions']:,} citizen sessions in {result['seconds']:.0f} s "
        f"(each a complaint saved and its receipt printed, {result['lookups']:,} status look-ups, "
        f"{result['staff_visits']} staff visits to the queue page, the server away {result['outages']} times "
        f"for {OUTAGE_LENGTH} sessions). Start = after a warm-up of {result['warmup']} sessions; growth = end - start.",
        "",
        "| vital sign | start | middle | end | growth | target | met |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for name, s, m, e, g, target, ok in rows:
        fmt = (lambda v: f"{v:.1f}") if "MB" in name else (lambda v: f"{v:.0f}")
        grow = f"{g:+.1f} ({g / s:+.1%})" if "MB" in name else f"{g:+.0f}"
        out.append(f"| {name} | {fmt(s)} | {fmt(m)} | {fmt(e)} | {grow} | {target} | {'yes' if ok else 'NO'} |")
    out += ["", f"Outbox at the end: {c.get('sent', 0):,} sent, {c.get('queued', 0)} queued, "
                f"{c.get('dead', 0)} dead (all delivered once the server was back).", ""]
    return "\n".join(out)


def write_section(path: Path, section: str) -> None:
    """Replace (or append) the "## Soak" section of ``path``, leaving the rest as it is."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    ap.add_argument("--write", metavar="MD", help="replace the Soak section of this Markdown file")
    args = ap.parse_args()
    print(f"soak: {SESSIONS} sessions (SOAK_SESSIONS=), warm-up {WARMUP}", file=sys.stderr, flush=True)
    result = soak(log=lambda s: print(s, file=sys.stderr, flush=True))
    section = markdown(result)
    print(section)
    if args.write:
        write_section(Path(args.write), section)
    return 0 if all(r[-1] for r in verdicts(result["samples"])) else 1


if __name__ == "__main__":
    sys.exit(main())
