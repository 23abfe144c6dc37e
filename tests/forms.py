"""Every form of the application, for the generated form tests (dates, ids).

The form classes are read from the code (every FlaskForm subclass of capintra); the
routes that post each one are found by posting once to every POST route and noting the
form classes it builds; the values to post come from the page that shows the form, as
a browser would send them (required fields left empty are filled with plain values).
"""

from __future__ import annotations

import importlib
import itertools
import pkgutil
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser

from flask import has_request_context, request
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from wtforms.fields.core import UnboundField

from tests import factories
from tests.conftest import login
from tests.routes import (
    all_routes,
    capability_of,
    collection_app,
    first_role_holding,
    url_for_route,
)

#: Routes not posted to while looking for forms: they end the signed-in session.
NOT_PROBED = {"auth.logout"}
#: A value for a required field the page leaves empty, by input type.
FILLERS = {"email": "test@example.org", "number": "1", "date": "2026-06-15", "decimal": "1"}
FILLER_TEXT = "Valeur de test"  # numbered: a name may have to be unique
_unique = itertools.count(1)

#: A date checked against another field of its form: that field set so that the ordinary
#: date is consistent (a letter's acknowledgement never precedes the letter).
COMPANIONS = {
    # a letter's, or an offer's: never before the letter or the offer was sent
    "acknowledged_on": {"letter_date": "2026-06-01", "sent_on": "2026-06-01"},
    "answer_deadline": {"sent_on": "2026-06-01"},
    "answered_on": {"sent_on": "2026-06-01", "answer": "acceptee"},  # the offer's answer
    "lifted_on": {"arrete_date": "2026-06-01"},  # a mainlevée never precedes its arrêté
    # an occupancy period has an occupant: a household's reference or a shop's name
    "start_date": {"occupant_label": "Boulangerie du Centre"},
}


@lru_cache(maxsize=1)
def form_classes() -> list[type[FlaskForm]]:
    """Every form class of capintra (each feature's forms module imported)."""
    import capintra

    for module in pkgutil.walk_packages(capintra.__path__, "capintra."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found, pending = [], [FlaskForm]
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            if subclass.__module__.startswith("capintra."):
                found.append(subclass)
    return sorted(set(found), key=lambda c: (c.__module__, c.__name__))


def fields_of(form_class, field_class) -> list[str]:
    """Names of the form's fields of that class (DateField: the date fields)."""
    return sorted(
        name
        for name in dir(form_class)
        if isinstance(unbound := getattr(form_class, name, None), UnboundField)
        and issubclass(unbound.field_class, field_class)
    )


# --- which route posts which form -------------------------------------------------------

_built_by_endpoint: dict[str, set[type]] = {}


def _probe_all(app) -> None:
    """Post an empty form (with its CSRF token) to every POST route, as someone allowed to,
    and note the form classes each builds. Inside the calling test's rolled-back
    transaction: whatever a probe might write disappears with it."""
    original = FlaskForm.__init__

    def recording(self, *args, **kwargs):
        formdata = args[0] if args else kwargs.get("formdata", "from the request")
        posted = has_request_context() and request.method == "POST" and request.endpoint
        if posted and formdata is not None:  # formdata=None: a blank form the page shows
            _built_by_endpoint.setdefault(request.endpoint, set()).add(type(self))
        original(self, *args, **kwargs)

    FlaskForm.__init__ = recording
    browsers = {}  # one person per role: an empty form changes nobody's access
    try:
        for route in all_routes(app):
            if route.method != "POST" or route.endpoint in NOT_PROBED:
                continue
            _built_by_endpoint.setdefault(route.endpoint, set())
            role = first_role_holding(capability_of(app, route.endpoint))
            if role is None:
                continue  # public forms (the login, recorded as we sign in)
            if role not in browsers:
                browsers[role] = login(app.test_client(), factories.user(role))
            response = browsers[role].post(url_for_route(route), {})
            signed_out = response.headers.get("Location", "").startswith("/login")
            assert response.status_code != 403 and not signed_out, f"{route}: probe refused"
    finally:
        FlaskForm.__init__ = original


def routes_posting(app, form_class) -> list:
    """The POST routes that build this form class from what is posted."""
    if not _built_by_endpoint:
        _probe_all(app)
    return [
        r
        for r in all_routes(app)
        if r.method == "POST" and form_class in _built_by_endpoint.get(r.endpoint, ())
    ]


def role_for(route) -> str | None:
    return first_role_holding(capability_of(collection_app(), route.endpoint))


# --- the form as a browser shows and sends it --------------------------------------------


@dataclass
class PageForm:
    action: str | None
    #: (name, value) pairs a browser would send, in order.
    pairs: list[tuple[str, str]] = field(default_factory=list)
    required_empty: list[tuple[str, str]] = field(default_factory=list)  # (name, type)
    names: set[str] = field(default_factory=set)
    options: dict[str, list[str]] = field(default_factory=dict)  # a select's values

    def data(self, **overrides) -> MultiDict:
        """What to post: the page's values, required blanks filled, `overrides` set."""
        pairs = [(n, v) for n, v in self.pairs if n not in overrides]
        filled = {n for n, _ in pairs if _}
        for name, kind in self.required_empty:
            if name not in overrides and name not in filled:
                pairs = [(n, v) for n, v in pairs if n != name]
                pairs.append((name, FILLERS.get(kind) or f"{FILLER_TEXT} {next(_unique)}"))
        pairs.extend(overrides.items())
        return MultiDict(pairs)


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = PageForm(action=a.get("action"))
            self.forms.append(self._form)
            return
        form = self._form
        if tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if value and self._select["first_chosen"] is None:
                self._select["first_chosen"] = value
            if form is not None:
                form.options.setdefault(self._select["name"], []).append(value)
            if "selected" in a:
                self._select["selected"].append(value)
        if form is None or not a.get("name"):
            return
        name = a["name"]
        form.names.add(name)
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.pairs.append((name, a.get("value") or "on"))
            elif kind not in ("file", "submit", "button"):
                value = a.get("value") or ""
                form.pairs.append((name, value))
                if not value and "required" in a:
                    # an amount typed the French way: a text input with a decimal keyboard
                    decimal = a.get("inputmode") == "decimal"
                    form.required_empty.append((name, "decimal" if decimal else kind))
        elif tag == "select":
            self._select = {
                "name": name,
                "first": None,
                "first_chosen": None,
                "selected": [],
                "required": "required" in a,
            }
        elif tag == "textarea":
            self._textarea = {"name": name, "text": "", "required": "required" in a}

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        form = self._form
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and form is not None:
            chosen = self._select["selected"] or [self._select["first"] or ""]
            if chosen == [""] and self._select["required"] and self._select["first_chosen"]:
                # a required choice left on « — choisir — »: the user picks the first one
                chosen = [self._select["first_chosen"]]
            form.pairs.extend((self._select["name"], v) for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and form is not None:
            text = self._textarea["text"].replace("\r\n", "\n")
            text = text[1:] if text.startswith("\n") else text  # as HTML parsing does
            form.pairs.append((self._textarea["name"], text))
            if not text and self._textarea["required"]:
                form.required_empty.append((self._textarea["name"], "textarea"))
            self._textarea = None


def forms_on(html: str) -> list[PageForm]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def _values_in(route, url: str) -> dict[str, str]:
    pattern = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"(?P<\1>[^/]+)", route.rule)
    match = re.fullmatch(pattern, url)
    return match.groupdict() if match else {}


#: How the URL of a download ends.
DOWNLOADS = (".pdf", ".csv", ".xlsx", ".json", ".svg")


#: The page rule where each POST rule's form was last found: asked first the next time
#: (a test posting many values to one route reads one page per value, not every page of
#: the record until the right one).
_page_found: dict[str, str] = {}


def form_posting_to(browser, route, url: str) -> tuple[str, PageForm]:
    """(page URL, form) of the page that shows the form posting to `url`: the page at the
    same URL, else another page of the same objects (a tab holding an add form)."""
    values = _values_in(route, url)
    pages = [(route.rule, url)]
    for get in all_routes(browser.client.application):
        if get.rule.endswith(DOWNLOADS):
            continue  # a file holds no form (a right-of-access PDF takes seconds to print)
        if get.method == "GET" and get.rule != route.rule and set(get.variables) <= set(values):
            page = get.rule
            for name in get.variables:
                page = re.sub(rf"<(?:[^:<>]+:)?{name}>", values[name], page)
            pages.append((get.rule, page))
    remembered = _page_found.get(route.rule)
    pages.sort(key=lambda rule_page: rule_page[0] != remembered)  # stable: the rest in order
    for rule, page in pages:
        response = browser.get(page)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue  # a download (a spreadsheet template) holds no form
        for form in forms_on(response.get_data(as_text=True)):
            if (form.action or page) == url:
                _page_found[route.rule] = rule
                return page, form
    raise AssertionError(f"{route}: no page shows a form posting to {url}")


@lru_cache(maxsize=4)
def _counting(names: tuple[str, ...]):
    """One statement counting the rows of each of these tables: built once per set of
    tables (a throw-away feature's test adds its own)."""
    from capintra.extensions import db

    tables = [db.metadata.tables[name] for name in names]
    return select(*(select(func.count()).select_from(t).scalar_subquery() for t in tables))


def row_counts() -> dict[str, int]:
    """Rows of every table, in one statement: a refused post must leave every one
    unchanged."""
    from capintra.extensions import db

    names = tuple(db.metadata.tables)  # (sorted_tables sorts them again at every call)
    return dict(zip(names, db.session.execute(_counting(names)).one(), strict=True))


def changed_tables(before: dict[str, int], after: dict[str, int]) -> list[str]:
    """The tables whose row count differs between two `row_counts()`."""
    return [name for name, count in before.items() if after[name] != count]


def field_errors(html: str, name: str) -> str:
    pattern = rf'id="{re.escape(name)}-errors" class="invalid-feedback[^"]*">([^<]*)<'
    match = re.search(pattern, html)
    return match.group(1) if match else ""


#: Words of WTForms' own (English) messages: a user must never read them.
ENGLISH = re.compile(r"\b(Not a valid|Invalid|This field|required|must be|choice)\b")
