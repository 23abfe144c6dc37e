"""Demo data of relocation: wishes and offers for some of the households the households
demo made (files past the diagnostic), with landlords from the directory; temporary and
final relocations; and the example rows the generated route tests put in <offer_id> and
<relocation_id>. Deterministic: the same households get the same wishes, offers and
relocations.

Relocations told now go through the services (capintra.relocation.relocating), so the
occupancy, the phase and the follow-up tasks agree with them: the files at « relogement
temporaire » leave their home (the first into a vacant unit of its operation), one file
in search goes through a temporary stay then returns on site, others in search are
rehoused for good (the one with an accepted offer from it). Files the households demo
already made « relogé » (their period ended as such by the buildings demo) get the
record of that final relocation, costs before read from that period."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

from sqlalchemy import delete, select, update

from capintra import clock
from capintra.auth.models import User
from capintra.buildings.demo import CHORES_SINCE
from capintra.buildings.models import EndReason, Occupancy, OccupancyKind, Unit
from capintra.buildings.services import AFTER_DEPARTURE_DELAY
from capintra.demo import DemoContext, utc
from capintra.extensions import db
from capintra.households.models import Household, Outcome, Phase, PhaseChange, Task, TaskKind
from capintra.organisations.models import Organisation, OrganisationKind
from capintra.relocation import queries, relocating
from capintra.relocation.models import (
    Answer,
    CaleolDecision,
    Channel,
    Financing,
    Offer,
    RefusalReason,
    Relocation,
    RelocationKind,
    Satisfaction,
    Sector,
    Typology,
    Wishes,
)
from capintra.security import Role

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
    made.update(_relocations(context, today, landlords, holders))
    context.created["relocation"] = made


# --- relocations -------------------------------------------------------------------------

#: Temporary homes outside the operation (a « logement tiroir » of a landlord).
TEMPORARY_ADDRESSES = ("Résidence Les Tilleuls, 4 rue Balay", "21 rue de la Résistance")
NEW_ADDRESSES = (
    "14 rue Michelet",
    "3 cours Fauriel",
    "27 rue Paul Bert",
    "5 avenue de la Libération",
    "48 rue Jean Jaurès",
    "9 boulevard Karl Marx",
)
#: How many temporary stays end with a final relocation in the demo (at most; one stays
#: open whatever the number of files).
FINAL_AFTER_TEMPORARY = 3


def _author(household: Household) -> User:
    user = db.session.get(User, household.officer_id) if household.officer_id else None
    return user or db.session.scalar(
        select(User).where(User.role == Role.OFFICER).order_by(User.id)
    )


def _open_home(household_id: int) -> Occupancy | None:
    return db.session.scalar(
        select(Occupancy).where(
            Occupancy.household_id == household_id,
            Occupancy.kind == OccupancyKind.PRINCIPAL,
            Occupancy.end_date.is_(None),
            Occupancy.deleted_at.is_(None),
        )
    )


def _destination(rng: random.Random, n: int, landlords, holders, resources) -> dict:
    """A new home's details and monthly costs (cents), a little dearer or cheaper."""
    rent = rng.randint(300, 560) * 100 + rng.choice((0, 50))
    charges = rng.randint(40, 110) * 100
    apl = min(rent, rng.randint(120, 330) * 100) if (resources or 0) < 170_000 else 0
    return {
        "address": NEW_ADDRESSES[n % len(NEW_ADDRESSES)],
        "commune": COMMUNES[n % len(COMMUNES)],
        "landlord_id": landlords[n % len(landlords)] if landlords else None,
        "reservation_holder_id": holders[n % len(holders)] if holders and n % 2 else None,
        "sector": list(Sector)[0 if n % 4 else n % len(Sector)],
        "unit_type": list(Typology)[1 + n % 4],
        "surface_dm2": 4_200 + 650 * (n % 5),
        "rent_cents": rent,
        "charges_cents": charges,
        "apl_cents": apl,
        "new_social_housing": n % 3 == 0,
        "priority_neighbourhood": n % 2 == 0,
        "on_site": n % 5 == 1,
        "rent_reduction_grant": n % 4 == 0,
    }


def _survey(relocation: Relocation, n: int, today: date) -> None:
    """Some households answered the satisfaction survey, months after moving."""
    survey_on = relocation.relocated_on + timedelta(days=90)
    if n % 3 or survey_on > today:
        return
    relocation.satisfaction = list(Satisfaction)[n % len(Satisfaction)]
    relocation.survey_on = survey_on
    notes = ("Content du quartier et de l’école.", "Logement plus petit, mais plus calme.", "")
    relocation.survey_note = notes[n // 3 % len(notes)]


def _date_the_story(household_id: int, day: date, since) -> None:
    """The phase moves and chores the services wrote now happened on `day`."""
    db.session.execute(
        update(PhaseChange)
        .where(PhaseChange.household_id == household_id, PhaseChange.id > since)
        .values(at=utc(day, 16))
    )


def _last_phase_change_id() -> int:
    return db.session.scalar(select(PhaseChange.id).order_by(PhaseChange.id.desc()).limit(1)) or 0


def _drop_old_chores(today: date) -> None:
    """The buildings demo's rule: only the departures of the last weeks still carry their
    after-departure chores (those the services made for older ones go)."""
    db.session.execute(
        delete(Task).where(
            Task.kind == TaskKind.AFTER_DEPARTURE,
            Task.due_date <= today - CHORES_SINCE + AFTER_DEPARTURE_DELAY,
        )
    )


def _temporary_since(household_id: int) -> date | None:
    """The day the households demo moved the file to « relogement temporaire »."""
    at = db.session.scalar(
        select(PhaseChange.at).where(
            PhaseChange.household_id == household_id,
            PhaseChange.to_phase == Phase.RELOGEMENT_TEMPORAIRE,
        )
    )
    return None if at is None else at.date()


def _relocations(context: DemoContext, today: date, landlords, holders) -> dict:
    rng = random.Random(f"{context.seed}-relocation")
    made = {"temporary": 0, "final": 0, "returned": 0, "recorded": 0}
    accepted = {
        o.household_id: o
        for o in db.session.scalars(
            select(Offer).where(Offer.answer == Answer.ACCEPTEE, Offer.deleted_at.is_(None))
        )
    }

    # 1. The files at « relogement temporaire » left their home the day they moved to
    # that phase (the first into a vacant unit of its operation), right to return open.
    stays = []
    files = db.session.scalars(
        select(Household)
        .where(Household.phase == Phase.RELOGEMENT_TEMPORAIRE, Household.deleted_at.is_(None))
        .order_by(Household.id)
        .limit(40)
    )
    for household in files:
        home = _open_home(household.id)
        keys_on = _temporary_since(household.id)
        if home is None or keys_on is None or keys_on <= home.start_date:
            continue
        data = {"relocated_on": keys_on, "keys_on": keys_on, "right_to_return": True,
                "sector": Sector.SOCIAL}  # fmt: skip
        vacant = queries.vacant_unit_choices(household, keys_on) if not stays else []
        if vacant:
            data["unit_id"] = vacant[0][0]
        else:
            data["address"] = TEMPORARY_ADDRESSES[len(stays) % len(TEMPORARY_ADDRESSES)]
            data["commune"] = household.commune
        stays.append(relocating.record_temporary(household, data, _author(household)))
        made["temporary"] += 1

    # 2. Some of them came back for good (the first, on the rehabilitated site) or were
    # rehoused elsewhere; at least one stay stays open.
    for n, temporary in enumerate(stays[1 : 1 + FINAL_AFTER_TEMPORARY]):
        household = db.session.get(Household, temporary.household_id)
        relocated_on = min(temporary.relocated_on + timedelta(days=120 + 45 * n), today)
        if relocated_on <= temporary.relocated_on:
            continue
        data = _destination(rng, n, landlords, holders, household.monthly_resources_cents)
        data.update(relocated_on=relocated_on, keys_on=relocated_on)
        returns = n == 0
        if returns:
            data.update(on_site=True, address=f"{household.address} (réhabilité)",
                        commune=household.commune)  # fmt: skip
        offer = accepted.get(household.id)
        if offer is not None and not returns:
            data.update(offer_id=offer.id, address=offer.address, commune=offer.commune,
                        landlord_id=offer.landlord_id, rent_cents=offer.rent_cents,
                        charges_cents=offer.charges_cents)  # fmt: skip
        since = _last_phase_change_id()
        relocation = relocating.record_final(household, data, _author(household))
        _survey(relocation, n, today)
        _date_the_story(household.id, relocated_on, since)
        made["final"] += 1
        made["returned"] += returns

    # 3. Files already rehoused (their period ended « relogé »): the record of it.
    made["recorded"] = _record_past_finals(rng, today, landlords, holders)
    _drop_old_chores(today)
    db.session.flush()
    return made


def _record_past_finals(rng: random.Random, today: date, landlords, holders) -> int:
    """The final relocation of each file the households demo already rehoused: costs
    before from the period that ended « relogé », resources from the file; the 6-month
    follow-up of the recent ones (some overdue, some due soon)."""
    rows = db.session.execute(
        select(Household, Occupancy, Unit.surface_dm2)
        .join(Occupancy, Occupancy.household_id == Household.id)
        .join(Unit, Unit.id == Occupancy.unit_id)
        .where(
            Occupancy.end_reason == EndReason.RELOGE,
            Occupancy.deleted_at.is_(None),
            Household.deleted_at.is_(None),
            Household.phase.in_((Phase.RELOGE, Phase.SUIVI, Phase.CLOS)),
            ~select(Relocation.id).where(Relocation.household_id == Household.id).exists(),
        )
        .order_by(Household.id)
    ).all()
    count = 0
    for n, (household, period, surface) in enumerate(rows):
        if household.phase is Phase.CLOS and household.outcome is not Outcome.RELOGE_DEFINITIVEMENT:
            continue
        data = _destination(rng, n + 7, landlords, holders, household.monthly_resources_cents)
        relocation = Relocation(
            household_id=household.id,
            kind=RelocationKind.DEFINITIF,
            relocated_on=period.end_date,
            keys_on=period.end_date,
            before_rent_cents=period.rent_cents,
            before_charges_cents=period.charges_cents,
            before_apl_cents=period.apl_cents,
            before_surface_dm2=surface,
            resources_cents=household.monthly_resources_cents,
            **data,
        )
        _survey(relocation, n, today)
        db.session.add(relocation)
        due = relocating.add_months(period.end_date, relocating.FOLLOW_UP_MONTHS)
        if household.phase is Phase.RELOGE and due >= today - timedelta(days=60):
            db.session.add(
                Task(
                    household_id=household.id,
                    kind=TaskKind.FOLLOW_UP,
                    title="Suivi à 6 mois du relogement",
                    due_date=due,
                    assignee_id=household.officer_id,
                )
            )
        count += 1
    return count


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
