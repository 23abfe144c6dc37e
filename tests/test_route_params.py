"""The URL variables of the generated route tests come from the features' declarations."""

from __future__ import annotations

import pytest

from capintra.features import Feature, route_params
from tests.route_params import TEST_PARAMS, params_of
from tests.routes import Route, all_routes, url_for_route


def test_every_route_variable_is_declared_once(app):
    params = params_of(app)
    missing = {name for route in all_routes(app) for name in route.variables if name not in params}
    assert not missing
    assert set(TEST_PARAMS) == {"filename"}, "only test-only values stay in the tests"


def test_two_features_may_not_declare_the_same_variable():
    first = Feature(name="one", route_params={"x_id": lambda: 1})
    second = Feature(name="two", route_params={"x_id": lambda: 2})
    with pytest.raises(ValueError, match="'one' and 'two'"):
        route_params([first, second])


def test_an_undeclared_variable_fails_with_what_to_do(app_ctx):
    route = Route("/nowhere/<int:nowhere_id>", "nowhere.view", "GET")
    with pytest.raises(pytest.fail.Exception, match=r"<nowhere_id>.*route_params"):
        url_for_route(route)


def test_a_document_url_gets_a_household_from_the_households_feature(app_ctx):
    from capintra.documents.models import Document
    from capintra.extensions import db

    url = url_for_route(Route("/documents/<int:document_id>", "documents.view", "GET"))
    document = db.session.get(Document, int(url.rsplit("/", 1)[1]))
    assert document.owner_type == "household" and document.owner_id and not document.confidential
