"""The admins' directory: list (accent-insensitive search, kind filter), create, edit
(version checked), and the merge of a duplicate (every reference moves, audited)."""

from __future__ import annotations

from sqlalchemy import select

from capintra.audit.models import AuditEvent
from capintra.extensions import db
from capintra.households.models import HouseholdPartner
from capintra.organisations.models import Organisation, OrganisationKind
from tests.buildings import make as bmake
from tests.households.helpers import text_of
from tests.organisations import make as orgs

VALID_SIRET = "732 829 320 00074"


def fresh(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def live_partners(household) -> list[int]:
    return list(
        db.session.scalars(
            select(HouseholdPartner.organisation_id).where(
                HouseholdPartner.household_id == household.id,
                HouseholdPartner.deleted_at.is_(None),
            )
        )
    )


def form(**values) -> dict:
    data = {"name": "", "kind": "autre", "address": "", "contact": "", "siret": ""}
    data.update(values)
    return data


def test_the_list_searches_names_without_accents_and_filters_by_kind(browser_for):
    orgs.organisation(name="Département de la Loire", kind=OrganisationKind.DEPARTEMENT)
    orgs.organisation(name="CCAS de Firminy", kind=OrganisationKind.CCAS)
    orgs.organisation(name="Secours populaire, antenne de Firminy")
    admin = browser_for("admin")

    page = text_of(admin.get("/admin/organisations/?q=departement"))
    assert "Département de la Loire" in page and "CCAS de Firminy" not in page

    rows = admin.htmx("GET", "/admin/organisations/?q=firminy&kind=ccas", "organisation-results")
    assert rows.status_code == 200 and "<html" not in text_of(rows)
    assert "CCAS de Firminy" in text_of(rows) and "Secours populaire" not in text_of(rows)


def test_create_refuses_an_empty_name_and_a_bad_siret_with_422_and_nothing_written(
    browser_for,
):
    admin = browser_for("admin")
    before = db.session.query(Organisation).count()

    empty = admin.post("/admin/organisations/new", data=form(name="  "))
    assert empty.status_code == 422
    assert "Indiquez le nom de l’organisme." in text_of(empty)

    bad = admin.post("/admin/organisations/new", data=form(name="Loire Habitat",
                                                          siret="732 829 320 00075"))  # fmt: skip
    assert bad.status_code == 422
    assert "SIRET n’est pas valide" in text_of(bad)
    assert 'value="Loire Habitat"' in text_of(bad)  # what was typed comes back
    assert db.session.query(Organisation).count() == before


def test_create_goes_to_the_new_organisation_and_cleans_the_siret(browser_for):
    admin = browser_for("admin")
    response = admin.post(
        "/admin/organisations/new",
        data=form(name="Loire Habitat", kind="bailleur", siret=VALID_SIRET),
    )
    assert response.status_code == 303
    created = db.session.scalars(select(Organisation).where(Organisation.name == "Loire Habitat"))
    organisation = created.one()
    assert response.headers["Location"].endswith(f"/admin/organisations/{organisation.id}/edit")
    assert (organisation.siret, organisation.kind) == ("73282932000074", OrganisationKind.BAILLEUR)
    assert organisation.name_key == "loire habitat"


def test_a_second_organisation_of_the_same_name_is_refused_with_409(browser_for):
    orgs.organisation(name="CAF de la Loire", kind=OrganisationKind.CAF)
    admin = browser_for("admin")
    response = admin.post("/admin/organisations/new", data=form(name="caf de la LOIRE"))
    assert response.status_code == 409
    assert "est déjà dans l’annuaire" in text_of(response)
    names = db.session.scalars(select(Organisation.name_key).where(
        Organisation.name_key == "caf de la loire")).all()  # fmt: skip
    assert names == ["caf de la loire"]


def test_edit_checks_the_version_it_showed(browser_for):
    organisation = orgs.organisation(name="Mission locale")
    admin = browser_for("admin")
    url = f"/admin/organisations/{organisation.id}/edit"
    shown = organisation.version

    first = admin.post(url, data=form(name="Mission locale Loire Sud", version=shown))
    assert first.status_code == 303
    stale = admin.post(url, data=form(name="Mission locale de Firminy", version=shown))
    assert stale.status_code == 409
    assert "Modifié par quelqu’un d’autre" in text_of(stale)
    assert "Valeur actuelle : <strong>Mission locale Loire Sud</strong>" in text_of(stale)
    assert fresh(organisation).name == "Mission locale Loire Sud"
    assert f'name="version" type="hidden" value="{fresh(organisation).version}"' in text_of(stale)


def test_edit_of_a_merged_organisation_answers_404(browser_for):
    kept, duplicate = orgs.organisation(name="CCAS"), orgs.organisation(name="C.C.A.S. bis")
    duplicate.merged_into_id, duplicate.deleted_at = kept.id, kept.created_at
    db.session.commit()
    assert browser_for("admin").get(f"/admin/organisations/{duplicate.id}/edit").status_code == 404


# --- merge ---------------------------------------------------------------------------------


def test_merge_moves_every_reference_to_the_kept_one_and_soft_deletes_the_duplicate(
    browser_for, make
):
    kept = orgs.organisation(name="Centre communal d’action sociale", kind=OrganisationKind.CCAS)
    duplicate = orgs.organisation(name="CCAS Saint-Étienne")
    only_duplicate, both = make.household(), make.household()
    moved_link = orgs.partner(only_duplicate, duplicate)
    orgs.partner(both, kept)
    dropped_link = orgs.partner(both, duplicate)
    building = bmake.building(owner_or_syndic_id=duplicate.id)
    admin = browser_for("admin")
    url = f"/admin/organisations/{duplicate.id}/merge"

    page = admin.get(url)
    assert page.status_code == 200
    assert "2 ménage(s) (intervenant)" in text_of(page)
    assert "1 immeuble(s)" in text_of(page)

    data = {"kept_id": kept.id, "version": duplicate.version}
    asked = admin.post(url, data=data)  # without JavaScript: the question on a page
    assert asked.status_code == 200 and "Fusionner « CCAS Saint-Étienne »" in text_of(asked)
    assert fresh(duplicate).deleted_at is None

    done = admin.post(url, data={**data, "confirmed": "1"})
    assert done.status_code == 303
    assert done.headers["Location"].endswith(f"/admin/organisations/{kept.id}/edit")
    assert fresh(building).owner_or_syndic_id == kept.id
    assert fresh(moved_link).organisation_id == kept.id and moved_link.deleted_at is None
    assert fresh(dropped_link).deleted_at is not None  # `both` had the kept one already
    assert live_partners(both) == [kept.id]
    gone = fresh(duplicate)
    assert gone.deleted_at is not None and gone.merged_into_id == kept.id
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "organisation_merged")).one()  # fmt: skip
    assert (event.entity_id, event.changes["merged_into_id"]) == (duplicate.id, [None, kept.id])
    assert event.changes["moved"] == [None, 2]  # the building and one household
    assert "Centre communal d’action sociale" in text_of(admin.get("/admin/organisations/"))
    assert "CCAS Saint-Étienne" not in text_of(admin.get("/admin/organisations/"))


def test_merge_restores_the_kept_link_a_household_had_removed(browser_for, make):
    kept, duplicate = orgs.organisation(name="CAF"), orgs.organisation(name="Caf Loire")
    household = make.household()
    removed = orgs.partner(household, kept)
    removed.soft_delete()
    db.session.commit()
    orgs.partner(household, duplicate)
    admin = browser_for("admin")
    data = {"kept_id": kept.id, "version": duplicate.version, "confirmed": "1"}
    assert admin.post(f"/admin/organisations/{duplicate.id}/merge", data=data).status_code == 303
    assert live_partners(household) == [kept.id]


def test_merging_into_itself_or_with_a_stale_version_answers_409_and_changes_nothing(
    browser_for, make
):
    duplicate, other = orgs.organisation(name="Secours pop"), orgs.organisation(name="SPF")
    link = orgs.partner(make.household(), duplicate)
    admin = browser_for("admin")
    url = f"/admin/organisations/{duplicate.id}/merge"

    itself = admin.post(url, data={"kept_id": duplicate.id, "version": duplicate.version,
                                   "confirmed": "1"})  # fmt: skip
    assert itself.status_code == 409
    assert "ne peut pas être fusionné avec lui-même" in text_of(itself)

    stale = admin.post(url, data={"kept_id": other.id, "version": duplicate.version - 1,
                                  "confirmed": "1"})  # fmt: skip
    assert stale.status_code == 409
    assert "modifié entre-temps" in text_of(stale)

    missing = admin.post(url, data={"kept_id": "", "version": duplicate.version})
    assert missing.status_code == 422
    assert "Choisissez l’organisme à conserver." in text_of(missing)

    assert fresh(duplicate).deleted_at is None and fresh(link).organisation_id == duplicate.id
