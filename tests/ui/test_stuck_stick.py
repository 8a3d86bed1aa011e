"""A USB stick that hangs mid-export holds only the export: the clerk can still work, log out
and back in, and the stick's write finishes (or not) on its own."""
from __future__ import annotations

import os
import threading
from datetime import datetime

from test_staff_area import PIN, enter_pin, file_anonymous, open_staff_area, with_pin
from uihelpers import find, tap

from kiosk.clock import WIB
from ui import ops


def leave_and_log_in_again(qtbot, window) -> None:
    """From the staff page: out to the welcome screen, the PIN again, while the export hangs."""
    tap(qtbot, window.back_button)
    assert window.flow.screen == "welcome"
    window.flow.open_staff()
    enter_pin(qtbot, window, PIN)
    assert window.flow.screen == "staff"
    assert ops.busy()  # the export is still stuck


def stick_comes_back(qtbot, fifo) -> None:
    """A reader drains the FIFO (the stick answers again); the export finishes."""
    drained = threading.Thread(target=lambda: open(fifo, "rb").read(), daemon=True)
    drained.start()
    qtbot.waitUntil(lambda: not ops.busy(), timeout=15000)
    drained.join(5)


def test_a_hung_stick_holds_neither_the_staff_area_nor_the_pin_check(qtbot, make_window, make_core, tmp_path):
    stick = tmp_path / "stick"
    stick.mkdir()
    core = with_pin(make_core(), export_dir=str(stick))
    core.clock = lambda: datetime(2026, 12, 2, 9, 30, 0, tzinfo=WIB)
    file_anonymous(core, "Belum terkirim, ekspor macet")
    # The export writes ".<name>.tmp" first: as a FIFO with no reader, opening it blocks in the
    # kernel exactly like a write to a stick that stopped answering.
    fifo = stick / f".{core.bundle_filename()}.tmp"
    os.mkfifo(fifo)
    window = make_window(core)
    open_staff_area(qtbot, window)
    tap(qtbot, find(window, "staff-export"))
    qtbot.waitUntil(lambda: "Mengekspor" in find(window, "staff-message").text(), timeout=5000)
    assert not find(window, "staff-export").isEnabled()  # no second export on top of the first

    # The queue figures still refresh, and leaving and logging in again still works.
    before = find(window, "queue-summary").text()
    tap(qtbot, find(window, "staff-refresh"))
    qtbot.waitUntil(lambda: bool(find(window, "queue-summary").text()), timeout=5000)
    assert "1" in before
    leave_and_log_in_again(qtbot, window)

    stick_comes_back(qtbot, fifo)
    assert find(window, "staff-export").isEnabled()


def test_a_hung_stick_holds_neither_the_skm_page_nor_the_pin_check(qtbot, make_window, make_core, tmp_path):
    """The survey report's export, as the unsent-reports export above: on the media lane."""
    from kiosk.skm import ELEMENT_IDS
    from test_skm import _open_skm_page

    stick = tmp_path / "stick"
    stick.mkdir()
    core = with_pin(make_core(), export_dir=str(stick))
    core.clock = lambda: datetime(2026, 12, 2, 9, 30, 0, tzinfo=WIB)
    core.skm.record([{"answers": {e: 3 for e in ELEMENT_IDS}}])
    fifo = stick / f"skm-{core.cfg.kiosk.id}-20261202.pdf"  # a write that blocks in the kernel
    os.mkfifo(fifo)
    window = make_window(core)
    _open_skm_page(qtbot, window)
    tap(qtbot, window.primary_button)
    qtbot.waitUntil(lambda: "Mengekspor" in find(window, "skm-message").text(), timeout=5000)
    assert not window.primary_button.isEnabled()  # no second export on top of the first
    tap(qtbot, find(window, "skm-period-all"))  # the page still answers
    tap(qtbot, window.back_button)
    assert window.flow.screen == "staff"
    leave_and_log_in_again(qtbot, window)
    stick_comes_back(qtbot, fifo)
    assert (stick / f"skm-{core.cfg.kiosk.id}-20261202.csv").exists()


def test_the_media_lane_is_not_joined_at_exit():
    """Python joins pool threads when it exits; the stick's lane must be a daemon."""
    m = ops.TaskManager()
    gate = threading.Event()
    m.run(gate.wait, lane=ops.MEDIA)
    threads = [t for t in threading.enumerate() if t.name.startswith("ui-media")]
    assert threads and all(t.daemon for t in threads)
    m.shutdown(wait_s=0.1)
    gate.set()
