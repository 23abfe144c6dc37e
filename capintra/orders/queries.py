"""Reads of the orders' reference data: contracts and their lots, price versions in force,
delegations covering an approval. Loaders answer 404 for what does not exist or was
removed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from flask import abort, current_app
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from capintra.admin.models import Operation
from capintra.audit.changes import until_changed
from capintra.auth.models import User
from capintra.documents.models import Document
from capintra.documents.services import document_path
from capintra.extensions import db
from capintra.households.models import Household
from capintra.keyset import TAB_PAGE, Keyset, Page
from capintra.orders import money, rules
from capintra.orders.models import (
    COMMITTING,
    Amendment,
    Attestation,
    AttestationLine,
    Contract,
    DelegationDeputy,
    Invoice,
    Lot,
    Order,
    OrderHousehold,
    OrderIssuer,
    OrderLine,
    OrderStatus,
    PriceItem,
    PriceVersion,
    SigningDelegation,
    order_label,
)
from capintra.orders.money import lot_maximum_cents
from capintra.organisations.models import Organisation
from capintra.security import Role, can
from capintra.web.routing import db_id


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


# --- orders ---------------------------------------------------------------------------------


def get_order_or_404(order_id: int) -> Order:
    """An order with its lot, contract, provider, operation and the people of its
    lifecycle loaded (orders are never hidden: every role that sees orders sees them
    all). One statement: each of them is one row, joined (a SELECT … IN per relation
    was eight statements, 3.6 ms, read again by a post of a line)."""
    order = db.session.scalars(
        select(Order)
        .where(Order.id == order_id)
        .options(
            joinedload(Order.lot).joinedload(Lot.contract),
            joinedload(Order.lot).joinedload(Lot.provider),
            joinedload(Order.operation),
            joinedload(Order.drafted_by),
            joinedload(Order.submitted_by),
            joinedload(Order.decided_by),
            joinedload(Order.on_behalf_of),
        )
    ).first()
    if order is None:
        abort(404)
    return order


def lines_of(order: Order) -> list[OrderLine]:
    return list(
        db.session.scalars(
            select(OrderLine)
            .where(OrderLine.order_id == order.id)
            .options(selectinload(OrderLine.price_item))
            .order_by(OrderLine.id)
        )
    )


def order_household_ids(order: Order) -> list[int]:
    return list(
        db.session.scalars(
            select(OrderHousehold.household_id)
            .where(OrderHousehold.order_id == order.id)
            .order_by(OrderHousehold.id)
        )
    )


def households_of(order: Order) -> list[Household]:
    """The households concerned, by reference."""
    return list(
        db.session.scalars(
            select(Household)
            .join(OrderHousehold, OrderHousehold.household_id == Household.id)
            .where(OrderHousehold.order_id == order.id)
            .order_by(Household.reference)
        )
    )


def contract_of(order: Order) -> Contract:
    return db.session.scalars(
        select(Contract).join(Lot, Lot.contract_id == Contract.id).where(Lot.id == order.lot_id)
    ).one()


def _committed_amount():
    """An order's commitment on its lot, in SQL (Order.committed_cents)."""
    return case(
        (
            and_(Order.status == OrderStatus.SETTLED, Order.settled_excl_vat_cents.is_not(None)),
            Order.settled_excl_vat_cents,
        ),
        else_=Order.total_excl_vat_cents,
    )


def committed_on_lot(lot_id: int, *, exclude_order_id: int | None = None) -> int:
    """The lot's committed total: orders approved and later (settled ones at their actual
    amount), cancelled ones not."""
    query = select(func.coalesce(func.sum(_committed_amount()), 0)).where(
        Order.lot_id == lot_id, Order.status.in_(COMMITTING)
    )
    if exclude_order_id is not None:
        query = query.where(Order.id != exclude_order_id)
    return int(db.session.scalar(query))


def attested_quantities(order: Order) -> dict[int, int]:
    """Line id → quantity attested so far (hundredths)."""
    rows = db.session.execute(
        select(AttestationLine.line_id, func.sum(AttestationLine.quantity_centi))
        .join(Attestation, Attestation.id == AttestationLine.attestation_id)
        .where(Attestation.order_id == order.id)
        .group_by(AttestationLine.line_id)
    ).all()
    return {line_id: int(total) for line_id, total in rows}


def attested_amount(order: Order) -> int:
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(AttestationLine.amount_cents), 0))
            .join(Attestation, Attestation.id == AttestationLine.attestation_id)
            .where(Attestation.order_id == order.id)
        )
    )


def invoiced_amount(order: Order) -> int:
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(Invoice.excl_vat_cents), 0)).where(
                Invoice.order_id == order.id
            )
        )
    )


def attestations_of(order: Order) -> list[Attestation]:
    return list(
        db.session.scalars(
            select(Attestation)
            .where(Attestation.order_id == order.id)
            .options(selectinload(Attestation.attested_by), selectinload(Attestation.lines))
            .order_by(Attestation.attested_on, Attestation.id)
        )
    )


def invoices_of(order: Order) -> list[Invoice]:
    return list(
        db.session.scalars(
            select(Invoice)
            .where(Invoice.order_id == order.id)
            .order_by(Invoice.received_on, Invoice.id)
        )
    )


def get_invoice_or_404(order: Order, invoice_id: int) -> Invoice:
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None or invoice.order_id != order.id:
        abort(404)
    return invoice


def possible_approvers(
    order: Order, on: date, loaded: list[SigningDelegation] | None = None
) -> set[int]:
    """Active managers whose delegation (their own, or as a deputy) covers the order on
    `on`: who is told an order awaits approval. `loaded`: the live delegations, read once
    by a caller that asks for many orders."""
    found = set()
    for delegation in delegations() if loaded is None else loaded:
        for user_id in {delegation.user_id} | {d.user_id for d in delegation.deputies}:
            coverage = rules.covers(
                delegation, user_id=user_id, operation_id=order.operation_id,
                amount_cents=order.total_excl_vat_cents, on=on,
            )  # fmt: skip
            if coverage is not None:
                found.add(user_id)
    if not found:
        return found
    return set(db.session.scalars(select(User.id).where(User.id.in_(found), User.active.is_(True))))


def price_items_of_lot(lot_id: int, on: date) -> list[tuple[PriceItem, PriceVersion | None]]:
    """The lot's live price items, each with its price in force on `on`."""
    items = db.session.scalars(
        select(PriceItem)
        .where(PriceItem.lot_id == lot_id, PriceItem.deleted_at.is_(None))
        .options(selectinload(PriceItem.versions))
        .order_by(PriceItem.code)
    ).all()
    return [(item, rules.version_in_force(item.versions, on)) for item in items]


def lot_choices() -> list[tuple[int, str]]:
    """Live lots of live contracts: « Contract — lot n: title (provider) »."""
    rows = db.session.execute(
        select(Lot.id, Lot.number, Lot.title, Contract.reference)
        .join(Contract, Contract.id == Lot.contract_id)
        .where(Lot.deleted_at.is_(None), Contract.deleted_at.is_(None))
        .order_by(Contract.start_date.desc(), Contract.id, Lot.number)
    ).all()
    return [(row.id, f"{row.reference} — lot {row.number} : {row.title}") for row in rows]


@dataclass
class OrderFilters:
    status: OrderStatus | None = None
    lot: int | None = None
    after: int | None = None

    @classmethod
    def from_args(cls, args) -> OrderFilters:
        status = args.get("status") or None
        return cls(
            status=OrderStatus(status) if status in {s.value for s in OrderStatus} else None,
            lot=args.get("lot", type=db_id),
            after=args.get("after", type=db_id),
        )

    def as_args(self, **changes) -> dict:
        values = {"status": self.status.value if self.status else None, "lot": self.lot}
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}


#: Orders newest first (ids grow with drafting): the register and a contract's orders.
ORDER_ORDER = Keyset(Order.id, descending=True)


class OrderRow(NamedTuple):
    """A line of the register: the cells it shows, read as values (an order as a record
    is some twenty columns, seven of them dates converted one by one)."""

    id: int
    number: str | None
    status: OrderStatus
    lot_number: int
    provider_name: str
    operation_name: str
    ordered_on: date | None
    created_at: datetime
    total_excl_vat_cents: int

    @property
    def label(self) -> str:
        return order_label(self.number, self.id)


#: The register's statement without its filters: built once (its cache key kept).
_REGISTER = (
    select(
        Order.id,
        Order.number,
        Order.status,
        Lot.number,
        Organisation.name,
        Operation.name,
        Order.ordered_on,
        Order.created_at,
        Order.total_excl_vat_cents,
    )
    .join(Lot, Lot.id == Order.lot_id)
    .join(Organisation, Organisation.id == Lot.provider_id)
    .join(Operation, Operation.id == Order.operation_id)
)


def order_page(filters: OrderFilters, size: int = 50) -> tuple[list[OrderRow], int | None]:
    """The register, newest first (keyset on id: no OFFSET), and the id to continue
    after (None on the last page). Each order's lot, provider and operation are joined
    in the page's one statement."""
    query = _REGISTER
    if filters.status:
        query = query.where(Order.status == filters.status)
    if filters.lot:
        query = query.where(Order.lot_id == filters.lot)
    after = str(filters.after) if filters.after else None
    page = ORDER_ORDER.page(query, after=after, size=size, as_values=True)
    rows = [OrderRow(*row) for row in page.rows]
    return rows, (rows[-1].id if page.next else None)


def status_counts() -> dict[OrderStatus, int]:
    rows = db.session.execute(select(Order.status, func.count(Order.id)).group_by(Order.status))
    return {status: count for status, count in rows}


# --- consumption ----------------------------------------------------------------------------


@dataclass
class LotConsumption:
    lot: Lot
    maximum_cents: int
    committed_cents: int
    attested_cents: int
    invoiced_cents: int
    paid_cents: int
    late_invoices: int

    @property
    def remaining_cents(self) -> int:
        return money.remaining_cents(self.maximum_cents, self.committed_cents)

    @property
    def below_minimum(self) -> bool:
        return self.committed_cents < self.lot.minimum_cents

    @property
    def used_permille(self) -> int:
        if self.maximum_cents <= 0:
            return 1000
        return min(1000, self.committed_cents * 1000 // self.maximum_cents)


def lot_consumption(lots: list[Lot], on: date) -> list[LotConsumption]:
    """Per lot: maximum on `on` (amendments included), committed, attested, invoiced,
    paid, invoices past due — a handful of grouped statements whatever the lots, over
    every order of the lots (10,000 at scale: 10 ms), so kept until the data changes
    (capintra.audit.changes). For pages; the approval's check of the maximum counts under
    its lock (services)."""
    ids = tuple(lot.id for lot in lots)
    if not ids:
        return []
    maxima = tuple(lot.maximum_cents for lot in lots)
    figures = until_changed(
        ("orders.lot_consumption", ids, maxima, on), lambda: _consumption_figures(lots, on)
    )
    return [LotConsumption(lot, *figures[lot.id]) for lot in lots]


def _consumption_figures(lots: list[Lot], on: date) -> dict[int, tuple[int, ...]]:
    """lot id → (maximum, committed, attested, invoiced, paid, late invoices)."""
    ids = [lot.id for lot in lots]
    committed = dict(
        db.session.execute(
            select(Order.lot_id, func.sum(_committed_amount()))
            .where(Order.lot_id.in_(ids), Order.status.in_(COMMITTING))
            .group_by(Order.lot_id)
        ).all()
    )
    attested = dict(
        db.session.execute(
            select(Order.lot_id, func.sum(AttestationLine.amount_cents))
            .join(Attestation, Attestation.order_id == Order.id)
            .join(AttestationLine, AttestationLine.attestation_id == Attestation.id)
            .where(Order.lot_id.in_(ids), Order.status != OrderStatus.CANCELLED)
            .group_by(Order.lot_id)
        ).all()
    )
    invoiced = db.session.execute(
        select(
            Order.lot_id,
            func.sum(Invoice.excl_vat_cents),
            func.sum(case((Invoice.paid_on.is_not(None), Invoice.excl_vat_cents), else_=0)),
            func.sum(
                case(
                    (
                        and_(
                            Invoice.paid_on.is_(None),
                            Invoice.suspended_since.is_(None),
                            Invoice.due_on < on,
                        ),
                        1,
                    ),
                    else_=0,
                )
            ),
        )
        .join(Invoice, Invoice.order_id == Order.id)
        .where(Order.lot_id.in_(ids))
        .group_by(Order.lot_id)
    ).all()
    invoices = {row[0]: row[1:] for row in invoiced}
    amendments = db.session.execute(
        select(Amendment.lot_id, Amendment.signed_on, Amendment.new_maximum_cents)
        .where(Amendment.lot_id.in_(ids), Amendment.deleted_at.is_(None))
        .order_by(Amendment.signed_on, Amendment.id)
    ).all()
    by_lot: dict[int, list] = {}
    for lot_id, signed_on, new_max in amendments:
        by_lot.setdefault(lot_id, []).append((signed_on, new_max))
    result = {}
    for lot in lots:
        inv, paid, late = invoices.get(lot.id, (0, 0, 0))
        result[lot.id] = (
            lot_maximum_cents(lot.maximum_cents, by_lot.get(lot.id, []), on),
            int(committed.get(lot.id) or 0),
            int(attested.get(lot.id) or 0),
            int(inv or 0),
            int(paid or 0),
            int(late or 0),
        )
    return result


def orders_of_lots(
    lot_ids: list[int], *, after: str | None = None, size: int | None = TAB_PAGE
) -> Page[Order]:
    """A page of the orders on these lots (a contract's), newest first: a framework
    contract gathers orders for years."""
    query = (
        select(Order)
        .where(Order.lot_id.in_(lot_ids))
        .options(selectinload(Order.operation), selectinload(Order.lot))
    )
    return ORDER_ORDER.page(query, after=after, size=size)


def late_invoices(lot_ids: list[int], on: date) -> list[tuple[Invoice, Order]]:
    return list(
        db.session.execute(
            select(Invoice, Order)
            .join(Order, Order.id == Invoice.order_id)
            .where(
                Order.lot_id.in_(lot_ids),
                Invoice.paid_on.is_(None),
                Invoice.suspended_since.is_(None),
                Invoice.due_on < on,
            )
            .order_by(Invoice.due_on)
        ).tuples()
    )


def households_by_reference(references: list[str]) -> list[tuple[str, int]]:
    """(reference, id) of the live household files among these references."""
    if not references:
        return []
    return list(
        db.session.execute(
            select(Household.reference, Household.id).where(
                Household.reference.in_(references), Household.deleted_at.is_(None)
            )
        ).tuples()
    )


def lots_with_provider(lot_ids: list[int]) -> list[Lot]:
    return list(
        db.session.scalars(
            select(Lot).where(Lot.id.in_(lot_ids)).options(selectinload(Lot.provider))
        )
    )


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
