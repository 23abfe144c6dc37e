"""Demo data, the shared part: what `seed-demo` hands each feature's loader, the runner,
and the helpers several loaders use (bulk inserts, ids given by hand).

Each feature declares its own demo data in its folder (`capintra/<feature>/demo.py`,
`Feature(demo=…)`); `seed_demo` runs the loaders in FEATURES order, in one transaction,
then the `after_commit` hooks (the closing summary lines). The same seed gives the same
data: a loader draws from its own `random.Random(context.seed)` (and Faker seeded alike),
so what one feature draws never shifts another's.

The same context also carries what earlier features made (`created`, by feature name)
and the account lines (`accounts`) that `seed-demo` writes to the accounts file last.
"""

from __future__ import annotations

import itertools
import operator
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, func, insert, select, text

from capintra.extensions import db

if TYPE_CHECKING:
    from capintra.features import Feature

DEFAULT_SEED = 42_2026


@dataclass
class DemoContext:
    """What the demo loaders share."""

    #: How many household files to make (`seed-demo --households N`).
    households: int = 0
    #: Progress messages (click.echo for the command).
    echo: Callable[[str], None] = print
    #: A new password for each demo account.
    make_password: Callable[[], str] = field(default=lambda: secrets.token_urlsafe(12))
    #: Every loader seeds its own random.Random (and Faker) with it.
    seed: int = DEFAULT_SEED
    #: The day dates are laid out from (None: today).
    today: date | None = None
    #: Attach scanned documents where a feature does.
    documents: bool = True
    #: "label username password" lines of the demo accounts, for the accounts file.
    accounts: list[str] = field(default_factory=list)
    #: What each feature's loader made, by feature name, for the loaders after it.
    created: dict[str, Any] = field(default_factory=dict)
    #: Run once the transaction is committed, in order (closing summaries).
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    def finish(self) -> None:
        hooks, self.after_commit = self.after_commit, []
        for hook in hooks:
            hook()


def seed_demo(features: Iterable[Feature], context: DemoContext) -> DemoContext:
    """Every feature's demo loader in the given (FEATURES) order, in one transaction:
    a failure leaves the database as it was."""
    for feature in features:
        if feature.demo is not None:
            feature.demo(context)
    db.session.commit()
    context.finish()
    refresh_statistics()
    return context


def refresh_statistics() -> None:
    """ANALYZE after a bulk load: the planner then knows the tables' sizes and how their
    indexes spread. SQLite keeps none until asked (without them it scanned every
    flagged file to sort the committee's list: 2.7 ms where 0.2 suffice);
    PostgreSQL's autovacuum would get there, later than the first visitors."""
    db.session.execute(text("ANALYZE"))
    db.session.commit()


# --- helpers for the loaders ----------------------------------------------------------------


def cumulative(weights: Iterable[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def number(value: int) -> str:
    """50 000: thousands separated by a space, as in French."""
    return f"{value:,}".replace(",", "\u202f")


def next_ids(conn, tables: dict[str, Table]) -> dict[str, itertools.count]:
    """The first free id of each table, for rows inserted in bulk with their ids."""
    return {
        name: itertools.count((conn.scalar(select(func.max(table.c.id))) or 0) + 1)
        for name, table in tables.items()
    }


def reset_sequences(conn, table_names: Iterable[str]) -> None:
    """PostgreSQL: ids were given by hand, move each serial sequence past them."""
    if conn.dialect.name != "postgresql":
        return
    for table in table_names:
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
            )
        )


def bulk_insert(conn, table: Table, rows: list[dict]) -> None:
    """executemany of an INSERT, the rows' values converted by the columns' own types.

    Same result as `conn.execute(insert(table), rows)`, without SQLAlchemy's per-row
    parameter bookkeeping, which is most of the time at this volume. Conversions are
    memoised per column (codes, flags and dates repeat a lot). Every row has the same keys.
    """
    if not rows:
        return
    dialect = conn.dialect
    keys = list(rows[0])
    compiled = insert(table).compile(dialect=dialect, column_keys=keys)
    order = list(compiled.positiontup) if compiled.positional else keys
    converters = []
    for position, key in enumerate(order):
        column_type = table.c[key].type
        processor = column_type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            # Not memoised: timestamps (all different) and JSON lists (unhashable).
            memo = None if _python_type(column_type) in (datetime, list, dict) else {}
            converters.append((position, processor, memo))
    values_of = operator.itemgetter(*order)
    copy = _copy_writer(conn, table, order)
    if not converters and copy is None and compiled.positional and len(order) > 1:
        conn.exec_driver_sql(str(compiled), [values_of(row) for row in rows])
        return
    params: list = []
    for row in rows:
        values = list(values_of(row)) if len(order) > 1 else [values_of(row)]
        for position, processor, memo in converters:
            value = values[position]
            if value is None:
                continue
            if memo is None:
                values[position] = processor(value)
            elif value in memo:
                values[position] = memo[value]
            else:
                values[position] = memo[value] = processor(value)
        if copy is not None:
            params.append(values)
        elif compiled.positional:
            params.append(tuple(values))
        else:
            params.append(dict(zip(order, values, strict=True)))
    if copy is not None:
        copy(params)
    else:
        conn.exec_driver_sql(str(compiled), params)


def _copy_writer(conn, table: Table, order: list[str]):
    """PostgreSQL with psycopg 3: COPY … FROM STDIN, several times faster than an
    executemany of INSERTs. None elsewhere."""
    if conn.dialect.name != "postgresql":
        return None
    if conn.dialect.driver != "psycopg":
        return None
    driver_connection = conn.connection.driver_connection
    quote = conn.dialect.identifier_preparer
    sql = (
        f"COPY {quote.format_table(table)} "
        f"({', '.join(quote.quote(table.c[key].name) for key in order)}) FROM STDIN"
    )

    def write(rows: list) -> None:
        with driver_connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)

    return write


def _python_type(column_type) -> type | None:
    try:
        return column_type.python_type
    except NotImplementedError:
        return None
