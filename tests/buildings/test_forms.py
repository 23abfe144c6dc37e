"""Buildings, units, arrêtés and incidents created and edited through their forms: 303 to
the record, 422 with a clear French message and nothing written, 409 on a stale version
with the current values, and the lot number unique among a building's live units."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from capintra import clock
from capintra.buildings.models import (
    Arrete,
    Ban,
    Building,
    BuildingIncident,
    BuildingState,
    IntendedFuture,
    Unit,
    UnitCondition,
    UnitType,
)
from capintra.extensions import db
from tests.buildings import make as bmake
from tests.forms import forms_on


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _building_data(operation_id, **kw) -> dict:
    return {
        "operation_id": operation_id,
        "address": "14 rue de la Charité",
        "commune": "Saint-Étienne",
        "cadastral_parcel": "AB 123",
        "state": "en_liberation",
        "intended_future": "demolition",
        "levels": "4",
        "target_vacancy_date": "2027-06-30",
        **kw,
    }


# --- buildings -----------------------------------------------------------------------------


def test_create_a_building_with_its_owner_from_the_directory(make, login_as):
    operation = make.operation(name="Îlot Gambetta")
    syndic = bmake.organisation(name="Cabinet Foncia Loire")
    browser = login_as("assistant")
    page = browser.get("/buildings/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Cabinet Foncia Loire" in html and "Îlot Gambetta" in html
    data = _building_data(operation.id, owner_or_syndic_id=syndic.id, co_ownership="y")
    response = browser.post("/buildings/new", data=data)
    assert response.status_code == 303
    building = db.session.scalars(select(Building).filter_by(address="14 rue de la Charité")).one()
    assert response.headers["Location"].endswith(f"/buildings/{building.id}")
    assert building.owner_or_syndic_id == syndic.id and building.co_ownership
    assert building.state is BuildingState.EN_LIBERATION
    assert building.intended_future is IntendedFuture.DEMOLITION
    assert (building.levels, building.target_vacancy_date) == (4, date(2027, 6, 30))
    shown = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Immeuble « 14 rue de la Charité » créé." in shown and "30/06/2027" in shown


def test_create_with_htmx_redirects_through_hx_redirect(make, login_as):
    operation = make.operation()
    response = login_as("officer").htmx("POST", "/buildings/new", data=_building_data(operation.id))
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/buildings/")


def test_a_building_without_address_is_refused_with_422_and_nothing_written(make, login_as):
    operation = make.operation()
    before = _count(Building)
    response = login_as("assistant").post(
        "/buildings/new", data=_building_data(operation.id, address="  ", levels="-2")
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Indiquez l’adresse." in html and "Entre 1 et 60 niveaux." in html
    assert 'value="AB 123"' in html  # what was typed comes back
    assert _count(Building) == before


def test_a_deleted_organisation_is_refused(make, login_as):
    operation = make.operation()
    gone = bmake.organisation(name="Syndic disparu")
    gone.soft_delete()
    db.session.commit()
    before = _count(Building)
    response = login_as("assistant").post(
        "/buildings/new", data=_building_data(operation.id, owner_or_syndic_id=gone.id)
    )
    assert response.status_code == 422  # not among the choices
    assert _count(Building) == before


def test_edit_a_building_and_a_stale_edit_shows_the_current_values(make, login_as):
    building = bmake.building(address="3 rue Vieille", commune="Firminy")
    shown = building.version
    browser = login_as("officer")
    form = browser.get(f"/buildings/{building.id}/edit").get_data(as_text=True)
    assert (
        'value="3 rue Vieille"' in form and f'name="version" type="hidden" value="{shown}"' in form
    )
    data = _building_data(building.operation_id, address="3 rue Neuve", version=shown)
    assert browser.post(f"/buildings/{building.id}/edit", data=data).status_code == 303
    db.session.expire_all()
    assert db.session.get(Building, building.id).address == "3 rue Neuve"

    # a colleague saved meanwhile: the second save with the old version is refused
    stale = browser.post(f"/buildings/{building.id}/edit",
                         data={**data, "address": "3 rue Autre"})  # fmt: skip
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "rien n’a été enregistré" in html
    assert "Valeur actuelle :" in html and "3 rue Neuve" in html
    assert 'value="3 rue Autre"' in html  # the user's input kept
    db.session.expire_all()
    assert db.session.get(Building, building.id).address == "3 rue Neuve"


def test_a_manager_may_not_create_or_edit_a_building(make, login_as):
    building = bmake.building()
    manager = login_as("manager")
    assert manager.get("/buildings/new").status_code == 403
    data = _building_data(building.operation_id, version=building.version)
    assert manager.post(f"/buildings/{building.id}/edit", data=data).status_code == 403
    html = manager.get(f"/buildings/{building.id}").get_data(as_text=True)
    assert "Modifier l’immeuble" not in html and "Ajouter un logement" not in html
    for tab in ("arretes", "incidents"):
        html = manager.get(f"/buildings/{building.id}/{tab}").get_data(as_text=True)
        assert "-add-form" not in html and "Supprimer" not in html


# --- units ---------------------------------------------------------------------------------


def _unit_data(**kw) -> dict:
    return {"lot_number": "12", "floor": "RDC", "unit_type": "t3", "surface_dm2": "38,88",
            "condition": "normal", **kw}  # fmt: skip


def test_add_a_unit_on_the_ground_floor_with_a_french_surface(make, login_as):
    building = bmake.building()
    browser = login_as("assistant")
    assert browser.get(f"/buildings/{building.id}/units/new").status_code == 200
    response = browser.post(f"/buildings/{building.id}/units/new", data=_unit_data(
        acquired_on="2024-05-02", acquisition_mode="preemption"))  # fmt: skip
    assert response.status_code == 303
    unit = db.session.scalars(select(Unit).filter_by(building_id=building.id)).one()
    assert response.headers["Location"].endswith(f"/units/{unit.id}")
    assert (unit.floor, unit.surface_dm2, unit.unit_type) == (0, 3888, UnitType.T3)
    assert unit.acquired_on == date(2024, 5, 2)
    html = browser.get(f"/units/{unit.id}").get_data(as_text=True)
    assert "38,88 m²" in html and "RDC" in html and "Logement 12 ajouté." in html
    form = browser.get(f"/units/{unit.id}/edit").get_data(as_text=True)
    assert 'value="38,88"' in form and 'value="RDC"' in form


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("surface_dm2", "trente", "Surface illisible"),
        ("surface_dm2", "-3", "Surface invalide"),
        ("surface_dm2", "38,885", "deux décimales au plus"),
        ("floor", "grenier", "Étage illisible"),
        ("lot_number", "", "Indiquez le numéro de lot."),
    ],
)
def test_a_bad_unit_is_refused_with_a_french_message(make, login_as, field, value, message):
    building = bmake.building()
    response = login_as("officer").post(f"/buildings/{building.id}/units/new",
                                        data=_unit_data(**{field: value}))  # fmt: skip
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).where(Unit.building_id == building.id)) == 0


def test_an_acquisition_mode_needs_its_date(make, login_as):
    building = bmake.building()
    response = login_as("officer").post(f"/buildings/{building.id}/units/new",
                                        data=_unit_data(acquisition_mode="amiable"))  # fmt: skip
    assert response.status_code == 422
    assert "Indiquez aussi la date d’acquisition." in response.get_data(as_text=True)


def test_a_lot_number_is_unique_among_the_building_s_live_units(make, login_as):
    building = bmake.building()
    taken = bmake.unit(building, lot_number="12")
    other = bmake.unit(bmake.building(), lot_number="12")  # another building: no clash
    browser = login_as("assistant")
    refused = browser.post(f"/buildings/{building.id}/units/new", data=_unit_data())
    assert refused.status_code == 409
    assert "Le lot 12 existe déjà dans cet immeuble" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).where(Unit.building_id == building.id)) == 1

    # a unit renamed onto a taken number: refused the same way
    second = bmake.unit(building, lot_number="13")
    renamed = browser.post(f"/units/{second.id}/edit",
                           data=_unit_data(version=second.version))  # fmt: skip
    assert renamed.status_code == 409
    assert "Le lot 12 existe déjà" in renamed.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Unit, second.id).lot_number == "13"

    # once the mistake is deleted, its number is free again
    taken.soft_delete()
    db.session.commit()
    assert browser.post(f"/buildings/{building.id}/units/new", data=_unit_data()).status_code == 303
    assert other.lot_number == "12"


def test_the_database_refuses_two_live_units_with_one_lot_number(app_ctx):
    building = bmake.building()
    bmake.unit(building, lot_number="7")
    db.session.add(Unit(building_id=building.id, lot_number="7"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_edit_a_unit_and_a_stale_edit(make, login_as):
    unit = bmake.unit(lot_number="4", floor=2)
    shown = unit.version
    browser = login_as("officer")
    data = _unit_data(lot_number="4", floor="3e", condition="mure", version=shown)
    assert browser.post(f"/units/{unit.id}/edit", data=data).status_code == 303
    db.session.expire_all()
    unit = db.session.get(Unit, unit.id)
    assert (unit.floor, unit.condition) == (3, UnitCondition.MURE)
    stale = browser.post(f"/units/{unit.id}/edit", data={**data, "floor": "1er"})
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "rien n’a été enregistré" in html and "Valeur actuelle :" in html
    assert "Valeur actuelle : <strong>3e</strong>" in html  # the floor as people write it
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).floor == 3


# --- arrêtés and incidents, inline ----------------------------------------------------------


def test_add_an_arrete_on_a_unit_with_htmx(make, login_as):
    building = bmake.building()
    unit = bmake.unit(building, lot_number="A2")
    browser = login_as("assistant")
    tab = browser.get(f"/buildings/{building.id}/arretes").get_data(as_text=True)
    assert 'id="arrete-add-form"' in tab and "Lot A2" in tab
    response = browser.htmx("POST", f"/buildings/{building.id}/arretes", target="tab-content",
                            data={"unit_id": unit.id, "kind": "insalubrite",
                                  "arrete_date": "2026-02-03", "ban": "definitive",
                                  "rehousing_by": "Le propriétaire"})  # fmt: skip
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "capintra:saved"
    html = response.get_data(as_text=True)
    assert "<html" not in html and "Arrêté enregistré." in html and "03/02/2026" in html
    arrete = db.session.scalars(select(Arrete).filter_by(unit_id=unit.id)).one()
    assert arrete.building_id is None and arrete.ban is Ban.DEFINITIVE


def test_an_arrete_refused_without_javascript_and_nothing_written(make, login_as):
    building = bmake.building()
    foreign = bmake.unit(bmake.building(), lot_number="Z9")
    browser = login_as("officer")
    before = _count(Arrete)
    lifted_early = browser.post(f"/buildings/{building.id}/arretes", data={
        "kind": "insalubrite", "arrete_date": "2026-02-03", "ban": "aucune",
        "lifted_on": "2026-01-01"})  # fmt: skip
    assert lifted_early.status_code == 422
    assert "La mainlevée ne peut précéder" in lifted_early.get_data(as_text=True)
    elsewhere = browser.post(f"/buildings/{building.id}/arretes", data={
        "unit_id": foreign.id, "kind": "insalubrite", "arrete_date": "2026-02-03",
        "ban": "aucune"})  # fmt: skip
    assert elsewhere.status_code == 422  # a unit of another building is not a choice
    assert _count(Arrete) == before
    done = browser.post(f"/buildings/{building.id}/arretes", data={
        "kind": "mise_en_securite", "arrete_date": "2026-02-03", "ban": "temporaire"})  # fmt: skip
    assert done.status_code == 303
    assert done.headers["Location"].endswith(f"/buildings/{building.id}/arretes")


def test_edit_an_arrete_stale_then_current_then_delete_it(make, login_as):
    building = bmake.building()
    arrete = bmake.arrete(building_id=building.id, arrete_date=date(2025, 1, 6))
    shown = arrete.version
    browser = login_as("officer")
    path = f"/buildings/{building.id}/arretes/{arrete.id}"
    form = browser.htmx("GET", path, target="tab-content").get_data(as_text=True)
    assert "<html" not in form and 'value="2025-01-06"' in form
    data = {"kind": "insalubrite", "arrete_date": "2025-01-06", "ban": "aucune",
            "lifted_on": "2026-04-01", "version": shown}  # fmt: skip
    assert browser.post(path, data=data).status_code == 303
    stale = browser.post(path, data={**data, "lifted_on": "2026-05-01"})
    assert stale.status_code == 409
    assert "Valeur actuelle :" in stale.get_data(as_text=True)
    db.session.expire_all()
    arrete = db.session.get(Arrete, arrete.id)
    assert arrete.lifted_on == date(2026, 4, 1)

    # delete: without JavaScript a page asks first, nothing is deleted before
    asked = browser.post(f"{path}/delete", data={"version": arrete.version})
    assert asked.status_code == 200 and "Supprimer l’arrêté" in asked.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(Arrete, arrete.id).is_deleted
    gone = browser.post(f"{path}/delete", data={"version": arrete.version, "confirmed": "1"})
    assert gone.status_code == 303
    db.session.expire_all()
    assert db.session.get(Arrete, arrete.id).is_deleted
    assert browser.get(path).status_code == 404


def test_an_arrete_of_another_building_answers_404(make, login_as):
    arrete = bmake.arrete()
    building = bmake.building()
    response = login_as("officer").get(f"/buildings/{building.id}/arretes/{arrete.id}")
    assert response.status_code == 404


def test_add_and_edit_an_incident(make, login_as):
    building = bmake.building()
    browser = login_as("assistant")
    future = (clock.today() + timedelta(days=3)).isoformat()
    refused = browser.post(f"/buildings/{building.id}/incidents",
                           data={"incident_date": future, "kind": "squat"})  # fmt: skip
    assert refused.status_code == 422
    assert "Date dans le futur" in refused.get_data(as_text=True)
    assert not db.session.scalars(select(BuildingIncident).filter_by(building_id=building.id)).all()
    data = {"incident_date": "2026-10-12", "kind": "squat", "description": "Porte fracturée"}
    done = browser.post(f"/buildings/{building.id}/incidents", data=data)
    assert done.status_code == 303
    incident = db.session.scalars(select(BuildingIncident).filter_by(building_id=building.id)).one()
    assert incident.recorded_by_id == browser.user.id
    path = f"/buildings/{building.id}/incidents/{incident.id}"
    shown = incident.version
    edited = browser.htmx("POST", path, target="tab-content", data={
        "incident_date": "2026-10-12", "kind": "sinistre", "description": "Dégât des eaux",
        "version": shown})  # fmt: skip
    assert edited.status_code == 200 and "Dégât des eaux" in edited.get_data(as_text=True)
    stale = browser.htmx("POST", path, target="tab-content", data={
        "incident_date": "2026-10-12", "kind": "visite", "version": shown})  # fmt: skip
    assert stale.status_code == 409
    assert "rien n’a été enregistré" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(BuildingIncident, incident.id).description == "Dégât des eaux"


@pytest.mark.parametrize("tab", ["incidents", "arretes"])
def test_an_untouched_add_form_records_nothing(make, login_as, tab):
    """The add form starts with no date and no type (« — choisir — »): sent as the page
    gives it, a stray click is refused (422) and writes nothing."""
    model = BuildingIncident if tab == "incidents" else Arrete
    building = bmake.building()
    browser = login_as("assistant")
    page = browser.get(f"/buildings/{building.id}/{tab}").get_data(as_text=True)
    form = next(f for f in forms_on(page) if f.action == f"/buildings/{building.id}/{tab}")
    assert '<option selected value="">— choisir —</option>' in page
    sent = {**dict(form.pairs), "kind": ""}  # what the browser sends, nothing chosen
    assert not sent.get("incident_date", sent.get("arrete_date"))
    response = browser.post(form.action, data=sent)
    assert response.status_code == 422
    assert "Choisissez le type" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_a_period_closed_without_a_reason_is_refused(make, login_as):
    unit = bmake.unit(bmake.building())
    period = bmake.period(unit, make.household())
    db.session.commit()
    browser = login_as("assistant")
    page = browser.get(f"/occupancies/{period.id}/close").get_data(as_text=True)
    form = next(f for f in forms_on(page) if f.action == f"/occupancies/{period.id}/close")
    assert '<option selected value="">— choisir —</option>' in page
    sent = {**dict(form.pairs), "end_reason": "", "end_date": "2026-06-01"}
    response = browser.post(form.action, data=sent)
    assert response.status_code == 422
    assert "Choisissez le motif de fin" in response.get_data(as_text=True)
    db.session.refresh(period)
    assert period.end_date is None
