"""Before ``make run`` opens a window: are Qt's system libraries there?

Qt's xcb platform plugin fails on a fresh Debian with one line about "xcb" that does not say
which of a dozen libraries is missing.  This looks for each shared library by its soname
(``dlopen``, so it works whatever installed it) and prints the one ``apt-get install`` line
for what is missing.  It imports no Qt, so it runs even when Qt cannot load.

``python -m ui.syslibs``: exit 0 if everything is there (or Qt will not use xcb: the
offscreen platform, Wayland, no X display), else 1 after printing the line.
"""
from __future__ import annotations

import ctypes
import os
import sys

#: Debian package -> the library Qt (xcb platform, Qt Virtual Keyboard) loads from it.
PACKAGES: dict[str, str] = {
    "libxcb-cursor0": "libxcb-cursor.so.0",
    "libxcb-icccm4": "libxcb-icccm.so.4",
    "libxcb-image0": "libxcb-image.so.0",
    "libxcb-keysyms1": "libxcb-keysyms.so.1",
    "libxcb-randr0": "libxcb-randr.so.0",
    "libxcb-render-util0": "libxcb-render-util.so.0",
    "libxcb-shape0": "libxcb-shape.so.0",
    "libxcb-xinerama0": "libxcb-xinerama.so.0",
    "libxcb-xkb1": "libxcb-xkb.so.1",
    "libxkbcommon-x11-0": "libxkbcommon-x11.so.0",
    "libegl1": "libEGL.so.1",
    "libfontconfig1": "libfontconfig.so.1",
    "libdbus-1-3": "libdbus-1.so.3",
    "libpulse0": "libpulse.so.0",  # Qt Virtual Keyboard's components plugin
}


def _loadable(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_packages(packages: dict[str, str] | None = None) -> list[str]:
    """The Debian packages whose library cannot be loaded, in ``PACKAGES`` order."""
    return [pkg for pkg, so in (packages or PACKAGES).items() if not _loadable(so)]


def install_line(missing: list[str]) -> str:
    return "sudo apt-get install -y " + " ".join(missing)


def needs_xcb(env: dict[str, str] | None = None) -> bool:
    """Whether Qt will use its xcb (X11) platform: Linux, an X display, no other platform asked."""
    env = os.environ if env is None else env
    platform = env.get("QT_QPA_PLATFORM", "")
    if not sys.platform.startswith("linux"):
        return False
    if platform:
        return platform.startswith("xcb")
    return bool(env.get("DISPLAY"))


def main() -> int:
    if not needs_xcb():
        return 0
    missing = missing_packages()
    if not missing:
        return 0
    print("Qt cannot open a window: these system libraries are missing. Install them with:", file=sys.stderr)
    print(install_line(missing), file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
