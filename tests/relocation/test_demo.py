"""The relocation demo: wishes and offers for the files searching a home, with every
story the tab shows (formal and not, refused with reasons, a CALEOL défavorable, pending,
one accepted), the same for the same seed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from capintra.demo import DemoContext, seed_demo
from capintra.extensions import db
from capintra.features import features
from capintra.organisations.models import Organisation, OrganisationKind
from capintra.relocation.models import Answer, CaleolDecision, Offer, Wishes

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
    assert made == {"wishes": len(wishes), "offers": len(offers)}
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
