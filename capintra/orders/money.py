"""The money rules of orders, pure (no database, no Flask): exact, in integer cents and
`Decimal`, never floats (DESIGN §2 « Order »).

- a line's total = unit price × quantity, rounded half-up to the cent;
- an order's total excluding VAT = the sum of its lines' totals;
- VAT = rate × total excluding VAT, rounded half-up to the cent (on the total, not per
  line); exempt: 0, and the mention « TVA non applicable, art. 261-7-1° CGI »;
- a lot's maximum on a day = the new maximum of its latest amendment signed on or
  before that day, else the lot's own maximum; the remaining = maximum − committed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

#: The legal mention printed on an exempt order (French law's wording: never translated).
EXEMPTION_MENTION = "TVA non applicable, art. 261-7-1° CGI"

#: A quantity has at most two decimals (half a month: 0.5) and is below this bound.
QUANTITY_MAX = Decimal("100000")
_CENT = Decimal(1)


class MoneyError(ValueError):
    """A value the money rules refuse (a float, a negative quantity, three decimals…)."""


def _cents(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise MoneyError(f"amounts are integer cents, not {type(value).__name__}")
    return value


def quantity(value: Decimal | int | str) -> Decimal:
    """A quantity as the rules take it: a Decimal ≥ 0 with two decimals at most. A float
    is refused (0.1 is not one tenth), as are NaN, infinities and three decimals."""
    if isinstance(value, (bool, float)):
        raise MoneyError("a quantity is a Decimal, never a float")
    try:
        number = Decimal(value) if not isinstance(value, Decimal) else value
    except (InvalidOperation, TypeError, ValueError):
        raise MoneyError(f"not a quantity: {value!r}") from None
    if not number.is_finite():
        raise MoneyError("a quantity is a finite number")
    if number < 0 or number >= QUANTITY_MAX:
        raise MoneyError("a quantity is between 0 and 100 000")
    if number != number.quantize(Decimal("0.01")):
        raise MoneyError("a quantity has two decimals at most")
    return number


def round_half_up(value: Decimal) -> int:
    """To the nearest cent, halves away from zero (0.5 → 1), as an int."""
    return int(value.quantize(_CENT, rounding=ROUND_HALF_UP))


def line_total_cents(unit_price_cents: int, qty: Decimal | int | str) -> int:
    """unit price × quantity, rounded half-up to the cent."""
    price = _cents(unit_price_cents)
    if price < 0:
        raise MoneyError("a unit price is not negative")
    return round_half_up(Decimal(price) * quantity(qty))


@dataclass(frozen=True)
class VatRegime:
    """A contract's VAT: a rate in basis points (2000 = 20 %), or exempt."""

    rate_bp: int = 2000
    exempt: bool = False

    def __post_init__(self):
        if isinstance(self.rate_bp, bool) or not isinstance(self.rate_bp, int):
            raise MoneyError("a VAT rate is integer basis points")
        if not 0 <= self.rate_bp <= 10_000:
            raise MoneyError("a VAT rate is between 0 and 100 %")

    @property
    def mention(self) -> str:
        return EXEMPTION_MENTION if self.exempt else ""


def vat_cents(total_excl_vat_cents: int, regime: VatRegime) -> int:
    """The VAT on a total excluding VAT, rounded half-up to the cent; 0 when exempt."""
    total = _cents(total_excl_vat_cents)
    if regime.exempt:
        return 0
    return round_half_up(Decimal(total) * regime.rate_bp / Decimal(10_000))


@dataclass(frozen=True)
class Totals:
    lines_cents: tuple[int, ...]
    excl_vat_cents: int
    vat_cents: int
    incl_vat_cents: int
    #: The VAT mention to print (« TVA non applicable, art. 261-7-1° CGI ») or "".
    vat_mention: str


def order_totals(lines: Iterable[tuple[int, Decimal | int | str]], regime: VatRegime) -> Totals:
    """The totals of an order from its lines, each (unit price in cents, quantity)."""
    line_totals = tuple(line_total_cents(price, qty) for price, qty in lines)
    excl = sum(line_totals)
    vat = vat_cents(excl, regime)
    return Totals(line_totals, excl, vat, excl + vat, regime.mention)


# --- lot consumption ------------------------------------------------------------------------


def lot_maximum_cents(maximum_cents: int, amendments: Iterable[tuple[date, int]], on: date) -> int:
    """The lot's maximum on `on`: the new maximum of the latest amendment (date, new
    maximum) signed on or before it (two on one day: the later given wins), else the
    lot's own."""
    current = _cents(maximum_cents)
    latest: date | None = None
    for signed_on, new_maximum in amendments:
        if signed_on <= on and (latest is None or signed_on >= latest):
            latest, current = signed_on, _cents(new_maximum)
    return current


def remaining_cents(maximum_cents: int, committed_cents: int) -> int:
    """What may still be committed on a lot (negative: over the cap, never allowed)."""
    return _cents(maximum_cents) - _cents(committed_cents)


def fits_under_maximum(maximum_cents: int, committed_cents: int, order_cents: int) -> bool:
    """Whether an order of `order_cents` excluding VAT fits: committed + order ≤ maximum,
    to the exact cent (the maximum is a legal cap, with no tolerance)."""
    return _cents(committed_cents) + _cents(order_cents) <= _cents(maximum_cents)
