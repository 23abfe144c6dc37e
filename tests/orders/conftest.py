"""Fixtures for the orders' tests: the household tests' signed-in browsers, and a clock
pinned to a day."""

import pytest

from tests.households.conftest import browser_for  # noqa: F401
from tests.orders.make import TODAY, Calendar


@pytest.fixture
def calendar(monkeypatch) -> Calendar:
    """The application's clock pinned to noon of make.TODAY; calendar.go(day) moves it."""
    return Calendar(monkeypatch, TODAY)
