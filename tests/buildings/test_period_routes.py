"""Occupancy periods opened on a unit (`POST /units/<id>/occupancies`) and closed
(`/occupancies/<id>/close`) through the routes: a household by its reference or a shop by
its name, overlaps refused with a clear 409, a same-day hand-over accepted, hosted
periods inside a principal one, nothing half-written."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from capintra.buildings import services
from capintra.buildings.models import (
    EndReason,
    Occupancy,
    OccupancyKind,
    OccupantStatus,
)
from capintra.extensions import db
from tests.buildings import make as bmake

LOC = OccupantStatus.LOCATAIRE


def _periods(unit) -> list[Occupancy]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Occupancy).where(Occupancy.unit_id == unit.id).order_by(Occupancy.start_date)
        )
    )


def _open(household=None, **kw) -> dict:
    return {
        "household_reference": household.reference if household else "",
        "kind": "principal",
        "status": "locataire",
        "start_date": "2026-03-01",
        **kw,
    }


def test_open_a_period_for_a_household_by_its_reference(make, login_as):
    unit = bmake.unit(lot_number="B3")
    household = make.household(name="KACI Aïcha")
    browser = login_as("assistant")
    page = browser.get(f"/units/{unit.id}").get_data(as_text=True)
    assert 'id="open-period-form"' in page and f'action="/units/{unit.id}/occupancies"' in page
    data = _open(household, household_reference=household.reference.lower())  # case ignored
    response = browser.post(f"/units/{unit.id}/occupancies", data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/units/{unit.id}")
    (period,) = _periods(unit)
    assert period.household_id == household.id and period.kind is OccupancyKind.PRINCIPAL
    assert (period.start_date, period.end_date, period.status) == (date(2026, 3, 1), None, LOC)
    html = browser.get(f"/units/{unit.id}").get_data(as_text=True)
    assert "KACI Aïcha" in html and f"occupation par {household.reference} enregistrée" in html
    assert f'href="/occupancies/{period.id}/close"' in html


def test_open_a_shop_s_period_with_htmx(make, login_as):
    unit = bmake.unit()
    response = login_as("officer").htmx(
        "POST", f"/units/{unit.id}/occupancies", data=_open(occupant_label="Boulangerie du Centre")
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == f"/units/{unit.id}"
    (period,) = _periods(unit)
    assert period.household_id is None and period.occupant_label == "Boulangerie du Centre"


def test_a_bad_form_is_refused_with_422_and_nothing_written(make, login_as):
    unit = bmake.unit()
    household = make.household()
    browser = login_as("assistant")
    cases = [
        (_open(), "soit la référence du ménage, soit le nom de l’occupant"),
        (_open(household, occupant_label="Boucherie"), "soit la référence du ménage"),
        (_open(household_reference="DUPONT"), "Référence de ménage invalide"),
        (_open(household_reference="MEN-1999-9999"), "Aucun dossier ne porte la référence"),
        (_open(household, start_date=""), "Indiquez la date d’entrée."),
    ]
    for data, message in cases:
        response = browser.post(f"/units/{unit.id}/occupancies", data=data)
        assert response.status_code == 422, message
        assert message in response.get_data(as_text=True), message
    assert _periods(unit) == []


def test_an_overlap_is_refused_with_a_clear_409(make, login_as):
    unit = bmake.unit()
    services.add_period(unit, household=make.household(), status=LOC, start=date(2020, 1, 1))
    db.session.commit()
    newcomer = make.household()
    response = login_as("assistant").post(f"/units/{unit.id}/occupancies", data=_open(newcomer))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Ce logement a déjà un occupant principal depuis le 01/01/2020" in html
    assert "la nouvelle peut commencer le jour de la remise des clés" in html
    assert f'value="{newcomer.reference}"' in html  # the form as typed, to correct
    assert len(_periods(unit)) == 1


def test_a_same_day_hand_over_through_the_routes(make, login_as):
    unit = bmake.unit()
    leaving = services.add_period(unit, household=make.household(), status=LOC,
                                  start=date(2020, 1, 1))  # fmt: skip
    db.session.commit()
    browser = login_as("officer")
    closed = browser.post(f"/occupancies/{leaving.id}/close", data={
        "end_date": "2026-03-01", "end_reason": "depart_volontaire",
        "version": leaving.version})  # fmt: skip
    assert closed.status_code == 303
    arriving = make.household()
    opened = browser.post(f"/units/{unit.id}/occupancies", data=_open(arriving))
    assert opened.status_code == 303
    first, second = _periods(unit)
    assert first.end_date == second.start_date == date(2026, 3, 1)
    assert second.household_id == arriving.id


def test_a_hosted_period_needs_a_principal_one(make, login_as):
    unit = bmake.unit()
    browser = login_as("officer")
    guest = make.household()
    refused = browser.post(f"/units/{unit.id}/occupancies",
                           data=_open(guest, kind="hosted", status="heberge"))  # fmt: skip
    assert refused.status_code == 409
    assert "aucun occupant principal n’y est le 01/03/2026" in refused.get_data(as_text=True)
    services.add_period(unit, household=make.household(), status=LOC, start=date(2020, 1, 1))
    db.session.commit()
    accepted = browser.post(f"/units/{unit.id}/occupancies",
                            data=_open(guest, kind="hosted", status="heberge"))  # fmt: skip
    assert accepted.status_code == 303
    hosted = [p for p in _periods(unit) if p.kind is OccupancyKind.HOSTED]
    assert len(hosted) == 1 and hosted[0].host_id is not None


def test_a_household_already_housed_elsewhere_is_refused(make, login_as):
    household = make.household()
    services.add_period(bmake.unit(), household=household, status=LOC, start=date(2020, 1, 1))
    db.session.commit()
    unit = bmake.unit()
    response = login_as("assistant").post(f"/units/{unit.id}/occupancies", data=_open(household))
    assert response.status_code == 409
    assert "occupe déjà un logement sans date de remise des clés" in response.get_data(as_text=True)
    assert _periods(unit) == []


def test_close_a_period_stale_and_the_old_url_is_gone(make, login_as):
    unit = bmake.unit()
    period = services.add_period(unit, household=make.household(), status=LOC,
                                 start=date(2020, 1, 1))  # fmt: skip
    db.session.commit()
    browser = login_as("assistant")
    assert browser.get(f"/occupancy/{period.id}/end").status_code == 404
    assert browser.get(f"/occupancies/{period.id}/close").status_code == 200
    data = {"end_date": "2026-01-10", "end_reason": "depart_volontaire"}
    stale = browser.post(f"/occupancies/{period.id}/close",
                         data={**data, "version": period.version + 1})  # fmt: skip
    assert stale.status_code == 409
    assert "modifiée par quelqu’un d’autre" in stale.get_data(as_text=True)
    assert _periods(unit)[0].end_date is None
    done = browser.post(f"/occupancies/{period.id}/close",
                        data={**data, "version": period.version})  # fmt: skip
    assert done.status_code == 303
    (period,) = _periods(unit)
    assert (period.end_date, period.end_reason) == (date(2026, 1, 10), EndReason.DEPART_VOLONTAIRE)
    # the after-departure chores, once
    from capintra.households.models import Task, TaskKind

    kinds = db.session.scalar(
        select(func.count()).where(
            Task.household_id == period.household_id, Task.kind == TaskKind.AFTER_DEPARTURE
        )
    )
    assert kinds == 3
