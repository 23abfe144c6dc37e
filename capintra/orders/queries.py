"""Reads of the orders' reference data: contracts and their lots, price versions in force,
delegations covering an approval. Loaders answer 404 for what does not exist or was
removed."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from capintra.auth.models import User
from capintra.documents.models import Document
from capintra.documents.services import document_path
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
from capintra.security import Role, can


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


def get_issuer_or_404(issuer_id: int) -> OrderIssuer:
    """The issuer as the owner of its documents (the signature image): reached by the
    admin only — for anyone else it does not exist (404), so the image is never
    downloaded through /documents/<id> by someone who may not manage it."""
    if not can("admin.manage"):
        abort(404)
    return _live_or_404(OrderIssuer, issuer_id)


def signature_document(record: OrderIssuer | None) -> Document | None:
    """The issuer's current signature image, if any (a removed or purged one: None)."""
    if record is None or record.signature_document_id is None:
        return None
    return db.session.scalar(
        select(Document)
        .where(
            Document.id == record.signature_document_id,
            Document.deleted_at.is_(None),
            Document.purged_at.is_(None),
        )
        .options(joinedload(Document.uploaded_by))
    )


def signature_image() -> tuple[bytes, str] | None:
    """The signature printed on orders: its bytes and content type (`image/png` or
    `image/jpeg`, sniffed when it was stored), or None when there is none (no issuer,
    no image, or its file missing from the upload folder — logged).

    Read server-side by whatever prints an order, which checks its own capability: no
    access check here (served as a file, the image is the admin's only:
    `orders.issuer_signature`, and /documents/<id> through `get_issuer_or_404`).
    """
    document = signature_document(issuer())
    if document is None:
        return None
    try:
        return document_path(document).read_bytes(), document.content_type
    except (ValueError, OSError):
        current_app.logger.warning("signature image %s: stored file missing", document.id)
        return None
