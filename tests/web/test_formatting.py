"""The French formats written directly (capintra.web.formatting) are Babel's, value for
value: dates, times in Europe/Paris, whole numbers, amounts in euros."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from flask_babel import format_datetime
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capintra.web.formatting import cents_to_decimal, date_fr, datetime_fr, money, number_fr

#: Since 1970: before 1911 Paris kept its mean solar time (+00:09:21), which zoneinfo and
#: Babel round differently; after 2037 Babel's pytz tables end (no summer time).
INSTANTS = st.datetimes(
    min_value=dt.datetime(1970, 1, 1), max_value=dt.datetime(2037, 12, 31)
) | st.datetimes(
    min_value=dt.datetime(1970, 1, 1),
    max_value=dt.datetime(2037, 12, 31),
    timezones=st.just(dt.UTC),
)


@settings(max_examples=300)
@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_whole_numbers_and_amounts_as_babel_writes_them(value):
    assert number_fr(value) == format_decimal(value, locale="fr_FR")
    assert money(value) == format_currency(cents_to_decimal(value), "EUR", locale="fr_FR")


def test_decimals_still_go_through_babel():
    assert number_fr(Decimal("38.88")) == "38,88"
    assert number_fr(None) == money(None) == date_fr(None) == datetime_fr(None) == ""


@settings(max_examples=200)
@given(st.dates(min_value=dt.date(1, 1, 1)))
def test_dates_as_babel_writes_them(day):
    assert date_fr(day) == format_date(day, "dd/MM/yyyy", locale="fr_FR")


# The application context only reads: nothing to reset between examples.
@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(INSTANTS)
def test_times_in_paris_as_flask_babel_writes_them(app_ctx, instant):
    with app_ctx.test_request_context():
        assert datetime_fr(instant) == format_datetime(instant, "dd/MM/yyyy HH:mm")
        assert date_fr(instant) == format_datetime(instant, "dd/MM/yyyy")
