"""A household's housing costs: the rent, charges and APL of the period in which it
occupies its home as principal occupant, and what the file computes from them (DESIGN §2:
« reste à charge » = loyer + charges − APL; « taux d’effort » = reste à charge /
ressources).

The amounts belong to the occupancy period, which the buildings feature records; the
household file reads them through this module, which asks whichever feature provides
`HOUSING_COSTS` (capintra.features.Feature.provides). The contract:

    provide(household_ids: list[int], on: date) -> dict[int, HousingCosts]

one answer per household that has costs on `on` (none for the others), in a fixed
number of statements whatever the number of households. Who may read the amounts is the
confidentiality policy's business (household.finances), not this module's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from capintra.features import provider

#: The provider's name in Feature.provides.
HOUSING_COSTS = "housing_costs"


@dataclass(frozen=True)
class HousingCosts:
    """Monthly amounts in integer cents (None: not known)."""

    rent_cents: int | None
    charges_cents: int | None
    apl_cents: int | None
    #: Where they come from, in French for the reader (« Lot 3, 12 rue Gambetta »).
    source: str = ""
    #: The occupancy period they are recorded on (None: held on the file, no period yet).
    period_id: int | None = None

    @property
    def remaining_charge_cents(self) -> int | None:
        """Reste à charge = loyer + charges − APL (computed, never typed)."""
        return remaining_charge(self.rent_cents, self.charges_cents, self.apl_cents)

    def effort_rate(self, monthly_resources_cents: int | None) -> Decimal | None:
        """Taux d'effort = reste à charge / ressources (exact, 4 decimals)."""
        return effort_rate(self.remaining_charge_cents, monthly_resources_cents)


_RATE_PLACES = Decimal("0.0001")


def remaining_charge(rent: int | None, charges: int | None, apl: int | None) -> int | None:
    """Reste à charge = loyer + charges − APL, in cents (None: no rent known). The rule of
    HousingCosts, relocations and reports alike; a function, since the relocation report
    applies it to thousands of relocations."""
    if rent is None:
        return None
    return rent + (charges or 0) - (apl or 0)


def effort_rate(remaining: int | None, resources: int | None) -> Decimal | None:
    """Taux d'effort = reste à charge / ressources (exact, 4 decimals; None: either
    unknown, or no resources)."""
    if remaining is None or not resources:
        return None
    return (Decimal(remaining) / Decimal(resources)).quantize(_RATE_PLACES, ROUND_HALF_UP)


def housing_costs(household_ids: Iterable[int], on: date) -> dict[int, HousingCosts]:
    """The households' costs on `on`, by household id (absent: none known)."""
    ids = sorted(set(household_ids))
    provide = provider(HOUSING_COSTS)
    if provide is None or not ids:
        return {}
    return provide(ids, on)


def housing_costs_of(household_id: int, on: date) -> HousingCosts | None:
    return housing_costs([household_id], on).get(household_id)
