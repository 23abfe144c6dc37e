"""The whole application's data at scale, for `make bench`'s page measures
(tools/bench_pages.py): every feature's demo data (`seed-demo`'s loaders, in FEATURES
order, in one transaction) for N households, then orders in bulk over the demo's
contract and lots.

    seed_scale(households=50_000, orders=10_000, echo=print) -> Seeded

The demo loaders already scale (bulk inserts): 50,000 households give about 6,300
buildings, 75,000 units and their occupancy periods. The orders' demo makes nine, one
per state, through the ORM; `seed_orders` adds thousands more with `bulk_insert`, across
the lifecycle (drafts, submitted, approved with gapless numbers per year, notified,
service done with its attestation, invoiced, settled, cancelled), each with 1 to 4
lines priced from the version in force on its date and one or two households of its
operation; the counter of each year is left at its last number. One order gets
`BIG_ORDER_LINES` lines: the order page at its heaviest.

Bulk rows carry no audit events (as the demo's): the audit trail holds the demo's own.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select, update

from capintra import clock
from capintra.admin.models import Operation
from capintra.auth.demo import DEMO_USERS
from capintra.auth.models import User
from capintra.demo import (
    DemoContext,
    bulk_insert,
    next_ids,
    refresh_statistics,
    reset_sequences,
    seed_demo,
)
from capintra.extensions import db
from capintra.features import features
from capintra.households.models import Household
from capintra.orders import money
from capintra.orders.models import (
    Attestation,
    AttestationLine,
    Invoice,
    Lot,
    NotificationChannel,
    Order,
    OrderCounter,
    OrderHousehold,
    OrderLine,
    OrderStatus,
    PriceItem,
    PriceVersion,
)

S = OrderStatus
#: Share of each state among the bulk orders (sums to 1).
STATES = [
    (S.DRAFT, 0.12),
    (S.SUBMITTED, 0.05),
    (S.APPROVED, 0.08),
    (S.NOTIFIED, 0.10),
    (S.SERVICE_DONE, 0.15),
    (S.INVOICED, 0.15),
    (S.SETTLED, 0.30),
    (S.CANCELLED, 0.05),
]
NUMBERED = {S.APPROVED, S.NOTIFIED, S.SERVICE_DONE, S.INVOICED, S.SETTLED, S.CANCELLED}
ATTESTED = {S.SERVICE_DONE, S.INVOICED, S.SETTLED}
INVOICED = {S.INVOICED, S.SETTLED}
#: Lines of the one order made large on purpose (the order page at its heaviest).
BIG_ORDER_LINES = 300


@dataclass
class Seeded:
    """What was made, how long it took, and the demo accounts' passwords."""

    households: int
    orders: int
    seconds: float
    passwords: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    big_order_id: int | None = None


def seed_scale(households: int, orders: int, echo: Callable[[str], None] = print) -> Seeded:
    """Every feature's demo data for `households` files, then `orders` orders in bulk;
    one transaction each. Must run in an application context, on an empty database."""
    passwords: dict[str, str] = {}
    usernames = iter(u[1] for u in DEMO_USERS)

    def remember() -> str:
        import secrets

        password = secrets.token_urlsafe(16)
        passwords[next(usernames)] = password
        return password

    started = time.perf_counter()
    context = DemoContext(households=households, echo=echo, make_password=remember)
    seed_demo(features(), context)
    echo(f"  démonstration complète : {time.perf_counter() - started:.1f} s")
    orders_started = time.perf_counter()
    big = seed_orders(orders, echo=echo) if orders else None
    db.session.commit()
    refresh_statistics()  # the orders too, as seed-demo does after its bulk load
    echo(f"  {orders:,} bons de commande : {time.perf_counter() - orders_started:.1f} s")
    seeded = Seeded(households, orders, time.perf_counter() - started, passwords)
    seeded.big_order_id = big
    seeded.counts = table_counts()
    return seeded


def table_counts() -> dict[str, int]:
    """Rows of the tables that grow, for the report."""
    from capintra.buildings.models import Building, Occupancy, Unit
    from capintra.households.models import Note

    models = {
        "households": Household,
        "notes": Note,
        "buildings": Building,
        "units": Unit,
        "occupancy periods": Occupancy,
        "orders": Order,
        "order lines": OrderLine,
    }
    return {
        name: db.session.scalar(select(func.count()).select_from(model))
        for name, model in models.items()
    }


def seed_orders(count: int, echo: Callable[[str], None] = print, seed: int = 2026) -> int | None:
    """`count` orders in bulk on the demo's lots (see the module's docstring); returns
    the id of the order with `BIG_ORDER_LINES` lines."""
    rng = random.Random(seed)
    today = clock.today()
    lots = list(db.session.scalars(select(Lot).where(Lot.deleted_at.is_(None)).order_by(Lot.id)))
    if not lots:
        raise SystemExit("no contract lot: the orders' demo data must be loaded first")
    prices = _prices(lots)
    operations = list(db.session.scalars(select(Operation.id).order_by(Operation.id)))
    by_operation: dict[int, list[int]] = {}
    for household_id, operation_id in db.session.execute(
        select(Household.id, Household.operation_id).where(Household.deleted_at.is_(None))
    ):
        by_operation.setdefault(operation_id, []).append(household_id)
    users = {u.username: u.id for u in db.session.scalars(select(User))}
    officer, assistant = users["claire.morel"], users["nadia.benali"]
    manager = users["jerome.faure"]
    start = min(lot_start for lot_start in _contract_starts(lots))
    span = max(1, (today - start).days)
    tables = {
        name: model.__table__
        for name, model in {
            "purchase_order": Order,
            "purchase_order_line": OrderLine,
            "purchase_order_household": OrderHousehold,
            "order_attestation": Attestation,
            "order_attestation_line": AttestationLine,
            "order_invoice": Invoice,
        }.items()
    }
    conn = db.session.connection()
    ids = next_ids(conn, tables)
    states = [s for s, _ in STATES]
    weights = [w for _, w in STATES]
    now = datetime.now(UTC)
    rows: dict[str, list[dict]] = {name: [] for name in tables}
    numbered: list[dict] = []
    big_order_id = None
    for n in range(count):
        status = rng.choices(states, weights)[0]
        lot = rng.choice(lots)
        operation_id = rng.choice(operations)
        order_id = next(ids["purchase_order"])
        ordered_on = start + timedelta(days=rng.randrange(span)) if status in NUMBERED else None
        author = rng.choice((officer, assistant))
        lines = BIG_ORDER_LINES if n == count // 2 else rng.randint(1, 4)
        if lines == BIG_ORDER_LINES:
            big_order_id = order_id
        line_rows = []
        for _ in range(lines):
            item_id, versions = rng.choice(prices[lot.id])
            version_id, unit_price = _in_force(versions, ordered_on or today)
            quantity = Decimal(rng.choice((1, 1, 1, 2, 3, 6))) if lines < 10 else Decimal(1)
            line_rows.append(
                {
                    "id": next(ids["purchase_order_line"]),
                    "order_id": order_id,
                    "price_item_id": item_id,
                    "price_version_id": version_id,
                    "quantity_centi": int(quantity * 100),
                    "unit_price_cents": unit_price,
                    "total_cents": money.line_total_cents(unit_price, quantity),
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        total = sum(r["total_cents"] for r in line_rows)
        order = {
            "id": order_id,
            "lot_id": lot.id,
            "operation_id": operation_id,
            "status": status,
            "place": "Saint-Étienne",
            "execution_start": ordered_on + timedelta(days=3) if ordered_on else None,
            "execution_end": ordered_on + timedelta(days=180) if ordered_on else None,
            "budget_line": f"6228-MOUS-{(ordered_on or today).year}",
            "number": None,
            "number_year": None,
            "number_seq": None,
            "ordered_on": ordered_on,
            "total_excl_vat_cents": total,
            "vat_cents": 0,
            "total_incl_vat_cents": total,
            "vat_exempt": True,
            "vat_rate_bp": 0,
            "drafted_by_id": author,
            "submitted_by_id": author if status != S.DRAFT else None,
            "submitted_on": (ordered_on or today) if status != S.DRAFT else None,
            "decided_by_id": manager if ordered_on else None,
            "on_behalf_of_id": None,
            "delegation_id": None,
            "rejection_reason": "",
            "cancel_reason": "Mission devenue sans objet." if status == S.CANCELLED else "",
            "cancelled_on": min(today, ordered_on + timedelta(days=4))
            if status == S.CANCELLED
            else None,
            "notified_on": None,
            "notified_channel": None,
            "settled_excl_vat_cents": None,
            "settled_on": None,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        if ordered_on and status not in (S.APPROVED, S.CANCELLED):
            order["notified_on"] = min(today, ordered_on + timedelta(days=2))
            order["notified_channel"] = NotificationChannel.EMAIL
        if status in ATTESTED:
            attestation_id = next(ids["order_attestation"])
            rows["order_attestation"].append(
                {
                    "id": attestation_id,
                    "order_id": order_id,
                    "attested_on": min(today, order["notified_on"] + timedelta(days=30)),
                    "attested_by_id": officer,
                    "recorded_by_id": assistant,
                    "final": True,
                    "comment": "",
                }
            )
            for line in line_rows:
                rows["order_attestation_line"].append(
                    {
                        "id": next(ids["order_attestation_line"]),
                        "attestation_id": attestation_id,
                        "line_id": line["id"],
                        "quantity_centi": line["quantity_centi"],
                        "amount_cents": line["total_cents"],
                    }
                )
        if status in INVOICED:
            received = min(today, order["notified_on"] + timedelta(days=35))
            paid = min(today, received + timedelta(days=40)) if status == S.SETTLED else None
            rows["order_invoice"].append(
                {
                    "id": next(ids["order_invoice"]),
                    "order_id": order_id,
                    "number": f"F-{order_id}",
                    "received_on": received,
                    "excl_vat_cents": total,
                    "vat_cents": 0,
                    "incl_vat_cents": total,
                    "due_on": received + timedelta(days=60),
                    "paid_on": paid,
                    "suspended_since": None,
                    "suspension_reason": "",
                    "final": True,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            if paid:
                order["settled_on"], order["settled_excl_vat_cents"] = paid, total
        candidates = by_operation.get(operation_id) or []
        for household_id in rng.sample(candidates, min(len(candidates), rng.randint(1, 2))):
            rows["purchase_order_household"].append(
                {"id": next(ids["purchase_order_household"]), "order_id": order_id,
                 "household_id": household_id}
            )  # fmt: skip
        rows["purchase_order"].append(order)
        rows["purchase_order_line"].extend(line_rows)
        if ordered_on:
            numbered.append(order)
        if (n + 1) % 2_000 == 0 or n + 1 == count:
            echo(f"    {n + 1:,} / {count:,} bons de commande")
    _number(numbered)
    for name in tables:  # parents first: the dict's order
        bulk_insert(conn, tables[name], rows[name])
    reset_sequences(conn, tables)
    db.session.flush()
    return big_order_id


def _number(orders: list[dict]) -> None:
    """Gapless numbers per year in order of approval, after the numbers already given;
    each year's counter left at its last number."""
    last = {
        year: seq for year, seq in db.session.execute(select(OrderCounter.year, OrderCounter.last))
    }
    orders.sort(key=lambda o: (o["ordered_on"], o["id"]))
    for order in orders:
        year = order["ordered_on"].year
        last[year] = last.get(year, 0) + 1
        order["number_year"], order["number_seq"] = year, last[year]
        order["number"] = f"BC-{year}-{last[year]:04d}"
    existing = set(db.session.scalars(select(OrderCounter.year)))
    for year, seq in last.items():
        if year in existing:
            db.session.execute(
                update(OrderCounter).where(OrderCounter.year == year).values(last=seq)
            )
        else:
            db.session.add(OrderCounter(year=year, last=seq))
    db.session.flush()


def _prices(lots: list[Lot]) -> dict[int, list[tuple[int, list[tuple[date, int, int]]]]]:
    """Each lot's price items with their versions (valid from, id, unit price)."""
    found: dict[int, list] = {lot.id: [] for lot in lots}
    for item in db.session.scalars(
        select(PriceItem).where(PriceItem.lot_id.in_(found), PriceItem.deleted_at.is_(None))
    ):
        versions = sorted(
            (v.valid_from, v.id, v.unit_price_cents)
            for v in db.session.scalars(
                select(PriceVersion).where(PriceVersion.price_item_id == item.id)
            )
        )
        found[item.lot_id].append((item.id, versions))
    return found


def _in_force(versions: list[tuple[date, int, int]], on: date) -> tuple[int, int]:
    current = versions[0]
    for version in versions:
        if version[0] <= on:
            current = version
    return current[1], current[2]


def _contract_starts(lots: list[Lot]) -> list[date]:
    from capintra.orders.models import Contract

    return list(
        db.session.scalars(
            select(Contract.start_date).where(Contract.id.in_({lot.contract_id for lot in lots}))
        )
    )


# --- one record grown: the same page on a small and on a large record -----------------------

#: Rows added to a record to make it large (its page must cost no more statements than
#: with SMALL_GROWTH rows: both have every kind of row, so every eager load runs).
GROWTH = 300
SMALL_GROWTH = 3


def grow_household(household_id: int, n: int = GROWTH) -> str:
    from capintra.households.models import Letter as LetterModel
    from capintra.households.models import (
        LetterChannel,
        LetterDirection,
        Note,
        NoteKind,
        Task,
    )

    today = clock.today()
    rows = []
    for k in range(n):
        day = today - timedelta(days=k)
        rows.append(Note(household_id=household_id, kind=NoteKind.ENTRETIEN, note_date=day,
                         body=f"Entretien n° {k}.", confidential=k % 2 == 0))  # fmt: skip
        if k % 3 == 0:
            rows.append(LetterModel(household_id=household_id, letter_date=day,
                                    direction=LetterDirection.SENT, channel=LetterChannel.LRAR,
                                    subject=f"Courrier n° {k}"))  # fmt: skip
            rows.append(Task(household_id=household_id, title=f"Tâche n° {k}",
                             due_date=today + timedelta(days=k % 40)))  # fmt: skip
    db.session.add_all(rows)
    db.session.flush()
    return f"+{n} notes, {(n + 2) // 3} letters, {(n + 2) // 3} tasks"


def grow_building(building_id: int, n: int = GROWTH) -> str:
    from capintra.buildings.models import Unit

    db.session.add_all(
        Unit(building_id=building_id, lot_number=f"G{k}", floor=k // 10) for k in range(n)
    )
    db.session.flush()
    return f"+{n} units"


def grow_order(order_id: int, n: int = GROWTH) -> str:
    order = db.session.get(Order, order_id)
    prices = _prices([db.session.get(Lot, order.lot_id)])[order.lot_id]
    item_id, versions = prices[0]
    version_id, unit_price = _in_force(versions, clock.today())
    db.session.add_all(
        OrderLine(order_id=order_id, price_item_id=item_id, price_version_id=version_id,
                  quantity_centi=100, unit_price_cents=unit_price, total_cents=unit_price)
        for _ in range(n)
    )  # fmt: skip
    db.session.flush()
    return f"+{n} lines"


def grow_contract(contract_id: int, n: int = GROWTH) -> str:
    from capintra.orders.demo import example_lot

    lot = db.session.scalar(select(Lot).where(Lot.contract_id == contract_id).limit(1))
    lot = lot or example_lot(contract_id)
    operation_id = db.session.scalar(select(Operation.id).limit(1))
    drafter = db.session.scalar(select(User.id).where(User.username == "claire.morel"))
    db.session.add_all(
        Order(lot_id=lot.id, operation_id=operation_id, drafted_by_id=drafter) for _ in range(n)
    )
    db.session.flush()
    return f"+{n} orders"


#: URL variable → how to make its record large.
GROWERS: dict[str, Callable[[int, int], str]] = {
    "household_id": grow_household,
    "building_id": grow_building,
    "order_id": grow_order,
    "contract_id": grow_contract,
}
