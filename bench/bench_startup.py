"""Start-up to the welcome screen: the PyInstaller bundle beside the same code from source.

Each sample is a real process, ``kiosk run --exit-after-start`` on the offscreen platform,
timed from spawn to the line it prints in the event-loop turn after the welcome screen's
first paint (``kiosk: welcome screen painted``); the bare four-widget window
(``bench._bare_window``) prints its own line at the same point, so the ratio compares like
with like.  The kiosk then opens its outbox, catalog and printer and builds its other
screens before it exits: spawn to exit is a row of its own ("start-up finished").  The
bundle row is skipped when ``dist/kiosk`` has not been built (``make build``).  The source
start-up is also shown beside a bare ``python -c pass`` so the interpreter's cost is visible.

``PYTHONDONTWRITEBYTECODE`` is dropped for the children: an installed kiosk runs compiled
bytecode (the bundle ships it, pip compiles on install), and the unmeasured warm-up start
writes it for a source tree that has none.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kiosk.health import context_switches

ROOT = Path(__file__).resolve().parents[1]
EXE = ROOT / "dist" / "kiosk" / ("kiosk.exe" if sys.platform == "win32" else "kiosk")
RUNS = 5
PAINTED = "kiosk: welcome screen painted"  # ui.app.run_app prints it with --exit-after-start


def _config(tmp: Path) -> Path:
    cfg = tmp / "kiosk.toml"
    cfg.write_text(
        f'[kiosk]\ndata_dir = "{(tmp / "data").as_posix()}"\nfullscreen = false\n'
        '[server]\nbase_url = "http://127.0.0.1:9/open311/v2"\n',
        encoding="utf-8",
    )
    return cfg


def _time(cmd: list[str], env: dict[str, str], runs: int = RUNS) -> float:
    """Median wall time of ``runs`` starts, after one unmeasured warm-up (disk cache)."""
    samples = []
    for i in range(runs + 1):
        started = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
        elapsed = time.perf_counter() - started
        if proc.returncode != 0:
            raise RuntimeError(f"{cmd[0]} exited {proc.returncode}: {proc.stderr[-500:]}")
        if i:
            samples.append(elapsed)
    return statistics.median(samples)


def _time_to_line(cmd: list[str], env: dict[str, str], marker: str, runs: int = RUNS) -> tuple[float, float]:
    """Medians of spawn to ``marker`` on the child's stdout, and of spawn to its exit (status 0),
    over ``runs`` starts after one unmeasured warm-up."""
    to_line, to_exit = [], []
    for i in range(runs + 1):
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        seen = None
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                if seen is None and marker in line:
                    seen = time.perf_counter() - started
            _, err = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise RuntimeError(f"{cmd[0]} did not exit within 120 s") from None
        ended = time.perf_counter() - started
        if proc.returncode != 0 or seen is None:
            raise RuntimeError(f"{cmd[0]} exited {proc.returncode} (marker seen: {seen is not None}): {err[-500:]}")
        if i:
            to_line.append(seen)
            to_exit.append(ended)
    return statistics.median(to_line), statistics.median(to_exit)


_IDLE_BARE = (
    "import sys; from PySide6.QtWidgets import QApplication, QWidget, QLabel, QVBoxLayout, QPushButton, QLineEdit;"
    "app = QApplication(sys.argv[:1]); w = QWidget(); l = QVBoxLayout(w);"
    "[l.addWidget(x) for x in (QLabel('a'), QLineEdit(), QPushButton('b'), QPushButton('c'))];"
    "w.show(); app.exec()"
)


def _rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))


def _children(pid: int) -> list[int]:
    return [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]


def _idle_rss_mb(cmd: list[str], env: dict[str, str], settle_s: float = 10.0,
                 wake_s: float = 5.0) -> tuple[float, float, float, float]:
    """Resident memory of a started app once it is idle (``VmRSS`` after ``settle_s``), and of
    its child processes together (the kiosk's speech process); then how often each wakes up
    while idle (context switches a second over ``wake_s``: a kiosk idles for months); then
    SIGTERM, which the kiosk takes as a clean stop."""
    import signal

    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(settle_s)
        own = _rss_kb(proc.pid)
        children = 0
        kids = _children(proc.pid)
        for child in kids:
            try:
                children += _rss_kb(child)
            except (OSError, StopIteration):
                pass
        before = context_switches(proc.pid), sum(context_switches(k) for k in kids)
        time.sleep(wake_s)
        after = context_switches(proc.pid), sum(context_switches(k) for k in kids)
        own_wakes, kid_wakes = ((a - b) / wake_s for a, b in zip(after, before))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return own / 1024, children / 1024, own_wakes, kid_wakes


def _startup_stall_ms(cfg: Path, env: dict[str, str], runs: int = 3) -> tuple[float, float]:
    """Medians over ``runs`` starts of the largest GUI-thread gap from the first paint to the end
    of start-up, and of the same window's largest gap at rest afterwards (``_startup_stall``)."""
    import json

    starting, rest = [], []
    with tempfile.TemporaryDirectory(prefix="bench-stall-") as tmp:
        for i in range(runs):
            out = Path(tmp) / f"stall-{i}.json"
            cmd = [sys.executable, "-m", "bench._startup_stall", str(out), "--config", str(cfg), "run", "--windowed"]
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180)
            if proc.returncode != 0 or not out.exists():
                raise RuntimeError(f"stall probe exited {proc.returncode}: {proc.stderr[-500:]}")
            found = json.loads(out.read_text(encoding="utf-8"))
            starting.append(found["starting"]["largest_ms"])
            rest.append(found["rest"]["largest_ms"])
    return statistics.median(starting), statistics.median(rest)


def run() -> list[dict]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software")
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        cfg = _config(Path(tmp))
        args = ["--config", str(cfg), "run", "--exit-after-start", "--windowed"]
        source, finished = _time_to_line([sys.executable, "-m", "kiosk", *args], env, PAINTED)
        bare = _time([sys.executable, "-c", "pass"], env)
        window, _ = _time_to_line([sys.executable, "-m", "bench._bare_window"], env, "painted")
        rows.append({
            "name": "start-up to welcome screen, from source (s)", "value": source, "unit": "s",
            "reference_name": "bare `python -c pass` (s)", "reference": bare, "target": "< 5 s on the kiosk PC",
        })
        rows.append({
            "name": "start-up to welcome screen, from source (s)", "value": source, "unit": "s",
            "reference_name": "bare PySide6 window, four widgets (s)", "reference": window,
            "target": "<= 3.5x the bare window",
        })
        rows.append({
            "name": "start-up finished: core open, every screen built, exit (s)", "value": finished, "unit": "s",
            "reference_name": "welcome screen painted (s)", "reference": source,
            "target": "(after the paint: the welcome screen is usable)",
        })
        stall, at_rest = _startup_stall_ms(cfg, env)
        rows.append({
            "name": "largest GUI-thread gap, first paint to start-up finished (ms)", "value": stall, "unit": "ms",
            "reference_name": "same window at rest afterwards (ms)", "reference": at_rest,
            "target": "<= 100 ms (a tap on the welcome screen answers at once)",
        })
        rss, speech_rss, wakes, speech_wakes = _idle_rss_mb(
            [sys.executable, "-m", "kiosk", "--config", str(cfg), "run", "--windowed"], env)
        ref_rss, _, ref_wakes, _ = _idle_rss_mb([sys.executable, "-c", _IDLE_BARE], env)
        rows.append({
            "name": "idle RSS at the welcome screen (MB)", "value": rss, "unit": "MB",
            "reference_name": "bare PySide6 window, idle (MB)", "reference": ref_rss, "target": "< 150 MB",
        })
        rows.append({
            "name": "idle RSS of the kiosk's child processes: read-aloud (MB)", "value": speech_rss, "unit": "MB",
            "reference_name": "the kiosk process itself (MB)", "reference": rss,
            "target": "(the engine out of the GUI process: it can neither freeze nor hang it)",
        })
        rows.append({
            "name": "idle wake-ups of the kiosk process at the welcome screen (per s)", "value": wakes, "unit": "/s",
            "reference_name": "bare PySide6 window, idle (per s)", "reference": ref_wakes,
            "target": "report (timers: clock, health watch, collector)",
        })
        rows.append({
            "name": "idle wake-ups of the read-aloud process (per s)", "value": speech_wakes, "unit": "/s",
            "reference_name": "the kiosk process itself (per s)", "reference": wakes,
            "target": "~0 (it waits on its stdin; it polled 50 times a second before)",
        })
        if EXE.exists():
            bundle_env = {k: v for k, v in env.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
            bundled, _ = _time_to_line([str(EXE), *args], bundle_env, PAINTED)
            rows.append({
                "name": "start-up to welcome screen, PyInstaller bundle (s)", "value": bundled, "unit": "s",
                "reference_name": "same, from source (s)", "reference": source, "target": "<= 1.5x source",
            })
        else:
            print("bench_startup: dist/kiosk not built (make build); bundle row skipped", file=sys.stderr)
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
