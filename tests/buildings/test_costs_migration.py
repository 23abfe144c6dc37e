"""The migration that moves rent, charges and APL from the household to its principal
occupancy period (4f2b59eabcac): today's values carried over, nothing lost, and back.

Rows are written with plain SQL at the revision before, as a database of that time
holds them; the columns a test does not care about get a neutral value."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from capintra.extensions import db

BEFORE, AFTER = "c7e5a1b2d3f4", "4f2b59eabcac"


def _neutral(column: sa.Column):
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer):
        return 1
    if isinstance(kind, sa.DateTime):
        return datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    if isinstance(kind, sa.Date):
        return date(2020, 1, 1)
    if isinstance(kind, sa.JSON):
        return []
    return "x"


class Rows:
    """Inserts rows at the database's current revision (tables reflected)."""

    def __init__(self, connection):
        self.connection = connection
        self.meta = sa.MetaData()
        self.meta.reflect(connection)

    def add(self, table: str, **values) -> int:
        found = self.meta.tables[table]
        row = {
            column.name: _neutral(column)
            for column in found.columns
            if not column.nullable and not column.primary_key and column.server_default is None
        }
        row.update(values)
        return self.connection.execute(found.insert().values(**row)).inserted_primary_key[0]

    def one(self, table: str, row_id: int) -> dict:
        found = self.meta.tables[table]
        return dict(
            self.connection.execute(sa.select(found).where(found.c.id == row_id)).one()._mapping
        )


def _upgrade(app, revision: str):
    result = app.test_cli_runner().invoke(args=["db", "upgrade", revision])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def before(scratch_app):
    """An app whose database stands at the revision before the move."""
    app = scratch_app()
    _upgrade(app, BEFORE)
    return app


def _household(rows: Rows, number: int, **amounts) -> int:
    return rows.add(
        "household",
        reference=f"MEN-2026-{number:04d}",
        ref_year=2026,
        ref_number=number,
        operation_id=rows.operation_id,
        name=f"FOYER {number}",
        phase="a_rencontrer",
        rehousing_right="a_instruire",
        **amounts,
    )


def _period(rows: Rows, household_id: int, start: date, end: date | None = None, **values):
    values.setdefault("kind", "principal")
    values.setdefault("deleted_at", None)
    return rows.add(
        "occupancy",
        unit_id=rows.unit_id,
        household_id=household_id,
        occupant_label="",
        status="locataire",
        start_date=start,
        end_date=end,
        **values,
    )


def _seed(app) -> dict:
    with app.app_context(), db.engine.begin() as connection:
        rows = Rows(connection)
        rows.operation_id = rows.add("operation", name="OPAH-RU Saint-Étienne Centre")
        building = rows.add("building", operation_id=rows.operation_id, address="3 rue Neuve")
        rows.unit_id = rows.add("unit", building_id=building, lot_number="1", unit_type="t2")
        ids = {}
        # An open period and an earlier one: the open one takes the amounts.
        ids["open"] = _household(rows, 1, rent_cents=45_000, charges_cents=5_000, apl_cents=12_000)
        ids["open.old"] = _period(rows, ids["open"], date(2010, 1, 1), date(2015, 1, 1))
        ids["open.now"] = _period(rows, ids["open"], date(2015, 1, 1))
        # Only ended periods: the latest begun takes them; an amount it has is kept.
        ids["ended"] = _household(rows, 2, rent_cents=38_000, apl_cents=None)
        ids["ended.first"] = _period(rows, ids["ended"], date(2000, 1, 1), date(2005, 1, 1))
        ids["ended.last"] = _period(
            rows, ids["ended"], date(2005, 1, 1), date(2009, 1, 1), charges_cents=4_200
        )
        # No period, and a hosted one only: the amounts are held on the file.
        ids["none"] = _household(rows, 3, rent_cents=51_000, charges_cents=None, apl_cents=9_900)
        ids["hosted"] = _household(rows, 4, rent_cents=20_000)
        ids["hosted.period"] = _period(rows, ids["hosted"], date(2021, 1, 1), kind="hosted")
        # No amount: nothing happens to its period.
        ids["empty"] = _household(rows, 5)
        ids["empty.period"] = _period(rows, ids["empty"], date(2009, 1, 1), date(2010, 1, 1))
        # A soft-deleted period is not the household's home.
        ids["deleted"] = _household(rows, 6, rent_cents=30_000)
        ids["deleted.period"] = _period(
            rows, ids["deleted"], date(2011, 1, 1), deleted_at=datetime(2022, 1, 1, tzinfo=UTC)
        )
    return ids


def _amounts(row: dict) -> tuple:
    return row["rent_cents"], row["charges_cents"], row["apl_cents"]


def test_the_amounts_move_to_the_principal_period_or_are_held_and_come_back(before):
    app = before
    ids = _seed(app)
    _upgrade(app, AFTER)
    with app.app_context(), db.engine.connect() as connection:
        rows = Rows(connection)
        assert "rent_cents" not in rows.meta.tables["household"].columns
        assert _amounts(rows.one("occupancy", ids["open.now"])) == (45_000, 5_000, 12_000)
        assert _amounts(rows.one("occupancy", ids["open.old"])) == (None, None, None)
        assert _amounts(rows.one("occupancy", ids["ended.last"])) == (38_000, 4_200, None)
        assert _amounts(rows.one("occupancy", ids["ended.first"])) == (None, None, None)
        assert _amounts(rows.one("occupancy", ids["hosted.period"])) == (None, None, None)
        assert _amounts(rows.one("occupancy", ids["empty.period"])) == (None, None, None)
        assert _amounts(rows.one("occupancy", ids["deleted.period"])) == (None, None, None)
        held = rows.meta.tables["costs_on_hold"]
        found = {
            row.household_id: (row.rent_cents, row.charges_cents, row.apl_cents)
            for row in connection.execute(sa.select(held))
        }
        assert found == {
            ids["none"]: (51_000, None, 9_900),
            ids["hosted"]: (20_000, None, None),
            ids["deleted"]: (30_000, None, None),
        }

    result = app.test_cli_runner().invoke(args=["db", "downgrade", BEFORE])
    assert result.exit_code == 0, result.output
    with app.app_context(), db.engine.connect() as connection:
        rows = Rows(connection)
        assert "costs_on_hold" not in rows.meta.tables
        assert _amounts(rows.one("household", ids["open"])) == (45_000, 5_000, 12_000)
        # the period's own charges come back with the carried rent
        assert _amounts(rows.one("household", ids["ended"])) == (38_000, 4_200, None)
        assert _amounts(rows.one("household", ids["none"])) == (51_000, None, 9_900)
        assert _amounts(rows.one("household", ids["hosted"])) == (20_000, None, None)
        assert _amounts(rows.one("household", ids["deleted"])) == (30_000, None, None)
        assert _amounts(rows.one("household", ids["empty"])) == (None, None, None)
        # the periods keep their amounts
        assert _amounts(rows.one("occupancy", ids["open.now"])) == (45_000, 5_000, 12_000)


def test_a_period_with_another_amount_stops_the_upgrade_and_names_the_household(before):
    app = before
    with app.app_context(), db.engine.begin() as connection:
        rows = Rows(connection)
        rows.operation_id = rows.add("operation", name="ORI Rive-de-Gier")
        building = rows.add("building", operation_id=rows.operation_id, address="1 rue Basse")
        rows.unit_id = rows.add("unit", building_id=building, lot_number="2", unit_type="t3")
        household = _household(rows, 7, rent_cents=45_000)
        period = _period(rows, household, date(2015, 1, 1), rent_cents=47_000)
    result = app.test_cli_runner().invoke(args=["db", "upgrade", AFTER])
    assert result.exit_code != 0
    assert "MEN-2026-0007" in result.output, result.output
    with app.app_context(), db.engine.connect() as connection:
        rows = Rows(connection)
        # nothing half-done: the household keeps its rent, the period its own
        assert rows.one("household", household)["rent_cents"] == 45_000
        assert rows.one("occupancy", period)["rent_cents"] == 47_000
        assert "costs_on_hold" not in rows.meta.tables
