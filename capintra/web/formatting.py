"""French formats for dates and amounts, as Jinja filters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent
from flask import Flask
from flask_babel import format_datetime as babel_format_datetime


def date_fr(value: dt.date | dt.datetime | None) -> str:
    """25/11/2026."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return babel_format_datetime(value, "dd/MM/yyyy")
    return format_date(value, "dd/MM/yyyy", locale="fr_FR")


def datetime_fr(value: dt.datetime | None) -> str:
    """25/11/2026 14:05 (Europe/Paris)."""
    if value is None:
        return ""
    return babel_format_datetime(value, "dd/MM/yyyy HH:mm")


def cents_to_decimal(cents: int | None) -> Decimal | None:
    return None if cents is None else (Decimal(cents) / 100).quantize(Decimal("0.01"))


def money(cents: int | None) -> str:
    """1 234,56 € (narrow no-break spaces, as Babel writes French)."""
    if cents is None:
        return ""
    return format_currency(cents_to_decimal(cents), "EUR", locale="fr_FR")


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
