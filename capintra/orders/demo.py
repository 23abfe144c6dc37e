"""Demo data of orders' reference data (`seed-demo`): two providers in the directory, the
framework contract « Accompagnement social des ménages » with two lots and their price
schedules, an amendment, a price revision dated this year, the organisation details
printed on orders, and the demo managers' signing delegations. Also the examples for the
URL variables of its routes in the generated route tests."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from capintra import clock
from capintra.admin.models import Operation
from capintra.auth.demo import example_user
from capintra.auth.models import User
from capintra.demo import DemoContext
from capintra.extensions import db
from capintra.orders import lifecycle, money, rules
from capintra.orders.models import (
    Amendment,
    Attestation,
    AttestationLine,
    Contract,
    DelegationDeputy,
    DelegationOperation,
    Invoice,
    Lot,
    NotificationChannel,
    Order,
    OrderCounter,
    OrderHousehold,
    OrderIssuer,
    OrderLine,
    OrderStatus,
    PriceItem,
    PriceUnit,
    PriceVersion,
    SigningDelegation,
)
from capintra.organisations.demo import valid_siret
from capintra.organisations.models import Organisation, OrganisationKind

PROVIDERS = [
    ("Habitat et Insertion Loire", "14 rue Michelet, 42000 Saint-Étienne",
     "Pôle accompagnement : 04 77 00 20 30", "812345674"),
    ("Association Trait d’Union Gier", "8 place de la Liberté, 42800 Rive-de-Gier",
     "Coordinatrice : 04 77 00 40 50", "823456781"),
]  # fmt: skip

#: (lot number, title, provider index, minimum €, maximum €, [(code, label, unit, price €)])
LOTS = [
    (1, "Diagnostic social et accompagnement au relogement", 0, 50_000, 400_000, [
        ("DIAG", "Diagnostic social", PriceUnit.PER_HOUSEHOLD, 450_00),
        ("RELOG", "Accompagnement au relogement", PriceUnit.PER_HOUSEHOLD, 1_200_00),
    ]),
    (2, "Accompagnement social renforcé", 1, 20_000, 150_000, [
        ("ASR", "Accompagnement social renforcé", PriceUnit.PER_MONTH, 180_00),
    ]),
]  # fmt: skip

#: The price revision of 1 January this year (index revision: + 3,2 %).
REVISION_PERMILLE = 1032


def _providers() -> list[int]:
    ids = []
    for name, address, contact, siren in PROVIDERS:
        provider = Organisation(
            name=name, kind=OrganisationKind.PRESTATAIRE, address=address,
            contact=contact, siret=valid_siret(siren),
        )  # fmt: skip
        db.session.add(provider)
        db.session.flush()
        ids.append(provider.id)
    return ids


def _revised(cents: int) -> int:
    return (cents * REVISION_PERMILLE + 500) // 1000  # half-up on whole cents


def _user(users: list[User], username: str) -> User | None:
    return next((u for u in users if u.username == username), None)


def load(context: DemoContext) -> None:
    today = context.today or clock.today()
    this_year = date(today.year, 1, 1)
    providers = _providers()
    contract = Contract(
        reference=f"AC-{today.year - 1}-07",
        title="Accompagnement social des ménages",
        notified_on=date(today.year - 1, 2, 14),
        start_date=date(today.year - 1, 3, 1),
        end_date=date(today.year + 2, 2, 28),
        renewals="Reconductible une fois un an",
        payment_days=60,
        vat_exempt=True,
        vat_rate_bp=0,
    )
    db.session.add(contract)
    db.session.flush()
    lots = []
    for number, title, provider, minimum, maximum, items in LOTS:
        lot = Lot(
            contract_id=contract.id, number=number, title=title,
            provider_id=providers[provider], minimum_cents=minimum * 100,
            maximum_cents=maximum * 100,
        )  # fmt: skip
        db.session.add(lot)
        db.session.flush()
        lots.append(lot)
        for code, label, unit, price in items:
            item = PriceItem(lot_id=lot.id, code=code, label=label, unit=unit)
            db.session.add(item)
            db.session.flush()
            db.session.add_all([
                PriceVersion(price_item_id=item.id, valid_from=contract.start_date,
                             unit_price_cents=price),
                PriceVersion(price_item_id=item.id, valid_from=this_year,
                             unit_price_cents=_revised(price)),
            ])  # fmt: skip
    db.session.add(
        Amendment(
            lot_id=lots[0].id, reference="Avenant n° 1", signed_on=date(today.year - 1, 11, 20),
            new_maximum_cents=460_000_00,
            reason="Relogements supplémentaires de l’îlot Gambetta",
        )
    )  # fmt: skip
    db.session.add(
        OrderIssuer(
            name="Cap Aménagement Loire",
            address="10 rue Gambetta, 42000 Saint-Étienne",
            siret=valid_siret("901234560"),
            signatory_name="Marc Vidal",
            signatory_title="Directeur général",
        )
    )
    users = context.created.get("auth") or list(db.session.scalars(select(User)))
    operations = context.created.get("admin") or list(db.session.scalars(select(Operation)))
    manager, admin = _user(users, "jerome.faure"), _user(users, "helene.roux")
    if admin is not None:
        direction = SigningDelegation(
            user_id=admin.id, all_operations=True, maximum_cents=100_000_00,
            start_date=date(today.year - 1, 1, 1), act_reference="Décision DG n° 2025-014",
        )  # fmt: skip
        db.session.add(direction)
        db.session.flush()
        if manager is not None:  # Jérôme signs for Hélène in August
            db.session.add(
                DelegationDeputy(
                    delegation_id=direction.id, user_id=manager.id,
                    start_date=date(today.year, 8, 1), end_date=date(today.year, 8, 31),
                )
            )  # fmt: skip
    if manager is not None:
        project = SigningDelegation(
            user_id=manager.id, all_operations=False, maximum_cents=20_000_00,
            start_date=date(today.year - 1, 1, 1), act_reference="Décision DG n° 2025-015",
        )  # fmt: skip
        db.session.add(project)
        db.session.flush()
        for operation in operations[:2]:  # Saint-Étienne Centre, Îlot Gambetta
            db.session.add(DelegationOperation(delegation_id=project.id, operation_id=operation.id))
    db.session.flush()
    demo_orders(lots, users, operations, today)
    context.created["orders"] = {"contract": contract, "lots": lots}


# --- demo orders, one in every state ----------------------------------------------------------

S = OrderStatus

#: (state, lot index, lines (code, quantity), drafter, days before today it was approved)
DEMO_ORDERS = [
    (S.SETTLED, 0, [("DIAG", "4"), ("RELOG", "2")], "claire.morel", 150),
    (S.INVOICED, 1, [("ASR", "6")], "claire.morel", 120),
    (S.SERVICE_DONE, 0, [("DIAG", "3")], "nadia.benali", 90),
    (S.NOTIFIED, 0, [("DIAG", "2"), ("RELOG", "3")], "claire.morel", 45),
    (S.APPROVED, 1, [("ASR", "3")], "nadia.benali", 6),
    (S.CANCELLED, 0, [("RELOG", "1")], "nadia.benali", 30),  # numbered, then cancelled
    (S.SUBMITTED, 0, [("DIAG", "2"), ("RELOG", "2"), ("DIAG", "1")], "claire.morel", None),
    (S.DRAFT, 1, [("ASR", "4"), ("ASR", "1,5")], "nadia.benali", None),
    (S.DRAFT, 0, [("RELOG", "5")], "claire.morel", None),  # rejected once
]


def demo_orders(lots: list[Lot], users: list[User], operations: list[Operation],
                today: date) -> None:  # fmt: skip
    """Orders in every state on the demo contract, on the first operation (within Jérôme
    Faure's delegation, who approved them); numbered in order of approval, the counter
    left at the last number."""
    from capintra.households.models import Household

    by_name = {user.username: user for user in users}
    approver = by_name.get("jerome.faure")
    if approver is None or not operations:
        return
    operation = operations[0]
    references = list(db.session.scalars(
        select(Household.id).where(Household.operation_id == operation.id)
        .order_by(Household.id).limit(12)
    ))  # fmt: skip
    items = {
        (index, item.code): item
        for index, lot in enumerate(lots)
        for item in db.session.scalars(select(PriceItem).where(PriceItem.lot_id == lot.id))
    }
    year, seq = today.year, 0
    for n, (status, lot_index, lines, drafter, days) in enumerate(DEMO_ORDERS):
        lot = lots[lot_index]
        ordered_on = max(date(year, 1, 2), today - timedelta(days=days)) if days else None
        author = by_name.get(drafter, approver)
        order = Order(
            lot_id=lot.id, operation_id=operation.id, status=S.DRAFT,
            place="Îlot Gambetta, Saint-Étienne", budget_line="6228-MOUS-" + str(year),
            drafted_by_id=author.id, vat_exempt=True, vat_rate_bp=0,
        )  # fmt: skip
        db.session.add(order)
        db.session.flush()
        on = ordered_on or today
        for code, qty in lines:
            item = items[(lot_index, code)]
            version = rules.version_in_force(
                db.session.scalars(
                    select(PriceVersion).where(PriceVersion.price_item_id == item.id)
                ).all(),
                on,
            )
            quantity = money.quantity(qty.replace(",", "."))
            db.session.add(OrderLine(
                order_id=order.id, price_item_id=item.id, price_version_id=version.id,
                quantity_centi=int(quantity * 100), unit_price_cents=version.unit_price_cents,
                total_cents=money.line_total_cents(version.unit_price_cents, quantity),
            ))  # fmt: skip
        db.session.flush()
        order_lines = list(db.session.scalars(select(OrderLine).where(OrderLine.order_id ==
                                                                       order.id)))  # fmt: skip
        totals = money.order_totals([(li.unit_price_cents, li.quantity) for li in order_lines],
                                    order.vat)  # fmt: skip
        order.total_excl_vat_cents = totals.excl_vat_cents
        order.vat_cents, order.total_incl_vat_cents = totals.vat_cents, totals.incl_vat_cents
        for household_id in references[n : n + 2]:
            db.session.add(OrderHousehold(order_id=order.id, household_id=household_id))
        if n == len(DEMO_ORDERS) - 1:
            order.rejection_reason = ("Préciser la période d’exécution et les ménages "
                                      "concernés avant de le soumettre à nouveau.")  # fmt: skip
            order.decided_by_id = approver.id
        if status == S.SUBMITTED:
            order.status, order.submitted_by_id, order.submitted_on = status, author.id, today
            lifecycle.tell_approvers(order, [approver.id])
        if ordered_on is None:
            continue
        seq += 1
        order.number_year, order.number_seq = year, seq
        order.number = f"BC-{year}-{seq:04d}"
        order.ordered_on, order.status = ordered_on, S.APPROVED
        order.submitted_by_id, order.submitted_on = author.id, ordered_on
        order.decided_by_id = approver.id
        order.execution_start = ordered_on + timedelta(days=3)
        order.execution_end = ordered_on + timedelta(days=180)
        if status == S.CANCELLED:
            order.status, order.cancelled_on = status, min(today, ordered_on + timedelta(days=4))
            order.cancel_reason = "Ménage relogé par le bailleur avant le début de la mission."
            continue
        if status == S.APPROVED:
            continue
        order.status = S.NOTIFIED
        order.notified_on = min(today, ordered_on + timedelta(days=2))
        order.notified_channel = NotificationChannel.EMAIL
        if status == S.NOTIFIED:  # half of the first line done
            _demo_attest(order, order_lines[:1], approver, by_name, today, half=True)
            continue
        _demo_attest(order, order_lines, approver, by_name, today)
        order.status = S.SERVICE_DONE
        if status == S.SERVICE_DONE:
            continue
        received = min(today, order.notified_on + timedelta(days=35))
        invoice = Invoice(
            order_id=order.id, number=f"F{year}-{100 + n}", received_on=received,
            excl_vat_cents=order.total_excl_vat_cents, vat_cents=0,
            incl_vat_cents=order.total_excl_vat_cents,
            due_on=received + timedelta(days=60), final=True,
        )  # fmt: skip
        db.session.add(invoice)
        order.status = S.INVOICED
        if status == S.SETTLED:
            invoice.paid_on = min(today, received + timedelta(days=40))
            order.status, order.settled_on = S.SETTLED, invoice.paid_on
            order.settled_excl_vat_cents = invoice.excl_vat_cents
        else:  # received long ago, unpaid: late
            invoice.received_on = today - timedelta(days=75)
            invoice.due_on = invoice.received_on + timedelta(days=60)
    if seq:
        db.session.add(OrderCounter(year=year, last=seq))
    db.session.flush()


def _demo_attest(order, lines, approver, by_name, today: date, half: bool = False) -> None:
    officer = by_name.get("claire.morel", approver)
    attestation = Attestation(
        order_id=order.id, attested_on=order.notified_on + timedelta(days=1) if half
        else order.notified_on + timedelta(days=30), attested_by_id=officer.id,
        recorded_by_id=by_name.get("nadia.benali", officer).id,
    )  # fmt: skip
    attestation.attested_on = min(attestation.attested_on, today)
    db.session.add(attestation)
    db.session.flush()
    for line in lines:
        centi = line.quantity_centi // 2 if half else line.quantity_centi
        db.session.add(AttestationLine(
            attestation_id=attestation.id, line_id=line.id, quantity_centi=centi,
            amount_cents=money.line_total_cents(line.unit_price_cents, Decimal(centi) / 100),
        ))  # fmt: skip


# --- examples for the route tests -----------------------------------------------------------

_examples = itertools.count(1)


def example_contract() -> Contract:
    n = next(_examples)
    contract = Contract(
        reference=f"AC-EX-{n}", title=f"Accord-cadre d’exemple {n}",
        start_date=date(2026, 1, 1), end_date=date(2029, 12, 31),
    )  # fmt: skip
    db.session.add(contract)
    db.session.flush()
    return contract


def example_lot(contract_id: int | None = None) -> Lot:
    provider = Organisation(name=f"Prestataire d’exemple {next(_examples)}",
                            kind=OrganisationKind.PRESTATAIRE)  # fmt: skip
    db.session.add(provider)
    db.session.flush()
    lot = Lot(
        contract_id=contract_id or example_contract().id, number=1, title="Lot d’exemple",
        provider_id=provider.id, minimum_cents=0, maximum_cents=10_000_00,
    )  # fmt: skip
    db.session.add(lot)
    db.session.flush()
    return lot


def example_contract_id() -> int:
    return example_contract().id


def example_lot_id() -> int:
    return example_lot().id


def example_price_item_id() -> int:
    item = PriceItem(lot_id=example_lot().id, code="EX", label="Prestation d’exemple",
                     unit=PriceUnit.FLAT)  # fmt: skip
    db.session.add(item)
    db.session.flush()
    db.session.add(PriceVersion(price_item_id=item.id, valid_from=date(2026, 1, 1),
                                unit_price_cents=100_00))  # fmt: skip
    db.session.flush()
    return item.id


def example_delegation_id() -> int:
    from capintra.security import Role

    delegation = SigningDelegation(
        user_id=example_user(Role.MANAGER).id, all_operations=True, maximum_cents=5_000_00,
        start_date=date(2026, 1, 1),
    )  # fmt: skip
    db.session.add(delegation)
    db.session.flush()
    return delegation.id


def example_order() -> Order:
    """A draft of one line (an assistant's), on an example lot and operation."""
    from capintra.admin.demo import example_operation
    from capintra.security import Role

    item = db.session.get(PriceItem, example_price_item_id())
    order = Order(lot_id=item.lot_id, operation_id=example_operation().id,
                  drafted_by_id=example_user(Role.ASSISTANT).id)  # fmt: skip
    db.session.add(order)
    db.session.flush()
    db.session.add(OrderLine(order_id=order.id, price_item_id=item.id, quantity_centi=100,
                             unit_price_cents=100_00, total_cents=100_00))  # fmt: skip
    order.total_excl_vat_cents = order.total_incl_vat_cents = 100_00
    db.session.flush()
    return order


#: The state an example order is in for each route (the others: a draft), so that every
#: lifecycle route has its form on the order's page.
_EXAMPLE_STATES = {
    "approve": OrderStatus.SUBMITTED, "reject": OrderStatus.SUBMITTED,
    "approval": OrderStatus.SUBMITTED, "notify": OrderStatus.APPROVED,
    "attest": OrderStatus.NOTIFIED, "invoice": OrderStatus.SERVICE_DONE,
    "invoice_pay": OrderStatus.SERVICE_DONE, "invoice_suspend": OrderStatus.SERVICE_DONE,
    "invoice_resume": OrderStatus.SERVICE_DONE, "settle": OrderStatus.INVOICED,
}  # fmt: skip


def example_order_id(chosen: dict | None = None, route=None) -> int:
    """A draft, or for a lifecycle route an order in the state the route starts from."""
    order = example_order()
    endpoint = (getattr(route, "endpoint", "") or "").rpartition(".")[2]
    status = _EXAMPLE_STATES.get(endpoint, OrderStatus.DRAFT)
    if status != OrderStatus.DRAFT:
        order.status = status
        order.submitted_by_id = order.drafted_by_id
    if status not in (OrderStatus.DRAFT, OrderStatus.SUBMITTED):
        n = next(_examples)
        order.number_year, order.number_seq, order.number = 1900, n, f"BC-1900-{n:04d}"
        order.ordered_on = date(2026, 1, 5)
    if status in (OrderStatus.NOTIFIED, OrderStatus.SERVICE_DONE, OrderStatus.INVOICED):
        order.notified_on = date(2026, 1, 6)
    if status in (OrderStatus.SERVICE_DONE, OrderStatus.INVOICED):
        attestation = Attestation(order_id=order.id, attested_on=date(2026, 1, 20),
                                  attested_by_id=order.drafted_by_id,
                                  recorded_by_id=order.drafted_by_id)  # fmt: skip
        db.session.add(attestation)
        db.session.flush()
        line_id = example_line_id({"order_id": order.id})
        db.session.add(AttestationLine(attestation_id=attestation.id, line_id=line_id,
                                       quantity_centi=100, amount_cents=100_00))  # fmt: skip
    db.session.flush()
    return order.id


def example_invoice_id(chosen: dict) -> int:
    """An invoice of the order chosen for the URL."""
    invoice = Invoice(order_id=chosen["order_id"], number=f"F-EX-{next(_examples)}",
                      received_on=date(2026, 3, 1), excl_vat_cents=100_00, vat_cents=0,
                      incl_vat_cents=100_00, due_on=date(2026, 4, 30))  # fmt: skip
    db.session.add(invoice)
    db.session.flush()
    return invoice.id


def example_line_id(chosen: dict) -> int:
    """A line of the order chosen for the URL."""
    return db.session.scalars(
        select(OrderLine.id).where(OrderLine.order_id == chosen["order_id"]).limit(1)
    ).one()
