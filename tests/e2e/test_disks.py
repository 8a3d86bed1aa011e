"""Disks that fill, turn read-only or leak: a small tmpfs filled to the last byte, a read-only
bind mount, and the modes of everything the kiosk writes (personal data at rest)."""
from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest
from kiosktest import kiosk_catalog_file, run_kiosk, sample_attributes, simple_services, write_config  # noqa: F401

from kiosk import config as config_mod
from kiosk import datadir


def _mount(args: list[str]) -> None:
    r = subprocess.run(["mount", *args], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount here ({r.stderr.strip()}); needs root")


@pytest.fixture
def mounts():
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs or a bind mount needs root")
    done: list[Path] = []

    def mount(*args: str, target: Path) -> Path:
        target.mkdir(parents=True, exist_ok=True)
        _mount([*args, str(target)])
        done.append(target)
        return target

    yield mount
    for target in reversed(done):
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


def _submissions(cfg, n: int) -> list[dict]:
    service = simple_services(cfg)[0]
    return [{"service_code": service.code, "attributes": sample_attributes(service),
             "description": f"Atap los {i} bocor", "reporter": {"name": "Siti Rahayu", "phone": "081234567890"},
             "language": "id"} for i in range(n)]


def _enqueue(cfg_path: Path, cfg, tmp_path: Path, n: int) -> list[str]:
    f = tmp_path / "in.json"
    f.write_text(json.dumps(_submissions(cfg, n)), encoding="utf-8")
    out = run_kiosk(cfg_path, "enqueue", str(f))
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def _fill(where: Path) -> None:
    """Write until the file system says ENOSPC (what months of logs and receipts do)."""
    with open(where / "filler.bin", "wb", buffering=0) as fh:
        chunk = b"\xa5" * 65536
        try:
            while True:
                fh.write(chunk)
        except OSError:
            pass
        try:
            while True:
                fh.write(b"\xa5" * 512)
        except OSError:
            pass


def test_full_disk_the_kiosk_still_starts_delivers_and_exports_and_says_disk_full(
        mounts, tmp_path, simulator_factory, kiosk_catalog_file):
    sim = simulator_factory(catalog=kiosk_catalog_file)
    disk = mounts("-t", "tmpfs", "-o", "size=12m", "tmpfs", target=tmp_path / "disk")
    cfg_path = write_config(tmp_path / "k.toml", disk / "data", sim.base_url, extra="")
    cfg_path.write_text(cfg_path.read_text().replace('[kiosk]\n', '[kiosk]\nspace_reserve_mb = 2\n'), encoding="utf-8")
    cfg = config_mod.load(cfg_path)
    codes = _enqueue(cfg_path, cfg, tmp_path, 3)
    assert (cfg.data_dir / datadir.BALLAST_NAME).stat().st_size == 2 << 20
    _fill(disk)
    assert os.statvfs(disk).f_bavail == 0

    queue = run_kiosk(cfg_path, "queue", "--json")
    assert queue.returncode == 0, queue.stderr
    assert json.loads(queue.stdout)["queued"] == 3
    assert "disk full" in queue.stderr and "Traceback" not in queue.stderr
    assert not (cfg.data_dir / datadir.BALLAST_NAME).exists(), "the reserve was released"

    # A citizen filing now is not turned away: the released reserve holds it.
    codes += _enqueue(cfg_path, cfg, tmp_path, 1)

    stick = tmp_path / "stick.bundle"
    out = run_kiosk(cfg_path, "bundle", "export", str(stick))
    assert out.returncode == 0, out.stderr
    assert "Exported 4" in out.stdout

    started = run_kiosk(cfg_path, "run", "--exit-after-start", "--windowed")
    assert started.returncode == 0, started.stderr
    assert "Traceback" not in started.stderr

    from kiosk.core import KioskCore

    with KioskCore(cfg, start_sync=False) as core:
        assert any("penuh" in w for w in core.staff_warnings("id"))
        assert "Penyimpanan kios penuh" in core.last_sync_error_text("id")
    check = run_kiosk(cfg_path, "check")
    disk_line = next(line for line in check.stdout.splitlines() if " disk " in line)
    assert disk_line.startswith("FAIL") and "disk full" in disk_line

    sync = run_kiosk(cfg_path, "sync", "--once")
    assert sync.returncode == 0, sync.stderr
    assert "Traceback" not in sync.stderr
    assert sorted(r["body"].split("kiosk_ref%5D=")[1].split("&")[0] for r in sim.requests()) == sorted(codes)
    assert len(sim.requests()) == 4
    assert json.loads(run_kiosk(cfg_path, "queue", "--json").stdout)["sent"] == 4

    # Space freed: the reserve comes back at the next start.
    (disk / "filler.bin").unlink()
    assert run_kiosk(cfg_path, "queue").returncode == 0
    assert (cfg.data_dir / datadir.BALLAST_NAME).exists()


def test_read_only_data_dir_is_one_clear_line_and_not_called_damaged(mounts, tmp_path):
    data = tmp_path / "data"
    cfg_path = tmp_path / "k.toml"
    cfg_path.write_text(f'[kiosk]\ndata_dir = "{tmp_path / "ro"}"\nspace_reserve_mb = 0\n', encoding="utf-8")
    data.mkdir()
    # A real outbox, then the folder is bind-mounted read-only where the kiosk looks for it.
    real = tmp_path / "real.toml"
    real.write_text(f'[kiosk]\ndata_dir = "{data}"\nspace_reserve_mb = 0\n', encoding="utf-8")
    assert run_kiosk(real, "queue").returncode == 0
    ro = mounts("--bind", str(data), target=tmp_path / "ro")
    _mount(["-o", "remount,bind,ro", str(ro)])
    for args in (("queue",), ("sync", "--once"), ("bundle", "export", str(tmp_path / "x.bundle")),
                 ("run", "--exit-after-start", "--windowed")):
        out = run_kiosk(cfg_path, *args)
        assert out.returncode == 1, (args, out.stderr)
        lines = [line for line in out.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, (args, out.stderr)
        assert "read-only" in lines[0] and str(ro) in lines[0]
        assert "Traceback" not in out.stderr
    check = run_kiosk(cfg_path, "check")
    db_line = next(line for line in check.stdout.splitlines() if " database " in line)
    assert db_line.startswith("FAIL") and "damaged" not in db_line and "Read-only" in db_line


def test_everything_the_kiosk_writes_is_private(tmp_path, simulator_factory, kiosk_catalog_file):
    sim = simulator_factory(catalog=kiosk_catalog_file)
    cfg_path = write_config(tmp_path / "k.toml", tmp_path / "data", sim.base_url)
    cfg = config_mod.load(cfg_path)
    # An older install left the dir 0755 and a log 0644; a technician's shell has umask 022.
    cfg.data_dir.mkdir(mode=0o755)
    os.chmod(cfg.data_dir, 0o755)
    (cfg.data_dir / "logs").mkdir()
    old_log = cfg.data_dir / "logs" / "kiosk.log"
    old_log.write_text("old\n")
    os.chmod(old_log, 0o644)
    prev = os.umask(0o022)
    try:
        codes = _enqueue(cfg_path, cfg, tmp_path, 2)
        assert run_kiosk(cfg_path, "catalog", "refresh").returncode == 0
        assert run_kiosk(cfg_path, "receipt", codes[0], "--print").returncode == 0
        # The app's own process holds the WAL open while we look.
        from kiosk.core import KioskCore

        with KioskCore(cfg, start_sync=False) as core:
            core.outbox.get(codes[0])
            files = [p for p in cfg.data_dir.rglob("*")]
            assert any(p.name.endswith("-wal") for p in files)
            assert any(p.name == "catalog.sqlite3" for p in files)
            assert any(p.suffix == ".pdf" for p in files)
            assert stat.S_IMODE(cfg.data_dir.stat().st_mode) == 0o700
            for p in files:
                mode = stat.S_IMODE(p.stat().st_mode)
                if p.is_dir():
                    assert mode & 0o077 == 0, f"{p} is {oct(mode)}"
                else:
                    assert mode & 0o077 == 0, f"{p} is {oct(mode)}"
    finally:
        os.umask(prev)
    units = list(Path(__file__).resolve().parents[2].glob("deploy/*.service"))
    assert units and all("UMask=0077" in u.read_text() for u in units)


def test_disk_filling_while_the_app_runs_the_reserve_takes_the_citizens_submission(mounts, tmp_path):
    from kiosk.core import KioskCore, StorageFull
    from kiosk.model import Draft, Reporter

    disk = mounts("-t", "tmpfs", "-o", "size=10m", "tmpfs", target=tmp_path / "disk")
    cfg = config_mod.from_dict({"kiosk": {"data_dir": str(disk / "data"), "space_reserve_mb": 2}})
    with KioskCore(cfg, start_sync=False) as core:
        service = simple_services(cfg)[0]

        def draft(i: int) -> Draft:
            return Draft(service.code, f"Atap los {i} bocor " + "x" * 3000, sample_attributes(service),
                         Reporter(name="Siti Rahayu", phone="081234567890"))

        core.submit(draft(0))
        assert (cfg.data_dir / datadir.BALLAST_NAME).exists()
        _fill(disk)
        done = core.submit(draft(1))  # the reserve is released for it
        assert core.outbox.get(done.tracking_code) is not None
        assert not (cfg.data_dir / datadir.BALLAST_NAME).exists()
        assert any("penuh" in w for w in core.staff_warnings("id"))
        # Only when the reserve is used up too is a submission refused, with the message staff know.
        with pytest.raises(StorageFull):
            for i in range(2, 2000):
                core.submit(draft(i))
        stored = sum(core.outbox.counts().values())
        assert stored >= 3
