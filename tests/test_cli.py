"""The commands of DESIGN §4: create-user, seed-demo's guard, demo-accounts, purge-sessions."""

from __future__ import annotations

from sqlalchemy import select

from capintra.auth.models import User
from capintra.extensions import db
from tests.conftest import csrf_token_from, login, make_test_app


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_create_user(app_ctx):
    result = run(
        app_ctx,
        "create-user",
        "Helene.Roux",
        "--role",
        "manager",
        "--admin",
        "--password",
        "une phrase de passe solide",
        "--full-name",
        "Hélène Roux",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "helene.roux"))
    assert user.is_admin and user.role.value == "manager" and user.full_name == "Hélène Roux"
    assert not user.must_change_password


def test_create_user_refusals(app_ctx, make):
    make.user("officer", username="pris")
    for args, message in (
        (["pris", "--role", "officer", "--password", "une phrase de passe solide"], "existe"),
        (["nouveau", "--role", "officer", "--password", "azertyuiop123"], "facile à deviner"),
        (["nouveau", "--role", "chef", "--password", "une phrase de passe solide"], "chef"),
    ):
        result = run(app_ctx, "create-user", *args)
        assert result.exit_code != 0
        assert message in result.output
        assert "Traceback" not in result.output


def test_create_user_prompts_for_the_password(app_ctx):
    result = app_ctx.test_cli_runner().invoke(
        args=["create-user", "invite", "--role", "assistant"],
        input="une phrase de passe solide\nune phrase de passe solide\n",
    )
    assert result.exit_code == 0, result.output
    assert "une phrase" not in result.output, "the password is not echoed"


def test_seed_demo_refused_without_capintra_demo(database_url, tmp_path):
    app = make_test_app(database_url, tmp_path, DEMO=False)
    result = run(app, "seed-demo", "--households", "0")
    assert result.exit_code == 1
    assert "CAPINTRA_DEMO=1" in result.output


def test_seed_demo_refused_on_a_database_with_accounts(app_ctx, make):
    make.user("officer")
    result = run(app_ctx, "seed-demo", "--households", "0")
    assert result.exit_code == 1
    assert "déjà des comptes" in result.output


def test_demo_accounts_without_demo_data(app_ctx, tmp_path, monkeypatch):
    monkeypatch.setattr(app_ctx, "instance_path", str(tmp_path))
    result = run(app_ctx, "demo-accounts")
    assert result.exit_code == 1
    assert "make run" in result.output


def test_purge_sessions(client, make, travel):
    login(client, make.user("officer"))
    login(client.application.test_client(), make.user("officer"))
    travel.forward(minutes=31)
    result = run(client.application, "purge-sessions")
    assert result.exit_code == 0
    assert result.output.startswith("2 ")


def test_seed_demo_then_demo_accounts_sign_in(app_ctx, tmp_path, monkeypatch):
    monkeypatch.setattr(app_ctx, "instance_path", str(tmp_path))
    result = run(app_ctx, "seed-demo", "--households", "3")
    assert result.exit_code == 0, result.output
    accounts = tmp_path / "demo-accounts.txt"
    assert accounts.stat().st_mode & 0o777 == 0o600
    printed = run(app_ctx, "demo-accounts")
    lines = [line.split() for line in printed.output.splitlines()]
    assert [line[0] for line in lines] == ["officer", "assistant", "manager", "admin"]
    for label, username, password in lines:
        client = app_ctx.test_client()
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        response = client.post(
            "/login", data={"username": username, "password": password, "csrf_token": token}
        )
        assert response.status_code == 302, label
        user = db.session.scalar(select(User).where(User.username == username))
        assert user.is_admin is (label == "admin")
