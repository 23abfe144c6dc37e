"""Fixtures for the directory's tests: the household tests' signed-in browsers."""

from tests.households.conftest import browser_for  # noqa: F401
