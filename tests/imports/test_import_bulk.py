"""The import at scale and its bulk writes: the upload writes nothing but the batch, a
file above the old 2,000-row cap imports through the routes, hosted periods find their
host in the file, the rules refuse a file's rows in the words of the forms, a reference
number taken meanwhile refuses the whole commit, and an imported file's history shows
its creation."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event, func, select

from capintra.audit.models import AuditEvent
from capintra.buildings import services as building_services
from capintra.buildings.models import (
    Building,
    EndReason,
    Occupancy,
    OccupancyKind,
    OccupantStatus,
    Unit,
    UnitCondition,
)
from capintra.extensions import db
from capintra.households import services as household_services
from capintra.households.models import Household, Note
from capintra.imports.models import ImportBatch, ImportStatus
from tests.buildings import make as bmake
from tests.imports.test_import import batch_from, commit, counts, csv_file, row, upload

OPERATION = "OPAH-RU Saint-Étienne Centre"


def _writes_during(call) -> list[str]:
    """The tables an INSERT, UPDATE or DELETE touched while `call` ran."""
    written: list[str] = []

    def spy(conn, cursor, statement, parameters, context, executemany):
        words = statement.split()
        verb = words[0].upper()
        if verb in ("INSERT", "UPDATE", "DELETE"):
            after = {"INSERT": "INTO", "DELETE": "FROM"}.get(verb)
            name = words[words.index(after) + 1] if after else words[1]
            written.append(name.strip('"'))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", spy)
    try:
        result = call()
    finally:
        event.remove(engine, "before_cursor_execute", spy)
    return result, written


def test_the_upload_writes_nothing_but_the_batch(make, login_as):
    """Rows that would create, match, wall up and annotate: the upload's only writes are
    the batch and its audit event (and the session's bookkeeping), not a savepoint's."""
    operation = make.operation(name=OPERATION)
    building = bmake.building(operation.id, address="7 rue Brossard", commune="Saint-Étienne")
    unit = bmake.unit(building, lot_number="2")
    tenant = make.household(operation.id)
    building_services.add_period(
        unit, household=tenant, status=OccupantStatus.LOCATAIRE, start=date(2019, 1, 1)
    )
    bmake.unit(building, lot_number="3")
    db.session.commit()
    browser = login_as("assistant")
    before = counts()
    events_before = db.session.scalar(select(func.count(AuditEvent.id)))
    rows = [
        row("1", "MARTIN Paul", "Locataire", "01/01/2018", observations="Bail verbal"),
        row("3", status="Muré", observations="Muré en 2024"),
        row("9", "SARL Le Fournil", "Locataire", "01/01/2010", kind="Commerce"),
        row("1", address="3 rue Neuve", commune="Firminy"),
    ]
    response, written = _writes_during(lambda: upload(browser, csv_file(rows)))
    batch = batch_from(response)
    assert batch.error_count == 0 and batch.counts["households"] == 1
    assert batch.counts["walled_up"] == 1 and batch.counts["buildings"] == 1
    assert counts() == before
    assert set(written) <= {"import_batch", "audit_event", "web_session"}, written
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.entity_type for e in events[events_before:]] == ["import_batch"]
    db.session.refresh(unit)
    assert unit.condition is UnitCondition.NORMAL


def _many_rows(n: int) -> list[list[str]]:
    rows = []
    for i in range(n):
        building, lot = divmod(i, 10)
        address = f"{building + 1} rue de la République"
        if lot == 9:
            rows.append(row(str(lot + 1), status="Vacant", address=address))
        elif lot == 0:
            rows.append(row("1", f"SARL Commerce {building}", "Locataire", "01/03/2015",
                            address=address, kind="Commerce"))  # fmt: skip
        else:
            remark = "Bail verbal" if i % 7 else ""
            rows.append(row(str(lot + 1), f"NOM{i} Prénom", "Locataire", "15/06/2012",
                            address=address, observations=remark))  # fmt: skip
    return rows


def test_a_file_above_the_old_cap_imports_through_the_routes(make, login_as):
    make.operation(name=OPERATION)
    browser = login_as("officer")
    before = counts()
    batch = batch_from(upload(browser, csv_file(_many_rows(2_500))))
    assert (batch.row_count, batch.error_count) == (2_500, 0)
    assert browser.get(f"/import/{batch.id}").status_code == 200
    assert commit(browser, batch).status_code == 303
    after = counts()
    assert after["buildings"] - before["buildings"] == 250
    assert after["units"] - before["units"] == 2_500
    assert after["households"] - before["households"] == 2_000
    assert after["periods"] - before["periods"] == 2_250
    assert after["notes"] - before["notes"] == batch.counts["notes"] > 0
    db.session.refresh(batch)
    assert batch.status is ImportStatus.COMMITTED
    # References: one block, unique, each shown on its row.
    references = db.session.scalars(
        select(Household.reference).where(Household.officer_id == browser.user.id)
    ).all()
    assert len(set(references)) == 2_000
    shown = {r["outcome"]["household_reference"] for r in batch.rows} - {""}
    assert shown == set(references)
    # Every object written has its own creation event.
    created = dict(
        db.session.execute(
            select(AuditEvent.entity_type, func.count())
            .where(AuditEvent.action == "create")
            .group_by(AuditEvent.entity_type)
        ).all()
    )
    assert created["household"] >= 2_000 and created["occupancy"] >= 2_250
    assert created["unit"] >= 2_500 and created["building"] >= 250
    # (its speed is make bench's business: tools/bench_import.py, not a timed test)


def test_an_imported_file_shows_its_creation_in_its_history(make, login_as):
    make.operation(name=OPERATION)
    browser = login_as("assistant")
    batch = batch_from(upload(browser, csv_file([row("1", "CLÉMENT Gaëlle", "Locataire",
                                                     "12/02/2018")])))  # fmt: skip
    assert commit(browser, batch).status_code == 303
    household = db.session.scalar(select(Household).where(Household.name == "CLÉMENT Gaëlle"))
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.entity_type == "household", AuditEvent.entity_id == household.id
        )
    )
    assert event.action == "create" and event.user_id == browser.user.id
    assert event.household_id == household.id
    assert "name" in event.changes and event.changes["phase"] == [None, "a_rencontrer"]
    page = browser.get(f"/households/{household.id}/history").get_data(as_text=True)
    table = page[page.index("Journal des modifications du dossier") :]
    assert "Aucun événement." not in table
    assert "<td>Création</td>" in table and "<td>Dossier</td>" in table
    # The search finds it by name.
    found = browser.get("/households/?q=clement").get_data(as_text=True)
    assert f"/households/{household.id}" in found


def test_a_hosted_row_lives_in_the_principal_period_the_file_opens(make, login_as):
    make.operation(name=OPERATION)
    browser = login_as("assistant")
    batch = batch_from(upload(browser, csv_file([
        row("4", "MARTIN Paul", "Locataire", "01/01/2015"),
        row("4", "MARTIN Léo", "Hébergé", "01/09/2020"),
        row("5", "SIMON Léa", "Hébergé", "01/09/2020"),
    ])))  # fmt: skip
    assert batch.error_count == 1
    # The form's words (buildings.rules), on the row without a host.
    assert batch.rows[2]["outcome"]["errors"] == [
        ["Statut d'occupation", "Un hébergement commence pendant l’occupation d’un occupant "
         "principal du même logement : aucun occupant principal n’y est le 01/09/2020."]
    ]  # fmt: skip
    assert commit(browser, batch).status_code == 409

    batch = batch_from(upload(browser, csv_file([
        row("4", "MARTIN Paul", "Locataire", "01/01/2015"),
        row("4", "MARTIN Léo", "Hébergé", "01/09/2020"),
    ])))  # fmt: skip
    assert commit(browser, batch).status_code == 303
    host = db.session.scalar(
        select(Occupancy).join(Household).where(Household.name == "MARTIN Paul")
    )
    hosted = db.session.scalar(
        select(Occupancy).join(Household).where(Household.name == "MARTIN Léo")
    )
    assert host.kind is OccupancyKind.PRINCIPAL
    assert (hosted.kind, hosted.host_id, hosted.unit_id) == (
        OccupancyKind.HOSTED, host.id, host.unit_id)  # fmt: skip


def test_a_file_s_rows_follow_the_overlap_rule_among_themselves_and_with_the_database(
    make, login_as
):
    """Half-open periods: a same-day hand-over is allowed, an overlap is refused, in the
    form's words; a muré row on a unit occupied today is refused."""
    operation = make.operation(name=OPERATION)
    building = bmake.building(operation.id, address="7 rue Brossard", commune="Saint-Étienne")
    unit = bmake.unit(building, lot_number="2")
    leaver = make.household(operation.id)
    period = building_services.add_period(
        unit, household=leaver, status=OccupantStatus.LOCATAIRE, start=date(2015, 1, 1)
    )
    building_services.end_period(period, date(2020, 6, 1), EndReason.DEPART_VOLONTAIRE)
    occupied = bmake.unit(building, lot_number="3")
    building_services.add_period(
        occupied, household=make.household(operation.id), status=OccupantStatus.LOCATAIRE,
        start=date(2019, 1, 1),
    )  # fmt: skip
    db.session.commit()
    browser = login_as("assistant")
    batch = batch_from(upload(browser, csv_file([
        row("2", "DURAND Lise", "Locataire", "01/06/2020"),  # the day the keys came back
        row("2", "SIMON Léa", "Hébergé", "01/07/2020"),
        row("3", status="Muré"),
        row("8", "PETIT Jean", "Locataire", "01/06/2020", address="9 rue Brossard"),
    ])))  # fmt: skip
    outcomes = [r["outcome"] for r in batch.rows]
    assert outcomes[0]["errors"] == [] and outcomes[0]["period"]
    assert outcomes[1]["errors"] == [] and outcomes[1]["period"]
    assert "est occupé aujourd’hui" in outcomes[2]["errors"][0][1]
    assert outcomes[3]["errors"] == []

    batch = batch_from(upload(browser, csv_file([
        row("2", "DURAND Lise", "Locataire", "31/05/2020"),  # a day too early
    ])))  # fmt: skip
    assert batch.rows[0]["outcome"]["errors"] == [
        ["Statut d'occupation", "Ce logement a déjà un occupant principal du 01/01/2015 au "
         "01/06/2020 (remise des clés) : les deux périodes se chevauchent. La nouvelle peut "
         "commencer au plus tôt le jour de la remise des clés."]
    ]  # fmt: skip


def test_a_reference_number_taken_meanwhile_refuses_the_whole_commit(make, login_as, monkeypatch):
    """Another request took the block's first number between the read and the write: the
    unique constraint refuses the flush; nothing of the file is written, « réessayez »."""
    make.operation(name=OPERATION)
    taken = make.household(make.operation(name="Autre").id)
    db.session.commit()
    browser = login_as("assistant")
    batch = batch_from(upload(browser, csv_file([
        row("1", "MARTIN Paul", "Locataire", "01/01/2015"),
        row("2", "SIMON Léa", "Locataire", "01/01/2016"),
    ])))  # fmt: skip
    before = counts()
    monkeypatch.setattr(household_services, "next_reference_number", lambda year: taken.ref_number)
    response = commit(browser, batch)
    assert response.status_code == 409
    said = response.get_data(as_text=True)
    assert "Des numéros de dossier ont été pris" in said and "réessayez" in said
    assert counts() == before
    db.session.refresh(batch)
    assert batch.status is ImportStatus.PREVIEW
    monkeypatch.undo()
    assert commit(browser, batch).status_code == 303
    assert counts()["households"] == before["households"] + 2


def test_a_walled_up_unit_and_its_remark_are_written_once(make, login_as):
    operation = make.operation(name=OPERATION)
    building = bmake.building(operation.id, address="7 rue Brossard", commune="Saint-Étienne")
    unit = bmake.unit(building, lot_number="6")
    db.session.commit()
    browser = login_as("assistant")
    walled = csv_file([row("6", status="Muré", observations="Muré après départ")])
    batch = batch_from(upload(browser, walled))
    assert commit(browser, batch).status_code == 303
    db.session.refresh(unit)
    assert (unit.condition, unit.remark) == (UnitCondition.MURE, "Muré après départ")
    update = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.entity_type == "unit", AuditEvent.entity_id == unit.id,
            AuditEvent.action == "update",
        )
    )  # fmt: skip
    assert update.changes["condition"] == ["normal", "mure"]
    again = batch_from(upload(browser, walled))
    assert again.counts["present"] == 1 and again.counts["remarks"] == 0
    assert db.session.scalar(select(func.count(Note.id))) == 0
    assert db.session.scalar(select(func.count(Building.id))) == 1
    assert db.session.scalar(select(func.count(Unit.id))) == 1


def test_the_default_cap_is_10_000_rows_said_on_the_page_and_kept(app, make, login_as):
    make.operation(name=OPERATION)
    browser = login_as("assistant")
    assert "MAX_IMPORT_ROWS" not in app.config or app.config["MAX_IMPORT_ROWS"] == 10_000
    page = browser.get("/import/").get_data(as_text=True)
    assert "10\u202f000" in page or "10\u00a0000" in page or "10 000" in page
    before = db.session.scalar(select(func.count()).select_from(ImportBatch))
    response = upload(browser, csv_file([row(str(n)) for n in range(10_001)]))
    assert response.status_code == 422
    said = response.get_data(as_text=True).replace("\u202f", " ").replace("\u00a0", " ")
    assert "compte 10 001 lignes : 10 000 au plus par import" in said
    assert "Découpez le tableau" in said
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == before
