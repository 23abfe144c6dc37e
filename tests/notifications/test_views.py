"""/notifications/: one's own list, newest first, unread marked in words; marking one or
all read, never someone else's (404); the header's count, one query per page and none on
anonymous or error pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from capintra.extensions import db
from capintra.notifications.models import Notification
from capintra.notifications.queries import PAGE
from capintra.notifications.services import Notice, notify_many
from tests.households.helpers import count_statements, statements_for, text_of
from tests.notifications import make as notes


def item(html: str, notification: Notification) -> str:
    """The list item of one notification."""
    match = re.search(rf'<li id="notification-{notification.id}"[^>]*>.*?</li>', html, re.S)
    assert match, f"notification {notification.id} not in the list"
    return match.group(0)


def header_link(html: str) -> str:
    match = re.search(r'<a id="notifications-link".*?</a>', html, re.S)
    assert match, "no notifications link in the header"
    return match.group(0)


def touching_notifications(statements: list[str]) -> list[str]:
    return [s for s in statements if "notification" in s.lower()]


def reload(notification: Notification) -> Notification:
    db.session.expire_all()
    return db.session.get(Notification, notification.id)


@pytest.fixture
def owner(make):
    return make.user("officer")


# --- the list -------------------------------------------------------------------------------


def test_the_list_shows_ones_own_newest_first_unread_in_bold_and_in_words(make, login_as, owner):
    other = make.user("officer")
    older = notes.notification(
        owner, message="Tâche à faire aujourd’hui — dossier MEN-2026-0001.",
        url="/households/1/tasks", read=True, at=datetime(2026, 11, 24, 8, 0, tzinfo=UTC),
    )  # fmt: skip
    newer = notes.notification(
        owner, message="Tâche en retard — dossier MEN-2026-0002.",
        at=datetime(2026, 11, 25, 13, 5, tzinfo=UTC),
    )  # fmt: skip
    theirs = notes.notification(other, message="Message d’un autre — MEN-2026-0099.")
    html = text_of(login_as(owner).get("/notifications/"))

    assert html.index(f"notification-{newer.id}") < html.index(f"notification-{older.id}")
    assert theirs.message not in html and f"notification-{theirs.id}" not in html
    unread, read = item(html, newer), item(html, older)
    assert "fw-bold" in unread and "non lue" in unread
    assert "fw-bold" not in read and "non lue" not in read and "lue" in read
    # 13:05 UTC is 14:05 in Paris in November.
    assert "25/11/2026 14:05" in unread and "24/11/2026 09:00" in read
    assert 'href="/households/1/tasks"' in read
    assert "Tout marquer comme lu" in html


def test_an_empty_list_says_so(login_as):
    html = text_of(login_as("assistant").get("/notifications/"))
    assert "Aucune notification." in html and "Tout marquer comme lu" not in html


def test_the_message_is_shown_escaped(login_as, owner):
    notes.notification(owner, message="<script>alert(1)</script> dossier MEN-2026-0003")
    html = text_of(login_as(owner).get("/notifications/"))
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_older_notifications_are_a_link_away(login_as, owner):
    notify_many(Notice(owner.id, "task_due", f"Numéro {n}", "/") for n in range(PAGE + 1))
    db.session.commit()
    browser = login_as(owner)
    first = text_of(browser.get("/notifications/"))
    assert f"Numéro {PAGE}<" in first and "Numéro 0<" not in first
    assert first.count('<li id="notification-') == PAGE
    cursor = re.search(r'href="/notifications/\?before=(\d+)">Notifications plus anciennes', first)
    assert cursor, "no link to the older notifications"
    second = text_of(browser.get(f"/notifications/?before={cursor.group(1)}"))
    assert "Numéro 0<" in second and second.count('<li id="notification-') == 1
    assert "Notifications plus anciennes" not in second


@pytest.mark.parametrize("value", ["abc", "-1", "9" * 30, "²"])
def test_an_odd_page_cursor_is_ignored(login_as, value):
    assert login_as("officer").get(f"/notifications/?before={value}").status_code == 200


# --- marking read ---------------------------------------------------------------------------


def test_marking_one_read(login_as, owner):
    first, second = notes.notification(owner), notes.notification(owner)
    response = login_as(owner).post("/notifications/", {"id": str(first.id)})
    assert response.status_code == 303 and response.headers["Location"] == "/notifications/"
    assert reload(first).read_at is not None
    assert reload(second).read_at is None


def test_marking_read_again_keeps_the_first_reading(login_as, owner):
    done = notes.notification(owner, read=True)
    read_at = done.read_at
    assert login_as(owner).post("/notifications/", {"id": str(done.id)}).status_code == 303
    assert reload(done).read_at == read_at


def test_marking_all_read_marks_only_ones_own(make, login_as, owner):
    other = make.user("assistant")
    mine = [notes.notification(owner), notes.notification(owner)]
    theirs = notes.notification(other)
    browser = login_as(owner)
    response = browser.post("/notifications/", {"all": "1"})
    assert response.status_code == 303
    assert all(reload(n).read_at is not None for n in mine)
    assert reload(theirs).read_at is None
    assert "2 notifications marquées comme lues." in text_of(browser.get("/notifications/"))


def test_someone_elses_notification_is_404_and_stays_unread(make, login_as, owner):
    theirs = notes.notification(make.user("manager"))
    browser = login_as(owner)
    assert browser.post("/notifications/", {"id": str(theirs.id)}).status_code == 404
    assert reload(theirs).read_at is None
    assert browser.post("/notifications/", {"id": "2147483647"}).status_code == 404


@pytest.mark.parametrize(
    "data", [{}, {"id": "abc"}, {"id": "-1"}, {"id": "9" * 30}, {"all": "yes"}, {"id": "²"}]
)
def test_an_empty_or_odd_form_is_422(login_as, owner, data):
    mine = notes.notification(owner)
    response = login_as(owner).post("/notifications/", data)
    assert response.status_code == 422
    assert reload(mine).read_at is None
    assert 'role="alert"' in text_of(response)


def test_marking_read_on_an_older_page_comes_back_to_it(login_as, owner):
    first = notes.notification(owner)
    newer = notes.notification(owner)
    response = login_as(owner).post(
        "/notifications/", {"id": str(first.id), "before": str(newer.id)}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/notifications/?before={newer.id}"


def test_htmx_redraws_the_list_and_the_headers_count(login_as, owner):
    first, _second = notes.notification(owner), notes.notification(owner)
    browser = login_as(owner)
    response = browser.htmx("POST", "/notifications/", "notification-list", {"id": str(first.id)})
    assert response.status_code == 200
    html = text_of(response)
    assert "<html" not in html
    assert "non lue" in item(html, _second) and "non lue" not in item(html, first)
    link = header_link(html)
    assert 'hx-swap-oob="true"' in link and "1 non lue" in link
    assert "Notification marquée comme lue." in html  # the message, out of band

    refused = browser.htmx("POST", "/notifications/", "notification-list", {})
    assert refused.status_code == 422 and "<html" not in text_of(refused)


# --- the header ---------------------------------------------------------------------------


def test_the_header_shows_the_unread_count_and_follows_it(login_as, owner):
    first, _second = notes.notification(owner), notes.notification(owner)
    notes.notification(owner, read=True)
    browser = login_as(owner)
    link = header_link(text_of(browser.get("/")))
    assert ">Notifications" in link and 'href="/notifications/"' in link
    assert '<span class="badge rounded-pill text-bg-light" aria-hidden="true">2</span>' in link
    assert '<span class="visually-hidden"> (2 non lues)</span>' in link

    browser.post("/notifications/", {"id": str(first.id)})
    assert "(1 non lue)" in header_link(text_of(browser.get("/")))
    browser.post("/notifications/", {"all": "1"})
    link = header_link(text_of(browser.get("/households/")))
    assert "badge" not in link and "non lue" not in link


def test_the_header_counts_only_ones_own(make, login_as, owner):
    notes.notification(make.user("officer"))
    assert "badge" not in header_link(text_of(login_as(owner).get("/")))


def test_the_header_costs_one_query(login_as, owner):
    notes.notification(owner)
    statements = statements_for(login_as(owner), "/households/")
    assert len(touching_notifications(statements)) == 1, touching_notifications(statements)


def test_an_htmx_fragment_reads_no_count(login_as, owner):
    notes.notification(owner)
    browser = login_as(owner)
    browser.get("/households/")
    with count_statements() as statements:
        response = browser.htmx("GET", "/households/?q=x", "household-results")
    assert response.status_code == 200 and "<html" not in text_of(response)
    assert not touching_notifications(statements)


def test_anonymous_pages_read_no_notification(client):
    with count_statements() as statements:
        response = client.get("/login")
    assert response.status_code == 200
    assert "notifications-link" not in text_of(response)
    assert not touching_notifications(statements)


@pytest.mark.parametrize(("path", "status"), [("/households/2147483647", 404), ("/audit/", 403)])
def test_error_pages_read_no_notification(login_as, owner, path, status):
    notes.notification(owner)
    browser = login_as(owner)
    browser.get("/")
    with count_statements() as statements:
        response = browser.get(path)
    assert response.status_code == status
    assert not touching_notifications(statements)
    assert "badge" not in header_link(text_of(response))
    assert "Set-Cookie" not in response.headers


def test_no_link_while_the_password_must_be_changed(make, login_as):
    user = make.user("officer", must_change_password=True)
    notes.notification(user)
    browser = login_as(user)
    with count_statements() as statements:
        html = text_of(browser.get("/account/password"))
    assert "notifications-link" not in html
    assert not touching_notifications(statements)
