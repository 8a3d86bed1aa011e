"""Start-up after the first paint (ui/startup.py): the screen answers while the core opens.

Opening the core (importing the HTTP client, SQLite helpers and the report's PDF library,
opening the outbox) took 0.7-0.8 s here; on the GUI thread it was a frozen screen right after
the welcome screen appeared, which is when a citizen walks up and taps.  These tests hold the
real opening at a gate the test controls, tap the welcome screen meanwhile, then let it go.
"""
from __future__ import annotations

import threading

import pytest
from uihelpers import find, kiosk_config, tap


class GatedCore:
    """A real ``KioskCore(open_later=True)`` whose opening waits at a gate the test opens.

    The gate also opens by itself after 15 s, so an opening done on the GUI thread (the bug)
    cannot hang the test: it shows up as the tap answered only after the core opened.
    """

    def __init__(self, cfg, fail: BaseException | None = None):
        from kiosk.core import KioskCore

        self.gate = threading.Event()
        self.waiting = threading.Event()
        self.opened_on: int | None = None
        core = KioskCore(cfg, open_later=True, start_sync=False)
        real_open_parts = core._open_parts

        def gated_open_parts():
            self.opened_on = threading.get_ident()
            self.waiting.set()
            self.gate.wait(15)
            if fail is not None:
                raise fail
            return real_open_parts()

        core._open_parts = gated_open_parts
        self.core = core
        self.fallback = threading.Timer(15, self.gate.set)
        self.fallback.daemon = True
        self.fallback.start()

    def close(self):
        self.gate.set()
        self.fallback.cancel()
        self.core.close()


@pytest.fixture
def gated(tmp_path, sim):
    made = []

    def make(**kw):
        g = GatedCore(kiosk_config(tmp_path, sim.base_url), **kw)
        made.append(g)
        return g

    yield make
    for g in made:
        g.close()


def test_the_welcome_screen_answers_a_tap_while_the_core_is_still_opening(qtbot, make_window, gated):
    from ui.startup import StartUp

    g = gated()
    window = make_window(g.core)
    startup = StartUp(window, g.core)
    startup.begin()
    qtbot.waitUntil(g.waiting.is_set, timeout=10000)  # the opening has begun, and is held
    assert g.opened_on != threading.get_ident()  # not on the GUI thread

    tap(qtbot, find(window, "lang-en"))  # a citizen's first tap, while the core opens
    qtbot.waitUntil(lambda: find(window, "start-report").text().startswith("Report"), timeout=3000)
    assert not g.core.opened and not startup.done

    with qtbot.waitSignal(startup.finished, timeout=60000):
        g.gate.set()
    assert g.core.opened
    assert not window.screens.unbuilt()  # every screen was built after the core opened
    tap(qtbot, find(window, "start-report"))
    assert window.flow.screen == "service"


def test_a_core_that_cannot_open_stops_start_up_and_says_why(qtbot, make_window, gated):
    from ui.startup import StartUp

    g = gated(fail=PermissionError("read-only file system: /data"))
    window = make_window(g.core)
    startup = StartUp(window, g.core)
    with qtbot.waitSignal(startup.failed, timeout=30000) as failed:
        startup.begin()
        qtbot.waitUntil(g.waiting.is_set, timeout=10000)
        g.gate.set()
    assert isinstance(failed.args[0], PermissionError)
    assert startup.error is failed.args[0] and not startup.done
    assert not g.core.opened


def test_a_tap_on_report_while_the_service_list_is_prebuilt_finds_the_whole_list(qtbot, make_window, tmp_path, sim):
    """The list is built ahead a group per event-loop turn; "Lapor / Ajukan" tapped half-way
    shows every service all the same (the rest is built at once), each tile once."""
    from kiosk.core import KioskCore

    with KioskCore(kiosk_config(tmp_path, sim.base_url), start_sync=False) as core:
        window = make_window(core)
        screen = window.screens["service"]
        screen._built = None  # as on a fresh start: nothing built ahead yet
        screen.prebuild()
        partial = len(screen.tiles)
        everything = len(window.flow.services())
        assert 0 < partial < everything  # only the first group so far
        tap(qtbot, find(window, "start-report"))
        assert window.flow.screen == "service"
        assert len(screen.tiles) == everything
        names = [w.objectName() for w in screen.findChildren(type(next(iter(screen.tiles.values()))))
                 if w.objectName().startswith("service-")]
        assert len(names) == len(set(names)) == everything
