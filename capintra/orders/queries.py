"""Reads of the orders' reference data: contracts and their lots, price versions in force,
delegations covering an approval. Loaders answer 404 for what does not exist or was
removed."""

from __future__ import annotations

from datetime import date

from flask import abort
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from capintra.auth.models import User
from capintra.extensions import db
from capintra.orders import rules
from capintra.orders.models import (
    Amendment,
    Contract,
    DelegationDeputy,
    Lot,
    OrderIssuer,
    PriceItem,
    PriceVersion,
    SigningDelegation,
)
from capintra.orders.money import lot_maximum_cents
from capintra.security import Role


def _live_or_404(model, record_id: int):
    record = db.session.get(model, record_id)
    if record is None or getattr(record, "is_deleted", False):
        abort(404)
    return record


def get_contract_or_404(contract_id: int) -> Contract:
    return _live_or_404(Contract, contract_id)


def get_lot_or_404(lot_id: int) -> Lot:
    lot = _live_or_404(Lot, lot_id)
    if db.session.get(Contract, lot.contract_id).is_deleted:
        abort(404)
    return lot


def get_price_item_or_404(item_id: int) -> PriceItem:
    item = _live_or_404(PriceItem, item_id)
    get_lot_or_404(item.lot_id)
    return item


def get_delegation_or_404(delegation_id: int) -> SigningDelegation:
    """A live delegation with its operations and deputies loaded (404 otherwise)."""
    delegation = db.session.scalars(
        select(SigningDelegation)
        .where(SigningDelegation.id == delegation_id)
        .options(
            selectinload(SigningDelegation.operations),
            selectinload(SigningDelegation.deputies).selectinload(DelegationDeputy.user),
            selectinload(SigningDelegation.user),
        )
        .execution_options(populate_existing=True)
    ).first()
    if delegation is None or delegation.is_deleted:
        abort(404)
    return delegation


def contracts() -> list[Contract]:
    """Live contracts, the latest first, with their live lots."""
    return list(
        db.session.scalars(
            select(Contract)
            .where(Contract.deleted_at.is_(None))
            .options(selectinload(Contract.lots))
            .order_by(Contract.start_date.desc(), Contract.id.desc())
        )
    )


def contract_lots(contract: Contract) -> list[Lot]:
    """The contract's live lots, with provider, live amendments, live price items and
    their versions: the contract page's few statements."""
    lots = db.session.scalars(
        select(Lot)
        .where(Lot.contract_id == contract.id, Lot.deleted_at.is_(None))
        .options(
            selectinload(Lot.provider),
            selectinload(Lot.amendments),
            selectinload(Lot.price_items).selectinload(PriceItem.versions),
        )
        .order_by(Lot.number, Lot.id)
    ).all()
    return list(lots)


def live(items):
    return [item for item in items if not getattr(item, "is_deleted", False)]


def price_in_force(price_item_id: int, on: date) -> PriceVersion | None:
    """The price version in force on `on`: the latest `valid_from` on or before it."""
    return db.session.scalars(
        select(PriceVersion)
        .where(PriceVersion.price_item_id == price_item_id, PriceVersion.valid_from <= on)
        .order_by(PriceVersion.valid_from.desc())
        .limit(1)
    ).first()


def lot_maximum_on(lot: Lot, on: date) -> int:
    """The lot's maximum on `on`, amendments signed by then included."""
    amendments = db.session.execute(
        select(Amendment.signed_on, Amendment.new_maximum_cents)
        .where(Amendment.lot_id == lot.id, Amendment.deleted_at.is_(None))
        .order_by(Amendment.signed_on, Amendment.id)
    ).all()
    return lot_maximum_cents(lot.maximum_cents, [tuple(a) for a in amendments], on)


def delegations() -> list[SigningDelegation]:
    return list(
        db.session.scalars(
            select(SigningDelegation)
            .where(SigningDelegation.deleted_at.is_(None))
            .options(
                selectinload(SigningDelegation.user),
                selectinload(SigningDelegation.operations),
                selectinload(SigningDelegation.deputies).selectinload(DelegationDeputy.user),
            )
            .order_by(SigningDelegation.start_date.desc(), SigningDelegation.id.desc())
        )
    )


def covering_delegation(
    user_id: int, operation_id: int, amount_cents: int, on: date
) -> rules.Coverage | None:
    """A delegation that lets `user_id` approve the order (their own first, then one they
    are a deputy of), or None."""
    deputy_of = select(DelegationDeputy.delegation_id).where(
        DelegationDeputy.user_id == user_id, DelegationDeputy.deleted_at.is_(None)
    )
    candidates = db.session.scalars(
        select(SigningDelegation)
        .where(
            SigningDelegation.deleted_at.is_(None),
            or_(SigningDelegation.user_id == user_id, SigningDelegation.id.in_(deputy_of)),
        )
        .options(
            selectinload(SigningDelegation.operations), selectinload(SigningDelegation.deputies)
        )
        .order_by(SigningDelegation.id)
    ).all()
    found = []
    for delegation in candidates:
        coverage = rules.covers(
            delegation, user_id=user_id, operation_id=operation_id,
            amount_cents=amount_cents, on=on,
        )  # fmt: skip
        if coverage is not None:
            found.append(coverage)
    found.sort(key=lambda c: c.on_behalf_of_id is not None)
    return found[0] if found else None


def managers() -> list[User]:
    """Active managers, by name: who may hold or use a delegation."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == Role.MANAGER, User.active.is_(True))
            .order_by(User.full_name, User.id)
        )
    )


def issuer() -> OrderIssuer | None:
    """The organisation details printed on orders (one row; None until the admin fills
    them in)."""
    return db.session.scalars(select(OrderIssuer).order_by(OrderIssuer.id).limit(1)).first()
