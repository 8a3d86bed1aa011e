"""Issue 8: the running app refreshes its catalog at start, on a schedule, after a
service-named refusal, and picks up a `kiosk catalog refresh` made by a technician."""
from __future__ import annotations

import copy
import threading
import time

from kiosktest import kiosk_catalog_file, run_kiosk, write_config  # noqa: F401

from kiosk import config as config_mod
from kiosk.catalog import Catalog, UnknownService
from kiosk.catalog_refresh import CatalogKeeper
from offline_queue import Open311Client

GUARD_S = 20.0  # a guard against a hang, never a performance assertion


def retired(open311: dict, code: str) -> dict:
    out = copy.deepcopy(open311)
    out["services"] = [s for s in out["services"] if s["service_code"] != code]
    out["definitions"].pop(code, None)
    return out


class Mono:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_refresh_at_start_and_again_on_the_schedule(tmp_path, simulator_factory):
    bundle = Catalog.bundled().to_open311()
    sim = simulator_factory(catalog=bundle)
    cfg = config_mod.from_dict({"kiosk": {"data_dir": str(tmp_path / "data")}, "server": {"base_url": sim.base_url}})
    catalog = Catalog.open(cfg)
    mono = Mono()
    heard: list[int] = []
    with Open311Client(sim.base_url, "demo-key", cfg.server.jurisdiction_id) as client:
        keeper = CatalogKeeper(catalog, client, refresh_h=24, monotonic=mono)
        keeper.subscribe(lambda: heard.append(1))
        keeper.step()
        assert keeper.refreshes == 1 and catalog.source == "cache" and heard == [1]
        gone = bundle["services"][0]["service_code"]
        sim.stop()
        sim2 = simulator_factory(catalog=retired(bundle, gone), port=sim.port)
        mono.t += 3600
        keeper.step()
        assert keeper.refreshes == 1  # not due yet
        mono.t += 23 * 3600
        keeper.step()
        assert keeper.refreshes == 2 and len(heard) == 2
        try:
            catalog.service(gone)
            raise AssertionError("a retired service is still offered")
        except UnknownService:
            pass
        sim2.stop()


def test_the_running_app_picks_up_kiosk_catalog_refresh(tmp_path, simulator_factory, kiosk_catalog_file):
    import json

    from kiosk.core import KioskCore

    full = json.loads(kiosk_catalog_file.read_text(encoding="utf-8"))
    gone = full["services"][0]["service_code"]
    sim = simulator_factory(catalog=full)
    cfg_path = write_config(tmp_path / "kiosk.toml", tmp_path / "data", sim.base_url)
    cfg = config_mod.load(cfg_path)
    core = KioskCore(cfg, start_sync=False)
    changed = threading.Event()
    core.subscribe_catalog(changed.set)
    core.catalog_keeper.watch_s = 0.1
    core.start()  # the app: refreshes at start
    try:
        assert changed.wait(GUARD_S)
        assert core.catalog.service(gone)
        changed.clear()
        sim.stop()
        simulator_factory(catalog=retired(full, gone), port=sim.port)
        out = run_kiosk(cfg_path, "catalog", "refresh")  # the technician, in another process
        assert out.returncode == 0, out.stderr
        assert changed.wait(GUARD_S), "the running app never noticed the refreshed cache"
        assert gone not in {s.code for s in core.catalog.services()}
        assert core.catalog_keeper.reloads >= 1
    finally:
        core.close()
