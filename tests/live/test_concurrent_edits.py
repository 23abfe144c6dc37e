"""Two colleagues edit the same record at once, for every versioned record type, on the
real server (one gunicorn for all types, SQLite or PostgreSQL): both load the edit page
(same version) and post different values at the same moment, `ROUNDS` times. Exactly one save goes
through (303); the other is refused (409) with both versions on its page — what they
typed, and the record as it is now (its new version in the form, the winner's value under
the field); the database holds the winner's value, its version incremented once; then
the loser posting the same stale form again is refused, nothing overwritten; never a 5xx.

The record types are found in the SQLAlchemy registry (every mapped subclass of
`VersionedMixin`); how each is edited is declared in tests/live/edit_scenarios.py, or why
it has no edit form. A new versioned model without either fails here.
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import select

from capintra.extensions import db
from capintra.models import VersionedMixin
from tests.forms import _values_in, forms_on
from tests.live.client import Client, together
from tests.live.conftest import LIVE
from tests.live.edit_scenarios import ACTIONS, EXEMPTIONS, SCENARIOS, Action, Scenario
from tests.routes import all_routes, collection_app, url_for_route

pytestmark = LIVE

#: The current value the stale-edit screen writes under a field changed meanwhile.
_CURRENT = re.compile(r'class="stale-value">[^<]*<strong>(.*?)</strong>', re.S)

HERE = Path(__file__).parent
#: Rounds per record type: two saves at once, then the stale form again.
ROUNDS = 2


@cache
def versioned_models() -> dict[str, type]:
    """table name → model, for every mapped subclass of VersionedMixin of the application
    (not the test-only models other tests map: tests/throwaway/, tests/audit/)."""
    collection_app()  # every feature's models imported and mapped
    return {
        mapper.class_.__tablename__: mapper.class_
        for mapper in db.Model.registry.mappers
        if issubclass(mapper.class_, VersionedMixin)
        and mapper.class_.__module__.startswith("capintra.")
    }


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _post_route(endpoint: str):
    routes = [r for r in all_routes() if r.endpoint == endpoint and r.method == "POST"]
    assert routes, f"no POST route {endpoint}"
    return routes[0]


def test_every_versioned_model_has_a_scenario_or_an_exemption():
    tables = set(versioned_models())
    declared = [SCENARIOS.keys(), ACTIONS.keys(), EXEMPTIONS.keys()]
    missing = tables - set().union(*declared)
    assert not missing, (
        f"versioned models with no concurrent-edit scenario: {sorted(missing)}. Add how "
        "two colleagues edit one (or why it has no edit form) in tests/live/edit_scenarios.py"
    )
    assert sum(map(len, declared)) == len(set().union(*declared)), "declared twice"
    assert not set().union(*declared) - tables, "not versioned models"
    for table, action in ACTIONS.items():
        assert action.record in _post_route(action.endpoint).variables, table
    for table, scenario in SCENARIOS.items():
        assert len(set(scenario.values)) == 2 * ROUNDS, f"{table}: two new values per round"
        route = _post_route(scenario.endpoint)
        if scenario.record is not None:
            assert scenario.record in route.variables, (table, route)
        assert scenario.attribute in versioned_models()[table].__table__.columns, table
    posts = [r for r in all_routes() if r.method == "POST"]
    for table, exemption in EXEMPTIONS.items():
        assert len(exemption.reason) > 20, f"{table}: say why"
        # Without a declared variable, none of the names a route would give it is used.
        model = versioned_models()[table]
        names = (
            {exemption.variable}
            if exemption.variable
            else {f"{table}_id", f"{_snake(model.__name__)}_id"}
        )
        naming = sorted(r.endpoint for r in posts if names & set(r.variables))
        assert naming == sorted(exemption.routes), (
            f"{table}: POST routes naming a row of it: {naming}. An edit form among them "
            "needs a scenario in tests/live/edit_scenarios.py; else list it with its reason"
        )
        if exemption.covered_by:
            test = HERE / exemption.covered_by
            assert test.exists() and "def test_" in test.read_text(), (table, test)


@pytest.fixture(scope="module")
def colleagues(live):
    """Two signed-in colleagues of a role, made once per role."""
    pairs: dict[str, tuple[Client, Client]] = {}

    def pair(role: str) -> tuple[Client, Client]:
        if role not in pairs:
            pairs[role] = (live.signed_in(role), live.signed_in(role))
        return pairs[role]

    return pair


def _made(scenario: Scenario) -> tuple[str, int]:
    """The edit URL, its record made by the features' makers (and the scenario's own)."""
    route = _post_route(scenario.endpoint)
    url = url_for_route(route)
    values = _values_in(route, url)
    if scenario.make is not None:
        record_id = scenario.make(values)
        db.session.commit()
    else:
        record_id = int(values[scenario.record])
    return url, record_id


def _edit_form(client: Client, url: str, page_url: str | None = None):
    """The form posting to `url` with a version, on the page at `page_url` (or `url`)."""
    page = client.get(page_url or url)
    assert page.status == 200, f"GET {page_url or url}: {page!r}"
    found = [f for f in forms_on(page.text) if (f.action or url) == url and "version" in f.names]
    assert len(found) == 1, f"{page_url or url}: {len(found)} forms posting to {url}"
    return found[0]


def _version_in(text: str, url: str) -> str | None:
    found = [f for f in forms_on(text) if (f.action or url) == url and "version" in f.names]
    if len(found) != 1:
        return None
    return dict(found[0].pairs).get("version")


@pytest.mark.parametrize("table", sorted(SCENARIOS))
def test_two_colleagues_saving_at_once_give_one_save_and_one_409(live, colleagues, table):
    scenario = SCENARIOS[table]
    url, record_id = live.run(lambda: _made(scenario))
    first, second = colleagues(scenario.role)
    for n in range(ROUNDS):
        _round(live, scenario, table, url, record_id, (first, second), scenario.values[2 * n :][:2])


def _round(live, scenario: Scenario, table: str, url: str, record_id: int, clients, typed):
    model = versioned_models()[table]
    forms = [_edit_form(client, url) for client in clients]
    (before,) = live.scalars(select(model).where(model.id == record_id))
    shown = [dict(form.pairs).get("version") for form in forms]
    assert shown == [str(before.version)] * 2, f"{url}: the pages show versions {shown}"

    data = [form.data(**{scenario.field: text}) for form, text in zip(forms, typed, strict=True)]
    mark = live.mark()
    responses = together(
        [lambda: clients[0].post(url, data[0]), lambda: clients[1].post(url, data[1])]
    )
    codes = [r.status for r in responses]
    assert sorted(codes) == [303, 409], f"{url}: {codes}; {live.explain(mark)}"
    won = codes.index(303)
    lost = 1 - won

    (after,) = live.scalars(select(model).where(model.id == record_id))
    winner = scenario.stored(typed[won])
    assert (getattr(after, scenario.attribute), after.version) == (winner, before.version + 1)

    # The refusal shows both versions: what the loser typed, and the record as it is now.
    refusal = responses[lost].text
    assert typed[lost] in refusal, f"{url}: the 409 page lost the user's input"
    current = [html.unescape(v) for v in _CURRENT.findall(refusal)]
    assert scenario.shown(typed[won]) in current, (
        f"{url}: the 409 page does not show the saved value under the field: {current}"
    )
    assert _version_in(refusal, url) == str(after.version), (
        f"{url}: the 409 page's form does not carry the current version {after.version}"
    )

    # The loser posts the same stale form again: refused, nothing overwritten.
    again = clients[lost].post(url, data[lost])
    assert again.status == 409, f"{url}: a stale save again: {again!r}"
    (last,) = live.scalars(select(model).where(model.id == record_id))
    assert (getattr(last, scenario.attribute), last.version) == (winner, after.version)
    assert not live.errors_since(mark), live.explain(mark)


@pytest.mark.parametrize("table", sorted(ACTIONS))
def test_two_colleagues_posting_one_action_at_once_give_one_success(live, colleagues, table):
    """A record whose only change is an action: the same one posted from the same page
    at once goes through once (303), the other is refused (409; 404 when it is gone), the
    version incremented once; posted again from the stale page: refused, nothing
    changed; never a 5xx."""
    action: Action = ACTIONS[table]
    model = versioned_models()[table]
    route = _post_route(action.endpoint)
    url = live.run(lambda: url_for_route(route))
    record_id = int(_values_in(route, url)[action.record])
    page = action.page.format(**_values_in(route, url))
    first, second = colleagues(action.role)
    forms = [_edit_form(client, url, page) for client in (first, second)]
    (before,) = live.scalars(select(model).where(model.id == record_id))
    data = [form.data(**(action.extra or {})) for form in forms]
    mark = live.mark()
    responses = together([lambda: first.post(url, data[0]), lambda: second.post(url, data[1])])
    codes = [r.status for r in responses]
    assert 303 in codes and set(codes) - {303} <= action.refused and len(set(codes)) == 2, (
        f"{url}: {codes}; {live.explain(mark)}"
    )
    (after,) = live.scalars(select(model).where(model.id == record_id))
    assert after.version == before.version + 1, f"{url}: v{before.version} → v{after.version}"
    lost = codes.index(303) ^ 1
    again = [first, second][lost].post(url, data[lost])
    assert again.status in action.refused, f"{url}: the same action again: {again!r}"
    (last,) = live.scalars(select(model).where(model.id == record_id))
    assert last.version == after.version
    assert not live.errors_since(mark), live.explain(mark)
