"""Edge values in every form, generated from the form classes: the whole date range on
every date field, odd digits in every id. Never a 500: a success, or a 422 with a French
message on the field and nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from wtforms import DateField, SelectField

from capintra.extensions import db
from capintra.households.models import Household, Member, Relation
from capintra.web.routing import MAX_ID
from tests import factories
from tests.conftest import login
from tests.forms import (
    COMPANIONS,
    ENGLISH,
    field_errors,
    fields_of,
    form_classes,
    form_posting_to,
    role_for,
    routes_posting,
    row_counts,
)
from tests.organisations import make as orgs
from tests.routes import all_routes, url_for_route

#: Dates a form may receive, from the first day to the last the calendar holds.
VALID_DATES = [
    "0001-01-01",
    "0001-01-15",
    "0001-01-30",
    "0001-01-31",
    "0001-02-01",
    "1900-02-28",
    "1970-01-01",
    "2000-02-29",
    "2038-01-19",
    "9999-12-01",
    "9999-12-31",
]
#: Not dates at all (the calendar's edges overstepped): always refused.
INVALID_DATES = ["0000-12-31", "10000-01-01", "9999-12-32", "1900-02-29", "-0001-01-01"]
#: The date that must work in every date field (the fillers are checked with it).
ORDINARY_DATE = "2026-06-15"

SUCCESS = (200, 302, 303)

#: Routes whose post creates what the next post would clash with by a business rule (a
#: unit has one principal occupant at a time): each value goes to fresh objects.
FRESH_OBJECTS = {"buildings.period_open"}


def _date_fields():
    return [(c, f) for c in form_classes() for f in fields_of(c, DateField)]


def _id_fields():
    """Every select of records (named *_id, whatever reads it); the split's hidden
    member_id has its own test below."""
    return [(c, f) for c in form_classes() for f in fields_of(c, SelectField) if f.endswith("_id")]


def _ids(pairs):
    return [f"{c.__name__}.{f}" for c, f in pairs]


def pytest_generate_tests(metafunc):
    if "date_field" in metafunc.fixturenames:
        pairs = _date_fields()
        metafunc.parametrize("date_field", pairs, ids=_ids(pairs))
    if "id_field" in metafunc.fixturenames:
        pairs = _id_fields()
        metafunc.parametrize("id_field", pairs, ids=_ids(pairs))


def _post(browser, url, data):
    token = browser.token or browser.refresh_token()
    return browser.client.post(url, data=data, headers={"X-CSRFToken": token})


def _check_refusal(route, name, value, response, before):
    html = response.get_data(as_text=True)
    message = field_errors(html, name)
    assert message, f"{route} {name}={value!r}: 422 without a message on the field"
    assert not ENGLISH.search(message), f"{route} {name}={value!r}: {message!r}"
    assert row_counts() == before, f"{route} {name}={value!r}: refused, yet rows changed"


def _try_values(client, route, name, values, *, must_refuse=()):
    """Post each value in the named field of the route's form (the rest as the page shows
    it); return {value: status}. The ordinary value must succeed: the rest of the form
    is then known to be valid, and a refusal is about the value."""
    role = role_for(route)
    assert role is not None, f"{route}: a public form with a {name} field"
    browser = login(client.application.test_client(), factories.user(role))
    url = url_for_route(route)
    statuses = {}
    one_shot = route.endpoint in FRESH_OBJECTS
    for value in values:
        if one_shot:
            url = url_for_route(route)
        try:
            _page, form = form_posting_to(browser, route, url)
        except AssertionError:
            # A one-shot form (the dashboard's "AR reçu") leaves the page once used: the
            # next values go to fresh objects' (not looked for first on every page of
            # the used one).
            one_shot = True
            url = url_for_route(route)
            _page, form = form_posting_to(browser, route, url)
        assert name in form.names, f"{route}: the page's form has no {name} field"
        before = row_counts()
        response = _post(browser, url, form.data(**{**COMPANIONS.get(name, {}), name: value}))
        status = response.status_code
        statuses[value] = status
        assert status < 500, f"{route} {name}={value!r}: {status}"
        assert status in (*SUCCESS, 422), f"{route} {name}={value!r}: {status}"
        if status == 422:
            _check_refusal(route, name, value, response, before)
        if value in must_refuse:
            assert status == 422, f"{route} {name}={value!r} accepted ({status})"
    return statuses


def test_every_date_field_takes_the_whole_calendar(client, app_ctx, date_field):
    form_class, name = date_field
    routes = routes_posting(app_ctx, form_class)
    assert routes, f"{form_class.__name__}: no POST route builds it"
    for route in routes:
        ordinary = _try_values(client, route, name, [ORDINARY_DATE])
        assert ordinary[ORDINARY_DATE] in SUCCESS, (
            f"{route}: the form with {name}={ORDINARY_DATE} is refused; fix the fillers "
            "in tests/forms.py"
        )
        _try_values(client, route, name, VALID_DATES + INVALID_DATES, must_refuse=INVALID_DATES)


def test_the_numero_unique_reminder_never_falls_before_year_one(client, app_ctx):
    """Its reminder is due 30 days before the renewal: up to 0001-01-30 that day does not
    exist; 0001-01-31 gives a task due on 0001-01-01."""
    from capintra.households.forms import HouseholdForm

    for route in routes_posting(app_ctx, HouseholdForm):
        statuses = _try_values(
            client,
            route,
            "numero_unique_renewal",
            ["0001-01-01", "0001-01-15", "0001-01-30", "0001-01-31", "9999-12-31"],
            must_refuse=["0001-01-01", "0001-01-15", "0001-01-30"],
        )
        assert statuses["0001-01-31"] in SUCCESS and statuses["9999-12-31"] in SUCCESS


#: Ids as an attacker types them: none is a usable id.
ODD_IDS = ["²", "①", "٣", str(2**63), str(2**31), "-1", "0", "+1", " 1", "1_0"]


def _arabic_indic(number) -> str:
    return str(number).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


def _relocation_choices(url: str) -> None:
    """A final relocation's form offers the file's accepted offers and the vacant units of
    its operation (a temporary home): one of each."""
    from datetime import date

    from capintra.relocation.models import Answer, Offer
    from tests.buildings import make as bmake

    household = db.session.get(Household, int(url.split("/")[2]))
    db.session.add(
        Offer(household_id=household.id, sent_on=date(2026, 6, 1), answer=Answer.ACCEPTEE)
    )
    bmake.unit(bmake.building(household.operation_id))


#: Routes whose selects offer records that belong to the record in the URL: what to make
#: so that they offer one.
CHOICES_FOR = {"relocation.relocations_add": _relocation_choices}


def test_every_id_select_takes_only_ascii_ids_in_range(client, app_ctx, id_field):
    form_class, name = id_field
    routes = routes_posting(app_ctx, form_class)
    assert routes, f"{form_class.__name__}: no POST route builds it"
    for role in ("officer", "officer", "assistant"):  # people and records to choose from
        factories.user(role)
    factories.operation()
    orgs.organisation()  # the merge offers every organisation but the one merged
    for route in routes:
        browser = login(client.application.test_client(), factories.user(role_for(route)))
        url = url_for_route(route)
        CHOICES_FOR.get(route.endpoint, lambda _url: None)(url)
        _page, form = form_posting_to(browser, route, url)
        # Every existing choice written in other digits: int() reads each as that id.
        choices = [v for v in form.options.get(name, []) if v not in ("", "None")]
        assert choices, f"{route}: the {name} select offers no record"
        lookalikes = [_arabic_indic(v) for v in choices]
        _try_values(client, route, name, ODD_IDS + lookalikes, must_refuse=ODD_IDS + lookalikes)
        _try_values(client, route, name, [""])  # blank: "none chosen", accepted or required


# --- the split: member_id from the form ---------------------------------------------------


@pytest.mark.parametrize("member_id", [*ODD_IDS, "", "abc"])
def test_a_split_with_an_odd_member_id_is_422(make, login_as, member_id):
    household = make.household()
    make.member(household, relation=Relation.CHEF)
    child = make.member(household, relation=Relation.ENFANT)
    for n in range(3):  # so that "٣", read by int(), would name a member
        make.member(household, relation=Relation.ENFANT, first_name=f"Enfant{n}")
    browser = login_as("officer")
    before = row_counts()
    response = browser.post(
        f"/households/{household.id}/split", {"member_id": member_id, "version": child.version}
    )
    assert response.status_code == 422
    assert "Décohabitation impossible : rechargez la page" in response.get_data(as_text=True)
    assert row_counts() == before
    split_off = select(Household).where(Household.split_from_id == household.id)
    assert not db.session.scalars(split_off).all()
    assert db.session.get(Member, child.id).left_at is None


def test_a_split_of_a_missing_member_is_404(make, login_as):
    household = make.household()
    browser = login_as("officer")
    for member_id in (str(MAX_ID), "999999"):
        response = browser.post(
            f"/households/{household.id}/split", {"member_id": member_id, "version": "1"}
        )
        assert response.status_code == 404


# --- ids in query strings --------------------------------------------------------------


@pytest.mark.parametrize("argument", ["operation", "officer"])
def test_an_odd_id_in_a_list_filter_is_ignored(make, login_as, argument):
    officer = make.user("officer")
    first = make.household(name="PREMIER Ménage", officer_id=officer.id)
    second = make.household(name="SECOND Ménage")
    browser = login_as("manager")
    target = first.operation_id if argument == "operation" else officer.id
    filtered = browser.get(f"/households/?{argument}={target}").get_data(as_text=True)
    assert first.name in filtered and second.name not in filtered  # the filter works
    for value in [*ODD_IDS, _arabic_indic(target)]:
        response = browser.get("/households/", query_string={argument: value})
        assert response.status_code == 200, value
        html = response.get_data(as_text=True)
        assert first.name in html and second.name in html, f"{argument}={value!r} filtered"


@pytest.mark.parametrize("path", ["/households/?after={}", "/audit/?before={}"])
def test_an_odd_id_in_a_page_cursor_is_ignored(login_as, path):
    browser = login_as("admin")
    for value in ODD_IDS:
        assert browser.get(path.format(value)).status_code == 200, value


# --- huge ids in URLs: a missing page, whatever the method ------------------------------

HUGE_IDS = [str(MAX_ID + 1), str(2**63), "9" * 30]


def _int_routes():
    return [r for r in all_routes() if "<int:" in r.rule]


@pytest.mark.parametrize("route", _int_routes(), ids=lambda r: f"{r.method} {r.endpoint}")
def test_a_huge_id_in_any_url_is_a_missing_page(client, route):
    """Also where a GET tab and a POST add route share a path (it was 405)."""
    role = role_for(route)
    browser = login(client, factories.user(role)) if role else None
    url = url_for_route(route)
    for variable in route.variables:
        for huge in HUGE_IDS:
            parts = url.split("/")
            rule_parts = route.rule.split("/")
            # the variable's segment, with what follows it in the segment (`<id>.pdf`)
            index, suffix = next(
                (i, p.partition(f":{variable}>")[2])
                for i, p in enumerate(rule_parts)
                if f":{variable}>" in p
            )
            parts[index] = huge + suffix
            path = "/".join(parts)
            if route.method == "GET":
                response = client.get(path)
            else:
                response = browser.post(path, {}) if browser else client.post(path)
            assert response.status_code == 404, f"{route.method} {path}: {response.status_code}"
