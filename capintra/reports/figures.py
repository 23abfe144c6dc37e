"""Pure computations of the reports: no database, no request.

Bands (age, household size, resources against the social-housing ceilings, remaining
charge, effort rate), the median, the masking of small counts in the diffusion version
and the neutralising of spreadsheet formulas. Unit-tested in tests/reports/test_figures.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

#: In the diffusion version (partners, the board), a count below this shows as « < 5 ».
DIFFUSION_THRESHOLD = 5
MASKED = "< 5"

#: Yearly tax reference income ceilings (« revenu fiscal de référence », euros) of social
#: housing by number of persons in the household, for the regions other than
#: Île-de-France (arrêté of 29 July 1987 as revised yearly; 2024 values). Simplified: the
#: law's categories also look at young couples and dependants; this table reads only the
#: household's size. Beyond six persons, each extra person adds the last line's increment.
#: Update the table each January: (persons, PLAI ceiling, PLUS ceiling).
CEILINGS_YEAR = 2024
CEILINGS: tuple[tuple[int, int, int], ...] = (
    (1, 13_374, 24_316),
    (2, 19_484, 32_473),
    (3, 23_431, 39_051),
    (4, 26_067, 47_144),
    (5, 30_500, 55_463),
    (6, 34_371, 62_507),
)
CEILING_EXTRA_PERSON = (3_829, 6_970)  # PLAI, PLUS

#: Resource bands against the ceilings, in display order (code, French label set by the
#: views): at most PLAI, between PLAI and PLUS, above PLUS, unknown.
RESOURCE_BANDS = ("plai", "plus", "above", "unknown")

#: Head of household's age bands: (code, lowest age included).
AGE_BANDS = (("under_25", 0), ("25_39", 25), ("40_59", 40), ("60_74", 60), ("75_plus", 75))

#: Remaining charge bands, in euros a month (lower bound included): what managers read
#: instead of an amount (DESIGN §1).
REMAINING_BANDS = (0, 100, 200, 300, 400, 500)
#: Effort rate bands, in percent (lower bound included).
EFFORT_BANDS = (0, 10, 20, 30, 40)


def ceilings_for(persons: int) -> tuple[int, int]:
    """(PLAI, PLUS) yearly ceilings in euros for a household of `persons` (at least 1)."""
    persons = max(1, persons)
    if persons <= len(CEILINGS):
        _n, plai, plus = CEILINGS[persons - 1]
        return plai, plus
    extra = persons - len(CEILINGS)
    _n, plai, plus = CEILINGS[-1]
    return plai + extra * CEILING_EXTRA_PERSON[0], plus + extra * CEILING_EXTRA_PERSON[1]


def resource_band(tax_income_cents: int | None, persons: int) -> str:
    """Where a household's yearly tax reference income stands against the ceilings."""
    if tax_income_cents is None or persons < 1:
        return "unknown"
    plai, plus = ceilings_for(persons)
    if tax_income_cents <= plai * 100:
        return "plai"
    if tax_income_cents <= plus * 100:
        return "plus"
    return "above"


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_band(birth: date | None, on: date) -> str | None:
    """The band code of someone born on `birth`, on `on` (None: birth date unknown)."""
    if birth is None:
        return None
    age = age_on(birth, on)
    found = AGE_BANDS[0][0]
    for code, lowest in AGE_BANDS:
        if age >= lowest:
            found = code
    return found


def size_band(persons: int) -> str:
    """Composition: « 1 », « 2 »… « 6 et plus » (the code is the number, or "6+");
    "unknown" for a file whose members are not recorded yet."""
    if persons < 1:
        return "unknown"
    return "6+" if persons >= 6 else str(persons)


def median(values: Iterable[int | Decimal]) -> Decimal | None:
    """The median (the mean of the two middle values for an even count), None if empty."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[middle])
    return (Decimal(ordered[middle - 1]) + Decimal(ordered[middle])) / 2


def mean(values: Iterable[int | Decimal], places: str = "0.01") -> Decimal | None:
    listed = list(values)
    if not listed:
        return None
    return (Decimal(sum(listed)) / len(listed)).quantize(Decimal(places), ROUND_HALF_UP)


def share(part: int, whole: int) -> Decimal | None:
    """part / whole, exact to 4 decimals (None when whole is 0)."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def _band_label(value: Decimal, bounds: tuple[int, ...], unit: str) -> str:
    label = f"moins de {bounds[1]} {unit}"
    for low, high in zip(bounds[1:], (*bounds[2:], None), strict=True):
        if value >= low:
            label = f"{low} {unit} et plus" if high is None else f"{low} à {high - 1} {unit}"
    return label


def remaining_band(cents: int | None) -> str:
    """« moins de 100 € », « 100 à 199 € »… « 500 € et plus »; "" when unknown."""
    if cents is None:
        return ""
    return _band_label(Decimal(cents) / 100, REMAINING_BANDS, "€")


def effort_band(rate: Decimal | None) -> str:
    """« moins de 10 % », « 10 à 19 % »… « 40 % et plus »; "" when unknown. The band is
    that of the rate's whole percent (19,6 % is « 10 à 19 % »)."""
    if rate is None:
        return ""
    return _band_label((rate * 100).to_integral_value(rounding="ROUND_FLOOR"), EFFORT_BANDS, "%")


def per_m2_cents(cents: int | None, surface_dm2: int | None) -> int | None:
    """A monthly amount per m² of surface, in cents, rounded half away from zero (as
    Decimal's ROUND_HALF_UP). In integers, exact: the report reads thousands of them."""
    if cents is None or not surface_dm2:
        return None
    numerator = cents * 100
    whole, rest = divmod(abs(numerator), abs(surface_dm2))
    if 2 * rest >= abs(surface_dm2):
        whole += 1
    return whole if (numerator < 0) == (surface_dm2 < 0) else -whole


def masked(count: int | None, diffusion: bool) -> int | str | None:
    """A count as the diffusion version shows it: below DIFFUSION_THRESHOLD, « < 5 »
    (0 included: « none » is as telling as « one »)."""
    if diffusion and count is not None and count < DIFFUSION_THRESHOLD:
        return MASKED
    return count
