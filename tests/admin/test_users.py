"""Account administration through the routes, plain and inline (htmx)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from capintra.auth.models import User
from capintra.extensions import db
from tests import factories
from tests.auth.test_login import WRONG, attempt
from tests.conftest import login

TEMPORARY = "mot de passe provisoire 42"


@pytest.fixture
def admin(client, make):
    return login(client, make.user("admin"))


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def can_sign_in(app, user: User, password: str = factories.PASSWORD) -> bool:
    return attempt(app.test_client(), user.username, password).status_code == 302


def new_user_form(**changes) -> dict:
    return {
        "username": "nadia.benali",
        "full_name": "Nadia Benali",
        "email": "nadia.benali@example.org",
        "role": "assistant",
        "password": TEMPORARY,
        **changes,
    }


def test_admin_creates_a_user(admin):
    assert admin.get("/admin/users/new").status_code == 200
    response = admin.post("/admin/users/new", new_user_form())
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/users/"
    user = db.session.scalar(select(User).where(User.username == "nadia.benali"))
    assert user.role.value == "assistant" and not user.is_admin
    assert user.email == "nadia.benali@example.org"
    assert user.must_change_password
    assert "nadia.benali" in admin.get("/admin/users/").get_data(as_text=True)
    first = admin.client.application.test_client()
    assert attempt(first, "nadia.benali", TEMPORARY).headers["Location"] == "/account/password"


@pytest.mark.parametrize(
    "changes",
    [
        {"username": "Nadia Benali"},
        {"username": ""},
        {"email": "pas-une-adresse"},
        {"email": "a@b.c\x00"},
        {"full_name": "Nadia\x00"},
        {"role": "superuser"},
        {"password": "court"},
        {"password": "azertyuiop123"},
        {"password": "nadia.benali-2026"},
    ],
    ids=lambda c: "-".join(f"{k}={v!r}" for k, v in c.items()),
)
def test_create_user_refusals(admin, changes):
    response = admin.post("/admin/users/new", new_user_form(**changes))
    assert response.status_code == 422
    assert "is-invalid" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.full_name == "Nadia Benali")) is None


def test_create_user_with_a_taken_username(admin, make):
    make.user("officer", username="nadia.benali")
    response = admin.post("/admin/users/new", new_user_form(username="Nadia.Benali"))
    assert response.status_code == 422
    assert "existe déjà" in response.get_data(as_text=True)


def test_deactivate_ends_sessions_and_sign_in_then_reactivate(admin, make):
    user = make.user("officer")
    elsewhere = admin.client.application.test_client()
    login(elsewhere, user)
    form = {"version": user.version, "confirmed": "1"}
    response = admin.post(f"/admin/users/{user.id}/deactivate", form)
    assert response.status_code == 303
    assert elsewhere.get("/").status_code == 302
    assert not fresh(user).active
    assert not can_sign_in(admin.client.application, user)
    assert "Désactivé" in admin.get("/admin/users/").get_data(as_text=True)

    user = fresh(user)
    response = admin.post(f"/admin/users/{user.id}/reactivate", {"version": user.version})
    assert response.status_code == 303
    assert can_sign_in(admin.client.application, user)


def test_unlock(admin, make):
    user = make.user("officer")
    other = admin.client.application.test_client()
    for _ in range(10):
        attempt(other, user.username, WRONG)
    assert not can_sign_in(admin.client.application, user)
    page = admin.get("/admin/users/").get_data(as_text=True)
    assert "Verrouillé" in page and f"/admin/users/{user.id}/unlock" in page
    user = fresh(user)
    response = admin.post(f"/admin/users/{user.id}/unlock", {"version": user.version})
    assert response.status_code == 303
    assert can_sign_in(admin.client.application, user)


def test_reset_password(admin, make):
    user = make.user("officer")
    assert admin.get(f"/admin/users/{user.id}/password").status_code == 200
    weak = admin.post(f"/admin/users/{user.id}/password", {"password": "court", "version": 1})
    assert weak.status_code == 422
    response = admin.post(
        f"/admin/users/{user.id}/password", {"password": TEMPORARY, "version": user.version}
    )
    assert response.status_code == 303
    assert fresh(user).must_change_password
    assert not can_sign_in(admin.client.application, user)
    assert can_sign_in(admin.client.application, user, TEMPORARY)


def test_edit_user(admin, make):
    user = make.user("officer")
    form = admin.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    assert f'name="version" type="hidden" value="{user.version}"' in form
    response = admin.post(
        f"/admin/users/{user.id}/edit",
        {
            "full_name": "Claire Morel",
            "email": "",
            "role": "manager",
            "is_admin": "y",
            "version": user.version,
        },
    )
    assert response.status_code == 303
    user = fresh(user)
    assert (user.full_name, user.role.value, user.is_admin) == ("Claire Morel", "manager", True)


# --- the last admin ----------------------------------------------------------------------


def test_last_admin_cannot_be_demoted_or_deactivated(client, make):
    me = make.user("admin")
    admin = login(client, me)
    demote = admin.post(
        f"/admin/users/{me.id}/edit",
        {"full_name": me.full_name, "role": "manager", "version": me.version},
    )
    assert demote.status_code == 409
    assert "dernier administrateur" in demote.get_data(as_text=True)
    deactivate = admin.post(f"/admin/users/{me.id}/deactivate", {"version": me.version})
    assert deactivate.status_code == 409
    inline = admin.htmx(
        "POST", f"/admin/users/{me.id}/deactivate", f"user-{me.id}", {"version": me.version}
    )
    assert inline.status_code == 409
    body = inline.get_data(as_text=True)
    assert body.lstrip().startswith(f'<tr id="user-{me.id}"') and "dernier" in body
    me = fresh(me)
    assert me.is_admin and me.active

    other = make.user("admin")
    inactive = make.user("admin", active=False)
    assert inactive.is_admin
    assert (
        admin.post(
            f"/admin/users/{me.id}/edit",
            {"full_name": me.full_name, "role": "manager", "version": me.version},
        ).status_code
        == 303
    ), "with another active admin, one may step down"
    assert not fresh(me).is_admin
    assert fresh(other).is_admin


# --- stale versions ----------------------------------------------------------------------


def test_stale_edit_shows_the_typed_and_the_current_values(admin, make):
    user = make.user("officer", full_name="Nom Initial")
    shown = user.version
    user.full_name = "Nom Changé Entre-Temps"
    db.session.commit()
    response = admin.post(
        f"/admin/users/{user.id}/edit",
        {"full_name": "Nom Que Je Tape", "email": "", "role": "officer", "version": shown},
    )
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert 'value="Nom Que Je Tape"' in body, "the user's input is kept"
    assert "Nom Changé Entre-Temps" in body, "beside the current value"
    assert f'name="version" type="hidden" value="{fresh(user).version}"' in body
    assert fresh(user).full_name == "Nom Changé Entre-Temps"


def test_stale_deactivation(admin, make):
    user = make.user("officer")
    response = admin.post(f"/admin/users/{user.id}/deactivate", {"version": user.version + 5})
    assert response.status_code == 409
    assert fresh(user).active


def test_sign_in_does_not_make_an_open_edit_form_stale(admin, make):
    user = make.user("officer")
    shown = user.version
    assert can_sign_in(admin.client.application, user)
    response = admin.post(
        f"/admin/users/{user.id}/edit",
        {"full_name": "Après connexion", "email": "", "role": "officer", "version": shown},
    )
    assert response.status_code == 303


# --- inline edit (htmx) ------------------------------------------------------------------


def test_inline_edit_round_trip(admin, make):
    user = make.user("officer")
    target = f"user-{user.id}"
    form = admin.htmx("GET", f"/admin/users/{user.id}/edit", target)
    body = form.get_data(as_text=True)
    assert form.status_code == 200
    assert "<html" not in body and "<body" not in body
    assert body.lstrip().startswith(f'<tr id="{target}"')
    assert f'hx-post="/admin/users/{user.id}/edit"' in body
    assert f'action="/admin/users/{user.id}/edit"' in body, "works without JavaScript too"

    invalid = admin.htmx(
        "POST",
        f"/admin/users/{user.id}/edit",
        target,
        {"full_name": "", "role": "officer", "version": user.version},
    )
    assert invalid.status_code == 422
    body = invalid.get_data(as_text=True)
    assert "<html" not in body and body.lstrip().startswith(f'<tr id="{target}"')
    assert "is-invalid" in body

    saved = admin.htmx(
        "POST",
        f"/admin/users/{user.id}/edit",
        target,
        {"full_name": "Claire Morel", "email": "", "role": "officer", "version": user.version},
    )
    assert saved.status_code == 200
    body = saved.get_data(as_text=True)
    assert "<html" not in body and "<form" in body  # the row, with its action buttons
    assert "Claire Morel" in body and "hx-get" in body


def test_inline_edit_stale(admin, make):
    user = make.user("officer", full_name="Nom Initial")
    shown = user.version
    user.full_name = "Nom Changé"
    db.session.commit()
    response = admin.htmx(
        "POST",
        f"/admin/users/{user.id}/edit",
        f"user-{user.id}",
        {"full_name": "Nom Tapé", "email": "", "role": "officer", "version": shown},
    )
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert 'value="Nom Tapé"' in body and "Nom Changé" in body


def test_inline_actions_answer_the_row(admin, make):
    user = make.user("officer")
    target = f"user-{user.id}"
    response = admin.htmx(
        "POST", f"/admin/users/{user.id}/deactivate", target, {"version": user.version}
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<tr id="{target}"') and "Désactivé" in body
    # The row's answer carries the message, for the page's live region (out of band).
    assert 'id="flashes" aria-live="polite" hx-swap-oob="innerHTML"' in body
    assert "Compte désactivé." in body
    missing = admin.htmx("POST", f"/admin/users/{user.id}/reactivate", target, {})
    assert missing.status_code == 422
    assert missing.get_data(as_text=True).lstrip().startswith(f'<tr id="{target}"')


def test_boosted_navigation_gets_the_full_page(admin, make):
    user = make.user("officer")
    response = admin.get(
        f"/admin/users/{user.id}/edit",
        headers={"HX-Request": "true", "HX-Boosted": "true", "HX-Target": f"user-{user.id}"},
    )
    assert "<html" in response.get_data(as_text=True)


def test_deactivating_asks_first_without_javascript(admin, make):
    """Without JavaScript the plain form gets a page that asks; nothing changes before."""
    user = make.user("officer", full_name="Awa Diallo")
    response = admin.post(f"/admin/users/{user.id}/deactivate", {"version": user.version})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Désactiver le compte de Awa Diallo\u00a0? Ses sessions s’arrêtent aussitôt." in page
    assert 'name="confirmed" value="1"' in page
    assert fresh(user).active
    page = admin.get("/admin/users/").get_data(as_text=True)
    assert f'hx-post="/admin/users/{user.id}/deactivate"' in page
    assert 'hx-confirm="Désactiver le compte de Awa Diallo' in page
