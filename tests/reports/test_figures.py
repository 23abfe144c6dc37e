"""The reports' pure computations (capintra.reports.figures)."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from capintra.reports import figures


def test_median_odd_even_and_empty():
    assert figures.median([3, 1, 2]) == 2
    assert figures.median([68, 62]) == 65
    assert figures.median([Decimal("0.1867"), Decimal("0.3")]) == Decimal("0.24335")
    assert figures.median([]) is None


def test_mean_and_share():
    assert figures.mean([2, 0], "0.1") == Decimal("1.0")
    assert figures.mean([]) is None
    assert figures.share(1, 2) == Decimal("0.5")
    assert figures.share(1, 0) is None


def test_age_bands_on_the_birthday():
    on = date(2026, 11, 25)
    assert figures.age_band(date(2001, 11, 26), on) == "under_25"  # 24 until tomorrow
    assert figures.age_band(date(2001, 11, 25), on) == "25_39"
    assert figures.age_band(date(1951, 11, 25), on) == "75_plus"
    assert figures.age_band(None, on) is None


def test_size_bands():
    assert [figures.size_band(n) for n in (0, 1, 5, 6, 9)] == ["unknown", "1", "5", "6+", "6+"]


def test_resources_against_the_ceilings():
    assert figures.ceilings_for(3) == (23_431, 39_051)
    assert figures.ceilings_for(8) == (34_371 + 2 * 3_829, 62_507 + 2 * 6_970)
    assert figures.resource_band(1_337_400, 1) == "plai"  # at the ceiling: under it
    assert figures.resource_band(1_337_401, 1) == "plus"
    assert figures.resource_band(2_431_601, 1) == "above"
    assert figures.resource_band(None, 2) == "unknown"
    assert figures.resource_band(100, 0) == "unknown"


def test_remaining_and_effort_bands():
    assert figures.remaining_band(-1_000) == "moins de 100 €"
    assert figures.remaining_band(9_999) == "moins de 100 €"
    assert figures.remaining_band(25_000) == "200 à 299 €"
    assert figures.remaining_band(50_000) == "500 € et plus"
    assert figures.remaining_band(None) == ""
    assert figures.effort_band(Decimal("0.1967")) == "10 à 19 %"
    assert figures.effort_band(Decimal("0.05")) == "moins de 10 %"
    assert figures.effort_band(Decimal("0.5")) == "40 % et plus"
    assert figures.effort_band(None) == ""


def test_per_m2():
    assert figures.per_m2_cents(25_000, 6_500) == 385
    assert figures.per_m2_cents(25_000, None) is None
    assert figures.per_m2_cents(25_000, 0) is None
    # halves away from zero, both signs (a remaining charge below zero: APL above the rent)
    assert figures.per_m2_cents(1, 200) == 1
    assert figures.per_m2_cents(-1, 200) == -1
    assert figures.per_m2_cents(1, 201) == 0


@given(st.integers(-(10**9), 10**9), st.integers(-(10**6), 10**6).filter(bool))
def test_per_m2_is_the_decimal_rule(cents, surface_dm2):
    """The integer computation gives what the Decimal rule gives, to the cent."""
    expected = (Decimal(cents) * 100 / Decimal(surface_dm2)).quantize(Decimal(1), ROUND_HALF_UP)
    assert figures.per_m2_cents(cents, surface_dm2) == int(expected)


def test_masking_only_in_the_diffusion_version():
    assert figures.masked(4, True) == "< 5"
    assert figures.masked(0, True) == "< 5"
    assert figures.masked(5, True) == 5
    assert figures.masked(4, False) == 4


def test_an_xlsx_cell_holds_only_what_xml_can_hold():
    """U+FFFF, U+FFFE or a control character typed in a form made a workbook no
    spreadsheet opens: each becomes U+FFFD; a formula stays a string cell."""
    import io

    from openpyxl import load_workbook

    from capintra.reports.exports import to_xlsx

    data = to_xlsx("Relogements", ["Commune"], [["fin \uffff\ufffe"], ["\x1b[31m"], ["=1+1"]])
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet["A"]] == ["Commune", "fin \ufffd\ufffd", "\ufffd[31m", "=1+1"]
    assert sheet["A4"].data_type == "s"
