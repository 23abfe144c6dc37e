"""Demo data of relocation: wishes and offers for some of the households the households
demo made (files past the diagnostic), with landlords from the directory; and the
example rows the generated route tests put in <offer_id>. Deterministic: the same
households get the same wishes and offers."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from sqlalchemy import select

from capintra import clock
from capintra.demo import DemoContext
from capintra.extensions import db
from capintra.households.models import Household, Phase
from capintra.organisations.models import Organisation, OrganisationKind
from capintra.relocation.models import (
    Answer,
    CaleolDecision,
    Channel,
    Financing,
    Offer,
    RefusalReason,
    Relocation,
    RelocationKind,
    Sector,
    Typology,
    Wishes,
)

#: Phases whose files have a relocation under way or done.
SEARCHING = (Phase.RECHERCHE, Phase.RELOGEMENT_TEMPORAIRE, Phase.RELOGE, Phase.SUIVI)

COMMUNES = ("Saint-Étienne", "Firminy", "Saint-Chamond", "Rive-de-Gier", "Roche-la-Molière")
STREETS = ("rue Michelet", "cours Fauriel", "rue Paul Bert", "avenue de la Libération",
           "rue Jean Jaurès", "boulevard Karl Marx")  # fmt: skip

#: The offers' stories, by rank among the files that get some: (formal, answer, refusal
#: reason, CALEOL decision, sent days before today, deadline after sending).
STORIES = (
    ((True, Answer.REFUSEE, RefusalReason.LOCALISATION, None, 120, 10),
     (True, Answer.ACCEPTEE, None, CaleolDecision.FAVORABLE, 40, 10)),
    ((False, Answer.REFUSEE, RefusalReason.LOYER, None, 90, 15),
     (True, Answer.EN_ATTENTE, None, None, 20, 10)),
    ((True, Answer.REFUSEE, RefusalReason.ETAGE, CaleolDecision.DEFAVORABLE, 60, 10),),
    ((False, Answer.EN_ATTENTE, None, None, 5, 15),),
    ((True, Answer.REFUSEE, RefusalReason.TYPOLOGIE, None, 150, 10),
     (True, Answer.REFUSEE, RefusalReason.ENVIRONNEMENT, None, 75, 10),
     (False, Answer.EN_ATTENTE, None, None, 12, 10)),
)  # fmt: skip


def _landlords(context: DemoContext) -> tuple[list[int], list[int]]:
    def of_kind(kind: OrganisationKind) -> list[int]:
        return list(
            db.session.scalars(
                select(Organisation.id)
                .where(Organisation.kind == kind, Organisation.deleted_at.is_(None))
                .order_by(Organisation.id)
            )
        )

    return of_kind(OrganisationKind.BAILLEUR), of_kind(OrganisationKind.RESERVATAIRE)


def load(context: DemoContext) -> None:
    """Wishes for the files searching for a home or past it, and offers for the first
    of them (formal or not, refused with reasons, one CALEOL défavorable, pending, one
    accepted); flushed, committed by the caller."""
    if context.households <= 0:
        return
    today = context.today or clock.today()
    households = list(
        db.session.scalars(
            select(Household)
            .where(Household.phase.in_(SEARCHING), Household.deleted_at.is_(None))
            .order_by(Household.id)
            .limit(40)
        )
    )
    landlords, holders = _landlords(context)
    made = {"wishes": 0, "offers": 0}
    for rank, household in enumerate(households):
        landlord = landlords[rank % len(landlords)] if landlords else None
        db.session.add(
            Wishes(
                household_id=household.id,
                communes=", ".join(COMMUNES[rank % 3 : rank % 3 + 2]),
                unit_type=list(Typology)[1 + rank % 4],
                max_rent_cents=(380 + 40 * (rank % 6)) * 100,
                max_floor=None if rank % 3 else 2,
                lift_required=rank % 5 == 0,
                preferred_landlord_id=landlord if rank % 2 else None,
                note="Proche de l’école des enfants." if rank % 4 == 0 else "",
            )
        )
        made["wishes"] += 1
        if rank >= len(STORIES):
            continue
        for n, story in enumerate(STORIES[rank]):
            formal, answer, reason, caleol, ago, delay = story
            sent = today - timedelta(days=ago)
            answered = sent + timedelta(days=7 + n) if answer is not Answer.EN_ATTENTE else None
            db.session.add(
                Offer(
                    household_id=household.id,
                    formal=formal,
                    sent_on=sent,
                    channel=Channel.RECOMMANDE if formal else Channel.COURRIEL,
                    acknowledged_on=sent + timedelta(days=2) if formal else None,
                    answer_deadline=sent + timedelta(days=delay),
                    landlord_id=landlords[(rank + n) % len(landlords)] if landlords else None,
                    reservation_holder_id=holders[0] if holders and formal else None,
                    address=f"{3 + 7 * n + rank} {STREETS[(rank + n) % len(STREETS)]}",
                    commune=COMMUNES[(rank + n) % len(COMMUNES)],
                    priority_neighbourhood=(rank + n) % 3 == 0,
                    unit_type=list(Typology)[1 + (rank + n) % 4],
                    surface_dm2=4500 + 850 * ((rank + n) % 4),
                    financing=list(Financing)[(rank + n) % len(Financing)],
                    year_built=1972 + 7 * ((rank + n) % 7),
                    rent_cents=(350 + 35 * ((rank + n) % 5)) * 100 + 50,
                    charges_cents=(60 + 10 * (n % 3)) * 100,
                    visit_on=sent + timedelta(days=4),
                    caleol_on=sent + timedelta(days=20) if caleol else None,
                    caleol_decision=caleol,
                    answer=answer,
                    answered_on=answered,
                    refusal_reason=reason,
                    refusal_note="Trop loin du travail."
                    if reason is RefusalReason.LOCALISATION
                    else "",
                )
            )
            made["offers"] += 1
    db.session.flush()
    context.created["relocation"] = made


# --- examples for the route tests -----------------------------------------------------------

_examples = itertools.count(1)


def example_offer_id(values) -> int:
    """<offer_id> of /households/<id>/offers/<offer_id>: an offer made to that file."""
    n = next(_examples)
    offer = Offer(
        household_id=values["household_id"],
        formal=True,
        sent_on=date(2026, 11, 2),
        channel=Channel.RECOMMANDE,
        answer_deadline=date(2026, 11, 12),
        address=f"{n} rue Michelet",
        commune="Saint-Étienne",
        unit_type=Typology.T3,
        rent_cents=42000,
        charges_cents=6000,
    )
    db.session.add(offer)
    db.session.flush()
    return offer.id


def example_relocation_id(values) -> int:
    """<relocation_id> of /households/<id>/relocations/<relocation_id>: a temporary
    relocation of that file (written as a row: the route tests need no occupancy)."""
    n = next(_examples)
    relocation = Relocation(
        household_id=values["household_id"],
        kind=RelocationKind.TEMPORAIRE,
        relocated_on=date(2026, 10, 5),
        keys_on=date(2026, 10, 5),
        address=f"{n} rue de la Résistance",
        commune="Saint-Étienne",
        sector=Sector.SOCIAL,
        right_to_return=True,
        rent_cents=39000,
    )
    db.session.add(relocation)
    db.session.flush()
    return relocation.id
