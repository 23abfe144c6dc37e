"""Assistants and officers add an organisation where they need one: a page (then back
where they came from), or inline from the household form (htmx: the new option)."""

from __future__ import annotations

from sqlalchemy import select

from capintra.extensions import db
from capintra.organisations.models import Organisation, OrganisationKind
from tests.households.helpers import text_of
from tests.organisations import make as orgs

Q = "new_org-"


def named(name: str) -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).where(Organisation.name == name)))


def test_the_page_adds_and_goes_back_to_a_local_path_only(browser_for):
    assistant = browser_for("assistant")
    page = assistant.get("/organisations/new?next=/households/12/edit")
    assert page.status_code == 200 and 'name="new_org-name"' in text_of(page)

    done = assistant.post("/organisations/new", data={f"{Q}name": "Restos du cœur",
                          f"{Q}kind": "autre", "next": "/households/12/edit"})  # fmt: skip
    assert done.status_code == 303 and done.headers["Location"] == "/households/12/edit"
    (created,) = named("Restos du cœur")
    assert created.kind is OrganisationKind.AUTRE

    elsewhere = assistant.post("/organisations/new", data={f"{Q}name": "ADIL de la Loire",
                               "next": "//evil.example/x"})  # fmt: skip
    assert elsewhere.status_code == 303 and elsewhere.headers["Location"] == "/"


def test_inline_the_answer_is_the_new_option_selected(browser_for):
    officer = browser_for("officer")
    data = {f"{Q}name": "Habitat et Humanisme", f"{Q}kind": "autre"}
    response = officer.htmx("POST", "/organisations/new", "partner_ids", data=data)
    assert response.status_code == 200
    (created,) = named("Habitat et Humanisme")
    body = text_of(response)
    assert f'<option value="{created.id}" selected>Habitat et Humanisme (Autre)</option>' in body
    assert "ajouté à l’annuaire" in body  # the message, out of band


def test_inline_refusals_go_to_the_message_box_not_the_select(browser_for):
    orgs.organisation(name="CCAS de Firminy", kind=OrganisationKind.CCAS)
    officer = browser_for("officer")

    empty = officer.htmx("POST", "/organisations/new", "partner_ids", data={f"{Q}name": " "})
    assert empty.status_code == 422
    assert empty.headers["HX-Retarget"] == "#quick-org-errors"
    assert "Indiquez le nom de l’organisme." in text_of(empty)

    twin = officer.htmx("POST", "/organisations/new", "partner_ids",
                        data={f"{Q}name": "ccas de FIRMINY"})  # fmt: skip
    assert twin.status_code == 409 and twin.headers["HX-Retarget"] == "#quick-org-errors"
    assert "« CCAS de Firminy » est déjà dans l’annuaire" in text_of(twin)
    assert named("ccas de FIRMINY") == []


def test_a_bad_siret_is_refused_with_422(browser_for):
    assistant = browser_for("assistant")
    response = assistant.post("/organisations/new", data={f"{Q}name": "Soliha Loire",
                              f"{Q}siret": "12345678901234"})  # fmt: skip
    assert response.status_code == 422
    assert "SIRET n’est pas valide" in text_of(response)
    assert named("Soliha Loire") == []
