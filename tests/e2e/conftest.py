"""Fixtures of tests/support/kiosktest.py for the end-to-end tests."""
from kiosktest import kiosk_catalog_file, kiosk_setup  # noqa: F401
