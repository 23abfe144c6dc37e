"""Fixtures for the household tests."""

from __future__ import annotations

import pytest

from tests.conftest import login


@pytest.fixture
def browser_for(app_ctx, make):
    """browser_for("manager") or browser_for(user): a signed-in Browser on its own client,
    so several people can work on the same file in one test."""

    def _browser(who="officer"):
        user = make.user(who) if isinstance(who, str) else who
        return login(app_ctx.test_client(), user)

    return _browser
