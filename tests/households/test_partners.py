"""A household's partners come from the organisations directory (DESIGN §2), and are a
social detail: managers never see them — page, fragment, form, history, audit trail or
search — while assistants and officers read and edit them (DESIGN §1)."""

from __future__ import annotations

from flask_login import login_user
from sqlalchemy import select

from capintra.extensions import db
from capintra.households import queries, services
from capintra.households.models import Household, HouseholdPartner
from tests.households.helpers import form_errors, text_of
from tests.households.test_finances import every_page
from tests.organisations import make as orgs

#: A name no page shows unless it shows the partners.
SECRET = "Zqorg Solidarité Gier"


def fresh(household) -> Household:
    db.session.expire_all()
    return db.session.get(Household, household.id)


def live_links(household) -> list[HouseholdPartner]:
    return list(
        db.session.scalars(
            select(HouseholdPartner)
            .where(
                HouseholdPartner.household_id == household.id,
                HouseholdPartner.deleted_at.is_(None),
            )
            .order_by(HouseholdPartner.organisation_id)
        )
    )


def edit_data(household, **values) -> dict:
    data = {
        "name": household.name,
        "operation_id": household.operation_id,
        "rehousing_right": "a_instruire",
        "version": household.version,
    }
    data.update(values)
    return data


def test_an_assistant_chooses_removes_and_chooses_again_a_partner(make, browser_for):
    caf, ccas = orgs.organisation(name="CAF de la Loire"), orgs.organisation(name="CCAS")
    household = make.household(name="BERNARD Léa")
    assistant = browser_for("assistant")
    url = f"/households/{household.id}/edit"

    page = text_of(assistant.get(url))
    assert f'<option value="{caf.id}">CAF de la Loire (Autre)</option>' in page
    assert 'hx-post="/organisations/new"' in page  # the inline « add an organisation »

    note = "Mme Roche suit le dossier au CCAS."
    data = edit_data(household, partner_ids=[caf.id, ccas.id], partners_note=note)
    saved = assistant.post(url, data=data)
    assert saved.status_code == 303, form_errors(saved)
    links = live_links(household)
    assert [link.organisation_id for link in links] == sorted([caf.id, ccas.id])
    summary = text_of(assistant.get(f"/households/{household.id}"))
    assert "CAF de la Loire, CCAS" in summary and "Mme Roche suit le dossier" in summary

    household = fresh(household)
    again = assistant.post(url, data=edit_data(household, partner_ids=[ccas.id],
                                               partners_note=""))  # fmt: skip
    assert again.status_code == 303
    assert [link.organisation_id for link in live_links(household)] == [ccas.id]
    caf_link = next(link for link in links if link.organisation_id == caf.id)
    db.session.expire_all()
    assert db.session.get(HouseholdPartner, caf_link.id).deleted_at is not None  # kept, hidden

    household = fresh(household)
    assistant.post(url, data=edit_data(household, partner_ids=[ccas.id, caf.id]))
    restored = live_links(household)
    assert caf_link.id in {link.id for link in restored}  # the same row, restored

    edit_form = text_of(assistant.get(url))
    assert f'<option selected value="{caf.id}">' in edit_form or (
        f'<option value="{caf.id}" selected>' in edit_form
    )


def test_a_new_file_gets_its_partners_too(make, browser_for):
    operation, caf = make.operation(), orgs.organisation(name="CAF de la Loire")
    officer = browser_for("officer")
    response = officer.post("/households/new", data={
        "name": "NGUYEN Anh", "operation_id": operation.id, "rehousing_right": "a_instruire",
        "officer_id": officer.user.id, "partner_ids": [caf.id]})  # fmt: skip
    assert response.status_code == 303, form_errors(response)
    household = db.session.scalars(select(Household).where(Household.name == "NGUYEN Anh")).one()
    assert [link.organisation_id for link in live_links(household)] == [caf.id]


def test_an_organisation_not_in_the_directory_is_refused_with_422_and_nothing_written(
    make, browser_for
):
    kept, merged = orgs.organisation(name="CCAS"), orgs.organisation(name="C.C.A.S.")
    merged.soft_delete()
    db.session.commit()
    household = make.household(name="PETIT Jean")
    assistant = browser_for("assistant")
    url = f"/households/{household.id}/edit"
    for chosen in ([merged.id], ["abc"]):
        response = assistant.post(
            url, data=edit_data(household, name="PETIT Jeanne", partner_ids=chosen)
        )
        assert response.status_code == 422
        assert "organisme" in " ".join(message for _id, message in form_errors(response))
    db.session.expire_all()
    assert db.session.get(Household, household.id).name == "PETIT Jean"
    assert live_links(household) == []
    assert kept.id  # the live one stays offered


def test_a_manager_writes_no_partner_even_through_the_service(make, app_ctx):
    caf = orgs.organisation(name="CAF de la Loire")
    household = make.household()
    orgs.partner(household, caf)
    services.update_household(household, {"partner_ids": [], "address": "3 rue Haute"},
                              make.user("manager"))  # fmt: skip
    assert [link.organisation_id for link in live_links(household)] == [caf.id]
    assert household.address == "3 rue Haute"


def test_managers_never_see_the_partners_assistants_and_officers_do(make, browser_for):
    organisation = orgs.organisation(name=SECRET)
    household = make.household(name="VALMONT Irène")
    assistant = browser_for("assistant")
    saved = assistant.post(f"/households/{household.id}/edit",
                           data=edit_data(household, partner_ids=[organisation.id]))  # fmt: skip
    assert saved.status_code == 303, form_errors(saved)
    household = fresh(household)
    values = {("organisation", "name"): SECRET}  # also searched for, by name

    manager_pages = every_page(browser_for("manager"), household, values)
    assert "VALMONT" in manager_pages["detail"] and manager_pages["audit trail"]
    for page, html in manager_pages.items():
        assert "Zqorg" not in html, page
        assert "Intervenant" not in html, page  # not even the label, nor an event about one

    for who in ("assistant", "officer"):
        browser = browser_for(who)
        detail = text_of(browser.get(f"/households/{household.id}"))
        assert SECRET in detail and "Intervenants" in detail, who
        history = text_of(browser.get(f"/households/{household.id}/history"))
        assert "Intervenant" in history, who

    # The admin's full trail (confidential content included) keeps the event.
    assert "Intervenant" in text_of(browser_for("admin").get("/audit/"))


def test_the_file_s_glance_reads_the_partners_only_for_those_who_see_them(make, app_ctx):
    """Its statement is built once per answer of « sees them? » (queries._glance_statement):
    the filter is in the SQL, not left to the page."""
    household = make.household()
    orgs.partner(household, orgs.organisation(name=SECRET))
    for role, shown in (("manager", ()), ("assistant", (SECRET,)), ("manager", ())):
        user = make.user(role)
        with app_ctx.test_request_context():
            login_user(user)
            assert queries.glance(household).partners == shown, role
