"""Migration c97bc511655f: the household's free-text partners become links to the
organisations directory, nothing lost, and the downgrade gives the text back."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from capintra.extensions import db

BEFORE, AFTER = "4f2b59eabcac", "c97bc511655f"


def run(app, *args) -> None:
    result = app.test_cli_runner().invoke(args=["db", *args])
    assert result.exit_code == 0, result.output


def dummy(column: sa.Column):
    """A value for a NOT NULL column the test does not care about."""
    kind = column.type.__class__.__name__.upper()
    if "BOOL" in kind:
        return False
    if "INT" in kind:
        return 1
    if "DATETIME" in kind or "TIMESTAMP" in kind:
        return datetime(2026, 1, 1, tzinfo=UTC)
    if "DATE" in kind:
        return date(2026, 1, 1)
    if "JSON" in kind:
        return []
    return ""


def insert(conn, table_name: str, **values) -> int:
    table = sa.Table(table_name, sa.MetaData(), autoload_with=conn)
    row = {
        c.name: dummy(c)
        for c in table.columns
        if not c.nullable and not c.primary_key and c.name not in values
    }
    row.update(values)
    return conn.execute(table.insert().values(**row)).inserted_primary_key[0]


def test_free_text_partners_become_links_and_come_back_on_downgrade(scratch_app):
    app = scratch_app()
    run(app, "upgrade", BEFORE)
    texts = {
        "clean": "CCAS, caf de la Loire ; Secours populaire",
        "twice": "Secours Populaire / CCAS\nCCAS",
        "contact": "CAF de la Loire; Mme Roche (CCAS, 04 77 00 00 00)",
        "joined": "CCAS et Restos du cœur",
        "empty": "",
    }
    with app.app_context(), db.engine.begin() as conn:
        operation = insert(conn, "operation", name="OPAH-RU", communes=[], procedures=[])
        caf = insert(conn, "organisation", name="CAF de la Loire", kind="caf")
        ids = {
            key: insert(
                conn,
                "household",
                reference=f"MEN-2026-{n:04d}",
                ref_year=2026,
                ref_number=n,
                operation_id=operation,
                name=key.upper(),
                partners=text,
                alert_codes=[],
            )  # fmt: skip
            for n, (key, text) in enumerate(texts.items(), start=1)
        }

    run(app, "upgrade", AFTER)
    with app.app_context(), db.engine.connect() as conn:
        organisations = dict(
            conn.execute(sa.text("SELECT name_key, id FROM organisation WHERE deleted_at IS NULL"))
            .all()
        )  # fmt: skip
        kinds = dict(conn.execute(sa.text("SELECT name, kind FROM organisation")).all())
        links: dict[int, set[int]] = {}
        for household_id, organisation_id in conn.execute(
            sa.text("SELECT household_id, organisation_id FROM household_partner")
        ):
            links.setdefault(household_id, set()).add(organisation_id)
        notes = dict(conn.execute(sa.text("SELECT id, partners_note FROM household")).all())

    # One organisation per name, matched without case or accents; the CAF already there.
    assert organisations["caf de la loire"] == caf
    assert set(organisations) == {"caf de la loire", "ccas", "secours populaire"}
    assert kinds["CCAS"] == "autre" and kinds["CAF de la Loire"] == "caf"
    ccas, secours = organisations["ccas"], organisations["secours populaire"]
    assert links[ids["clean"]] == {ccas, caf, secours}
    assert links[ids["twice"]] == {secours, ccas}
    assert (notes[ids["clean"]], notes[ids["twice"]]) == ("", "")
    # What could not be read as names: the whole text kept, the readable pieces linked.
    assert links[ids["contact"]] == {caf}
    assert notes[ids["contact"]] == texts["contact"]
    assert ids["joined"] not in links and notes[ids["joined"]] == texts["joined"]
    assert ids["empty"] not in links and notes[ids["empty"]] == ""

    run(app, "downgrade", BEFORE)
    with app.app_context(), db.engine.connect() as conn:
        back = dict(conn.execute(sa.text("SELECT id, partners FROM household")).all())
    assert back[ids["clean"]] == "caf de la Loire, CCAS, Secours populaire".replace(
        "caf de la Loire", "CAF de la Loire"
    )
    assert back[ids["twice"]] == "CCAS, Secours populaire"
    assert back[ids["contact"]] == texts["contact"]
    assert back[ids["joined"]] == texts["joined"]
    assert back[ids["empty"]] == ""
