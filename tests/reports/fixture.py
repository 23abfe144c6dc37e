"""A small dataset whose every indicator was computed by hand (see test_indicators.py).

Operation « Îlot Test », buildings B1 (target 30/06/2027) and B2 (target 30/09/2026);
operation « Autre opération » with one household and no building. Today: 25/11/2026.

Per file: building; right to rehousing; phase or outcome; relocations; offers; first
meeting (left « à rencontrer »); head of household's birth year, persons, tax income.

- H1: B1; oui; relogé; final 10/03/2026; formal refused (loyer) 05/01, formal
  accepted 01/02; 01/01/2026; 1980, 3, 20 000 €
- H2: B1; oui; recherche; —; formal refused (étage) 02/04; 01/02/2026; 2003, 1, 20 000 €
- H3: B1; à instruire; à rencontrer; —; —; —; no member, 0, —
- H4: B2; oui; relogement temporaire; temporary 01/05/2026 still open; —; —; 1950, 1, —
- H5: B2; oui; clos, parti 01/07/2026; —; —; —; 1990, 2, 100 000 €
- H6: B2; oui; relogé; temporary 15/01 ended 31/08, final 31/08/2026; informal
  accepted 01/08; 30/06/2026; 1970, 1, 10 000 €
- H1s: split from H1, hosted in B1 (no principal period): no building
- H7: other operation, no building; non; diagnostic; no member
- H8: B1, a deleted file: never counted
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from capintra.buildings.models import OccupancyKind, OccupantStatus
from capintra.extensions import db
from capintra.households.models import (
    Employment,
    Outcome,
    Phase,
    PhaseChange,
    RehousingRight,
    Relation,
)
from capintra.relocation.models import (
    Answer,
    Offer,
    RefusalReason,
    Relocation,
    RelocationKind,
    Sector,
    Typology,
)
from tests import factories
from tests.buildings import make as bmake

TODAY = date(2026, 11, 25)
FORMULA_COMMUNE = '=HYPERLINK("http://example.org","x")'


@dataclass
class Dataset:
    op: object
    other: object
    b1: object
    b2: object
    h: dict


def _add(obj):
    db.session.add(obj)
    db.session.commit()
    return obj


def _head(household, born: date | None, employment, others: int = 0):
    if born is not None or employment is not None:
        factories.member(
            household, relation=Relation.CHEF, birth_date=born, employment=employment,
            last_name="SECRETNOM", first_name="Prénom",
        )  # fmt: skip
    for _ in range(others):
        factories.member(household, relation=Relation.ENFANT, last_name="SECRETNOM")


def _met(household, on: date):
    at = datetime(on.year, on.month, on.day, 10)
    _add(PhaseChange(household_id=household.id, from_phase=Phase.A_RENCONTRER,
                     to_phase=Phase.DIAGNOSTIC, at=at))  # fmt: skip


def _offer(household, sent_on, **kw):
    return _add(Offer(household_id=household.id, sent_on=sent_on, **kw))


def _relocation(household, kind, on, **kw):
    kw.setdefault("keys_on", on)
    return _add(Relocation(household_id=household.id, kind=kind, relocated_on=on, **kw))


def build(name_suffix: str = "") -> Dataset:
    op = factories.operation(name=f"Îlot Test{name_suffix}")
    other = factories.operation(name=f"Autre opération{name_suffix}")
    b1 = bmake.building(op.id, target_vacancy_date=date(2027, 6, 30), address="1 rue Alpha")
    b2 = bmake.building(op.id, target_vacancy_date=date(2026, 9, 30), address="2 rue Beta")
    landlord = bmake.organisation(name="Bailleur Alpha")
    h = {}

    def household(key, building, **kw):
        obj = factories.household(op.id, name=f"SECRETNOM {key}", **kw)
        if building is not None:
            bmake.period(bmake.unit(building), obj)
        h[key] = obj
        return obj

    h1 = household("H1", b1, rehousing_right=RehousingRight.OUI, phase=Phase.RELOGE,
                   tax_reference_income_cents=2_000_000)  # fmt: skip
    _head(h1, date(1980, 5, 1), Employment.SALARIE, others=2)
    _met(h1, date(2026, 1, 1))
    _offer(h1, date(2026, 1, 5), formal=True, answer=Answer.REFUSEE,
           refusal_reason=RefusalReason.LOYER)  # fmt: skip
    _offer(h1, date(2026, 2, 1), formal=True, answer=Answer.ACCEPTEE)
    _relocation(
        h1, RelocationKind.DEFINITIF, date(2026, 3, 10), sector=Sector.SOCIAL,
        landlord_id=landlord.id, commune="Saint-Chamond", on_site=True,
        priority_neighbourhood=True, new_social_housing=True, rent_reduction_grant=True,
        unit_type=Typology.T3, surface_dm2=6_500, rent_cents=40_000, charges_cents=5_000,
        apl_cents=20_000, before_rent_cents=35_000, before_charges_cents=3_000,
        before_apl_cents=10_000, before_surface_dm2=5_000, resources_cents=150_000,
    )  # fmt: skip

    h2 = household("H2", b1, rehousing_right=RehousingRight.OUI, phase=Phase.RECHERCHE,
                   tax_reference_income_cents=2_000_000)  # fmt: skip
    _head(h2, date(2003, 1, 1), Employment.DEMANDEUR)
    _met(h2, date(2026, 2, 1))
    _offer(h2, date(2026, 4, 2), formal=True, answer=Answer.REFUSEE,
           refusal_reason=RefusalReason.ETAGE)  # fmt: skip

    household("H3", b1, rehousing_right=RehousingRight.A_INSTRUIRE, phase=Phase.A_RENCONTRER)

    h4 = household("H4", b2, rehousing_right=RehousingRight.OUI,
                   phase=Phase.RELOGEMENT_TEMPORAIRE)  # fmt: skip
    _head(h4, date(1950, 6, 1), Employment.RETRAITE)
    _relocation(h4, RelocationKind.TEMPORAIRE, date(2026, 5, 1), right_to_return=True)

    h5 = household("H5", b2, rehousing_right=RehousingRight.OUI, phase=Phase.CLOS,
                   outcome=Outcome.PARTI, closed_at=date(2026, 7, 1),
                   tax_reference_income_cents=10_000_000)  # fmt: skip
    _head(h5, date(1990, 1, 1), Employment.SALARIE, others=1)

    h6 = household("H6", b2, rehousing_right=RehousingRight.OUI, phase=Phase.RELOGE,
                   tax_reference_income_cents=1_000_000)  # fmt: skip
    _head(h6, date(1970, 3, 3), Employment.INACTIF)
    _met(h6, date(2026, 6, 30))
    _offer(h6, date(2026, 8, 1), formal=False, answer=Answer.ACCEPTEE)
    _relocation(h6, RelocationKind.TEMPORAIRE, date(2026, 1, 15), ended_on=date(2026, 8, 31))
    _relocation(
        h6, RelocationKind.DEFINITIF, date(2026, 8, 31), sector=Sector.PRIVE_CONVENTIONNE,
        commune=FORMULA_COMMUNE, rent_cents=50_000, before_rent_cents=30_000,
        resources_cents=100_000,
    )  # fmt: skip

    split = factories.household(op.id, name="SECRETNOM H1s", split_from_id=h1.id)
    bmake.period(h1_unit := bmake.unit(b1), split, kind=OccupancyKind.HOSTED,
                 status=OccupantStatus.HEBERGE)  # fmt: skip
    del h1_unit
    h["H1s"] = split

    h7 = factories.household(other.id, name="SECRETNOM H7", rehousing_right=RehousingRight.NON,
                             phase=Phase.DIAGNOSTIC)  # fmt: skip
    h["H7"] = h7

    h8 = household("H8", b1, rehousing_right=RehousingRight.OUI)
    h8.deleted_at = datetime(2026, 10, 1)
    db.session.commit()
    return Dataset(op, other, b1, b2, h)
