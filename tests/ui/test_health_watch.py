"""Staff read the health watch's word in the status bar; the pings stop only on a final verdict."""
from __future__ import annotations

from kiosk import health
from ui.healthwatch import HealthTimer
from uihelpers import find


def test_a_failing_vital_sign_is_shown_to_staff_then_the_pings_stop(qtbot, window, monkeypatch):
    pings: list[str] = []
    monkeypatch.setattr("kiosk.watchdog.notify", lambda state: pings.append(state) or True)
    monkeypatch.setenv("WATCHDOG_USEC", "200000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    signs = [[health.Sign("disk", "warning", "150 MiB free", 150)]] + \
        [[health.Sign("descriptors", "fatal", "990 of 1024 open", 990)]] * 3
    feed = iter(signs)
    watch = HealthTimer(window.core, window, check_interval_s=3600, probe=lambda: next(feed),
                        limits=health.Limits(strikes=3))
    watch.changed.connect(window.show_health)
    watch.start()
    label = find(window, "status-health")
    assert not label.isVisible()

    watch.check()
    assert label.isVisible() and label.text() == "Peringatan: Ruang disk hampir habis."
    watch.check()
    watch.check()
    assert watch.watch.alive
    qtbot.wait(250)
    assert "WATCHDOG=1" in pings
    watch.check()  # the third fatal check in a row: final
    assert label.text() == "Terlalu banyak berkas terbuka: kios perlu dimulai ulang."
    assert not watch.watch.alive
    assert any(p.startswith("STATUS=unhealthy") for p in pings)
    pings.clear()
    qtbot.wait(300)
    watch.ping()  # even a ping asked for by hand is not sent
    assert "WATCHDOG=1" not in pings
    watch.stop()


def test_the_real_checks_of_a_healthy_kiosk_show_nothing(qtbot, window):
    watch = HealthTimer(window.core, window, check_interval_s=3600)
    watch.changed.connect(window.show_health)
    verdict = watch.check()
    assert [s.level for s in verdict.signs if s.name != "disk"] == ["ok"] * 3, verdict.log_text()
    if all(s.level == "ok" for s in verdict.signs):
        assert not find(window, "status-health").isVisible()
