"""Factories for the orders' tests: reference data with sensible defaults, committed."""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from flask import current_app

from capintra import clock
from capintra.extensions import db
from capintra.orders import lifecycle, money, queries
from capintra.orders.models import (
    Amendment,
    Contract,
    DelegationDeputy,
    DelegationOperation,
    Lot,
    NotificationChannel,
    Order,
    OrderIssuer,
    PriceItem,
    PriceUnit,
    PriceVersion,
    SigningDelegation,
)
from tests import factories
from tests.organisations import make as orgs

_seq = itertools.count(1)


def _committed(obj):
    db.session.add(obj)
    db.session.commit()
    return obj


def contract(**kw) -> Contract:
    n = next(_seq)
    values = dict(
        reference=f"AC-T-{n}", title=f"Accord-cadre {n}", start_date=date(2026, 1, 1),
        end_date=date(2028, 12, 31), vat_exempt=False, vat_rate_bp=2000,
    )  # fmt: skip
    values.update(kw)
    return _committed(Contract(**values))


def lot(contract_obj: Contract | None = None, **kw) -> Lot:
    values = dict(number=1, title="Accompagnement", minimum_cents=0, maximum_cents=10_000_00)
    values.update(kw)
    values.setdefault("provider_id", orgs.organisation().id)
    return _committed(Lot(contract_id=(contract_obj or contract()).id, **values))


def amendment(lot_obj: Lot | None = None, **kw) -> Amendment:
    values = dict(reference="Avenant 1", signed_on=date(2026, 6, 1), new_maximum_cents=12_000_00)
    values.update(kw)
    return _committed(Amendment(lot_id=(lot_obj or lot()).id, **values))


def price_item(lot_obj: Lot | None = None, **kw) -> PriceItem:
    values = dict(code="DIAG", label="Diagnostic social", unit=PriceUnit.PER_HOUSEHOLD)
    values.update(kw)
    return _committed(PriceItem(lot_id=(lot_obj or lot()).id, **values))


def price_version(item: PriceItem | None = None, **kw) -> PriceVersion:
    values = dict(valid_from=date(2026, 1, 1), unit_price_cents=450_00)
    values.update(kw)
    return _committed(PriceVersion(price_item_id=(item or price_item()).id, **values))


def delegation(user=None, operations=(), **kw) -> SigningDelegation:
    values = dict(all_operations=not operations, maximum_cents=20_000_00,
                  start_date=date(2026, 1, 1), end_date=date(2026, 12, 31))  # fmt: skip
    values.update(kw)
    user = user or factories.user("manager")
    made = _committed(SigningDelegation(user_id=user.id, **values))
    for operation in operations:
        _committed(DelegationOperation(delegation_id=made.id, operation_id=operation.id))
    return made


def deputy(delegation_obj: SigningDelegation, user=None, **kw) -> DelegationDeputy:
    values = dict(start_date=date(2026, 8, 1), end_date=date(2026, 8, 31))
    values.update(kw)
    user = user or factories.user("manager")
    return _committed(DelegationDeputy(delegation_id=delegation_obj.id, user_id=user.id, **values))


def issuer(**kw) -> OrderIssuer:
    values = dict(name="Cap Aménagement Loire", address="10 rue Gambetta, 42000 Saint-Étienne")
    values.update(kw)
    return _committed(OrderIssuer(**values))


# --- orders, built through the services -----------------------------------------------------

#: The day the orders' lifecycle tests live on (the `calendar` fixture pins the clock to it):
#: inside the default contract (2026–2028) and delegation (2026).
TODAY = date(2026, 11, 25)


class Calendar:
    """The application's one clock pinned to noon (Paris) of a day; `go(day)` moves it.
    Moving by days ends the open sessions (30 minutes idle): sign in again after."""

    def __init__(self, monkeypatch, day: date = TODAY):
        self.day = day
        monkeypatch.setattr(clock, "now", self._now)

    def _now(self) -> datetime:
        return datetime.combine(self.day, time(12), tzinfo=clock.PARIS).astimezone(UTC)

    def go(self, day: date) -> None:
        self.day = day


@dataclass
class Market:
    """A contract in force with one lot, two priced items, an operation, and the people
    of an order: an assistant who drafts, an officer who attests, a manager who approves
    under a delegation covering every operation up to 20 000,00 € per order."""

    contract: Contract
    lot: Lot
    diag: PriceItem  # 450,00 € per household
    follow: PriceItem  # 1 200,00 € per month
    operation: object
    drafter: object
    officer: object
    approver: object
    delegation: SigningDelegation


def market(*, maximum_cents: int = 10_000_00, contract_kw=None, **people) -> Market:
    contract_obj = contract(**(contract_kw or {}))
    lot_obj = lot(contract_obj, maximum_cents=maximum_cents)
    diag = price_item(lot_obj, code="DIAG", label="Diagnostic social")
    price_version(diag, valid_from=date(2026, 1, 1), unit_price_cents=450_00)
    follow = price_item(lot_obj, code="ACC", label="Accompagnement renforcé",
                        unit=PriceUnit.PER_MONTH)  # fmt: skip
    price_version(follow, valid_from=date(2026, 1, 1), unit_price_cents=1_200_00)
    approver = people.get("approver") or factories.user("manager", full_name="Jérôme Faure")
    return Market(
        contract=contract_obj,
        lot=lot_obj,
        diag=diag,
        follow=follow,
        operation=people.get("operation") or factories.operation(name="Îlot Gambetta"),
        drafter=people.get("drafter") or factories.user("assistant", full_name="Sophie Martin"),
        officer=people.get("officer") or factories.user("officer", full_name="Claire Roux"),
        approver=approver,
        delegation=delegation(approver),
    )


@contextmanager
def _services():
    """Run services as a request would (url_for works), then commit."""
    with current_app.test_request_context():
        yield
        db.session.commit()


def draft(m: Market, lines=None, *, by=None, lot_obj: Lot | None = None) -> Order:
    """A draft on the market's lot, by the drafter, with `lines` as (price item, quantity
    typed as a string) — by default 2 × DIAG (900,00 € HT)."""
    lines = [(m.diag, "2")] if lines is None else lines
    with _services():
        order = lifecycle.create_order(
            {"lot_id": (lot_obj or m.lot).id, "operation_id": m.operation.id,
             "place": "12 rue Michelet, Saint-Étienne"},
            by or m.drafter, [],
        )  # fmt: skip
        for item, quantity in lines:
            lifecycle.add_line(order, item.id, Decimal(quantity))
    return order


#: The order's states in the lifecycle's order, as built by `order_in`.
PATH = ("brouillon", "soumis", "approuve", "notifie", "service_fait", "facture", "solde")


def order_in(state: str, m: Market, lines=None, *, paid: bool = True, **kw) -> Order:
    """An order of `m` brought to `state` (a value of OrderStatus) through the services:
    drafted and submitted by the drafter, approved by the approver, notified by mail,
    wholly attested by the officer, invoiced in full (paid unless `paid=False`),
    settled. `annule`: a draft cancelled by its drafter."""
    order = draft(m, lines, **kw)
    if state == "annule":
        with _services():
            lifecycle.cancel(order, m.drafter, "")
        return order
    steps = PATH[1 : PATH.index(state) + 1]
    for step in steps:
        with _services():
            if step == "soumis":
                lifecycle.submit(order, m.drafter)
            elif step == "approuve":
                lifecycle.approve(order, m.approver)
            elif step == "notifie":
                lifecycle.notify_provider(order, clock.today(), NotificationChannel.MAIL)
            elif step == "service_fait":
                lines_now = queries.lines_of(order)
                lifecycle.attest(
                    order, m.officer,
                    {"attested_by_id": m.officer.id, "attested_on": clock.today()},
                    {line.id: line.quantity for line in lines_now},
                )  # fmt: skip
            elif step == "facture":
                excl = queries.attested_amount(order)
                vat = money.vat_cents(excl, order.vat)
                invoice = lifecycle.add_invoice(order, {
                    "number": "F-2026-101", "received_on": clock.today(), "excl_vat_cents": excl,
                    "vat_cents": vat, "incl_vat_cents": excl + vat,
                })  # fmt: skip
                if paid:
                    lifecycle.pay_invoice(order, invoice, clock.today())
            elif step == "solde":
                lifecycle.settle(order)
    return order


def fresh(obj):
    """The row as the database has it now."""
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)
