"""Fixtures for the documents tests."""

from tests.paging import browser_for  # noqa: F401  (a fixture)
