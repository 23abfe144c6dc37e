"""A sample of each relocation model, for the generated audit tests (tests/audit/)."""

from __future__ import annotations

from datetime import date

from capintra.extensions import db
from capintra.relocation.models import (
    Answer,
    Channel,
    Offer,
    RefusalReason,
    Relocation,
    RelocationKind,
    Satisfaction,
    Typology,
    Wishes,
)
from tests import factories
from tests.model_samples import Sample, _set


def _saved(obj):
    db.session.add(obj)
    db.session.commit()
    return obj


def _wishes():
    return _saved(
        Wishes(household_id=factories.household().id, communes="Firminy", max_rent_cents=45_000)
    )


def _offer():
    return _saved(
        Offer(
            household_id=factories.household().id,
            formal=True,
            sent_on=date(2026, 10, 1),
            channel=Channel.RECOMMANDE,
            unit_type=Typology.T3,
            rent_cents=42_000,
            charges_cents=6_000,
        )
    )


def _relocation():
    return _saved(
        Relocation(
            household_id=factories.household().id,
            kind=RelocationKind.DEFINITIF,
            relocated_on=date(2026, 10, 15),
            keys_on=date(2026, 10, 20),
            commune="Firminy",
            rent_cents=41_000,
            before_rent_cents=38_000,
            resources_cents=150_000,
        )
    )


SAMPLES: dict[str, Sample] = {
    "relocation_wishes": Sample(_wishes, _set(max_floor=2, lift_required=True)),
    "relocation_offer": Sample(
        _offer,
        _set(answer=Answer.REFUSEE, refusal_reason=RefusalReason.LOYER, rent_cents=43_000),
    ),
    "relocation": Sample(
        _relocation,
        _set(satisfaction=Satisfaction.SATISFAIT, apl_cents=12_000, commune="Saint-Chamond"),
    ),
}
