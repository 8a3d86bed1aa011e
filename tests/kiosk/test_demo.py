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


def test_kiosk_demo_starts_the_simulator_and_the_app(tmp_path):
    """What `make run` does, headless: simulator up, samples filed, welcome shown, clean exit."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path / "share")}
    env.pop("KIOSK_CONFIG", None)
    done = subprocess.run([sys.executable, "-m", "kiosk", "demo", "--exit-after-start"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-1500:]
    assert "simulator at http://127.0.0.1:" in done.stderr
    assert done.stderr.count("sample tracking code") == len(demo.SAMPLES)
    assert "Traceback" not in done.stderr


def test_sigterm_while_the_simulator_starts_is_handled_once_it_can_be_stopped():
    """A SIGTERM that comes while the simulator is being started waits until the demo holds
    it (and can stop it); the child started meanwhile still takes SIGTERM itself."""
    import os
    import signal
    import subprocess
    import sys

    from kiosk.demo import _signals_held

    seen: list[str] = []

    def handler(_signum, _frame):
        seen.append("handled")
        raise SystemExit(0)

    old = signal.signal(signal.SIGTERM, handler)
    child = None
    try:
        try:
            with _signals_held():
                os.kill(os.getpid(), signal.SIGTERM)
                child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
                seen.append("started")
        except SystemExit:
            pass
        assert seen == ["started", "handled"]
        child.terminate()
        assert child.wait(timeout=10) == -signal.SIGTERM  # not blocked in the child
    finally:
        signal.signal(signal.SIGTERM, old)
        if child is not None and child.poll() is None:
            child.kill()
