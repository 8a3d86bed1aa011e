"""`kiosk demo`: the whole kiosk against a local provincial-server simulator, in one command.

The simulator (``devserver``) runs as a child process (it is never imported by the kiosk and
not bundled into the kiosk build), serving the kiosk's own bundled catalog.  The demo keeps its
data apart from a real kiosk's (``<data dir>/demo``), prints receipts as PDFs into a folder,
and files two sample submissions on first start so "check status" has something to show.
"""
from __future__ import annotations

import contextlib
import json
import logging
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from kiosk.config import Config
from kiosk.model import Draft, Location, Reporter

log = logging.getLogger(__name__)
READY_PREFIX = "listening on "

SAMPLES = (
    Draft(service_code="PSR-KEBERSIHAN", description="Sampah menumpuk di lorong los sayur sejak kemarin pagi.",
          attributes={"area": "sayur_buah", "masalah": ["sampah", "bau"]},
          reporter=Reporter(anonymous=True), location=Location(stall="B-12"), language="id"),
    Draft(service_code="PDAM-AIR-MATI", description="Air PDAM di kios kami mati sejak tiga hari.",
          attributes={"kondisi": "mati"},
          reporter=Reporter(name="Siti Aminah", phone="081234567890"), language="jv"),
)


class DemoError(RuntimeError):
    pass


@dataclass
class DemoServer:
    proc: subprocess.Popen
    base_url: str

    def stop(self) -> None:
        """Stop the simulator and reap it (no zombie, no orphan); idempotent."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                try:
                    pipe.close()
                except OSError:
                    pass


def demo_config(cfg: Config) -> Config:
    """The demo's own data dir, windowed, printing PDFs into ``<data dir>/receipts``."""
    data_dir = cfg.data_dir if cfg.kiosk.data_dir else cfg.data_dir / "demo"
    return cfg.replace(kiosk={"data_dir": str(data_dir), "fullscreen": False},
                       printer={"backend": "file", "path": "receipts"})


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGTERM and SIGINT that come inside the block are handled when it is left.

    Their handlers are swapped for one that only notes them, then the first noted is raised
    again for the real handler.  (Blocking them with ``pthread_sigmask`` would do it too, but
    a child started meanwhile inherits the blocked mask and then ignores our SIGTERM.)
    Only the main thread may set handlers; elsewhere nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    noted: list[int] = []
    held = (signal.SIGTERM, signal.SIGINT)
    old = {sig: signal.signal(sig, lambda signum, _frame: noted.append(signum)) for sig in held}
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
        if noted:
            signal.raise_signal(noted[0])


def start_simulator(cfg: Config, catalog_open311: dict) -> DemoServer:
    """Start ``python -m devserver`` on a free loopback port and wait for its ready line."""
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    catalog_file = cfg.data_dir / "demo-catalog.json"
    catalog_file.write_text(json.dumps(catalog_open311, ensure_ascii=False), encoding="utf-8")
    cmd = [sys.executable, "-m", "devserver", "--port", "0", "--host", "127.0.0.1",
           "--db", str(cfg.data_dir / "simulator.sqlite3"), "--catalog", str(catalog_file),
           "--api-key", cfg.server.api_key, "--token-delay", "20", "--stop-with-stdin"]
    server: DemoServer | None = None
    try:
        # SIGTERM or Ctrl-C while the child is being started would leave it running with
        # nobody to stop it (it stops by itself once our end of its stdin closes, but only
        # after this process has gone): they wait until it has a DemoServer to stop it.
        with _signals_held():
            try:
                # Its stdin is a pipe only this process holds: however the demo ends (SIGKILL,
                # a Qt abort), the pipe closes and the simulator stops by itself.
                proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True)
            except OSError as exc:
                raise DemoError(f"cannot start the simulator: {exc}") from None
            server = DemoServer(proc, "")
        line = proc.stdout.readline() if proc.stdout else ""
    except BaseException:  # SIGTERM (SystemExit) or Ctrl-C meanwhile: never leave it behind
        if server is not None:
            server.stop()
        raise
    if not line.startswith(READY_PREFIX):
        server.stop()
        raise DemoError("the simulator did not start (is this a source install with devserver/?)")
    server.base_url = line[len(READY_PREFIX):].strip()
    return server


def seed_samples(core) -> list[str]:
    """File the sample submissions once, so a fresh demo has codes to look up."""
    if any(core.outbox.counts().values()):
        return []
    codes = []
    for draft in SAMPLES:
        try:
            codes.append(core.submit(draft).tracking_code)
        except Exception as exc:  # a catalog without the sample service: the demo still runs
            log.warning("sample submission skipped: %s", exc)
    return codes


def prepare(cfg: Config) -> tuple[Config, DemoServer]:
    """Demo config pointing at a freshly started simulator."""
    from kiosk.catalog import Catalog

    cfg = demo_config(cfg)
    server = start_simulator(cfg, Catalog.open(cfg).to_open311())
    return cfg.replace(server={"base_url": server.base_url}), server


__all__ = ["prepare", "seed_samples", "DemoServer", "DemoError", "demo_config"]
