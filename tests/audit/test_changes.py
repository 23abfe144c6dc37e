"""Figures kept until the data changes (capintra.audit.changes): the reports that read the
whole database are computed once, and again after any change — never shown stale."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert

from capintra.audit.changes import MAX_AGE, last_change, until_changed
from capintra.audit.models import AuditEvent
from capintra.extensions import db
from tests import factories
from tests.buildings import make as bmake
from tests.households.helpers import count_statements, text_of


def test_the_stamp_moves_with_a_change_and_not_with_a_read(app_ctx):
    before = last_change()
    db.session.execute(insert(AuditEvent), [{"action": "open", "entity_type": "household"}])
    assert last_change() == before  # a read, an export, a login change no figure
    factories.operation()  # a record created: its audit event
    after = last_change()
    assert after > before
    for action in ("split", "disposal_list_applied", "purge"):
        db.session.execute(insert(AuditEvent), [{"action": action}])
        assert last_change() > after
        after = last_change()


def test_a_value_is_kept_until_the_stamp_moves_or_it_is_too_old(app_ctx, monkeypatch):
    computed = []

    def compute():
        computed.append(1)
        return len(computed)

    assert until_changed(("test",), compute) == 1
    assert until_changed(("test",), compute) == 1
    assert until_changed(("other",), compute) == 2  # its own key
    factories.operation()
    assert until_changed(("test",), compute) == 3
    # too old: computed again even with no change recorded
    import capintra.audit.changes as changes

    now = changes.time.monotonic()
    monkeypatch.setattr(changes.time, "monotonic", lambda: now + MAX_AGE + 1)
    assert until_changed(("test",), compute) == 4


ROW = '<th scope="row">Îlot Jacquard</th>'


def _household_with_unit(op, building):
    household = factories.household(op.id)
    bmake.period(bmake.unit(building), household)
    db.session.commit()
    return household


def test_the_relocation_report_is_read_once_and_shows_a_change_at_once(app_ctx, login_as):
    op = factories.operation(name="Îlot Jacquard")
    building = bmake.building(op.id)
    for _ in range(3):
        _household_with_unit(op, building)
    manager = login_as("manager")
    path = f"/reports/relocation?operation={op.id}"
    with count_statements() as first:
        page = text_of(manager.get(path))
    assert ">3<" in page.split(ROW)[1].split("</tr>")[0]
    with count_statements() as again:
        assert manager.get(path).status_code == 200
    assert len(again) < len(first) - 5  # the report's statements not run again
    _household_with_unit(op, building)  # a change: the next page counts it
    page = text_of(manager.get(path))
    assert ">4<" in page.split(ROW)[1].split("</tr>")[0]


def test_the_occupancy_report_shows_a_new_unit_at_once(app_ctx, login_as):
    op = factories.operation(name="Îlot Jacquard")
    building = bmake.building(op.id)
    bmake.unit(building)
    db.session.commit()
    manager = login_as("manager")
    path = "/reports/occupancy?date=" + date.today().isoformat()

    def units() -> str:
        page = text_of(manager.get(path))
        row = page.split(f'id="report-operation-{op.id}"')[1].split("</tr>")[0]
        return row.split('data-label="Logements">')[1].split("<")[0]

    assert units() == "1"
    assert units() == "1"
    bmake.unit(building)
    db.session.commit()
    assert units() == "2"


def test_each_officer_reads_their_own_dashboard_and_a_new_file_at_once(app_ctx, make):
    from capintra.households.models import Phase
    from tests.conftest import login

    alice, bruno = make.user("officer"), make.user("officer")
    make.household(officer_id=alice.id, phase=Phase.DIAGNOSTIC)
    db.session.commit()
    as_alice = login(app_ctx.test_client(), alice)
    as_bruno = login(app_ctx.test_client(), bruno)

    def mine(browser, user) -> str:
        page = text_of(browser.get("/"))
        return page.split('id="dash-files"')[1].split("</section>")[0]

    files = mine(as_alice, alice)
    assert f"officer={alice.id}" in files and "Diagnostic : <strong>1<" in files
    assert mine(as_alice, alice) == files  # read again: the kept section, the same
    files = mine(as_bruno, bruno)  # not Alice's section
    assert f"officer={bruno.id}" in files and f"officer={alice.id}" not in files
    assert "Diagnostic : <strong>1<" not in files
    make.household(officer_id=alice.id, phase=Phase.DIAGNOSTIC)
    db.session.commit()
    assert "Diagnostic : <strong>2<" in mine(as_alice, alice)
