"""Signing in on the real server while others work, and the lock under parallel guessing."""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import and_, or_, select

from capintra.audit.models import AuditEvent
from capintra.auth.models import User
from tests import factories
from tests.live.client import Response, statuses, summary, together
from tests.live.conftest import LIVE

pytestmark = LIVE

LOGINS = 30
GUESSES = 30
WRONG = "wrong password, but long enough"


def test_logins_succeed_while_a_colleague_browses_files(live):
    """A colleague goes from file to file and tab to tab (each opening and each read of a
    confidential note is a write); meanwhile another signs in thirty times."""
    officer = live.user("officer")

    def files():
        first = factories.household()
        factories.note(first, confidential=True, body="Entretien confidentiel.")
        return first.id, factories.household().id

    first, second = live.run(files)
    browsing = [f"/households/{first}", f"/households/{second}", f"/households/{first}/journal"]
    browser = live.client().login(officer)
    stop = threading.Event()
    browsed: list[Response] = []

    def browse():
        for path in itertools.cycle(browsing):
            if stop.is_set():
                return
            try:
                browsed.append(browser.get(path))
            except Exception as error:  # noqa: BLE001 - counted as an answer
                browsed.append(Response(-1, None, f"{type(error).__name__}: {error}"))

    assistant = live.user("assistant")
    mark = live.mark()
    thread = threading.Thread(target=browse, name="browsing colleague")
    thread.start()
    logins, dashboards = [], []
    try:
        for _ in range(LOGINS):
            client = live.client()
            logins.append(client.submit_login(assistant, factories.PASSWORD, client.login_form()))
            dashboards.append(client.get("/"))
    finally:
        stop.set()
        thread.join(timeout=60)

    why = (
        f"logins: {summary(logins, 302)}\ndashboard after login: {summary(dashboards, 200)}\n"
        f"browsing meanwhile: {summary(browsed, 200)}\n{live.explain(mark)}"
    )
    assert [r.status for r in logins] == [302] * LOGINS, why
    assert {r.location for r in logins} == {"/"}, why
    assert [r.status for r in dashboards] == [200] * LOGINS, why
    assert len(browsed) >= 10, f"the colleague browsed only {len(browsed)} pages: {why}"
    assert statuses(browsed) == {200: len(browsed)}, why
    user_id = live.scalars(select(User.id).where(User.username == assistant))[0]
    signed_in = live.count(AuditEvent, AuditEvent.action == "login", AuditEvent.user_id == user_id)
    assert signed_in == LOGINS, why


def test_thirty_parallel_wrong_passwords_lock_the_account_at_the_tenth(live):
    username = live.user("officer")
    (user_id,) = live.scalars(select(User.id).where(User.username == username))
    max_failures = live.app.config["LOGIN_MAX_FAILURES"]
    lock_duration = live.app.config["LOGIN_LOCK_DURATION"]
    assert max_failures == 10

    # Thirty browsers, each with its login form loaded; then all submit at once.
    guessers = [live.client() for _ in range(GUESSES)]
    tokens = [client.login_form() for client in guessers]
    mark = live.mark()
    answers = together(
        [
            (lambda c=client, t=token: c.submit_login(username, WRONG, t))
            for client, token in zip(guessers, tokens, strict=True)
        ]
    )
    server_errors = live.explain(mark)

    # What the database kept: every guess an audit event, the lock right after the tenth.
    events = live.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.action.in_(["login_failed", "account_locked"]),
            or_(
                AuditEvent.user_id == user_id,
                and_(AuditEvent.entity_type == "user_account", AuditEvent.entity_id == user_id),
            ),
        )
        .order_by(AuditEvent.id)
    )
    actions = [e.action for e in events]
    (user,) = live.scalars(select(User).where(User.id == user_id))
    # Then the right password, on the account as the guesses left it.
    client = live.client()
    right = client.submit_login(username, factories.PASSWORD, client.login_form())
    signed_in = client.get("/").status == 200

    why = (
        f"guesses: {summary(answers, 422)}\n"
        f"events in id order: {Counter(actions)}, the lock after "
        f"{actions.index('account_locked') if 'account_locked' in actions else '—'} failures\n"
        f"account: failed_logins={user.failed_logins}, locked_until={user.locked_until}\n"
        f"the right password afterwards: {right!r}\n{server_errors}"
    )
    assert [r.status for r in answers] == [422] * GUESSES, why
    refusals = {r.alert for r in answers}
    assert len(refusals) == 1 and None not in refusals, refusals
    assert actions.count("login_failed") == GUESSES, why
    assert actions.count("account_locked") == 1, why
    assert actions.index("account_locked") == max_failures, why

    # The account row: locked for 15 minutes from that lock; the counter was reset when
    # it locked and nothing was counted while locked (capintra/auth/services.py).
    lock_event = events[actions.index("account_locked")]
    assert user.locked_until is not None, why
    assert user.locked_until > datetime.now(UTC), why
    assert abs(user.locked_until - (lock_event.at + lock_duration)).total_seconds() < 5, (
        f"locked until {user.locked_until}, lock event at {lock_event.at}"
    )
    assert user.failed_logins == 0, why

    # The right password is refused, with the same answer as a wrong one.
    assert right.status == 422, why
    assert right.alert == answers[0].alert
    assert not signed_in, why
