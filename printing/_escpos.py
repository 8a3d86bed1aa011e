"""Import python-escpos without leaving a temporary folder behind on every start.

python-escpos 3.1's ``escpos/capabilities.py`` runs, at import time::

    pickle_dir = environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR", mkdtemp())

``mkdtemp()`` is evaluated *before* ``get`` looks at the environment, so every import makes
a new ``/tmp/tmpXXXXXXXX`` (holding a pickle when the variable is unset) that nothing ever
removes: a kiosk restarted daily for months fills ``/tmp``.  It also calls
``logging.basicConfig()``, which would send every library's warnings to stderr.

So the first import goes through :func:`load`: it points the variable at a fixed folder in
the user cache, makes ``mkdtemp`` return that folder *for calls from that module only*
(other threads calling ``tempfile.mkdtemp`` meanwhile are unaffected), and gives the root
logger a temporary handler so ``basicConfig`` does nothing.  ``tests/printing/
test_escpos_import.py`` proves the number of temporary folders no longer grows.
"""
from __future__ import annotations

import logging
import os
import sys
import tempfile
import threading
from types import ModuleType

import platformdirs

ENV = "ESCPOS_CAPABILITIES_PICKLE_DIR"
_lock = threading.Lock()


def pickle_dir() -> str:
    """Where the capabilities pickle lives: ``$ESCPOS_CAPABILITIES_PICKLE_DIR`` or the user cache."""
    return os.environ.get(ENV) or platformdirs.user_cache_dir("python-escpos", appauthor=False)


def load() -> ModuleType:
    """``escpos.printer``, imported without side effects on /tmp or logging."""
    with _lock:
        if "escpos.capabilities" not in sys.modules:
            _first_import()
        import escpos.printer

        return escpos.printer


def _first_import() -> None:
    folder = pickle_dir()
    os.makedirs(folder, exist_ok=True)
    os.environ[ENV] = folder
    real_mkdtemp = tempfile.mkdtemp

    def mkdtemp(*args, **kwargs):  # type: ignore[no-untyped-def]
        if sys._getframe(1).f_globals.get("__name__") == "escpos.capabilities":
            return folder
        return real_mkdtemp(*args, **kwargs)

    root = logging.getLogger()
    guard = None
    if not root.handlers:
        guard = logging.NullHandler()
        root.addHandler(guard)
    tempfile.mkdtemp = mkdtemp  # type: ignore[assignment]
    try:
        import escpos.capabilities  # noqa: F401
    finally:
        tempfile.mkdtemp = real_mkdtemp  # type: ignore[assignment]
        if guard is not None:
            root.removeHandler(guard)
