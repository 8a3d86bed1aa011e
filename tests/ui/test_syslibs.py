"""`make run` names the missing Qt system libraries in one apt-get line (real dlopen, no mocks)."""
from __future__ import annotations

import os
import subprocess
import sys

from ui import syslibs


def test_a_missing_library_is_named_in_one_install_line():
    packages = {"libc6": "libc.so.6", "libno-such-kiosk-lib0": "libno-such-kiosk-lib.so.0"}
    missing = syslibs.missing_packages(packages)
    assert missing == ["libno-such-kiosk-lib0"]
    assert syslibs.install_line(missing) == "sudo apt-get install -y libno-such-kiosk-lib0"


def test_offscreen_needs_no_xcb_library():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    got = subprocess.run([sys.executable, "-m", "ui.syslibs"], env=env, capture_output=True, text=True, timeout=60)
    assert got.returncode == 0 and got.stderr == ""


def test_with_a_display_the_line_lists_exactly_what_cannot_load():
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env["DISPLAY"] = ":99"  # an X display is what makes Qt pick xcb
    got = subprocess.run([sys.executable, "-m", "ui.syslibs"], env=env, capture_output=True, text=True, timeout=60)
    missing = syslibs.missing_packages()
    assert got.returncode == (1 if missing else 0)
    if missing:
        assert got.stderr.strip().splitlines()[-1] == syslibs.install_line(missing)


def test_only_an_x_display_needs_the_xcb_libraries():
    assert syslibs.needs_xcb({"DISPLAY": ":0"})
    assert not syslibs.needs_xcb({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"})
    assert not syslibs.needs_xcb({"WAYLAND_DISPLAY": "wayland-0"})
    assert syslibs.needs_xcb({"QT_QPA_PLATFORM": "xcb"})
