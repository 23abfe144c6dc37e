"""Fixtures for the audit tests."""

from tests.paging import browser_for  # noqa: F401  (a fixture)
