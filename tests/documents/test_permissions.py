"""Who may upload, download and delete documents (DESIGN §1)."""

from __future__ import annotations

import io

import pytest

from tests.documents import samples


def _upload(browser, household):
    return browser.post(
        f"/households/{household.id}/documents",
        data={"kind": "autre", "file": (io.BytesIO(samples.pdf()), "avis.pdf")},
    )


@pytest.mark.parametrize(("role", "status"), [("assistant", 303), ("officer", 303),
                                              ("manager", 403), ("admin", 403)])  # fmt: skip
def test_only_assistants_and_officers_upload(login_as, make, role, status):
    household = make.household()
    browser = login_as(role)
    assert _upload(browser, household).status_code == status
    form = browser.get(f"/households/{household.id}/documents").get_data(as_text=True)
    assert ('id="document-upload-form"' in form) is (status == 303)


@pytest.mark.parametrize(("role", "status"), [("assistant", 303), ("officer", 303),
                                              ("manager", 403), ("admin", 403)])  # fmt: skip
def test_only_assistants_and_officers_delete(login_as, make, role, status):
    document = samples.stored_document()
    browser = login_as(role)
    response = browser.post(
        f"/households/{document.owner_id}/documents/{document.id}/delete",
        data={"version": document.version, "confirmed": "1"},
    )
    assert response.status_code == status
    page = browser.get(f"/households/{document.owner_id}/documents").get_data(as_text=True)
    assert (f"/households/{document.owner_id}/documents/{document.id}/delete" in page) is False


@pytest.mark.parametrize("role", ["assistant", "officer", "manager", "admin"])
def test_every_role_downloads_an_ordinary_document(login_as, make, role):
    document = samples.stored_document()
    assert login_as(role).get(f"/documents/{document.id}").status_code == 200


def test_anonymous_is_sent_to_login(client, make):
    document = samples.stored_document()
    response = client.get(f"/documents/{document.id}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    htmx = client.get(f"/documents/{document.id}", headers={"HX-Request": "true"})
    assert htmx.status_code == 401
    assert htmx.headers["HX-Redirect"] == "/login"


def test_upload_without_csrf_token_is_refused(login_as, make):
    household = make.household()
    browser = login_as("assistant")
    response = browser.post(
        f"/households/{household.id}/documents",
        data={"kind": "autre", "file": (io.BytesIO(samples.pdf()), "avis.pdf")},
        csrf=False,
    )
    assert response.status_code == 400


def test_upload_to_a_missing_household_is_404(login_as, make):
    browser = login_as("assistant")
    assert _upload(browser, type("H", (), {"id": 999_999})()).status_code == 404
