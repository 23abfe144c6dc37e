"""The per-table fingerprint a backup records and a restore compares: the number of rows
and a SHA-256 over the rows, read in primary-key order, every value normalised to text.

Computed the same way wherever it runs: the columns are those the database has (sorted by
name), read through the models' types where the application knows the column (so a
timestamp, a boolean or a JSON value is the same Python value on SQLite and PostgreSQL),
as the driver gives them otherwise. Text keys are ordered byte-wise (PostgreSQL: the "C"
collation; SQLite: its binary default), not by the server's locale.
"""

from __future__ import annotations

import enum
import hashlib
import json
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, MetaData, String, column, func, inspect, select, table

#: Alembic's bookkeeping: its revision is recorded in the manifest on its own.
SKIPPED_TABLES = frozenset({"alembic_version"})

NULL = "\\N"


def normalise(value: Any) -> str:
    """One value as text, the same for the same value whatever the database."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, enum.Enum):
        return _escape(str(value.value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, dict | list):
        text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return _escape(text)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    return _escape(str(value))


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def table_names(connection: Connection) -> list[str]:
    """The database's tables (its default schema) but Alembic's, sorted."""
    names = inspect(connection).get_table_names()
    return sorted(name for name in names if name not in SKIPPED_TABLES)


def row_counts(connection: Connection) -> dict[str, int]:
    return {
        name: connection.scalar(select(func.count()).select_from(table(name)))
        for name in table_names(connection)
    }


def table_checksum(connection: Connection, metadata: MetaData, name: str) -> dict[str, Any]:
    """{"rows": n, "sha256": hex} of one table."""
    inspector = inspect(connection)
    names = sorted(col["name"] for col in inspector.get_columns(name))
    known = metadata.tables.get(name)
    columns = []
    for column_name in names:
        if known is not None and column_name in known.c:
            columns.append(column(column_name, known.c[column_name].type))
        else:
            columns.append(column(column_name))
    source = table(name, *columns)
    keys = inspector.get_pk_constraint(name).get("constrained_columns") or names
    postgresql = connection.dialect.name == "postgresql"
    order = []
    for key in keys:
        expression = source.c[key]
        if postgresql and isinstance(expression.type, String):
            expression = expression.collate("C")
        order.append(expression)
    digest = hashlib.sha256()
    digest.update(("\t".join(names) + "\n").encode())
    count = 0
    result = connection.execution_options(yield_per=1000).execute(
        select(*source.c).order_by(*order)
    )
    for row in result:
        digest.update(("\t".join(normalise(value) for value in row) + "\n").encode())
        count += 1
    return {"rows": count, "sha256": digest.hexdigest()}


def checksums(
    connection: Connection,
    metadata: MetaData,
    progress: Callable[[str], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Every table's fingerprint, by table name."""
    found = {}
    for name in table_names(connection):
        if progress is not None:
            progress(name)
        found[name] = table_checksum(connection, metadata, name)
    return found
