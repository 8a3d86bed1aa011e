"""Personal data leaves the kiosk after the retention period; the receipt and the status stay."""
from kiosk import config as config_mod
from kiosk.core import KioskCore
from kiosk.model import Draft, Reporter
from kiosktest import kiosk_catalog_file, sample_attributes, simple_services  # noqa: F401 (fixture)


def test_erased_after_retention_but_reprint_and_status_still_work(tmp_path, simulator_factory, kiosk_catalog_file):
    sim = simulator_factory(catalog=kiosk_catalog_file)
    cfg = config_mod.from_dict({"kiosk": {"data_dir": str(tmp_path / "data")},
                                "server": {"base_url": sim.base_url},
                                "privacy": {"retention_days": 0}})
    with KioskCore(cfg, start_sync=False) as core:
        service = simple_services(cfg)[0]
        done = core.submit(Draft(service.code, "Lampu los mati", sample_attributes(service),
                                 Reporter(name="Siti Rahayu", phone="081234567890")))
        assert core.erase_expired() == 0  # not yet confirmed by the server: kept
        core.worker.drain()
        assert core.outbox.get(done.tracking_code).state == "sent"
        assert core.lookup_status(done.tracking_code, "id").outcome == "open"  # caches the status
        assert core.erase_expired() == 1
        item = core.outbox.get(done.tracking_code)
        assert item.body is None
        raw = (cfg.outbox_path.read_bytes() + cfg.outbox_path.with_name(cfg.outbox_path.name + "-wal").read_bytes()
               if cfg.outbox_path.with_name(cfg.outbox_path.name + "-wal").exists() else cfg.outbox_path.read_bytes())
        assert b"Siti Rahayu" not in raw and b"081234567890" not in raw
        assert "Lampu los mati".encode() not in raw  # the server's status answer repeats it
        assert core.lookup_status(done.tracking_code, "id").outcome == "open"
        assert core.receipt(done.tracking_code, "id").qr_data == done.qr_url
