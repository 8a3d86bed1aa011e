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


def run() -> list[dict]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_QUICK_BACKEND": "software"}
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        cfg = _config(Path(tmp))
        args = ["--config", str(cfg), "run", "--exit-after-start", "--windowed"]
        source = _time([sys.executable, "-m", "kiosk", *args], env)
        bare = _time([sys.executable, "-c", "pass"], env)
        rows.append({
            "name": "start-up to welcome screen, from source (s)", "value": source, "unit": "s",
            "reference_name": "bare `python -c pass` (s)", "reference": bare, "target": "< 5 s on the kiosk PC",
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
