"""The touch UI (PySide6): screens, keyboard, flow controller.  See docs/ARCHITECTURE.md.

Talks only to ``kiosk.core.KioskCore``; the sync events reach it through ``ui/bridge.py``.
"""
