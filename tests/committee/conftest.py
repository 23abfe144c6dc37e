import pytest

from tests.conftest import login


@pytest.fixture
def browser_for(app_ctx, make):
    """browser_for("manager"): a new signed-in browser (a client of its own)."""

    def _browser(who="officer"):
        user = make.user(who) if isinstance(who, str) else who
        return login(app_ctx.test_client(), user)

    return _browser
