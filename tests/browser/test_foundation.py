"""What only a browser shows: the CSP holds, pages are accessible, htmx inline edit works."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import BROWSER, sign_in

pytestmark = BROWSER


def test_sign_in_and_out_without_console_errors(live_server, page):
    username, password = live_server.make_user("officer", full_name="Claire Morel")
    sign_in(page, live_server, username, password)
    assert page.url == live_server.url("/")
    assert page.get_by_role("heading", name=re.compile("Bonjour Claire Morel")).is_visible()
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(live_server.url("/login"))
    assert page.get_by_text("Vous êtes déconnecté(e).").is_visible()
    page.goto(live_server.url("/"))
    assert page.url.startswith(live_server.url("/login"))


def test_csp_blocks_inline_script(live_server, page):
    """The check above is meaningful: an inline script is refused and reported."""
    page.goto(live_server.url("/login"))
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.body.append(s); }"
    )
    assert page.evaluate("() => window.ran") is None
    assert any("Content Security Policy" in p for p in page.problems)
    page.problems.clear()


#: True once no CSS transition or (finite) animation is running on the page.
AT_REST = """() => document.getAnimations().every(a => a.playState !== "running"
    || a.effect.getComputedTiming().iterations === Infinity)"""


def wait_until_at_rest(page) -> None:
    """The page as a user sees it once nothing moves. Bootstrap eases a button's colours
    in over 150 ms on hover or focus: axe reading the computed colours meanwhile sees an
    outline button's text halfway to white on a background halfway to blue, and reports
    a contrast failure that depends on timing. So the pointer leaves the content (x=0 is
    the page's margin) and the check waits for every transition to end."""
    page.mouse.move(0, 0)
    page.wait_for_function(AT_REST)


def assert_accessible(page, where: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    wait_until_at_rest(page)
    results = Axe().run(page)
    assert results.violations_count == 0, f"{where}:\n{results.generate_report()}"


#: Pause every running transition a third of the way through (halfway, text and
#: background are the same colour: axe files a 1:1 ratio as "incomplete", not a failure).
MIDWAY = """() => document.getAnimations().forEach(a => {
    a.pause(); a.currentTime = a.effect.getComputedTiming().duration / 3; })"""


def test_the_accessibility_check_waits_for_transitions_to_end(live_server, chromium):
    """A button caught mid-transition fails axe's contrast rule; assert_accessible checks
    the page at rest. Transitions are slowed here (10 s, injected past the CSP) so that
    the raw check surely falls inside one, and held there."""
    from axe_playwright_python.sync_playwright import Axe

    context = chromium.new_context(locale="fr-FR", bypass_csp=True)
    try:
        page = context.new_page()
        sign_in(page, live_server, *live_server.make_user("admin"))
        page.goto(live_server.url("/admin/users/"))
        slow = page.add_style_tag(content=".btn { transition-duration: 10s !important; }")
        modify = page.locator("#users-table").get_by_role("link", name=re.compile("Modifier"))
        modify.first.hover()
        # Held a third of the way (Web Animations API), not left to the clock.
        page.wait_for_function("document.getAnimations().length > 0")
        page.evaluate(MIDWAY)
        raw = Axe().run(page)
        assert [v["id"] for v in raw.response["violations"]] == ["color-contrast"]
        slow.evaluate("style => style.remove()")  # the way back takes the usual 150 ms
        assert_accessible(page, "/admin/users/ with a button mid-transition")
    finally:
        context.close()


def test_login_page_is_accessible(live_server, page):
    page.goto(live_server.url("/login"))
    assert_accessible(page, "/login")
    page.get_by_role("button", name="Se connecter").click()  # errors shown
    page.wait_for_load_state()
    assert_accessible(page, "/login with errors")


@pytest.mark.parametrize("role", ["officer", "assistant", "manager", "admin"])
def test_dashboards_are_accessible(live_server, page, role):
    sign_in(page, live_server, *live_server.make_user(role))
    assert page.url == live_server.url("/")
    assert_accessible(page, f"dashboard of {role}")


def test_admin_pages_are_accessible(live_server, page):
    sign_in(page, live_server, *live_server.make_user("admin"))
    live_server.make_user("officer", active=False)
    for path in ("/admin/users/", "/admin/users/new", "/admin/operations/", "/audit/"):
        page.goto(live_server.url(path))
        assert_accessible(page, path)


def test_admin_edits_a_user_inline(live_server, page):
    sign_in(page, live_server, *live_server.make_user("admin"))
    username, _ = live_server.make_user("officer", full_name="Avant Modification")
    page.goto(live_server.url("/admin/users/"))
    row = page.locator("tr", has_text=username)
    row_id = row.get_attribute("id")
    row.get_by_role("link", name=re.compile("Modifier")).click()
    editor = page.locator(f"#{row_id}")
    name = editor.get_by_label("Nom complet")
    name.wait_for()
    assert page.url == live_server.url("/admin/users/"), "edited in place, no navigation"
    assert_accessible(page, "inline editor")

    name.fill("")
    editor.get_by_role("button", name="Enregistrer").click()
    editor.locator(".invalid-feedback").wait_for()  # 422 swapped in place
    assert page.url == live_server.url("/admin/users/")

    editor.get_by_label("Nom complet").fill("Après Modification")
    editor.get_by_role("button", name="Enregistrer").click()
    page.locator(f"#{row_id}", has_text="Après Modification").get_by_role(
        "link", name=re.compile("Modifier")
    ).wait_for()
    assert page.url == live_server.url("/admin/users/")
    assert page.locator("#htmx-error").is_hidden()
    page.reload()
    assert page.locator(f"#{row_id}").get_by_text("Après Modification").is_visible()


def test_account_and_error_pages_are_accessible(live_server, page):
    sign_in(page, live_server, *live_server.make_user("officer"))
    page.goto(live_server.url("/account/password"))
    assert_accessible(page, "/account/password")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert_accessible(page, "/account/password with errors")
    for path, status in (("/admin/users/", 403), ("/no/such/page", 404)):
        response = page.goto(live_server.url(path))
        assert response.status == status
        assert_accessible(page, f"{status} page")
    # Chromium logs the 403 and 404 documents as failed loads: expected here.
    page.problems[:] = [p for p in page.problems if not re.search(r"status of 40[34]", p)]


def test_htmx_request_after_the_session_ended_goes_to_the_login_page(live_server, page):
    """The 401 + HX-Redirect contract, seen from the browser."""
    from sqlalchemy import delete, select

    from capintra.auth.models import User, WebSession
    from capintra.extensions import db

    admin, password = live_server.make_user("admin")
    sign_in(page, live_server, admin, password)
    username, _ = live_server.make_user("officer")
    page.goto(live_server.url("/admin/users/"))
    live_server.run(  # the session ends (deactivation, timeout…) while the page is open
        lambda: db.session.execute(
            delete(WebSession).where(
                WebSession.user_id
                == select(User.id).where(User.username == admin).scalar_subquery()
            )
        )
    )
    page.locator("tr", has_text=username).get_by_role("link", name=re.compile("Modifier")).click()
    page.wait_for_url(re.compile(r"/login"))
    assert page.get_by_role("button", name="Se connecter").is_visible()
    page.problems[:] = [p for p in page.problems if "status of 401" not in p]


def test_failed_htmx_request_shows_a_message(live_server, page):
    """A refusal htmx does not swap (403 here) is told to the user, not silently dropped."""
    from sqlalchemy import update

    from capintra.auth.models import User
    from capintra.extensions import db

    admin, password = live_server.make_user("admin")
    live_server.make_user("admin")  # so that this one may lose the flag
    sign_in(page, live_server, admin, password)
    page.goto(live_server.url("/admin/users/"))
    live_server.run(
        lambda: db.session.execute(
            update(User).where(User.username == admin).values(is_admin=False)
        )
    )
    page.locator("tr", has_text=admin).get_by_role("link", name=re.compile("Modifier")).click()
    error = page.locator("#htmx-error")
    error.wait_for(state="visible")
    assert "rôle" in error.inner_text()
    assert page.url == live_server.url("/admin/users/")
    page.problems[:] = [
        p for p in page.problems if not re.search(r"(status|Error Code) 403|of 403", p)
    ]
