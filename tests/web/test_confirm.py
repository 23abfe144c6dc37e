"""One confirmation per delete, through the real delete routes (capintra/web/confirm.py).

Without htmx (no JavaScript, or htmx not loaded) a delete posted without `confirmed=1`
answers a page that asks, and deletes nothing; that page posts the same form again,
confirmed, and the delete happens. htmx asked already (hx-confirm): it deletes at once.
The form's own checks come first: 422 for an incomplete form, 409 for a stale version.
"""

from __future__ import annotations

import html
import re
from datetime import date

import pytest

from capintra.extensions import db
from tests.documents import samples

PARTIAL = "tab-content"

INPUT_RE = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def _note(make, household):
    return make.note(household, note_date=date(2026, 3, 12))


#: kind: (make the item, URL of its delete, tab URL, question the page asks, button)
CASES = {
    "members": (
        lambda make, h: make.member(h, last_name="DIALLO", first_name="Awa"),
        "/households/{h}/members/{i}/delete", "/households/{h}/members",
        "Retirer DIALLO Awa du ménage\u00a0?", "Retirer",
    ),
    "notes": (
        _note, "/households/{h}/notes/{i}/delete", "/households/{h}/journal",
        "Supprimer la note du 12/03/2026\u00a0?", "Supprimer",
    ),
    "letters": (
        lambda make, h: make.letter(h, subject="Convocation", letter_date=date(2026, 11, 2)),
        "/households/{h}/letters/{i}/delete", "/households/{h}/letters",
        "Supprimer le courrier «\u00a0Convocation\u00a0» du 02/11/2026\u00a0?", "Supprimer",
    ),
    "tasks": (
        lambda make, h: make.task(h, title="Rappeler le bailleur"),
        "/households/{h}/tasks/{i}/delete", "/households/{h}/tasks",
        "Supprimer la tâche «\u00a0Rappeler le bailleur\u00a0»\u00a0?", "Supprimer",
    ),
    "documents": (
        lambda make, h: samples.stored_document(h, title="Bail"),
        "/households/{h}/documents/{i}/delete", "/households/{h}/documents",
        "Supprimer la pièce jointe «\u00a0Bail\u00a0»\u00a0?", "Supprimer",
    ),
}  # fmt: skip


def _setup(make, login_as, kind):
    create, delete_url, tab_url, question, button = CASES[kind]
    household = make.household()
    item = create(make, household)
    urls = (delete_url.format(h=household.id, i=item.id), tab_url.format(h=household.id))
    return login_as("officer"), item, urls, question, button


def _deleted(item) -> bool:
    db.session.expire_all()
    return db.session.get(type(item), item.id).deleted_at is not None


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("kind", list(CASES))
def test_a_plain_delete_asks_first_then_the_page_deletes(make, login_as, kind):
    browser, item, (delete_url, tab_url), question, button = _setup(make, login_as, kind)
    response = browser.post(delete_url, data={"version": item.version})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<html" in page and '<h1 class="h4" id="confirm-heading">' in page
    assert question in _text(response)
    assert not _deleted(item)  # nothing deleted before the confirmation
    # The page posts the same form again to the same URL, confirmed, or goes back.
    assert f'<form method="post" action="{delete_url}"' in page
    fields = dict(INPUT_RE.findall(page))
    assert fields.keys() == {"csrf_token", "version", "confirmed"}
    assert fields["version"] == str(item.version) and fields["confirmed"] == "1"
    assert f'<button type="submit" class="btn btn-danger">{button}</button>' in page
    assert f'<a class="btn btn-outline-secondary" href="{tab_url}">Annuler</a>' in page
    assert "hx-confirm" not in page.split('id="confirm-heading"')[1]  # no second question

    confirmed = browser.post(delete_url, data=fields, csrf=False)  # the page's own token
    assert confirmed.status_code == 303
    assert confirmed.headers["Location"].endswith(tab_url)
    assert _deleted(item)


@pytest.mark.parametrize("kind", list(CASES))
def test_a_confirmed_plain_delete_deletes_at_once(make, login_as, kind):
    browser, item, (delete_url, tab_url), _question, _button = _setup(make, login_as, kind)
    response = browser.post(delete_url, data={"version": item.version, "confirmed": "1"})
    assert response.status_code == 303 and response.headers["Location"].endswith(tab_url)
    assert _deleted(item)


@pytest.mark.parametrize("confirmed", [{"confirmed": "1"}, {}], ids=["hx-vals", "bare"])
@pytest.mark.parametrize("kind", list(CASES))
def test_htmx_asked_already_and_deletes(make, login_as, kind, confirmed):
    browser, item, (delete_url, _tab), question, _button = _setup(make, login_as, kind)
    response = browser.htmx(
        "POST", delete_url, PARTIAL, data={"version": item.version, **confirmed}
    )
    assert response.status_code == 200
    assert response.headers.get("HX-Trigger") == "capintra:saved"
    assert question not in _text(response) and "<html" not in _text(response)
    assert _deleted(item)


@pytest.mark.parametrize("confirmed", [{"confirmed": "1"}, {}], ids=["confirmed", "not"])
@pytest.mark.parametrize("kind", list(CASES))
def test_an_incomplete_form_is_422_before_any_question(make, login_as, kind, confirmed):
    browser, item, (delete_url, _tab), question, _button = _setup(make, login_as, kind)
    response = browser.post(delete_url, data=confirmed)
    assert response.status_code == 422
    assert question not in _text(response)
    assert not _deleted(item)


def test_an_empty_post_without_a_csrf_token_is_refused(make, login_as):
    browser, item, (delete_url, _tab), question, _button = _setup(make, login_as, "notes")
    response = browser.post(delete_url, data={"version": item.version}, csrf=False)
    assert response.status_code in (400, 422)
    assert question not in _text(response) and not _deleted(item)


@pytest.mark.parametrize("confirmed", [{"confirmed": "1"}, {}], ids=["confirmed", "not"])
@pytest.mark.parametrize("kind", list(CASES))
def test_a_stale_version_is_409_before_any_question(make, login_as, kind, confirmed):
    browser, item, (delete_url, _tab), question, _button = _setup(make, login_as, kind)
    response = browser.post(delete_url, data={"version": item.version + 1, **confirmed})
    assert response.status_code == 409
    assert "modifié par quelqu" in _text(response) and question not in _text(response)
    assert not _deleted(item)


def test_a_change_while_the_page_asks_is_409_on_confirmation(make, login_as):
    """The page carries the version it was shown with: a colleague's edit in between
    makes the confirmation stale, not a blind delete."""
    browser, item, (delete_url, _tab), _question, _button = _setup(make, login_as, "letters")
    page = browser.post(delete_url, data={"version": item.version}).get_data(as_text=True)
    fields = dict(INPUT_RE.findall(page))
    item.subject = "Convocation (modifiée)"
    db.session.commit()
    response = browser.post(delete_url, data=fields, csrf=False)
    assert response.status_code == 409
    assert not _deleted(item)


def test_a_supporting_document_says_its_content_is_destroyed(make, login_as):
    household = make.household()
    document = samples.stored_document(household, title="Avis", delete_after_use=True)
    browser = login_as("officer")
    response = browser.post(
        f"/households/{household.id}/documents/{document.id}/delete",
        data={"version": document.version},
    )
    assert response.status_code == 200
    question = "Supprimer le justificatif «\u00a0Avis\u00a0»\u00a0? Son contenu sera détruit."
    assert question in _text(response)
    assert not _deleted(document)


def test_the_delete_buttons_send_confirmed_through_htmx(make, login_as):
    household = make.household()
    make.letter(household)
    page = login_as("officer").get(f"/households/{household.id}/letters").get_data(as_text=True)
    form = re.search(r'<form [^>]*action="[^"]*/letters/\d+/delete"[^>]*>', page).group(0)
    assert 'hx-confirm="Supprimer ce courrier ?"' in form
    assert """hx-vals='{"confirmed": "1"}'""" in form
    # The plain form carries no confirmation: without JavaScript the server asks.
    assert 'name="confirmed"' not in page
