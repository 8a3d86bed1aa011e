"""The kiosk core: config, domain, catalog, validation, tracking codes, use cases and CLI.

No Qt widgets here; ``ui/`` calls :class:`kiosk.core.KioskCore` and listens to its events.
"""
__version__ = "0.1.0"
