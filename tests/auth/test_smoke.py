from tests.conftest import login


def test_login_dashboard_logout(client, make):
    user = make.user("officer")
    browser = login(client, user)
    page = browser.get("/")
    assert page.status_code == 200
    assert "Bonjour" in page.get_data(as_text=True)
    response = browser.post("/logout")
    assert response.status_code == 303
    assert client.get("/").status_code == 302


def test_healthz(client):
    assert client.get("/healthz").get_data(as_text=True) == "ok"
