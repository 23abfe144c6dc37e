"""The money rules (capintra.orders.money): exact cents, half-up rounding, VAT on the
total, the exemption mention, the lot maximum with amendments. Property-tested with
hypothesis, and hand examples at the exact cent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from capintra.orders.money import (
    EXEMPTION_MENTION,
    MoneyError,
    VatRegime,
    fits_under_maximum,
    line_total_cents,
    lot_maximum_cents,
    order_totals,
    quantity,
    remaining_cents,
    vat_cents,
)

prices = st.integers(min_value=0, max_value=10_000_000_00)
quantities = st.decimals(
    min_value=Decimal("0"), max_value=Decimal("99999.99"), places=2,
    allow_nan=False, allow_infinity=False,
)  # fmt: skip
rates = st.integers(min_value=0, max_value=10_000)
lines = st.lists(st.tuples(prices, quantities), max_size=12)


def half_up(exact: Fraction) -> int:
    """The reference rounding, computed with fractions: floor(x + 1/2) for x ≥ 0."""
    assert exact >= 0
    return int((exact + Fraction(1, 2)) // 1)


# --- hand examples at the exact cent ---------------------------------------------------------


def test_a_line_rounds_half_up_to_the_cent():
    assert line_total_cents(18_000, Decimal("1")) == 18_000
    assert line_total_cents(18_000, Decimal("0.5")) == 9_000
    assert line_total_cents(1, Decimal("0.5")) == 1  # 0.5 cent → 1 (half-up, not even)
    assert line_total_cents(3, Decimal("0.5")) == 2  # 1.5 → 2
    assert line_total_cents(5, Decimal("0.5")) == 3  # 2.5 → 3 (banker's rounding says 2)
    assert line_total_cents(1, Decimal("0.49")) == 0
    assert line_total_cents(333, Decimal("0.33")) == 110  # 109.89 → 110
    assert line_total_cents(45_000, Decimal("3")) == 135_000
    assert line_total_cents(46_440, "2.25") == 104_490


def test_vat_is_on_the_total_excluding_vat_not_on_each_line():
    regime = VatRegime(rate_bp=2000)
    # three lines of 0,03 €: VAT per line would be 3 × 0,01 €, on the total 0,02 €.
    totals = order_totals([(3, 1), (3, 1), (3, 1)], regime)
    assert totals.excl_vat_cents == 9
    assert totals.vat_cents == 2  # 1.8 → 2
    assert totals.incl_vat_cents == 11
    assert totals.vat_mention == ""
    assert vat_cents(2, regime) == 0  # 0.4 → 0
    assert vat_cents(5, VatRegime(rate_bp=1000)) == 1  # 0.5 → 1, half-up
    assert vat_cents(123_456_78, VatRegime(rate_bp=550)) == 679_012  # 679 012,29 → 679 012


def test_an_exempt_order_has_no_vat_and_carries_the_legal_mention():
    regime = VatRegime(rate_bp=0, exempt=True)
    totals = order_totals([(45_000, Decimal("2")), (120_000, Decimal("1"))], regime)
    assert totals.excl_vat_cents == totals.incl_vat_cents == 210_000
    assert totals.vat_cents == 0
    assert totals.vat_mention == EXEMPTION_MENTION == "TVA non applicable, art. 261-7-1° CGI"
    # exempt wins over a rate left on the contract
    assert vat_cents(100_00, VatRegime(rate_bp=2000, exempt=True)) == 0


@pytest.mark.parametrize(
    "bad", [0.1, 1.0, float("nan"), "abc", "1.234", Decimal("-1"), Decimal("NaN"),
            Decimal("Infinity"), Decimal("100000"), True]
)  # fmt: skip
def test_a_quantity_is_never_a_float_negative_or_three_decimals(bad):
    with pytest.raises(MoneyError):
        quantity(bad)
    with pytest.raises(MoneyError):
        line_total_cents(100, bad)


@pytest.mark.parametrize("bad", [1.5, Decimal("1.5"), "150", True])
def test_amounts_are_integer_cents_only(bad):
    with pytest.raises(MoneyError):
        line_total_cents(bad, Decimal("1"))
    with pytest.raises(MoneyError):
        vat_cents(bad, VatRegime())
    with pytest.raises(MoneyError):
        fits_under_maximum(bad, 0, 0)


def test_a_negative_unit_price_or_an_impossible_rate_is_refused():
    with pytest.raises(MoneyError):
        line_total_cents(-1, Decimal("1"))
    with pytest.raises(MoneyError):
        VatRegime(rate_bp=10_001)
    with pytest.raises(MoneyError):
        VatRegime(rate_bp=20.0)


def test_the_lot_maximum_follows_the_latest_amendment_signed_by_the_day():
    amendments = [(date(2026, 6, 1), 460_000_00), (date(2026, 3, 1), 420_000_00)]
    assert lot_maximum_cents(400_000_00, amendments, date(2026, 2, 28)) == 400_000_00
    assert lot_maximum_cents(400_000_00, amendments, date(2026, 3, 1)) == 420_000_00
    assert lot_maximum_cents(400_000_00, amendments, date(2026, 5, 31)) == 420_000_00
    assert lot_maximum_cents(400_000_00, amendments, date(2026, 6, 1)) == 460_000_00
    assert lot_maximum_cents(400_000_00, [], date(2030, 1, 1)) == 400_000_00


def test_the_maximum_is_a_cap_at_the_exact_cent():
    assert fits_under_maximum(400_000_00, 399_000_00, 1_000_00)  # exactly the maximum
    assert not fits_under_maximum(400_000_00, 399_000_00, 1_000_01)  # one cent over
    assert remaining_cents(400_000_00, 399_000_00) == 1_000_00
    # with an amendment raising it, the same order fits
    raised = lot_maximum_cents(400_000_00, [(date(2026, 6, 1), 400_000_01)], date(2026, 6, 1))
    assert fits_under_maximum(raised, 399_000_00, 1_000_01)


# --- properties -------------------------------------------------------------------------------


@given(prices, quantities)
def test_a_line_is_the_exact_product_rounded_half_up(price, qty):
    total = line_total_cents(price, qty)
    assert type(total) is int
    assert total == half_up(Fraction(price) * Fraction(qty))
    assert abs(Fraction(total) - Fraction(price) * Fraction(qty)) <= Fraction(1, 2)


@given(lines, rates, st.booleans())
def test_totals_are_sums_of_integer_cents(order_lines, rate, exempt):
    regime = VatRegime(rate_bp=rate, exempt=exempt)
    totals = order_totals(order_lines, regime)
    values = (totals.excl_vat_cents, totals.vat_cents, totals.incl_vat_cents, *totals.lines_cents)
    assert all(type(v) is int for v in values)  # never a float, nor a Decimal
    assert totals.lines_cents == tuple(line_total_cents(p, q) for p, q in order_lines)
    assert totals.excl_vat_cents == sum(totals.lines_cents)
    assert totals.incl_vat_cents == totals.excl_vat_cents + totals.vat_cents
    if exempt:
        assert totals.vat_cents == 0 and totals.vat_mention == EXEMPTION_MENTION
    else:
        assert totals.vat_cents == half_up(Fraction(totals.excl_vat_cents) * Fraction(rate, 10_000))
        assert totals.vat_mention == ""


@given(prices, quantities, st.floats(allow_nan=True))
def test_a_float_anywhere_is_refused(price, qty, number):
    with pytest.raises(MoneyError):
        line_total_cents(price, number)
    with pytest.raises(MoneyError):
        line_total_cents(number, qty)


@given(st.integers(0, 10**12), st.integers(0, 10**12), st.integers(0, 10**12))
def test_fitting_under_the_maximum_is_exactly_the_remaining(maximum, committed, order):
    assert fits_under_maximum(maximum, committed, order) == (
        order <= remaining_cents(maximum, committed)
    )
