"""The vital signs (kiosk/health.py) on real files: a healthy kiosk, a data dir remounted
read-only (what ext4's errors=remount-ro does), a nearly full disk (a small tmpfs)."""
from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest

from kiosk import health
from offline_queue import Outbox


@pytest.fixture
def outbox(tmp_path):
    ob = Outbox(tmp_path / "data" / "outbox.sqlite3")
    yield ob
    ob.close()


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here: {done.stderr.strip()}")


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], check=False)


def _in_new_thread(fn):
    """Run ``fn`` on a fresh thread (a fresh outbox connection, opened after the remount)."""
    out = []
    t = threading.Thread(target=lambda: out.append(fn()))
    t.start()
    t.join()
    return out[0]


def test_a_healthy_kiosk_has_nothing_to_say(outbox, tmp_path):
    watch = health.HealthWatch(lambda: health.check(outbox, tmp_path, health.Limits(disk_warning_bytes=1)))
    verdict = watch.tick()
    assert [s.level for s in verdict.signs] == ["ok"] * 4, verdict.log_text()
    assert verdict.staff_text("id") == ""
    assert watch.alive


def test_a_read_only_data_dir_is_beyond_repair_after_three_checks(outbox, tmp_path):
    data = tmp_path / "data"
    _mount("--bind", str(data), str(data))
    try:
        _mount("-o", "remount,bind,ro", str(data))
        watch = health.HealthWatch(lambda: _in_new_thread(lambda: health.check(outbox, data)), strikes=3)
        first = watch.tick()
        assert any(s.name == "outbox" and s.level == "fatal" for s in first.signs), first.log_text()
        assert watch.alive and not first.final  # one bad check is not yet a reason to restart
        watch.tick()
        final = watch.tick()
    finally:
        _umount(data)
    assert final.final and not watch.alive
    assert final.staff_text("id") == "Antrean laporan tidak dapat ditulis: kios perlu dimulai ulang."
    assert final.staff_text("en") == "The report queue cannot be written: the kiosk needs a restart."
    # Latched: the disk coming back does not bring the pings back; only a restart does.
    assert watch.tick() is final


def test_a_nearly_full_disk_is_told_to_staff_but_is_no_reason_to_restart(tmp_path):
    small = tmp_path / "small"
    small.mkdir()
    _mount("-t", "tmpfs", "-o", "size=2m", "tmpfs", str(small))
    try:
        ob = Outbox(small / "outbox.sqlite3")
        try:
            watch = health.HealthWatch(lambda: health.check(ob, small), strikes=2)
            verdicts = [watch.tick() for _ in range(5)]
        finally:
            ob.close()
    finally:
        _umount(small)
    disk = [s for s in verdicts[-1].signs if s.name == "disk"][0]
    assert disk.level == "warning"
    assert watch.alive and not verdicts[-1].final
    assert verdicts[-1].staff_text("id") == "Peringatan: Ruang disk hampir habis."


def test_one_bad_check_among_good_ones_never_adds_up(tmp_path):
    bad = [health.Sign("threads", "fatal", "500 threads", 500)]
    good = [health.Sign("threads", "ok", "12 threads", 12)]
    seq = iter([bad, bad, good, bad, bad, good, bad])
    watch = health.HealthWatch(lambda: next(seq), strikes=3)
    assert not any(watch.tick().final for _ in range(7))
    assert watch.alive


def test_the_real_counts_are_plausible():
    assert health.open_descriptors() > 2
    assert health.thread_count() >= threading.active_count()
    assert health.check_descriptors(health.Limits()).level == "ok"
