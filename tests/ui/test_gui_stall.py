"""A big backlog drains while a citizen keeps using the kiosk.

5,000 queued submissions sync to the simulator while the screens are tapped: every one
arrives and the status bar counts down to 0.  How long the GUI thread waits meanwhile is a
timing, so it belongs in ``bench/`` beside a reference from the same run, not in an
assertion here (that bench row is not built yet).
"""
from __future__ import annotations

import pytest
from uihelpers import find, tap

from kiosk.model import Draft, Reporter

BACKLOG = 5_000


@pytest.mark.slow
def test_backlog_of_5000_drains_while_the_screens_are_used(qtbot, tmp_path, sim, make_window):
    from kiosk.core import KioskCore
    from uihelpers import kiosk_config

    cfg = kiosk_config(tmp_path, sim.base_url)
    with KioskCore(cfg, start_sync=False) as filler:
        draft = Draft(service_code="UMM-SARAN", description="Antrean panjang", reporter=Reporter(anonymous=True))
        for _ in range(BACKLOG):
            filler.submit(draft)

    core = KioskCore(cfg)  # starts syncing the backlog at once
    try:
        window = make_window(core)
        # A citizen keeps using the kiosk meanwhile.
        tap(qtbot, find(window, "start-report"))
        tap(qtbot, window.back_button)
        tap(qtbot, find(window, "start-report"))
        qtbot.waitUntil(lambda: core.outbox.counts().get("sent", 0) == BACKLOG, timeout=300_000)
        qtbot.waitUntil(lambda: find(window, "status-queue").text().endswith(" 0"), timeout=10_000)
        assert window.flow.screen == "service"  # the citizen's screen was never taken away
    finally:
        core.close()
    assert len(sim.requests()) == BACKLOG  # each exactly once
