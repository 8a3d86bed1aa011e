"""Start-up to the welcome screen: the PyInstaller bundle beside the same code from source.

Each sample is a real process, ``kiosk run --exit-after-start`` on the offscreen platform,
timed from spawn to exit (the app quits right after painting the welcome screen).  The bundle
row is skipped when ``dist/kiosk`` has not been built (``make build``).  The source start-up
is itself shown beside a bare ``python -c pass`` so the interpreter's own cost is visible.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXE = ROOT / "dist" / "kiosk" / ("kiosk.exe" if sys.platform == "win32" else "kiosk")
RUNS = 5


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


_IDLE_BARE = (
    "import sys; from PySide6.QtWidgets import QApplication, QWidget, QLabel, QVBoxLayout, QPushButton, QLineEdit;"
    "app = QApplication(sys.argv[:1]); w = QWidget(); l = QVBoxLayout(w);"
    "[l.addWidget(x) for x in (QLabel('a'), QLineEdit(), QPushButton('b'), QPushButton('c'))];"
    "w.show(); app.exec()"
)


def _idle_rss_mb(cmd: list[str], env: dict[str, str], settle_s: float = 6.0) -> float:
    """Resident memory of a started app once it is idle (``VmRSS`` after ``settle_s``); then
    SIGTERM, which the kiosk takes as a clean stop."""
    import signal

    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(settle_s)
        status = Path(f"/proc/{proc.pid}/status").read_text()
        kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return kb / 1024


def run() -> list[dict]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_QUICK_BACKEND": "software"}
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        cfg = _config(Path(tmp))
        args = ["--config", str(cfg), "run", "--exit-after-start", "--windowed"]
        source = _time([sys.executable, "-m", "kiosk", *args], env)
        bare = _time([sys.executable, "-c", "pass"], env)
        window = _time([sys.executable, "-m", "bench._bare_window"], env)
        rows.append({
            "name": "start-up to welcome screen, from source (s)", "value": source, "unit": "s",
            "reference_name": "bare `python -c pass` (s)", "reference": bare, "target": "< 5 s on the kiosk PC",
        })
        rows.append({
            "name": "start-up to welcome screen, from source (s)", "value": source, "unit": "s",
            "reference_name": "bare PySide6 window, four widgets (s)", "reference": window,
            "target": "<= 3.5x the bare window",
        })
        rss = _idle_rss_mb([sys.executable, "-m", "kiosk", "--config", str(cfg), "run", "--windowed"], env)
        ref_rss = _idle_rss_mb([sys.executable, "-c", _IDLE_BARE], env)
        rows.append({
            "name": "idle RSS at the welcome screen (MB)", "value": rss, "unit": "MB",
            "reference_name": "bare PySide6 window, idle (MB)", "reference": ref_rss, "target": "< 150 MB",
        })
        if EXE.exists():
            bundle_env = {k: v for k, v in env.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
            bundled = _time([str(EXE), *args], bundle_env)
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
