"""The touch UI (PySide6).  See docs/ARCHITECTURE.md.

Importing ``ui`` first protects the process from the PySide6 6.12 reference-count bug
(see ``ui/_refcount_guard.py``).
"""
from ui import _refcount_guard

_refcount_guard.apply()
