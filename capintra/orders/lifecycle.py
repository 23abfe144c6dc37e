"""Orders: drafting (header, households concerned, lines) and the lifecycle of DESIGN §2's
transition table. Plain functions over loaded objects that flush and raise a
`DomainError` (409) when a rule refuses, `IllegalTransition` (409) for a transition the
table does not allow from the order's state; the view commits.

Every transition records an explicit audit event (`order_<transition>`) with what changed.
Approval is the one place that needs care under concurrency: the order and its lot are
locked (`FOR UPDATE` on PostgreSQL; on SQLite a POST's transaction already holds the
write lock, `BEGIN IMMEDIATE`), the lot's committed total is read under that lock, and
the year's counter row is incremented in the same transaction — a refused or failed
approval gives its number back, so the register has no gap. The unique constraints on
`number` and (`number_year`, `number_seq`) are the last guard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from capintra import clock
from capintra.audit.service import record_event
from capintra.auth.models import User
from capintra.errors import DomainError, IllegalTransition, InvalidInput
from capintra.extensions import db
from capintra.households.models import Household
from capintra.notifications.services import internal_path, notify
from capintra.orders import money, queries, rules
from capintra.orders.models import (
    Attestation,
    AttestationLine,
    Contract,
    Invoice,
    Lot,
    Order,
    OrderCounter,
    OrderHousehold,
    OrderLine,
    OrderStatus,
    PriceItem,
)
from capintra.security import Role
from capintra.web.formatting import date_fr
from capintra.web.formatting import money as money_fr

S = OrderStatus

#: Who may move an order from a state to another (DESIGN §2); the capability of each
#: transition is on its route. Anything else answers 409.
TRANSITIONS: dict[str, tuple[tuple[OrderStatus, ...], OrderStatus | None]] = {
    "submit": ((S.DRAFT,), S.SUBMITTED),
    "reject": ((S.SUBMITTED,), S.DRAFT),
    "approve": ((S.SUBMITTED,), S.APPROVED),
    "notify": ((S.APPROVED,), S.NOTIFIED),
    # attestations and invoices may be recorded several times in their state; the order
    # moves on when it is wholly attested or invoiced (None: decided by the service)
    "attest": ((S.NOTIFIED,), None),
    "invoice": ((S.SERVICE_DONE,), None),
    "settle": ((S.INVOICED,), S.SETTLED),
    "cancel": ((S.DRAFT, S.SUBMITTED, S.APPROVED), S.CANCELLED),
}

#: The fields of the order's header a draft may change.
HEADER_FIELDS = ("lot_id", "operation_id", "place", "execution_start", "execution_end",
                 "budget_line")  # fmt: skip


def allowed(order: Order, transition: str) -> bool:
    sources, _target = TRANSITIONS[transition]
    return order.status in sources


def _require_state(order: Order, transition: str) -> None:
    if not allowed(order, transition):
        raise IllegalTransition(
            _("Impossible dans l’état actuel du bon (%(state)s).", state=order.status.label),
            order,
        )


def _event(order: Order, transition: str, old: OrderStatus, **changes) -> None:
    fields = {"status": [old.value, order.status.value]}
    fields.update({k: v for k, v in changes.items() if v not in (None, "")})
    record_event(f"order_{transition}", order, changes=fields)


def lock_order(order_id: int) -> Order:
    """The order re-read under a row lock (PostgreSQL; SQLite: the write lock is held)."""
    order = db.session.scalars(
        select(Order)
        .where(Order.id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if order is None:
        raise DomainError(_("Ce bon de commande n’existe pas."))
    return order


# --- drafting -------------------------------------------------------------------------------


def _check_header(data: dict, order: Order) -> Lot:
    lot = db.session.get(Lot, data["lot_id"])
    if lot is None or lot.is_deleted or db.session.get(Contract, lot.contract_id).is_deleted:
        raise DomainError(_("Ce lot n’existe plus : choisissez-en un autre."), order)
    start, end = data.get("execution_start"), data.get("execution_end")
    if start and end and end < start:
        raise InvalidInput(
            _("La fin de la période d’exécution précède son début."), order, field="execution_end"
        )
    return lot


def create_order(data: dict, author: User, household_ids: list[int]) -> Order:
    """A new draft, its VAT regime from the lot's contract."""
    order = Order(drafted_by_id=author.id, status=S.DRAFT)
    lot = _check_header(data, order)
    for name in HEADER_FIELDS:
        setattr(order, name, data.get(name))
    order.place = order.place or ""
    order.budget_line = order.budget_line or ""
    _copy_vat(order, lot)
    db.session.add(order)
    db.session.flush()
    set_households(order, household_ids)
    return order


def _copy_vat(order: Order, lot: Lot) -> None:
    contract = db.session.get(Contract, lot.contract_id)
    order.vat_exempt = contract.vat_exempt
    order.vat_rate_bp = contract.vat_rate_bp


def _require_draft(order: Order) -> None:
    if order.status != S.DRAFT:
        raise IllegalTransition(
            _("Seul un brouillon se modifie (ce bon est %(state)s).", state=order.status.label),
            order,
        )


def update_order(order: Order, data: dict) -> None:
    """The header of a draft. Changing the lot removes the lines (their price items belong
    to the former lot)."""
    _require_draft(order)
    lot = _check_header(data, order)
    if data["lot_id"] != order.lot_id:
        db.session.execute(delete(OrderLine).where(OrderLine.order_id == order.id))
    # One UPDATE for the header and its totals: one save, one version.
    with db.session.no_autoflush:
        for name in HEADER_FIELDS:
            setattr(order, name, data.get(name) if data.get(name) is not None else
                    ("" if name in ("place", "budget_line") else None))  # fmt: skip
        _copy_vat(order, lot)
        recompute(order)


def set_households(order: Order, household_ids: list[int]) -> None:
    """The households concerned (live files), replacing the previous ones."""
    _require_draft(order)
    wanted = set(household_ids)
    live = set(
        db.session.scalars(
            select(Household.id).where(Household.id.in_(wanted), Household.deleted_at.is_(None))
        )
    )
    if live != wanted:
        raise DomainError(_("Un des ménages indiqués n’existe plus."), order)
    current = set(
        db.session.scalars(
            select(OrderHousehold.household_id).where(OrderHousehold.order_id == order.id)
        )
    )
    gone = current - wanted
    if gone:
        db.session.execute(
            delete(OrderHousehold).where(
                OrderHousehold.order_id == order.id, OrderHousehold.household_id.in_(gone)
            )
        )
    for household_id in sorted(wanted - current):
        db.session.add(OrderHousehold(order_id=order.id, household_id=household_id))
    db.session.flush()


def add_household(order: Order, household_id: int) -> None:
    current = queries.order_household_ids(order)
    if household_id in current:
        raise DomainError(_("Ce ménage est déjà sur le bon."), order)
    set_households(order, [*current, household_id])


def remove_household(order: Order, household_id: int) -> None:
    current = queries.order_household_ids(order)
    if household_id not in current:
        abort(404)
    set_households(order, [h for h in current if h != household_id])


def add_line(order: Order, price_item_id: int, quantity: Decimal) -> OrderLine:
    """A line: a live price item of the order's lot (another lot's is refused), a quantity
    > 0 with two decimals at most, the unit price in force today."""
    _require_draft(order)
    item = db.session.get(PriceItem, price_item_id)
    if item is None or item.is_deleted or item.lot_id != order.lot_id:
        raise DomainError(_("Cette prestation n’est pas au bordereau du lot du bon."), order)
    try:
        qty = money.quantity(quantity)
    except money.MoneyError:
        raise InvalidInput(_("Quantité invalide : un nombre positif, deux décimales au plus."),
                          order) from None  # fmt: skip
    if qty <= 0:
        raise InvalidInput(_("La quantité doit être supérieure à zéro."), order)
    version = queries.price_in_force(item.id, clock.today())
    if version is None:
        raise DomainError(_("Cette prestation n’a pas de prix en vigueur aujourd’hui."), order)
    line = OrderLine(
        order_id=order.id,
        price_item_id=item.id,
        price_version_id=version.id,
        quantity_centi=int(qty * 100),
        unit_price_cents=version.unit_price_cents,
        total_cents=money.line_total_cents(version.unit_price_cents, qty),
    )
    db.session.add(line)
    db.session.flush()
    recompute(order)
    return line


def remove_line(order: Order, line_id: int) -> None:
    """Remove a line of this order (another order's line id is refused)."""
    _require_draft(order)
    line = db.session.get(OrderLine, line_id)
    if line is None or line.order_id != order.id:
        abort(404)
    db.session.delete(line)
    db.session.flush()
    recompute(order)


def recompute(order: Order, on: date | None = None) -> list[PriceChange]:
    """Totals from the lines, on the server, in integer cents. With `on` (approval), each
    line takes the price in force that day and keeps it; returns the prices that changed.
    The VAT regime is the contract's, copied again (frozen once approved)."""
    _copy_vat(order, db.session.get(Lot, order.lot_id))
    lines = queries.lines_of(order)
    changes = []
    if on is not None:
        for line in lines:
            version = queries.price_in_force(line.price_item_id, on)
            if version is None:
                raise DomainError(
                    _("La prestation « %(label)s » n’a pas de prix en vigueur au %(day)s.",
                      label=line.price_item.label, day=date_fr(on)),
                    order,
                )  # fmt: skip
            if version.unit_price_cents != line.unit_price_cents:
                changes.append(PriceChange(line.price_item.label, line.unit_price_cents,
                                           version.unit_price_cents))  # fmt: skip
            line.price_version_id = version.id
            line.unit_price_cents = version.unit_price_cents
            line.total_cents = money.line_total_cents(version.unit_price_cents, line.quantity)
    totals = money.order_totals(
        [(line.unit_price_cents, line.quantity) for line in lines], order.vat
    )
    order.total_excl_vat_cents = totals.excl_vat_cents
    order.vat_cents = totals.vat_cents
    order.total_incl_vat_cents = totals.incl_vat_cents
    db.session.flush()
    return changes


@dataclass(frozen=True)
class PriceChange:
    label: str
    before_cents: int
    after_cents: int


# --- transitions ----------------------------------------------------------------------------


def submit(order: Order, user: User) -> None:
    _require_state(order, "submit")
    if not queries.lines_of(order):
        raise DomainError(_("Ajoutez au moins une ligne avant de soumettre le bon."), order)
    old = order.status
    recompute(order)
    order.status = S.SUBMITTED
    order.submitted_by_id = user.id
    order.submitted_on = clock.today()
    db.session.flush()
    _event(order, "submit", old)
    approvers = queries.possible_approvers(order, clock.today()) - {order.drafted_by_id, user.id}
    tell_approvers(order, approvers)


def tell_approvers(order: Order, user_ids) -> None:
    """« Bon de commande à approuver » to the managers who may approve it."""
    notify(
        user_ids, "order_submitted",
        _("Bon de commande à approuver : %(label)s, %(amount)s HT.",
          label=order.label, amount=money_fr(order.total_excl_vat_cents)),
        internal_path("ordering.approval", order_id=order.id),
    )  # fmt: skip


@dataclass(frozen=True)
class ApprovalCheck:
    """What the approval screen shows and what approval checks, as of `on`."""

    on: date
    maximum_cents: int
    committed_before_cents: int
    order_cents: int
    coverage: rules.Coverage | None
    refusals: tuple[str, ...]

    @property
    def committed_after_cents(self) -> int:
        return self.committed_before_cents + self.order_cents

    @property
    def remaining_cents(self) -> int:
        return money.remaining_cents(self.maximum_cents, self.committed_after_cents)


def approval_check(order: Order, user: User, on: date, *, deciding: str = "approve",
                   order_cents: int | None = None) -> ApprovalCheck:  # fmt: skip
    """Why `user` may not approve (or reject) `order` on `on`, if at all: own order, no
    delegation in force covering the operation and the amount, contract or lot not in
    force, lot maximum passed. Rejecting needs the same delegation, not the rest."""
    lot = db.session.get(Lot, order.lot_id)
    contract = db.session.get(Contract, lot.contract_id)
    amount = order.total_excl_vat_cents if order_cents is None else order_cents
    maximum = queries.lot_maximum_on(lot, on)
    before = queries.committed_on_lot(lot.id, exclude_order_id=order.id)
    coverage = queries.covering_delegation(user.id, order.operation_id, amount, on)
    refusals = []
    if user.role != Role.MANAGER:
        refusals.append(_("Seul un ou une responsable titulaire d’une délégation peut décider."))
    if user.id in (order.drafted_by_id, order.submitted_by_id):
        refusals.append(_("Vous avez rédigé ou soumis ce bon : un ou une autre responsable "
                          "doit le valider."))  # fmt: skip
    if coverage is None:
        refusals.append(_("Aucune délégation de signature en vigueur ne vous permet de "
                          "valider ce bon (opération, montant de %(amount)s HT, dates).",
                          amount=money_fr(amount)))  # fmt: skip
    if deciding == "approve":
        if contract.is_deleted or lot.is_deleted or not contract.in_force(on):
            refusals.append(_("L’accord-cadre %(ref)s n’est pas en vigueur au %(day)s.",
                              ref=contract.reference, day=date_fr(on)))  # fmt: skip
        if not money.fits_under_maximum(maximum, before, amount):
            refusals.append(_("Ce bon dépasserait le maximum du lot de %(over)s HT (maximum "
                              "%(max)s, déjà engagé %(before)s).",
                              over=money_fr(before + amount - maximum), max=money_fr(maximum),
                              before=money_fr(before)))  # fmt: skip
    return ApprovalCheck(on, maximum, before, amount, coverage, tuple(refusals))


def approve(order: Order, user: User) -> ApprovalCheck:
    """Approve under a delegation: prices of the approval date frozen, checks under the
    lot's lock, the next number of the year. The order date is the approval date."""
    _require_state(order, "approve")
    on = clock.today()
    db.session.execute(select(Lot.id).where(Lot.id == order.lot_id).with_for_update())
    recompute(order, on)
    check = approval_check(order, user, on)
    if check.refusals:
        raise DomainError(" ".join(check.refusals), order)
    old = order.status
    seq = next_number(on.year)
    order.number_year, order.number_seq = on.year, seq
    order.number = format_number(on.year, seq)
    order.ordered_on = on
    order.status = S.APPROVED
    order.decided_by_id = user.id
    order.on_behalf_of_id = check.coverage.on_behalf_of_id
    order.delegation_id = check.coverage.delegation.id
    order.rejection_reason = ""
    db.session.flush()
    _event(order, "approve", old, number=order.number,
           on_behalf_of_id=order.on_behalf_of_id, delegation_id=order.delegation_id)  # fmt: skip
    notify(
        {order.drafted_by_id} - {user.id}, "order_approved",
        _("Bon de commande approuvé : %(number)s.", number=order.number),
        internal_path("ordering.detail", order_id=order.id),
    )  # fmt: skip
    return check


def format_number(year: int, seq: int) -> str:
    return f"BC-{year}-{seq:04d}"


def next_number(year: int) -> int:
    """The next number of the year from its counter row, locked and incremented in the
    caller's transaction (a rollback gives the number back)."""
    counter = db.session.scalars(
        select(OrderCounter)
        .where(OrderCounter.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if counter is None:
        try:
            with db.session.begin_nested():
                db.session.add(OrderCounter(year=year, last=0))
        except IntegrityError:
            pass  # another approval created the year's row first: use it
        counter = db.session.scalars(
            select(OrderCounter)
            .where(OrderCounter.year == year)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one()
    counter.last += 1
    db.session.flush()
    return counter.last


def reject(order: Order, user: User, reason: str) -> None:
    _require_state(order, "reject")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Indiquez le motif du rejet."), order)
    check = approval_check(order, user, clock.today(), deciding="reject")
    if check.refusals:
        raise DomainError(" ".join(check.refusals), order)
    old = order.status
    order.status = S.DRAFT
    order.rejection_reason = reason[:1000]
    order.decided_by_id = user.id
    order.on_behalf_of_id = check.coverage.on_behalf_of_id
    db.session.flush()
    _event(order, "reject", old, reason=order.rejection_reason)
    notify(
        {order.drafted_by_id} - {user.id}, "order_rejected",
        _("Bon de commande renvoyé en brouillon : %(label)s. Motif : %(reason)s",
          label=order.label, reason=order.rejection_reason[:300]),
        internal_path("ordering.detail", order_id=order.id),
    )  # fmt: skip


def cancel(order: Order, user: User, reason: str) -> None:
    """A draft or submitted order by its drafter or a manager; an approved one by a manager
    with a reason (it keeps its number in the register)."""
    _require_state(order, "cancel")
    reason = (reason or "").strip()
    is_manager = user.role == Role.MANAGER
    if order.status == S.APPROVED:
        if not is_manager:
            raise DomainError(_("Seul un ou une responsable annule un bon approuvé."), order)
        if not reason:
            raise InvalidInput(_("Indiquez le motif de l’annulation."), order)
    elif not is_manager and user.id != order.drafted_by_id:
        raise DomainError(_("Seuls son rédacteur ou un ou une responsable annulent ce bon."),
                          order)  # fmt: skip
    old = order.status
    order.status = S.CANCELLED
    order.cancel_reason = reason[:1000]
    order.cancelled_on = clock.today()
    db.session.flush()
    _event(order, "cancel", old, reason=order.cancel_reason)


def notify_provider(order: Order, day: date, channel) -> None:
    """Approved → notified: the date (not before the order's, not in the future) and the
    channel. The execution period runs from it when none was set."""
    _require_state(order, "notify")
    if day < order.ordered_on or day > clock.today():
        raise InvalidInput(_("La date de notification est entre la date du bon et aujourd’hui."),
                          order, field="notified_on")  # fmt: skip
    old = order.status
    order.status = S.NOTIFIED
    order.notified_on, order.notified_channel = day, channel
    if order.execution_start is None:
        order.execution_start = day
    db.session.flush()
    _event(order, "notify", old, notified_on=day.isoformat(), channel=channel.value)


def attest(order: Order, recorder: User, data: dict, quantities: dict[int, Decimal]) -> Attestation:
    """Service fait on some lines (partial, repeated): each quantity ≥ 0, what is attested
    in all never above what was ordered; by a named officer or manager. The order moves to
    « service fait » when every line is wholly attested, or when marked final."""
    _require_state(order, "attest")
    attester = db.session.get(User, data["attested_by_id"])
    attesters = (Role.OFFICER, Role.MANAGER)
    if attester is None or not attester.active or attester.role not in attesters:
        raise InvalidInput(_("Le service fait est attesté par un ou une chargée de missions "
                             "ou un ou une responsable (compte actif)."), order,
                           field="attested_by_id")  # fmt: skip
    day = data["attested_on"]
    if day < order.notified_on or day > clock.today():
        raise InvalidInput(_("La date du service fait est entre la notification et aujourd’hui."),
                          order, field="attested_on")  # fmt: skip
    lines = {line.id: line for line in queries.lines_of(order)}
    done = queries.attested_quantities(order)
    if set(quantities) - lines.keys():
        raise DomainError(_("Cette ligne n’est pas sur ce bon."), order)
    attestation = Attestation(order_id=order.id, attested_on=day, attested_by_id=attester.id,
                              recorded_by_id=recorder.id, final=bool(data.get("final")),
                              comment=data.get("comment") or "")  # fmt: skip
    db.session.add(attestation)
    db.session.flush()
    any_quantity = False
    for line_id, value in quantities.items():
        try:
            qty = money.quantity(value)
        except money.MoneyError:
            raise DomainError(_("Quantité invalide : un nombre positif, deux décimales au plus."),
                              order) from None  # fmt: skip
        if qty == 0:
            continue
        line = lines[line_id]
        centi = int(qty * 100)
        if done.get(line_id, 0) + centi > line.quantity_centi:
            raise DomainError(_("« %(label)s » : le service fait dépasserait la quantité "
                                "commandée.", label=line.price_item.label), order)  # fmt: skip
        done[line_id] = done.get(line_id, 0) + centi
        any_quantity = True
        db.session.add(AttestationLine(
            attestation_id=attestation.id, line_id=line_id, quantity_centi=centi,
            amount_cents=money.line_total_cents(line.unit_price_cents, qty),
        ))  # fmt: skip
    if not any_quantity and not attestation.final:
        raise InvalidInput(_("Indiquez au moins une quantité réalisée."), order)
    if attestation.final and not any(done.values()):
        # « service fait » with nothing done could never be invoiced nor settled
        raise InvalidInput(_("Rien n’est encore attesté sur ce bon : indiquez au moins une "
                             "quantité réalisée avant de le déclarer terminé."), order)  # fmt: skip
    complete = all(done.get(i, 0) >= line.quantity_centi for i, line in lines.items())
    old = order.status
    if complete or attestation.final:
        order.status = S.SERVICE_DONE
    db.session.flush()
    _event(order, "attest", old, attested_on=day.isoformat(), attested_by_id=attester.id,
           final=attestation.final or None)  # fmt: skip
    return attestation


def add_invoice(order: Order, data: dict) -> Invoice:
    """An invoice (several per order): amounts consistent (TTC = HT + TVA), what is
    invoiced in all never above what was attested; due date = received + the contract's
    payment period. The order is « facturé » once invoiced up to the attested amount, or
    when the invoice is marked final."""
    _require_state(order, "invoice")
    if data["received_on"] > clock.today():
        raise InvalidInput(
            _("La date de réception ne peut pas être dans le futur."), order, field="received_on"
        )
    if data["excl_vat_cents"] + data["vat_cents"] != data["incl_vat_cents"]:
        raise InvalidInput(
            _("Le montant TTC doit être égal au HT plus la TVA."), order, field="incl_vat_cents"
        )
    if data["excl_vat_cents"] <= 0 or data["vat_cents"] < 0:
        raise InvalidInput(
            _("Les montants d’une facture sont positifs."), order, field="excl_vat_cents"
        )
    taken = db.session.scalars(
        select(Invoice.id).where(Invoice.order_id == order.id, Invoice.number == data["number"])
    ).first()
    if taken is not None:
        raise DomainError(_("Une facture n° %(n)s est déjà enregistrée sur ce bon.",
                            n=data["number"]), order)  # fmt: skip
    attested = queries.attested_amount(order)
    invoiced = queries.invoiced_amount(order)
    if invoiced + data["excl_vat_cents"] > attested:
        raise DomainError(_("Le total facturé (%(total)s HT) dépasserait le service fait "
                            "attesté (%(attested)s HT).",
                            total=money_fr(invoiced + data["excl_vat_cents"]),
                            attested=money_fr(attested)), order)  # fmt: skip
    contract = queries.contract_of(order)
    invoice = Invoice(
        order_id=order.id, number=data["number"], received_on=data["received_on"],
        excl_vat_cents=data["excl_vat_cents"], vat_cents=data["vat_cents"],
        incl_vat_cents=data["incl_vat_cents"],
        due_on=data["received_on"] + timedelta(days=contract.payment_days),
        final=bool(data.get("final")),
    )  # fmt: skip
    db.session.add(invoice)
    db.session.flush()
    old = order.status
    if invoice.final or invoiced + invoice.excl_vat_cents >= attested:
        order.status = S.INVOICED
    db.session.flush()
    _event(order, "invoice", old, invoice=invoice.number,
           excl_vat_cents=invoice.excl_vat_cents)  # fmt: skip
    return invoice


def _require_invoice_state(order: Order) -> None:
    if order.status not in (S.SERVICE_DONE, S.INVOICED):
        raise IllegalTransition(
            _("Impossible dans l’état actuel du bon (%(state)s).", state=order.status.label),
            order,
        )


def pay_invoice(order: Order, invoice: Invoice, day: date) -> None:
    _require_invoice_state(order)
    if invoice.paid_on is not None:
        raise DomainError(_("Cette facture est déjà payée."), order)
    if day < invoice.received_on or day > clock.today():
        raise InvalidInput(_("La date de paiement est entre la réception et aujourd’hui."),
                          order, field="paid_on")  # fmt: skip
    if invoice.suspended_since is not None:
        raise DomainError(_("Le paiement de cette facture est suspendu : reprenez-le d’abord."),
                          order)  # fmt: skip
    invoice.paid_on = day
    db.session.flush()


def suspend_invoice(order: Order, invoice: Invoice, reason: str) -> None:
    """Stop the payment clock, with a reason."""
    _require_invoice_state(order)
    reason = (reason or "").strip()
    if invoice.paid_on is not None or invoice.suspended_since is not None:
        raise DomainError(_("Cette facture est déjà payée ou suspendue."), order)
    if not reason:
        raise InvalidInput(_("Indiquez le motif de la suspension."), order)
    invoice.suspended_since = clock.today()
    invoice.suspension_reason = reason[:500]
    db.session.flush()


def resume_invoice(order: Order, invoice: Invoice) -> None:
    """Restart the clock: the due date moves back by the days suspended."""
    _require_invoice_state(order)
    if invoice.suspended_since is None:
        raise DomainError(_("Le paiement de cette facture n’est pas suspendu."), order)
    invoice.due_on += clock.today() - invoice.suspended_since
    invoice.suspended_since = None
    db.session.flush()


def settle(order: Order) -> int:
    """Invoiced → settled at the actual amount (what was invoiced, excluding VAT), once
    every invoice is paid: the rest of the commitment is released. Returns it."""
    _require_state(order, "settle")
    unpaid = db.session.scalar(
        select(func.count(Invoice.id)).where(Invoice.order_id == order.id,
                                             Invoice.paid_on.is_(None))
    )  # fmt: skip
    if unpaid:
        raise DomainError(_("Une facture n’est pas encore payée : enregistrez son paiement "
                            "avant de solder le bon."), order)  # fmt: skip
    old = order.status
    order.settled_excl_vat_cents = queries.invoiced_amount(order)
    order.settled_on = clock.today()
    order.status = S.SETTLED
    db.session.flush()
    released = order.total_excl_vat_cents - order.settled_excl_vat_cents
    _event(order, "settle", old, settled_excl_vat_cents=order.settled_excl_vat_cents,
           released_cents=released)  # fmt: skip
    return released
