"""Fixtures for the orders' tests: the household tests' signed-in browsers."""

from tests.households.conftest import browser_for  # noqa: F401
