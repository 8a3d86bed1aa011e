"""Keep None, True and False alive under the PySide6 6.12 reference-count bug (Python < 3.12).

Measured here (PySide6/shiboken6 6.12.0 on CPython 3.11): every call from Python to a Qt
method returning ``void`` (``label.setText``, ``button.setEnabled``, ``widget.update``...)
drops one reference to ``None`` that it never took, and some bool paths do the same to
``True``/``False``.  ``None`` starts with about 5,000 references, so after a few thousand
such calls -- minutes of a busy kiosk -- CPython frees ``None`` and aborts with
"Fatal Python error: none_dealloc" (tests/ui/test_refcount_guard.py shows it).

CPython 3.12 made these objects immortal (PEP 683), which hides the bug.  On 3.11 we give
them a very large number of extra references once at start-up, which is what immortality
amounts to.  The real fix is a corrected PySide6 or Python >= 3.12; this guard is then a
no-op.
"""
from __future__ import annotations

import ctypes
import sys

EXTRA_REFS = 1 << 40  # ~10^12 leaked decrefs before trouble: centuries of kiosk use
_applied = False


def apply() -> bool:
    """Add the extra references once (only on CPython < 3.12); True if it did."""
    global _applied
    if _applied or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    for obj in (None, True, False):
        # ob_refcnt is the first field of every CPython object.
        ctypes.c_ssize_t.from_address(id(obj)).value += EXTRA_REFS
    _applied = True
    return True
