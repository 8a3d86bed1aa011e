"""GUI-thread stalls while a 5,000-item backlog drains to the simulator.

A 10 ms QTimer on the GUI thread of the real window (offscreen) records every gap between
its ticks, first with the outbox idle (the backlog queued, the sync worker not started:
the reference, same process, same window), then while the sync worker delivers the whole
backlog to the simulator (``python -m devserver``, a child process, as in bench/soak.py).
Rows: the largest gap and the 99th percentile, each beside the idle figure; and the largest
gap in the first seconds after the window is shown (the speech engine starts 0.8 s after the
paint: in-process its constructor held the GIL for seconds, issue #16; out of process it
should cost the GUI nothing), beside the idle figure.

``python -m bench.bench_gui_stall --backlog 300`` is a short run (default 5,000).

All of it runs in a child process with a hard timeout, so this bench can never hang
``make bench``: a child that does not finish is killed and the row says so.  (An earlier
attempt hung with no output: it waited, without a deadline, for a drain that could not
happen; here the server's URL and key are the simulator's own, the worker is started
explicitly, progress is printed, and every wait has a deadline.)
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BACKLOG = 5_000
IDLE_S = 3.0
START_S = 6.0  # measured from show(): the speech engine starts at 0.8 s and took up to 4 s
DRAIN_DEADLINE_S = 300.0
CHILD_TIMEOUT_S = 480.0
TICK_MS = 10


def _gaps_ms(stamps: list[float]) -> list[float]:
    return [(b - a) * 1000 for a, b in zip(stamps, stamps[1:])]


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) >= 100 else max(values, default=float("nan"))


def _child(out: Path, backlog: int = BACKLOG) -> int:
    from ui.keyboard import prepare_environment

    prepare_environment()
    from PySide6.QtCore import QTimer, Qt

    from bench.soak import app_and_simulator
    from kiosk.core import KioskCore
    from kiosk.model import Draft, Reporter
    from ui import ops
    from ui.app import build_window

    app, work, server, cfg = app_and_simulator("kiosk-gui-stall-", timeout_s=5.0, connect_timeout_s=2.0)
    result: dict = {"backlog": backlog}
    try:
        started = time.perf_counter()
        with KioskCore(cfg, start_sync=False) as filler:
            draft = Draft(service_code="UMM-SARAN", description="Antrean panjang", reporter=Reporter(anonymous=True))
            for _ in range(backlog):
                filler.submit(draft)
        print(f"bench_gui_stall: {backlog} queued in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)

        core = KioskCore(cfg, start_sync=False)  # the worker starts only for the second phase
        window = build_window(core, fullscreen=False, idle_timeout_s=3600, idle_warning_s=30)
        window.resize(1366, 768)
        stamps: list[float] = []
        timer = QTimer()
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.setInterval(TICK_MS)
        timer.timeout.connect(lambda: stamps.append(time.perf_counter()))

        def run_loop(until) -> None:
            while not until():
                app.processEvents()
                time.sleep(0.0005)

        window.show()
        app.processEvents()  # the first paint
        timer.start()
        end = time.monotonic() + START_S  # the window settles: screens prebuilt, speech engine started
        run_loop(lambda: time.monotonic() > end)
        start = _gaps_ms(stamps)
        if start:
            worst = start.index(max(start))
            print(f"bench_gui_stall: after show, largest gap {max(start):.0f} ms ending "
                  f"{stamps[worst + 1] - stamps[0]:.2f} s after the first tick", file=sys.stderr, flush=True)
        stamps.clear()
        speaker = window.listen.speaker
        result["speech_ready"] = bool(speaker is not None and speaker.ready)
        end = time.monotonic() + IDLE_S
        run_loop(lambda: time.monotonic() > end)
        idle = _gaps_ms(stamps)
        stamps.clear()

        sent = {"n": 0}
        done = threading.Event()

        def watch() -> None:  # off the GUI thread: counting must not add to the GUI's gaps
            while not done.is_set():
                sent["n"] = core.outbox.counts().get("sent", 0)
                if sent["n"] >= backlog:
                    done.set()
                    return
                time.sleep(0.5)

        watcher = threading.Thread(target=watch, daemon=True)
        drain_started = time.monotonic()
        core.start()
        watcher.start()
        deadline = drain_started + DRAIN_DEADLINE_S
        last_said = drain_started
        def until() -> bool:
            nonlocal last_said
            now = time.monotonic()
            if now - last_said > 15:
                last_said = now
                print(f"bench_gui_stall: {sent['n']} sent after {now - drain_started:.0f} s", file=sys.stderr, flush=True)
            return done.is_set() or now > deadline
        run_loop(until)
        timer.stop()
        done.set()
        busy = _gaps_ms(stamps)
        result.update(
            drained=sent["n"] >= backlog, start_max=max(start, default=float("nan")), start_ticks=len(start), sent=sent["n"], drain_s=time.monotonic() - drain_started,
            idle_max=max(idle), idle_p99=_p99(idle), busy_max=max(busy, default=float("nan")),
            busy_p99=_p99(busy), busy_ticks=len(busy), idle_ticks=len(idle),
        )
        window.shutdown()
        core.close()
        ops.shutdown()
    finally:
        server.stop()
    out.write_text(json.dumps(result), encoding="utf-8")
    return 0


def run(backlog: int = BACKLOG) -> list[dict]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_QUICK_BACKEND": "software"}
    with tempfile.TemporaryDirectory(prefix="bench-gui-stall-") as tmp:
        out = Path(tmp) / "result.json"
        proc = subprocess.Popen([sys.executable, "-m", "bench.bench_gui_stall", "--child", str(out), str(backlog)],
                                env=env)
        try:
            proc.wait(timeout=CHILD_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        r = json.loads(out.read_text(encoding="utf-8")) if out.exists() else None
    if r is None:
        why = f"child timed out after {CHILD_TIMEOUT_S:.0f} s" if proc.returncode in (None, -9) else f"child exited {proc.returncode}"
        return [{"name": f"GUI stall while {backlog:,} drain: NO RESULT ({why})", "value": float("nan"), "unit": "ms",
                 "reference_name": "", "reference": float("nan"), "target": ""}]
    drained = "" if r["drained"] else f" (NOT drained: {r['sent']:,} sent in {r['drain_s']:.0f} s)"
    speech = "speech engine ready" if r.get("speech_ready") else "speech engine NOT ready"
    return [
        {"name": f"largest gap of a 10 ms GUI timer in the {START_S:g} s after the window is shown ({speech}) (ms)",
         "value": r["start_max"], "unit": "ms", "reference_name": "same timer, outbox idle (ms)",
         "reference": r["idle_max"], "target": "no freeze a citizen notices (< 100 ms)"},
        {"name": f"largest gap of a 10 ms GUI timer while {backlog:,} drain to the simulator (ms){drained}",
         "value": r["busy_max"], "unit": "ms", "reference_name": "same timer, outbox idle (ms)",
         "reference": r["idle_max"], "target": "no freeze a citizen notices (< 100 ms)"},
        {"name": f"p99 gap of that timer while draining, {r['drain_s']:.0f} s (ms)", "value": r["busy_p99"], "unit": "ms",
         "reference_name": "p99, outbox idle (ms)", "reference": r["idle_p99"], "target": "< 2x idle"},
    ]


if __name__ == "__main__":
    if len(sys.argv) in (3, 4) and sys.argv[1] == "--child":
        raise SystemExit(_child(Path(sys.argv[2]), *(int(a) for a in sys.argv[3:])))
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.bench_gui_stall")
    parser.add_argument("--backlog", type=int, default=BACKLOG, help=f"submissions to drain (default {BACKLOG:,})")
    for row in run(parser.parse_args().backlog):
        print(row)
