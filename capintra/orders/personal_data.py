"""What the orders hold on a household, for its right-of-access export
(capintra.personal_data; declared in feature.py): the provider orders that name it (by
reference), each reduced to its number, status, dates and place — nothing of the other
households an order may name, nor its amounts (an order's price is not the household's)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from capintra.extensions import db
from capintra.orders.models import Order, OrderHousehold
from capintra.personal_data import PersonalDataSection, Record, picked
from capintra.text import lazy_gettext as _l

FIELDS = ("id", "number", "status", "ordered_on", "place", "execution_start", "execution_end")


def sections(household: Any) -> PersonalDataSection:
    orders = db.session.scalars(
        select(Order)
        .join(OrderHousehold, OrderHousehold.order_id == Order.id)
        .where(OrderHousehold.household_id == household.id)
        .order_by(Order.id)
    )
    records: tuple[Record, ...] = tuple(picked(order, FIELDS, None) for order in orders)
    return PersonalDataSection("orders", _l("Bons de commande le concernant"), records)
