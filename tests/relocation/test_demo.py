"""The relocation demo: wishes and offers for the files searching a home, with every
story the tab shows (formal and not, refused with reasons, a CALEOL défavorable, pending,
one accepted), the same for the same seed; temporary and final relocations that agree
with the occupancy, the phase and the follow-up tasks."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from capintra.buildings.models import Occupancy
from capintra.demo import DemoContext, seed_demo
from capintra.extensions import db
from capintra.features import features
from capintra.households.models import Household, Phase, PhaseChange, Task, TaskKind
from capintra.organisations.models import Organisation, OrganisationKind
from capintra.relocation.models import (
    Answer,
    CaleolDecision,
    Offer,
    Relocation,
    RelocationKind,
    Wishes,
)

TODAY = date(2026, 11, 16)


def _passwords():
    return lambda: "Demo seed passphrase for the relocation tests"


def test_demo_offers_tell_every_story(app_ctx):
    context = DemoContext(households=30, echo=lambda _m: None, make_password=_passwords(),
                          today=TODAY)  # fmt: skip
    seed_demo(features(), context)
    made = context.created["relocation"]
    offers = list(db.session.scalars(select(Offer).order_by(Offer.id)))
    wishes = list(db.session.scalars(select(Wishes)))
    assert {k: made[k] for k in ("wishes", "offers")} == {
        "wishes": len(wishes),
        "offers": len(offers),
    }
    assert wishes and len(offers) >= 5
    answers = [o.answer for o in offers]
    assert answers.count(Answer.ACCEPTEE) == 1
    assert Answer.EN_ATTENTE in answers and Answer.REFUSEE in answers
    assert all(o.refusal_reason for o in offers if o.answer is Answer.REFUSEE)
    assert any(o.caleol_decision is CaleolDecision.DEFAVORABLE for o in offers)
    assert {o.formal for o in offers} == {True, False}
    landlords = {
        o.kind for o in db.session.scalars(
            select(Organisation).where(Organisation.id.in_({o.landlord_id for o in offers}))
        )
    }  # fmt: skip
    assert landlords == {OrganisationKind.BAILLEUR}
    assert all(o.sent_on <= TODAY for o in offers)


def test_demo_relocations_tell_every_story(app_ctx):
    context = DemoContext(households=30, echo=lambda _m: None, make_password=_passwords(),
                          today=TODAY)  # fmt: skip
    seed_demo(features(), context)
    made = context.created["relocation"]
    assert made["temporary"] >= 2 and made["returned"] == 1 and made["recorded"] >= 3
    relocations = list(db.session.scalars(select(Relocation).order_by(Relocation.id)))
    temporary = [r for r in relocations if r.kind is RelocationKind.TEMPORAIRE]
    finals = [r for r in relocations if r.kind is RelocationKind.DEFINITIF]
    assert len(temporary) == made["temporary"]
    assert len(finals) == made["final"] + made["recorded"] >= 4
    # one stay still open with its right to return, one returned on site
    still = [r for r in temporary if r.ended_on is None]
    assert still and all(r.right_to_return for r in still)
    assert any(r.unit_id is not None for r in temporary)  # one in a unit of ours
    returned = [
        r for r in finals if r.on_site and r.household_id in {t.household_id for t in temporary}
    ]
    assert len(returned) == 1
    # costs before and after, surveys
    assert sum(r.remaining_before_cents is not None and r.remaining_after_cents is not None
               and r.effort_before is not None for r in finals) >= 3  # fmt: skip
    assert any(r.satisfaction is not None for r in finals)
    assert all(r.relocated_on <= TODAY for r in relocations)
    for relocation in relocations:
        household = db.session.get(Household, relocation.household_id)
        open_periods = db.session.scalars(
            select(Occupancy).where(
                Occupancy.household_id == household.id, Occupancy.end_date.is_(None)
            )
        ).all()
        assert len(open_periods) <= 1
        if relocation.is_final:
            assert household.phase in (Phase.RELOGE, Phase.SUIVI, Phase.CLOS)
            assert open_periods == []
        elif relocation.ended_on is None:
            assert household.phase is Phase.RELOGEMENT_TEMPORAIRE
            if relocation.unit_id is not None:
                assert [p.unit_id for p in open_periods] == [relocation.unit_id]
    # the finals recorded through the services have their follow-up, due 6 months after
    for relocation in finals:
        if relocation.household_id in {t.household_id for t in temporary}:
            (task,) = db.session.scalars(
                select(Task).where(
                    Task.household_id == relocation.household_id,
                    Task.kind == TaskKind.FOLLOW_UP,
                )
            ).all()
            assert task.due_date > relocation.relocated_on
    moves = db.session.scalars(
        select(PhaseChange).where(PhaseChange.to_phase == Phase.RELOGE).order_by(PhaseChange.id)
    ).all()
    assert all(m.at.date() <= TODAY for m in moves)
