"""/audit/ as managers and admins use it (issue 12, item 2): a page of 100 rows even when
hidden events fall in it (they are left out in SQL before the page is cut), keyset pages
that follow one another, the filters, records named by their reference in French, failed
logins read as attempts, the CSV export (itself an event), a fixed number of queries per
page."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

from capintra import clock
from capintra.audit.models import AuditEvent
from capintra.audit.service import record_event
from capintra.buildings.examples import example_building
from capintra.extensions import db
from capintra.orders.demo import example_contract, example_order
from tests.conftest import login
from tests.households.helpers import audit_events, count_statements

ROW = re.compile(r'<tr class="audit-event">')
OLDER = re.compile(r'href="(/audit/\?[^"]*before=\d+[^"]*)"')


def rows(html: str) -> int:
    return len(ROW.findall(html))


def older_link(html: str) -> str | None:
    found = OLDER.search(html)
    return found.group(1).replace("&amp;", "&") if found else None


def _commune_change(household, user=None):
    record_event(
        "update",
        entity_type="household",
        entity_id=household.id,
        household_id=household.id,
        user_id=user.id if user else None,
        changes={"commune": ["Firminy", "Saint-Étienne"]},
    )


def _hidden_events(household):
    """Three events a manager may not read: a confidential read, a change of finances
    only (restricted: for managers the field does not exist), a change of health
    details only (sensitive)."""
    record_event("read_confidential", entity_type="note", entity_id=1, confidential=True,
                 household_id=household.id)  # fmt: skip
    record_event("update", entity_type="household", entity_id=household.id,
                 household_id=household.id, changes={"monthly_resources_cents": None})  # fmt: skip
    record_event("update", entity_type="household", entity_id=household.id,
                 household_id=household.id, changes={"health_details": None})  # fmt: skip


def test_a_manager_s_page_shows_100_rows_even_when_hidden_events_fall_in_it(client, make):
    household = make.household()
    for n in range(130):
        _commune_change(household)
        if n % 5 == 0:
            _hidden_events(household)
    _hidden_events(household)  # the newest events of all are hidden ones
    db.session.commit()
    manager = login(client, make.user("manager"))

    first = manager.get("/audit/").get_data(as_text=True)
    assert rows(first) == 100
    assert "Ressources mensuelles" not in first and "Santé" not in first

    # One file, its changes: 130 visible, 78 hidden in between; the pages follow on.
    path = f"/audit/?household={household.reference}&action=update"
    page1 = manager.get(path).get_data(as_text=True)
    assert rows(page1) == 100
    page2 = manager.get(older_link(page1)).get_data(as_text=True)
    assert rows(page2) == 30 and older_link(page2) is None
    assert "Ressources mensuelles" not in page1 + page2
    assert f"household={household.reference}" in older_link(page1)  # filters kept

    manager.post("/logout")
    admin = login(client.application.test_client(), make.user("admin"))
    page = admin.get(path).get_data(as_text=True)
    assert rows(page) == 100 and "Ressources mensuelles" in page and "Santé" in page


def test_the_filters(client, make, travel):
    alice, bruno = make.user("officer"), make.user("assistant")
    household, other = make.household(), make.household()
    travel.forward(days=-40)
    _commune_change(household, alice)
    travel.forward(days=40)
    _commune_change(household, bruno)
    _commune_change(other, alice)
    record_event("export", user_id=alice.id, changes={"format": [None, "csv"]})
    db.session.commit()
    manager = login(client, make.user("manager"))

    def shown(query: str) -> str:
        response = manager.get(f"/audit/?{query}")
        assert response.status_code == 200, query
        return response.get_data(as_text=True)

    mine = shown(f"user={alice.id}")
    assert rows(mine) == 3 and bruno.display_name not in mine
    assert rows(shown(f"user={alice.id}&action=export")) == 1
    assert rows(shown(f"household={household.reference}&action=update")) == 2
    # a reference typed in lower case finds its file
    assert rows(shown(f"household={household.reference.lower()}&action=update")) == 2
    assert rows(shown(f"entity=household&user={alice.id}")) == 2
    today = clock.today()
    recent = f"from={date_fr(today - timedelta(days=10))}"
    assert rows(shown(f"user={alice.id}&action=update&{recent}")) == 1
    long_ago = date_fr(today - timedelta(days=365))
    assert rows(shown(f"user={alice.id}&action=update&from={long_ago}&to={long_ago}")) == 0
    # the day itself is included (Europe/Paris), typed in French or ISO
    assert rows(shown(f"user={bruno.id}&from={date_fr(today)}&to={date_fr(today)}")) == 1
    assert rows(shown(f"user={bruno.id}&to={today.isoformat()}")) == 1


def date_fr(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def test_a_filter_that_cannot_be_used_says_what_to_do(client, make):
    manager = login(client, make.user("manager"))
    cases = {
        "from=31/02/2026": "saisissez une date au format JJ/MM/AAAA",
        "to=31/12/9999": "saisissez une date au format JJ/MM/AAAA",
        "from=1/1/99999999999999999999999": "saisissez une date au format JJ/MM/AAAA",
        "to=1/2/3/4": "saisissez une date au format JJ/MM/AAAA",
        "household=MEN-1900-9999": "Aucun dossier ne porte la référence",
        "from=02/12/2026&to=01/12/2026": "La date de début doit précéder la date de fin",
        "action=drop_table": "Choisissez l’action dans la liste",
        "entity=sqlite_master": "Choisissez le type d’élément dans la liste",
        "user=abc": "Choisissez la personne dans la liste",
    }
    for query, message in cases.items():
        response = manager.get(f"/audit/?{query}")
        assert response.status_code == 422, query
        assert message in response.get_data(as_text=True), query
        assert manager.get(f"/audit/export.csv?{query}").status_code == 422, query


def test_only_the_admin_filters_on_confidential_reads(client, make):
    """Managers never see a confidential read (DESIGN §1): no such action in their list."""
    label = "Lecture d’un élément confidentiel"
    manager = login(client, make.user("manager"))
    assert label not in manager.get("/audit/").get_data(as_text=True)
    refused = manager.get("/audit/?action=read_confidential")
    assert refused.status_code == 422
    assert "Choisissez l’action dans la liste" in refused.get_data(as_text=True)
    admin = login(client.application.test_client(), make.user("admin"))
    assert label in admin.get("/audit/").get_data(as_text=True)
    assert admin.get("/audit/?action=read_confidential").status_code == 200


def test_records_are_named_by_their_reference_with_a_link(client, make):
    household = make.household()
    building = example_building()
    unit = building.units[0] if "units" in building.__dict__ else None
    order = example_order()
    order.number = "BC-2026-0042"
    contract = example_contract()
    db.session.commit()
    from capintra.buildings.models import Unit

    unit = (
        unit or db.session.scalars(db.select(Unit).where(Unit.building_id == building.id)).first()
    )
    for entity in (household, building, unit, order, contract):
        record_event("update", entity, changes={"deleted_at": [None, None]})
    db.session.commit()
    page = login(client, make.user("manager")).get("/audit/").get_data(as_text=True)

    assert f'<a href="/households/{household.id}">{household.reference}</a>' in page
    assert f'<a href="/buildings/{building.id}">{building.address}, {building.commune}</a>' in page
    assert f'<a href="/units/{unit.id}">Lot {unit.lot_number}, {building.address}' in page
    assert f'<a href="/orders/{order.id}">BC-2026-0042</a>' in page
    assert f'<a href="/contracts/{contract.id}">{contract.reference}</a>' in page
    assert "Dossier · " in page and "Immeuble · " in page and "Supprimé le" in page
    events = page.partition('<tbody id="audit-rows">')[2].partition("</tbody>")[0]
    for code in ("purchase_order", "user_account", "entity_type", "deleted_at", "household"):
        assert code not in events.replace("/households/", ""), code


def test_every_kind_of_record_is_named_in_one_statement(client, make):
    """A page of events about every kind of record a feature names is named by one query
    (the namers' queries in one UNION ALL): as many statements as a page about one kind."""
    from capintra.auth.models import User
    from capintra.orders.models import OrderLine
    from tests.buildings import make as bmake

    manager = login(client, make.user("manager"))

    def cost() -> int:
        manager.get("/audit/")
        with count_statements() as statements:
            page = manager.get("/audit/")
        assert page.status_code == 200
        return len(statements)

    household = make.household()
    record_event("update", household, changes={"deleted_at": [None, None]})
    db.session.commit()
    one_kind = cost()

    building = bmake.building(address="12 rue Marengo", commune="Saint-Étienne")
    unit = bmake.unit(building, lot_number="B7")
    on_unit = bmake.arrete(unit_id=unit.id)
    on_building = bmake.arrete(building_id=building.id)
    incident = bmake.incident(building_id=building.id)
    period = bmake.period(unit, household)
    draft = example_order()
    line = db.session.scalars(db.select(OrderLine).where(OrderLine.order_id == draft.id)).one()
    contract = example_contract()
    account = db.session.get(User, make.user("assistant").id)
    db.session.commit()
    records = (building, unit, on_unit, on_building, incident, period, draft, line, contract,
               account)  # fmt: skip
    for entity in records:
        record_event("update", entity, changes={"deleted_at": [None, None]})
    db.session.commit()
    assert cost() == one_kind

    page = manager.get("/audit/").get_data(as_text=True)
    place = "12 rue Marengo, Saint-Étienne"
    unit_link = f'<a href="/units/{unit.id}">Lot B7, {place}</a>'
    arretes = f'<a href="/buildings/{building.id}/arretes">'
    order = f'<a href="/orders/{draft.id}">bon n° provisoire {draft.id}</a>'
    for named in (
        f'Immeuble · <a href="/buildings/{building.id}">{place}</a>',
        f"Logement · {unit_link}",
        f"Occupation · {unit_link}",
        f"Arrêté · {arretes}Lot B7, {place}</a>",
        f"Arrêté · {arretes}{place}</a>",
        f'Événement sur l’immeuble · <a href="/buildings/{building.id}/incidents">{place}</a>',
        f"Bon de commande · {order}",
        f"Ligne de bon de commande · {order}",
        f'Accord-cadre · <a href="/contracts/{contract.id}">{contract.reference}</a>',
        f"Compte · {account.username}<",
    ):
        assert named in page, named


def test_a_failed_login_is_an_attempt_for_an_identifier(client, make):
    victim = make.user("officer", full_name="Claire Martin")
    for username in (victim.username, "personne-inconnue"):
        page = client.get("/login").get_data(as_text=True)
        from tests.conftest import csrf_token_from

        client.post("/login", data={"username": username, "password": "mauvais mot de passe",
                                    "csrf_token": csrf_token_from(page)})  # fmt: skip
    assert len(audit_events(action="login_failed")) == 2
    page = (
        login(client, make.user("manager"))
        .get("/audit/?action=login_failed")
        .get_data(as_text=True)
    )
    assert f"tentative pour l’identifiant {victim.username}" in page
    assert "tentative pour un identifiant inconnu" in page
    assert "personne-inconnue" not in page  # an unknown identifier is not kept
    assert "<td>Claire Martin</td>" not in page  # not « par Claire Martin »


def _csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_csv_export_holds_what_the_reader_may_see_and_is_itself_an_event(client, make):
    household = make.household()
    _commune_change(household)
    _hidden_events(household)
    db.session.commit()
    manager = login(client, make.user("manager"))
    response = manager.get(f"/audit/export.csv?household={household.reference}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    table = _csv(response)
    assert table[0] == ["Date", "Par", "Action", "Élément", "Référence", "Champs", "Adresse IP"]
    body = "\n".join(";".join(row) for row in table[1:])
    assert "Commune : Firminy → Saint-Étienne" in body
    assert household.reference in body
    assert "Ressources mensuelles" not in body and "Santé" not in body
    assert "Lecture" not in body  # the confidential read
    assert len(table) == 1 + 2  # the change, and the file's creation
    export = audit_events(action="export")[-1]
    assert export.user_id == manager.user.id
    assert export.changes["rows"] == [None, 2]
    assert export.changes["filters"] == [None, {"household": household.reference}]
    manager.post("/logout")

    admin = login(client.application.test_client(), make.user("admin"))
    body = admin.get(f"/audit/export.csv?household={household.reference}").get_data(as_text=True)
    assert "Ressources mensuelles" in body and "Santé" in body
    assert len(_csv_text(body)) == 1 + 2 + 3
    # the export shows on the page, in French
    page = admin.get("/audit/?action=export").get_data(as_text=True)
    assert "Lignes : 2" in page and "Format : csv" in page and "∅" not in page


def _csv_text(body: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))


def test_a_page_costs_the_same_queries_for_few_or_many_records(client, make):
    manager = login(client, make.user("manager"))

    def events_about(n: int) -> None:
        for _ in range(n):
            household = make.household()
            building = example_building()
            order = example_order()
            for entity in (household, building, order):
                record_event("update", entity, changes={"deleted_at": [None, None]})
        db.session.commit()

    def cost() -> int:
        manager.get("/audit/")
        with count_statements() as statements:
            assert manager.get("/audit/").status_code == 200
        return len(statements)

    events_about(2)
    few = cost()
    events_about(20)
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) > 100
    assert cost() == few


def test_a_manager_finds_a_note_s_sharing_by_its_action(client, make):
    """For a manager a note shared later begins when it was shared (« Note partagée »):
    the action filter finds it as the manager reads it, not as it is stored (an update)."""
    from capintra.households.models import Note

    officer = make.user("officer")
    household = make.household(officer_id=officer.id)
    writer = login(client, officer)
    url = f"/households/{household.id}/notes"
    data = {"kind": "entretien", "note_date": "2026-11-20", "body": "Entretien"}
    assert writer.post(url, data=data).status_code == 303
    note = db.session.scalars(db.select(Note).where(Note.household_id == household.id)).one()
    shared = writer.post(f"{url}/{note.id}", data={**data, "version": note.version, "shared": "y"})
    assert shared.status_code == 303
    writer.post("/logout")

    manager = login(client, make.user("manager"))
    page = manager.get("/audit/?action=note_shared").get_data(as_text=True)
    assert rows(page) == 1 and "Note partagée" in page and household.reference in page
    assert rows(manager.get("/audit/?action=update&entity=note").get_data(as_text=True)) == 0
    manager.post("/logout")
    # whoever sees everything reads that update as it is
    admin = login(client.application.test_client(), make.user("admin"))
    assert admin.get("/audit/?action=note_shared").status_code == 422
    page = admin.get("/audit/?action=update&entity=note").get_data(as_text=True)
    assert rows(page) == 1 and "Confidentiel : oui → non" in page


def test_only_admins_are_offered_the_reads_of_confidential_items(client, make):
    """A manager never sees a read of a confidential item: the action is not offered, and
    asked for by hand it is refused like any action not in the list."""
    household = make.household()
    _hidden_events(household)
    db.session.commit()
    manager = login(client, make.user("manager"))
    page = manager.get("/audit/").get_data(as_text=True)
    assert 'value="read_confidential"' not in page
    assert manager.get("/audit/?action=read_confidential").status_code == 422
    manager.post("/logout")
    admin = login(client, make.user("admin"))
    page = admin.get("/audit/").get_data(as_text=True)
    assert 'value="read_confidential"' in page
    page = admin.get("/audit/?action=read_confidential").get_data(as_text=True)
    assert rows(page) == 1 and "Lecture d’un élément confidentiel" in page


def test_what_the_commands_record_as_counts_reads_in_french(client, make):
    """A backup and a retention run record counts, not old → new pairs: the trail shows
    them as facts, with French labels (it once answered 500 on them)."""
    record_event("backup_created", changes={"tables": 45, "rows": 8032, "documents": 18})
    record_event("retention_run", changes={"applied_lists": 1, "listed_lines": 4})
    db.session.commit()
    admin = login(client, make.user("manager", admin=True))
    response = admin.get("/audit/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in ("Tables : 45", "Lignes : 8032", "Documents : 18", "Bordereaux appliqués : 1",
                 "Lignes inscrites : 4"):  # fmt: skip
        assert text in page, text
    assert "listed_lines" not in page and "∅" not in page
    assert admin.get("/audit/export.csv").status_code == 200


def test_an_export_too_large_asks_for_narrower_filters(client, make, monkeypatch):
    monkeypatch.setattr("capintra.audit.views.EXPORT_LIMIT", 2)
    household = make.household()
    for _ in range(3):
        _commune_change(household)
    db.session.commit()
    manager = login(client, make.user("manager"))
    before = len(audit_events(action="export"))
    response = manager.get(f"/audit/export.csv?household={household.reference}&action=update")
    assert response.status_code == 422
    assert "Plus de 2 événements : resserrez les filtres" in response.get_data(as_text=True)
    assert len(audit_events(action="export")) == before  # nothing exported, nothing recorded
    narrower = manager.get(f"/audit/export.csv?household={household.reference}&action=create")
    assert narrower.status_code == 200
