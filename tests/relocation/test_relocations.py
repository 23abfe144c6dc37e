"""Temporary and final relocations (issue 11, item 3): the occupancy, the phase and the
6-month follow-up move together, all or nothing; the « Relogement » tab shows the right to
return and the costs before and after to who reads finances only; invalid (422), stale
(409) and refused (409) posts write nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from capintra.buildings import services as occupancy
from capintra.buildings.models import EndReason, Occupancy, OccupantStatus
from capintra.errors import DomainError
from capintra.extensions import db
from capintra.households.models import Household, Phase, PhaseChange, Task, TaskKind
from capintra.relocation import relocating
from capintra.relocation.models import Answer, Channel, Offer, Relocation, RelocationKind, Sector
from tests.buildings import make as bmake
from tests.conftest import login


@pytest.fixture
def browser_for(app_ctx, make):
    def _browser(who="officer"):
        user = make.user(who) if isinstance(who, str) else who
        return login(app_ctx.test_client(), user)

    return _browser


@pytest.fixture
def file(make):
    """A household searching for a home, in its unit since 2019 (rent 450 €, charges 50 €,
    APL 200 €, resources 1 500 €), and a vacant unit of the same operation."""
    officer = make.user("officer")
    operation = make.operation()
    building = bmake.building(operation.id, address="12 rue Gambetta")
    home = bmake.unit(building, lot_number="A1", floor=1, surface_dm2=6_500)
    spare = bmake.unit(building, lot_number="B2", floor=2)
    household = make.household(
        operation.id, phase=Phase.RECHERCHE, officer_id=officer.id,
        monthly_resources_cents=150_000,
    )  # fmt: skip
    occupancy.add_period(
        home, household=household, status=OccupantStatus.LOCATAIRE, start=date(2019, 4, 1),
        rent_cents=45_000, charges_cents=5_000, apl_cents=20_000,
    )  # fmt: skip
    db.session.commit()
    return {"officer": officer, "household": household, "home": home, "spare": spare}


def _final_data(**kw) -> dict:
    data = {
        "relocated_on": date(2026, 9, 1),
        "keys_on": date(2026, 9, 3),
        "address": "8 rue Michelet",
        "commune": "Firminy",
        "sector": Sector.SOCIAL,
        "rent_cents": 48_000,
        "charges_cents": 4_000,
        "apl_cents": 22_000,
        "surface_dm2": 7_000,
    }
    data.update(kw)
    return data


def _post(**kw) -> dict:
    data = {
        "kind": "definitif",
        "relocated_on": "2026-09-01",
        "keys_on": "2026-09-03",
        "address": "8 rue Michelet",
        "commune": "Firminy",
        "sector": "social",
        "rent_cents": "480",
        "charges_cents": "40",
        "apl_cents": "220",
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def _open_periods(household) -> list[Occupancy]:
    return list(
        db.session.scalars(
            select(Occupancy).where(
                Occupancy.household_id == household.id,
                Occupancy.end_date.is_(None),
                Occupancy.deleted_at.is_(None),
            )
        )
    )


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _follow_ups(household) -> list[Task]:
    return list(
        db.session.scalars(
            select(Task).where(Task.household_id == household.id, Task.kind == TaskKind.FOLLOW_UP)
        )
    )


# --- services ------------------------------------------------------------------------------


def test_temporary_then_final_relocation(file):
    household, home, spare = file["household"], file["home"], file["spare"]
    officer = file["officer"]

    temporary = relocating.record_temporary(
        household,
        {"relocated_on": date(2026, 3, 1), "keys_on": date(2026, 3, 1), "unit_id": spare.id,
         "right_to_return": True, "sector": Sector.SOCIAL},
        officer,
    )  # fmt: skip
    db.session.commit()
    assert household.phase is Phase.RELOGEMENT_TEMPORAIRE
    assert temporary.right_to_return and temporary.ended_on is None
    assert (temporary.before_rent_cents, temporary.before_apl_cents) == (45_000, 20_000)
    assert temporary.before_surface_dm2 == 6_500 and temporary.resources_cents == 150_000
    # the home is vacant from the key handover, the household now in our spare unit
    assert occupancy.is_occupied(home, date(2026, 2, 28))
    assert not occupancy.is_occupied(home, date(2026, 3, 1))
    assert occupancy.is_occupied(spare, date(2026, 3, 1))
    (open_period,) = _open_periods(household)
    assert open_period.unit_id == spare.id and open_period.status is OccupantStatus.TEMPORAIRE
    left = db.session.scalar(select(Occupancy).where(Occupancy.unit_id == home.id))
    assert left.end_reason is EndReason.RELOGEMENT_TEMPORAIRE
    assert _follow_ups(household) == []
    # the file says where the household stays: the unit's address when none was typed
    assert temporary.address == "12 rue Gambetta, lot B2" and temporary.commune

    final = relocating.record_final(household, _final_data(), officer)
    db.session.commit()
    assert household.phase is Phase.RELOGE
    assert _open_periods(household) == []
    assert not occupancy.is_occupied(spare, date(2026, 9, 3))
    assert occupancy.is_occupied(spare, date(2026, 9, 2))
    stay = db.session.scalar(select(Occupancy).where(Occupancy.unit_id == spare.id))
    assert stay.end_reason is EndReason.RELOGE and stay.end_date == date(2026, 9, 3)
    db.session.refresh(temporary)
    assert temporary.ended_on == date(2026, 9, 1)
    (task,) = _follow_ups(household)
    assert task.due_date == date(2027, 3, 1) and task.assignee_id == officer.id and not task.done
    # « before » is the home the household came from, not the temporary unit
    assert final.before_rent_cents == 45_000 and final.before_surface_dm2 == 6_500
    assert final.remaining_before_cents == 30_000 and final.remaining_after_cents == 30_000
    assert final.effort_before == Decimal("0.2000") == final.effort_after
    phases = db.session.scalars(
        select(PhaseChange.to_phase).where(PhaseChange.household_id == household.id)
    ).all()
    assert phases == [Phase.RELOGEMENT_TEMPORAIRE, Phase.RELOGE]


def test_final_relocation_from_home_ends_it_as_reloge(file):
    household, home = file["household"], file["home"]
    final = relocating.record_final(household, _final_data(), file["officer"])
    db.session.commit()
    assert final.kind is RelocationKind.DEFINITIF
    assert not occupancy.is_occupied(home, date(2026, 9, 3))
    period = db.session.scalar(select(Occupancy).where(Occupancy.unit_id == home.id))
    assert period.end_reason is EndReason.RELOGE and period.end_date == date(2026, 9, 3)
    assert (final.before_rent_cents, final.before_charges_cents) == (45_000, 5_000)
    assert final.effort_before == Decimal("0.2000")
    assert (household.address, household.commune) == ("8 rue Michelet", "Firminy")


def test_blank_fields_of_the_final_relocation_come_from_the_accepted_offer(file):
    household = file["household"]
    offer = Offer(household_id=household.id, formal=True, sent_on=date(2026, 7, 1),
                  address="14 rue Jean-Moulin", commune="Firminy", rent_cents=41_000,
                  charges_cents=3_500, surface_dm2=6_800, priority_neighbourhood=True,
                  answer=Answer.ACCEPTEE, answered_on=date(2026, 7, 8))  # fmt: skip
    db.session.add(offer)
    db.session.flush()
    final = relocating.record_final(
        household,
        _final_data(offer_id=offer.id, address="", commune="", rent_cents=None,
                    charges_cents=4_200, surface_dm2=None),
        file["officer"],
    )  # fmt: skip
    db.session.commit()
    assert (final.address, final.commune) == ("14 rue Jean-Moulin", "Firminy")
    assert (final.rent_cents, final.surface_dm2) == (41_000, 6_800)
    assert final.charges_cents == 4_200  # what the officer typed wins
    assert final.priority_neighbourhood


def test_the_phase_only_moves_forward(file):
    household = file["household"]
    household.phase = Phase.SUIVI
    db.session.commit()
    relocating.record_final(household, _final_data(), file["officer"])
    assert household.phase is Phase.SUIVI
    assert _count(PhaseChange, PhaseChange.household_id == household.id) == 0


def test_a_temporary_stay_elsewhere_opens_no_period(file):
    household = file["household"]
    relocating.record_temporary(
        household,
        {"relocated_on": date(2026, 3, 1), "keys_on": date(2026, 3, 2), "right_to_return": True},
        file["officer"],
    )
    assert _open_periods(household) == []
    with pytest.raises(DomainError):  # one temporary stay at a time
        relocating.record_temporary(
            household, {"relocated_on": date(2026, 4, 1), "keys_on": date(2026, 4, 1)},
            file["officer"],
        )  # fmt: skip


def test_the_follow_up_falls_on_the_month_s_last_day():
    assert relocating.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert relocating.add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert relocating.add_months(date(2026, 11, 25), 6) == date(2027, 5, 25)


# --- the view: all or nothing ----------------------------------------------------------------


def _nothing_changed(file) -> None:
    household, home = file["household"], file["home"]
    db.session.expire_all()
    (period,) = _open_periods(household)
    assert period.unit_id == home.id and period.end_reason is None
    assert db.session.get(Household, household.id).phase is Phase.RECHERCHE
    assert _count(Relocation, Relocation.household_id == household.id) == 0
    assert _follow_ups(household) == []
    assert _count(Task, Task.household_id == household.id) == 0  # no after-departure chores
    assert _count(PhaseChange, PhaseChange.household_id == household.id) == 0


def test_a_failure_after_the_occupancy_closed_leaves_nothing_changed(
    file, browser_for, monkeypatch
):
    """The follow-up cannot be scheduled: the occupancy already closed and the phase
    already moved in the transaction are rolled back with it (409)."""
    closed = []
    real_end_period = occupancy.end_period

    def end_period(*args, **kw):
        closed.append(args[0].id)
        return real_end_period(*args, **kw)

    def no_follow_up(*_args, **_kw):
        raise DomainError("Échec injecté après la fin de l’occupation.")

    monkeypatch.setattr(relocating.occupancy, "end_period", end_period)
    monkeypatch.setattr(relocating, "schedule_follow_up", no_follow_up)
    officer = browser_for(file["officer"])
    response = officer.post(f"/households/{file['household'].id}/relocations", _post())
    assert response.status_code == 409
    assert "Échec injecté" in response.get_data(as_text=True)
    assert closed  # the failure came after the occupancy had been closed
    _nothing_changed(file)


def test_an_unexpected_error_leaves_nothing_changed(file, browser_for, monkeypatch, app_ctx):
    def crash(*_args, **_kw):
        raise RuntimeError("panne")

    monkeypatch.setattr(relocating, "schedule_follow_up", crash)
    app_ctx.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        officer = browser_for(file["officer"])
        response = officer.post(f"/households/{file['household'].id}/relocations", _post())
    finally:
        app_ctx.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    assert "panne" not in response.get_data(as_text=True)
    _nothing_changed(file)


# --- the view: recorded, refused -------------------------------------------------------------


def test_officer_records_a_final_relocation_with_htmx(file, browser_for):
    household = file["household"]
    offer = Offer(household_id=household.id, formal=True, sent_on=date(2026, 7, 1),
                  channel=Channel.RECOMMANDE, address="8 rue Michelet", commune="Firminy",
                  answer=Answer.ACCEPTEE, answered_on=date(2026, 7, 8))  # fmt: skip
    db.session.add(offer)
    db.session.commit()
    officer = browser_for(file["officer"])
    form = officer.get(f"/households/{household.id}/relocation").get_data(as_text=True)
    assert "8 rue Michelet, Firminy — 01/07/2026" in form  # the accepted offer offered
    assert "12 rue Gambetta — lot B2 (2e)" in form  # the vacant unit, not the home
    assert "lot A1" not in form

    response = officer.htmx(
        "POST", f"/households/{household.id}/relocations", "tab-content",
        _post(offer_id=str(offer.id)),
    )  # fmt: skip
    assert response.status_code == 200, response.get_data(as_text=True)[:3000]
    # the phase in the file's header changed: htmx loads the whole tab page
    assert response.headers["HX-Redirect"] == f"/households/{household.id}/relocation"
    html = officer.get(response.headers["HX-Redirect"]).get_data(as_text=True)
    assert "Étape : Relogé" in html and "Relogé définitivement" in html
    assert "suivi à 6 mois programmé" in html  # the message came with the page
    assert "300,00\xa0€" in html and "20,0\u202f%" in html  # remaining charge, effort rate
    assert "Enregistrer un relogement" not in html  # nothing more to record
    (relocation,) = db.session.scalars(select(Relocation)).all()
    assert relocation.offer_id == offer.id and relocation.rent_cents == 48_000
    assert relocation.resources_cents == 150_000

    # a second final relocation is refused, nothing written
    again = officer.post(f"/households/{household.id}/relocations", _post())
    assert again.status_code == 409
    assert "déjà relogé définitivement" in again.get_data(as_text=True)
    assert _count(Relocation) == 1 and len(_follow_ups(household)) == 1


def test_plain_post_redirects_to_the_tab(file, browser_for):
    household = file["household"]
    officer = browser_for(file["officer"])
    response = officer.post(
        f"/households/{household.id}/relocations",
        _post(kind="temporaire", unit_id=str(file["spare"].id), right_to_return="y",
              relocated_on="2026-03-01", keys_on="2026-03-01"),
    )  # fmt: skip
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/households/{household.id}/relocation")
    html = officer.get(f"/households/{household.id}/relocation").get_data(as_text=True)
    assert "Droit au retour ouvert" in html and "Relogement temporaire en cours" in html


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        ({"keys_on": None}, "Indiquez la date de remise des clés."),
        ({"kind": "autre"}, "Choix inconnu"),
        ({"unit_id": "UNIT"}, "ne sert qu’au relogement temporaire"),
        ({"rent_cents": None}, "les charges et l’APL s’ajoutent à un loyer"),
        ({"keys_on": "2019-03-01"}, "La remise des clés doit suivre le début"),
        ({"offer_id": "999999"}, "Choix inconnu"),
    ],
)
def test_bad_input_answers_422_and_writes_nothing(file, browser_for, change, field_message):
    household = file["household"]
    if change.get("unit_id") == "UNIT":
        change = {"unit_id": str(file["spare"].id)}
    officer = browser_for(file["officer"])
    response = officer.htmx(
        "POST", f"/households/{household.id}/relocations", "tab-content", _post(**change)
    )
    assert response.status_code == 422
    assert field_message in response.get_data(as_text=True)
    _nothing_changed(file)


def test_a_pending_offer_cannot_lead_to_the_relocation(file):
    household = file["household"]
    offer = Offer(household_id=household.id, sent_on=date(2026, 7, 1), channel=Channel.COURRIER)
    db.session.add(offer)
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        relocating.record_final(household, _final_data(offer_id=offer.id), file["officer"])
    assert refused.value.status == 422


def test_survey_edit_and_stale_save(file, browser_for):
    household = file["household"]
    relocation = relocating.record_final(household, _final_data(), file["officer"])
    db.session.commit()
    version = relocation.version
    first, second = browser_for(file["officer"]), browser_for("officer")
    url = f"/households/{household.id}/relocations/{relocation.id}"
    form = first.get(url).get_data(as_text=True)
    assert "ne se modifient pas ici" in form and 'name="keys_on"' not in form
    assert 'name="kind"' not in form and 'name="right_to_return"' not in form
    edit = {"version": str(version), "sector": "social", "address": "8 rue Michelet",
            "commune": "Firminy", "rent_cents": "480", "satisfaction": "satisfait",
            "survey_on": "2027-03-02", "survey_note": "Content du quartier",
            "kind": "temporaire", "keys_on": "2030-01-01"}  # fmt: skip
    assert first.post(url, edit).status_code == 303
    db.session.refresh(relocation)
    assert relocation.survey_on == date(2027, 3, 2) and relocation.kind is RelocationKind.DEFINITIF
    assert relocation.keys_on == date(2026, 9, 3) and relocation.charges_cents is None
    html = first.get(f"/households/{household.id}/relocation").get_data(as_text=True)
    assert "Enquête de satisfaction du 02/03/2027 : Satisfait" in html

    stale = second.htmx("POST", url, "tab-content", {**edit, "commune": "Unieux"})
    assert stale.status_code == 409
    db.session.refresh(relocation)
    assert relocation.commune == "Firminy" and relocation.version == version + 1

    invalid = first.post(url, {**edit, "version": str(relocation.version), "survey_on": ""})
    assert invalid.status_code == 422
    assert "Indiquez la date de l’enquête" in invalid.get_data(as_text=True)


def test_manager_and_assistant_read_no_amounts(file, browser_for):
    household = file["household"]
    relocating.record_final(household, _final_data(), file["officer"])
    db.session.commit()
    for role in ("manager", "assistant"):
        reader = browser_for(role)
        html = reader.get(f"/households/{household.id}/relocation").get_data(as_text=True)
        assert "Relogé définitivement" in html and "8 rue Michelet" in html
        assert "Modifier ou saisir" not in html and "Enregistrer un relogement" not in html
        if role == "manager":
            for amount in ("480,00", "450,00", "300,00", "1\u202f500", "Reste à charge",
                           "Taux d’effort", "APL"):  # fmt: skip
                assert amount not in html, (role, amount)
