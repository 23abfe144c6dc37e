"""French formats for dates and amounts, as Jinja filters.

Dates, whole numbers and amounts in euros are written here directly, as Babel writes
them in French (tests/web/test_formatting.py compares both over many values): Babel
parses the locale and the pattern at each call, 0.1 ms, and a list page formats a few
hundred values. Percentages and other decimals go through Babel.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.numbers import format_currency, format_decimal, format_percent
from flask import Flask

from capintra.clock import PARIS

#: French digit grouping: a narrow no-break space.
_GROUP = "\u202f"


def _local(value: dt.datetime) -> dt.datetime:
    """In Europe/Paris (the timezone selector's answer); a naive time is UTC, as
    Flask-Babel reads it."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(PARIS)


def date_fr(value: dt.date | dt.datetime | None) -> str:
    """25/11/2026 (a time: its day in Europe/Paris)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value)
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def datetime_fr(value: dt.datetime | None) -> str:
    """25/11/2026 14:05 (Europe/Paris)."""
    if value is None:
        return ""
    value = _local(value)
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d} {value.hour:02d}:{value.minute:02d}"


def cents_to_decimal(cents: int | None) -> Decimal | None:
    return None if cents is None else (Decimal(cents) / 100).quantize(Decimal("0.01"))


def _grouped(number: int) -> str:
    """1 234 567 (without sign)."""
    return f"{number:,}".replace(",", _GROUP)


def money(cents: int | None) -> str:
    """1 234,56 € (narrow no-break spaces, as Babel writes French)."""
    if cents is None:
        return ""
    if not isinstance(cents, int) or isinstance(cents, bool):
        return format_currency(cents_to_decimal(cents), "EUR", locale="fr_FR")
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}{_grouped(euros)},{rest:02d}\u00a0€"


def percent(value: Decimal | float | None, digits: int = 1) -> str:
    """25,0 % (Babel's French percent: a narrow no-break space before the sign)."""
    if value is None:
        return ""
    return format_percent(value, format=f"#,##0.{'0' * digits}\u202f%", locale="fr_FR")


def floor_label(floor: int | None) -> str:
    if floor is None:
        return ""
    if floor == 0:
        return "RDC"
    if floor == 1:
        return "1er"
    if floor < 0:
        return f"S{-floor}"
    return f"{floor}e"


def number_fr(value: int | Decimal | None) -> str:
    """1 000, 38,88 (a narrow no-break space between thousands, a decimal comma)."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"-{_grouped(-value)}" if value < 0 else _grouped(value)
    return format_decimal(value, locale="fr_FR")


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(
        date_fr=date_fr,
        datetime_fr=datetime_fr,
        money=money,
        percent=percent,
        floor_label=floor_label,
        number_fr=number_fr,
    )
