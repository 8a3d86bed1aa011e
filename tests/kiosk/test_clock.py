"""The kiosk's judgement of its own clock (kiosk/clock.py): one rule, used everywhere."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from kiosk import clock as clock_mod
from kiosk import config as config_mod
from kiosk.clock import Clock
from kiosk.model import Draft, Reporter
from kiosktest import kiosk_catalog_file, sample_attributes, simple_services  # noqa: F401

REAL = datetime(2027, 3, 4, 5, 6, 7, tzinfo=timezone.utc)


class Ticks:
    def __init__(self, wall: datetime):
        self.wall, self.mono = wall.timestamp(), 1000.0

    def advance(self, s: float) -> None:
        self.wall += s
        self.mono += s


def test_a_clock_outside_the_window_is_implausible_and_clamped_so_receipts_stay_signable():
    earliest, latest = clock_mod.plausible_window()
    for wrong, clamp in ((datetime(2000, 1, 1, tzinfo=timezone.utc), earliest),
                         (datetime(2070, 1, 1, tzinfo=timezone.utc), latest)):
        t = Ticks(wrong)
        c = Clock(wall=lambda: t.wall, mono=lambda: t.mono)
        state = c.state()
        assert state.verdict == "implausible" and not state.server_known
        assert state.trusted == clamp
        assert "Jam kios salah" in state.message("id") and wrong.strftime("%Y-%m-%d") in state.message("id")
        from kiosk.signing import encode_time

        encode_time(c.now())  # no "submission time out of range"


def test_the_servers_date_is_the_judge_and_a_local_jump_does_not_move_it():
    t = Ticks(REAL + timedelta(days=365 * 13))  # 2040, "plausible" to nobody once the server speaks
    c = Clock(wall=lambda: t.wall, mono=lambda: t.mono)
    c.observe(REAL, t.mono)
    t.advance(60)
    state = c.state()
    assert state.verdict == "skewed" and state.server_known
    assert state.trusted == REAL + timedelta(seconds=60)
    assert "menit" in state.message("id")
    t.wall = (REAL + timedelta(seconds=120)).timestamp()  # NTP corrects the local clock
    t.mono += 60
    state = c.state()
    assert state.ok and abs((state.trusted - (REAL + timedelta(seconds=120))).total_seconds()) < 1
    assert state.message("id") == ""


def test_the_clock_reads_the_open311_clients_date_header_without_asking(simulator):
    from offline_queue import Open311Client

    t = Ticks(datetime(2000, 1, 1, tzinfo=timezone.utc))
    c = Clock(wall=lambda: t.wall)
    with Open311Client(simulator.base_url, "demo-key", "banyuwangikab.go.id") as client:
        c.add_source(lambda: client.last_server_date)
        assert c.state().verdict == "implausible"
        client.services()
        state = c.state()
    assert state.verdict == "skewed" and abs((state.trusted - datetime.now(timezone.utc)).total_seconds()) < 5


def test_submit_with_an_unsignable_time_stores_nothing(tmp_path, kiosk_catalog_file):
    from kiosk.core import KioskCore

    cfg = config_mod.from_dict({"kiosk": {"data_dir": str(tmp_path / "data"), "space_reserve_mb": 0}})
    y2k = datetime(2000, 1, 1, 8, 0, tzinfo=clock_mod.WIB)
    with KioskCore(cfg, start_sync=False, clock=lambda: y2k) as core:
        service = simple_services(cfg)[0]
        draft = Draft(service.code, "Lampu los mati", sample_attributes(service), Reporter(name="Siti", phone="081234567890"))
        with pytest.raises(ValueError, match="out of range"):
            core.submit(draft)
        assert sum(core.outbox.counts().values()) == 0, "no row without a receipt"
