"""`kiosk demo` files its sample submissions once, so a first-time visitor has codes to look up."""
from kiosk import config as config_mod
from kiosk import demo
from kiosk.core import KioskCore


def test_samples_are_valid_and_filed_once(tmp_path):
    cfg = demo.demo_config(config_mod.from_dict({"kiosk": {"data_dir": str(tmp_path)}}))
    assert cfg.printer.backend == "file" and not cfg.kiosk.fullscreen
    with KioskCore(cfg, start_sync=False) as core:
        codes = demo.seed_samples(core)
        assert len(codes) == len(demo.SAMPLES)
        assert demo.seed_samples(core) == []
        assert core.lookup_status(codes[0], "id").outcome == "waiting"
