"""Run by tests/throwaway/test_throwaway_feature.py in a process of its own (its model
would otherwise stay mapped in the suite's process): an application whose FEATURES list
has one more entry, the folder tests/throwaway/visits/, and nothing else changed.

It shows that the generated route coverage, the audit classification, the
confidentiality policy and the labels pick the feature up. Its expected statuses are
written here by hand, from DESIGN §1: every signed-in person reads the household files
and their tabs; a confidential item exists for officers only (404 for everyone else).
"""

from __future__ import annotations

from datetime import date

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from capintra import FEATURES
from capintra.audit.classification import classification
from capintra.audit.models import AuditEvent
from capintra.extensions import db
from capintra.features import Kind
from tests.conftest import login, make_test_app
from tests.databases import dispose
from tests.routes import all_routes, url_for_route
from tests.security.role_table import LOGIN, ROUTE_TABLE, expected
from tests.security.test_role_matrix import PRINCIPALS, _check, _request
from tests.throwaway.visits.models import Visit

# fmt: off
#: (endpoint, method): anonymous, officer, assistant, manager, admin
VISITS_TABLE = {
    ("households.tab_visits", "GET"):   (LOGIN, 200, 200, 200, 200),
    ("households.tab_planning", "GET"): (LOGIN, 200, 403, 403, 403),
    ("visits.detail", "GET"):           (LOGIN, 200, 200, 200, 200),
}
#: The same on a confidential visit.
VISITS_HIDDEN = {
    ("visits.detail", "GET"):           (LOGIN, 200, 404, 404, 404),
}
# fmt: on


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = make_test_app(
        database_url,
        tmp_path_factory.mktemp("files"),
        FEATURES=(*FEATURES, "tests.throwaway.visits"),
    )
    with app.app_context():
        upgrade()
        Visit.__table__.create(db.engine)  # the feature's migration
        db.session.remove()
    yield app
    dispose(app)


def _visit(household, *, confidential: bool, summary: str = "Visite") -> Visit:
    visit = Visit(household_id=household.id, visit_date=date(2026, 11, 5), summary=summary,
                  confidential=confidential)  # fmt: skip
    db.session.add(visit)
    db.session.commit()
    return visit


# --- the generated route coverage ---------------------------------------------------------


def test_the_generated_routes_are_the_suite_s_and_the_feature_s(app):
    keys = {route.key for route in all_routes(app)}
    assert keys - ROUTE_TABLE.keys() == VISITS_TABLE.keys()
    assert ROUTE_TABLE.keys() <= keys


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("key", list(VISITS_TABLE))
def test_route(client, make, key, principal):
    route = next(r for r in all_routes(client.application) if r.key == key)
    url = url_for_route(route)  # <visit_id>: the feature's own route_params
    response = _request(client, make, route, principal, url)
    _check(response, route, principal, expected(VISITS_TABLE, key, principal),
           f"{route} as {principal}")  # fmt: skip


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_a_confidential_visit_is_404_for_all_but_officers(client, make, principal):
    visit = _visit(make.household(), confidential=True)
    route = next(r for r in all_routes(client.application) if r.endpoint == "visits.detail")
    response = _request(client, make, route, principal, f"/visits/{visit.id}")
    want = expected(VISITS_HIDDEN, route.key, principal)
    _check(response, route, principal, want, f"{route} on a confidential visit as {principal}")


# --- classification and labels -------------------------------------------------------------


def test_every_column_of_the_feature_is_classified_and_labelled(app_ctx):
    found = classification()
    table = found.tables["throwaway_visit"]
    assert set(table.kinds) == set(Visit.__table__.columns.keys())
    assert found.kind_of("throwaway_visit", "summary") is Kind.SENSITIVE
    assert found.field_label("throwaway_visit", "visit_date") == (True, "Date de la visite")
    assert found.field_label("throwaway_visit", "household_id")[0] is False
    assert str(found.table_labels["throwaway_visit"]) == "Visite à domicile"
    assert str(found.actions["visit_shared"]) == "Visite partagée"


def test_its_changes_are_audited_without_the_sensitive_value(app_ctx, make):
    visit = _visit(make.household(), confidential=False, summary="Moisissures au plafond")
    assert visit.visit_date == date(2026, 11, 5)  # loaded, as a view has it
    visit.visit_date = date(2026, 11, 6)
    db.session.commit()
    events = list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == "throwaway_visit",
                                 AuditEvent.entity_id == visit.id).order_by(AuditEvent.id)
    ))  # fmt: skip
    assert [e.action for e in events] == ["create", "update"]
    assert events[0].changes["summary"] is None  # sensitive: the name, not the value
    assert events[1].changes["visit_date"] == ["2026-11-05", "2026-11-06"]
    assert events[0].household_id == visit.household_id


# --- the tab, the dashboard, the history: the confidentiality policy ------------------------


@pytest.mark.parametrize(("role", "planning"), [("officer", True), ("assistant", False),
                                                ("manager", False)])  # fmt: skip
def test_the_tabs_are_on_the_household_file_for_whoever_may_see_them(login_as, make, role,
                                                                     planning):  # fmt: skip
    household = make.household()
    page = login_as(role).get(f"/households/{household.id}").get_data(as_text=True)
    assert f'href="/households/{household.id}/visits"' in page
    assert ">Visites</a>" in page
    assert (f'href="/households/{household.id}/planning"' in page) is planning


@pytest.mark.parametrize(("role", "sees"), [("officer", True), ("assistant", False),
                                            ("manager", False), ("admin", False)])  # fmt: skip
def test_a_confidential_visit_exists_for_officers_only(login_as, make, role, sees):
    household = make.household()
    _visit(household, confidential=False, summary="Partagée avec l'équipe")
    _visit(household, confidential=True, summary="Violences intrafamiliales")
    browser = login_as(role)
    tab = browser.get(f"/households/{household.id}/visits").get_data(as_text=True)
    dashboard = browser.get("/").get_data(as_text=True)
    for page in (tab, dashboard):
        assert "Partagée avec l&#39;équipe" in page
        assert ("Violences intrafamiliales" in page) is sees


def _as(app, make, role):
    return login(app.test_client(), make.user(role))


def test_history_labels_and_hides_what_the_reader_may_not_see(app_ctx, make):
    household = make.household()
    shared = _visit(household, confidential=False, summary="Partagée d'emblée")
    assert shared.visit_date
    shared.visit_date = date(2026, 11, 7)
    secret = _visit(household, confidential=True, summary="Secret")
    later = _visit(household, confidential=True, summary="Partagée plus tard")
    assert later.confidential
    later.confidential = False
    db.session.commit()

    officer = _as(app_ctx, make, "officer").get(f"/households/{household.id}/history")
    text = officer.get_data(as_text=True)
    assert "Visite à domicile" in text and "Date de la visite" in text
    assistant = _as(app_ctx, make, "assistant").get(f"/households/{household.id}/history")
    text = assistant.get_data(as_text=True)
    assert "Date de la visite" in text  # the shared visit's change, labelled
    assert "Visite partagée" in text  # the later one begins when it was shared
    assert "Confidentielle" not in text  # …without its confidential past
    secret_events = select(AuditEvent.id).where(
        AuditEvent.entity_type == "throwaway_visit", AuditEvent.entity_id == secret.id
    )
    assert list(db.session.scalars(secret_events))
    manager = _as(app_ctx, make, "manager").get("/audit/").get_data(as_text=True)
    assert f"Visite à domicile · visite n° {shared.id}<" in manager
    assert f"Visite à domicile · visite n° {secret.id}<" not in manager
    admin = _as(app_ctx, make, "admin").get("/audit/").get_data(as_text=True)
    assert f"Visite à domicile · visite n° {secret.id}<" in admin  # audit.confidential
