"""Hostile input (issue 13): every text field of every form, found from the form classes,
receives a corpus of hostile strings — script and event-handler injections, htmx
attributes, SQL, 100 kB strings, Unicode edge cases, NUL bytes, right-to-left marks,
spreadsheet formulas —, the other fields holding valid values (Hypothesis draws the
dates, numbers and amounts). Then the pages that show the values are rendered: the
record's page, the lists, the search, the exports.

What must hold: no 5xx; no hostile markup reflected unescaped in any HTML answer; a
submission refused (4xx) writes nothing; the CSV and XLSX exports write formulas as
text. A new form is covered the day it is added: its class is found by
`tests.forms.form_classes()`, its routes by posting to every POST route.

One pass of the SQLite run only: the rules it checks do not depend on the database, and
it is the longest test of the suite (more than 5,000 posts; eight minutes on a loaded
two-core machine), so it runs as SHARDS tests that xdist's workers share.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import time
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import String, select
from wtforms import DateField, FileField, HiddenField, IntegerField, PasswordField, StringField

from capintra.extensions import db
from capintra.web.forms import MoneyField
from tests import factories
from tests.conftest import Browser, csrf_token_from, login
from tests.forms import (
    COMPANIONS,
    changed_tables,
    field_errors,
    fields_of,
    form_classes,
    form_posting_to,
    forms_on,
    role_for,
    routes_posting,
    row_counts,
)
from tests.routes import all_routes, url_for_route

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("CAPINTRA_TEST_DATABASE_URL")),
    reason="hostile input: once per CI run, on the SQLite pass",
)

# --- the corpus ---------------------------------------------------------------------------

#: Markup a template would run if it wrote the value unescaped; each with what would show,
#: raw, in the HTML (an escaped value never holds a raw `<` or quote of its own).
MARKUP = [
    ("<script>alert(1)</script>", "<script>alert(1)"),
    ('"><img src=x onerror=alert(1)>', "<img src=x onerror=alert(1)>"),
    ("'><svg onload=alert(1)>", "<svg onload=alert(1)>"),
    ('" hx-get="/admin" hx-trigger="load', 'hx-get="/admin"'),
    ("' hx-post='/logout' hx-trigger='load", "hx-post='/logout'"),
    ('<div hx-post="/logout" hx-trigger="load">x</div>', '<div hx-post="/logout"'),
    ('hx-post="/logout"', 'hx-post="/logout"'),
    ("</textarea><script>alert(2)</script>", "</textarea><script>alert(2)"),
    ("<!-- <b>commentaire</b>", "<!-- <b>commentaire"),
    ('javascript:alert(1)//" onmouseover="alert(1)', 'onmouseover="alert(1)'),
    ("<iframe src=//evil.example></iframe>", "<iframe src=//evil.example>"),
    ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>", "<script src=//evil.example/x.js>"),
]
SQL = ["'; DROP TABLE household; --", "' OR 1=1 --", '" OR ""="', "%' AND 1=1 --%_\\"]
FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "@SUM(1)", "-2+3"]
UNICODE = [
    "e\u0301\u0301\u0301 Ame\u0301lie",  # combining marks
    "Z\u0334\u0321\u031b\u0324a\u0335l\u0337g\u0338o\u0336",  # "zalgo"
    "famille \U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",  # zero-width joiner
    "\u200b\u200c\u200d\ufeffinvisible",
    "fin \uffff\ufffe",  # noncharacters
    "demi \ud800 surrogat",  # a lone surrogate: sent as its raw UTF-8 bytes
    "\U0001d573\U0001d58a\U0001d591\U0001d591\U0001d594 \U0001f600",  # astral planes
    "\u202eevil.exe\u202c",  # right-to-left override
    "\u200fمرحبا\u200e بالعالم",  # right-to-left mark, Arabic
    "İstanbul ß ﬁ ǅ",  # case folding traps (the search key)
    "＜script＞alert(1)＜/script＞",  # full-width
    "\u2028ligne\u2029paragraphe\x85",
    "漢字かなカナ한국어 ../../etc/passwd",
]
CONTROL = ["nul\x00byte", "\x1b[31mrouge\x1b[0m\x7f", "tab\tet\r\nretour"]
OTHER = ["%s%s%n %(name)s {0} {{7*7}}", "   "]
LONG = [
    "A" * 100_000,
    "é" * 100_000,  # 200 kB once encoded
    "<script>alert(1)</script>" * 4_000,
    "ligne\n" * 17_000,
]
CORPUS: list[str] = [m for m, _ in MARKUP] + SQL + FORMULAS + UNICODE + CONTROL + OTHER + LONG

#: What must never appear raw in an HTML answer (case-insensitive).
REFLECTED = re.compile("|".join(re.escape(raw) for _, raw in MARKUP), re.IGNORECASE)

#: The test in shards (the form classes shared out), so that xdist's workers share it:
#: whole, it took eight minutes on one worker while the others had finished.
SHARDS = 3
#: Submissions of all the shards together (issue 13: at least 5,000), and of each.
MIN_SUBMISSIONS = 5000
PER_SHARD = -(-MIN_SUBMISSIONS // SHARDS)

#: Every how many rounds the pages showing the values are rendered (the records' pages;
#: the lists and the exports less often). Each round gives
#: each text field another string of the corpus, shifted by its position, so that a
#: rendering shows the fields of a form with different strings.
RENDER_EVERY = 6
#: Who reads the lists: officers see every household detail, the admin every list.
LIST_ROLES = ("officer", "admin")

SUCCESS = (200, 302, 303, 204)
#: A refused form says why: on a field, or above the form.
SHOWN_ERROR = re.compile(r'class="invalid-feedback|class="alert alert-danger')

#: Where a form shows values only its record's page lists (the household's tabs…): the
#: lists and the search are rendered apart, as every role that submitted.
SEARCH = "/households/"


#: A valid text for a field whose format is checked (an identifier, an address…), fresh
#: at each post (it may have to be unique); any other text field gets `Texte<n>`.
VALID_TEXT = {
    "username": lambda n: f"agent{n}",
    "email": lambda n: f"agent{n}@example.org",
    "siret": lambda n: _siret(n),
}
_fresh = itertools.count(1)


def _siret(n: int) -> str:
    """A SIRET that passes the Luhn check."""
    digits = f"{n % 10**13:013d}"
    for last in "0123456789":
        total = 0
        for i, c in enumerate(reversed(digits + last)):
            d = int(c) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return digits + last
    raise AssertionError(n)


# --- which fields ---------------------------------------------------------------------


def text_fields(form_class) -> list[str]:
    """Fields that keep what is typed as text: StringField and its subclasses that do not
    read the text into something else (an amount, a surface), except hidden fields (ids,
    versions) and passwords (hashed, never shown; a valid one changes who may sign in)."""
    return [
        name
        for name in fields_of(form_class, StringField)
        if not issubclass(_field_class(form_class, name), (HiddenField, PasswordField))
        and _field_class(form_class, name).process_formdata is StringField.process_formdata
    ]


def _field_class(form_class, name):
    return getattr(form_class, name).field_class


#: An amount that is the sum of others on its form (an invoice's total with VAT).
SUMS = {"incl_vat_cents": ("excl_vat_cents", "vat_cents")}


def _drawn_values(data, form_class, present: set[str]) -> dict[str, str]:
    """Valid-looking values for the form's dates, numbers and amounts (Hypothesis)."""
    values = {}
    for name in fields_of(form_class, DateField):
        fmt = getattr(form_class, name).kwargs.get("format", "%Y-%m-%d")
        fmt = fmt[0] if isinstance(fmt, (list, tuple)) else fmt
        day = data.draw(st.dates(date(2024, 1, 1), date(2026, 10, 31)), label=name)
        values[name] = day.strftime(fmt)
    for name in fields_of(form_class, IntegerField):
        values[name] = str(data.draw(st.integers(1, 9), label=name))
    cents = {}
    for name in fields_of(form_class, MoneyField):
        cents[name] = data.draw(st.integers(1, 99_99), label=name)
    for name, parts in SUMS.items():
        if name in cents and all(p in cents for p in parts):
            cents[name] = sum(cents[p] for p in parts)
    for name, amount in cents.items():
        values[name] = f"{amount // 100},{amount % 100:02d}"
    return {name: value for name, value in values.items() if name in present}


# --- submissions ----------------------------------------------------------------------


@dataclass
class Target:
    """One POST route of one form class, with what to post to it."""

    form_class: type
    route: object
    browser: Browser
    url: str = ""
    page: str = ""
    form: object = None
    texts: list[str] = field(default_factory=list)
    fixed: dict[str, str] = field(default_factory=dict)  # drawn values that passed
    #: text fields the page leaves invalid, and how to fill them
    fill: dict[str, object] = field(default_factory=dict)
    version: str | None = None
    page_rule: tuple | None = None  # (endpoint, arguments) of the page showing the form
    one_shot: bool = False  # a transition: each post needs a fresh record
    latest: str = ""  # the page a success last led to (the record created or changed)
    accepted: int = 0
    refused: int = 0


@dataclass
class Run:
    submissions: int = 0
    renders: int = 0
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        if len(self.problems) < 200 and text not in self.problems:
            self.problems.append(text)


def _encoded(data) -> bytes:
    """The form as a browser sends it; a lone surrogate goes as its raw (invalid) bytes."""
    return urlencode(list(data.items(multi=True)), encoding="utf-8", errors="surrogatepass")


def _short(value: str) -> str:
    return repr(value if len(value) < 60 else value[:40] + f"…({len(value)} chars)")


def check_html(run: Run, where: str, response) -> None:
    if response.status_code >= 500:
        run.problem(f"{where}: {response.status_code}")
        return
    if response.mimetype != "text/html":
        return
    html = response.get_data(as_text=True)
    if match := REFLECTED.search(html):
        start = max(match.start() - 60, 0)
        run.problem(f"{where}: unescaped {html[start : match.end() + 20]!r}")


#: What a file field receives: a one-page PDF (its title is the text under test).
PDF = b"%PDF-1.4\n%%EOF\n"


def _post(target: Target, data):
    headers = {"X-CSRFToken": target.browser.token or target.browser.refresh_token()}
    files = fields_of(target.form_class, FileField)
    if files:  # multipart: a lone surrogate cannot be encoded there, it becomes U+FFFD
        fields = {
            n: [v.encode("utf-8", "replace").decode("utf-8") for v in data.getlist(n)] for n in data
        }
        for name in files:
            fields[name] = (io.BytesIO(PDF), f"piece-{next(_fresh)}.pdf")
        return target.browser.client.post(target.url, data=fields, headers=headers)
    return target.browser.client.post(
        target.url,
        data=_encoded(data),
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )


def _data(target: Target, **overrides):
    filled = {name: make(next(_fresh)) for name, make in target.fill.items()}
    data = target.form.data(**{**target.fixed, **filled, **overrides})
    if target.version is not None and "version" in target.form.names:
        data.setlist("version", [target.version])
    return data


def _refresh(target: Target, fresh: bool) -> None:
    """The page's form again (its version), for a fresh record if `fresh`."""
    if fresh:
        target.url = url_for_route(target.route)
        _setup(target)
    adapter = target.browser.client.application.url_map.bind("localhost")
    if target.page_rule is None:
        target.page, target.form = form_posting_to(target.browser, target.route, target.url)
        target.page_rule = adapter.match(target.page, method="GET")
    else:  # the page found the first time, for this record
        endpoint, page_args = target.page_rule
        _, args = adapter.match(target.url, method="POST")
        target.page = adapter.build(endpoint, {**page_args, **args})
        html = target.browser.get(target.page).get_data(as_text=True)
        found = [f for f in forms_on(html) if (f.action or target.page) == target.url]
        if not found:
            raise AssertionError(f"{target.route}: {target.page} shows no form to {target.url}")
        target.form = found[0]
    versions = [v for n, v in target.form.pairs if n == "version"]
    target.version = versions[0] if versions and versions[0] else None


def _flag_for_committee(url: str, _user) -> None:
    from capintra.households.models import Household

    db.session.get(Household, int(url.split("/")[2])).committee_flag = True


def _drafted_by(url: str, user) -> None:
    from capintra.orders.models import Order

    db.session.get(Order, int(url.split("/")[2])).drafted_by_id = user.id


def _delegation_for(_url: str, user) -> None:
    from capintra.orders.models import SigningDelegation

    held = select(SigningDelegation.id).where(SigningDelegation.user_id == user.id)
    if db.session.scalar(held) is None:
        db.session.add(
            SigningDelegation(
                user_id=user.id,
                all_operations=True,
                maximum_cents=10**9,
                start_date=date(2020, 1, 1),
            )
        )


#: What a route's form needs of its record beyond what the route's example makes: the
#: committee's list shows the flagged files only; a draft is cancelled by its drafter; a
#: rejection needs a signing delegation.
SETUP = {
    "committee.decision": _flag_for_committee,
    "ordering.cancel": _drafted_by,
    "ordering.reject": _delegation_for,
}


def _setup(target: Target) -> None:
    if target.route.endpoint in SETUP:
        SETUP[target.route.endpoint](target.url, target.browser.user)
        db.session.commit()


def submit(run: Run, target: Target, name: str, value: str, *, retry: bool = True):
    """Post `value` in field `name`, the rest valid; check the answer."""
    if target.one_shot:
        _refresh(target, fresh=True)
    before = row_counts()
    response = _post(target, _data(target, **{name: value}))
    run.submissions += 1
    status = response.status_code
    where = f"{target.route} {name}={_short(value)} → {status}"
    check_html(run, where, response)
    if status in SUCCESS:
        target.accepted += 1
        if target.version is not None and target.version.isdigit():
            target.version = str(int(target.version) + 1)
        location = response.headers.get("Location") or response.headers.get("HX-Redirect")
        if location:
            target.latest = urlsplit(location).path
        return status
    if 400 <= status < 500:
        changed = changed_tables(before, row_counts())
        if target.route.endpoint == "auth.login":
            changed = [t for t in changed if t != "audit_event"]  # a refused sign-in: audited
        if changed:
            run.problem(f"{where}: refused, yet rows changed in {changed}")
    if status in (404, 409) and retry:
        # A version moved on by more than one, or the record left the state the route
        # starts from (an order rejected): the page again, or a fresh record if the form
        # has left it.
        try:
            _refresh(target, fresh=False)
        except AssertionError:
            target.one_shot = True
        return submit(run, target, name, value, retry=False)
    if status in (404, 409):
        target.one_shot = True  # every post of this route gets a record of its own
    if status == 422:
        target.refused += 1
        if not SHOWN_ERROR.search(response.get_data(as_text=True)):
            run.problem(f"{where}: 422 without a message")
    return status


def prepare(run: Run, target: Target, data) -> None:
    """The page's form, its dates, numbers and amounts drawn by Hypothesis; a drawn value
    the form refuses (a date before another) falls back to what the page shows."""
    _refresh(target, fresh=False)
    present = target.form.names
    target.texts = [n for n in text_fields(target.form_class) if n in present]
    drawn = _drawn_values(data, target.form_class, present)
    companions = {
        k: v for name in present for k, v in COMPANIONS.get(name, {}).items() if k in present
    }
    target.fixed = {**drawn, **companions}
    for _attempt in range(len(drawn) + len(target.texts) + 2):
        before = row_counts()
        response = _post(target, _data(target))
        status = response.status_code
        if status in SUCCESS or (status == 422 and target.browser.user.role == "anonymous"):
            # (an unknown name signing in is refused: the only answer a public form gives)
            if target.version is not None and target.version.isdigit():
                target.version = str(int(target.version) + 1)
            return
        html = response.get_data(as_text=True)
        refused = [n for n in target.fixed if field_errors(html, n)]
        texts = [n for n in target.texts if n not in target.fill and field_errors(html, n)]
        if status == 422 and not (refused or texts):  # a message elsewhere: fill the blanks
            sent = _data(target)
            texts = [n for n in target.texts if n not in target.fill and not sent.get(n)]
        assert changed_tables(before, row_counts()) == [] or target.route.endpoint == "auth.login"
        if status == 422 and (refused or texts):
            for name in refused:
                target.fixed.pop(name)
            for name in texts:
                target.fill[name] = VALID_TEXT.get(name, lambda n: f"Texte{n}")
            continue
        if status in (404, 409) and not target.one_shot:
            target.one_shot = True
            _refresh(target, fresh=True)
            continue
        break
    pytest.fail(
        f"{target.route}: the form filled with valid values is refused ({status}): "
        f"{re.findall(r'invalid-feedback[^>]*>([^<]+)<', html)[:5]}; "
        "give its fields valid values (VALID_TEXT here, COMPANIONS in tests/forms.py)",
        pytrace=False,
    )


# --- what shows the values ------------------------------------------------------------


def _list_routes(app) -> list[str]:
    """GET routes without URL variables: lists, dashboards, reports, exports."""
    skip = {"static", "auth.login", "web.healthz"}
    return sorted(
        r.rule
        for r in all_routes(app)
        if r.method == "GET" and not r.variables and r.endpoint not in skip
    )


def check_export(run: Run, where: str, response) -> None:
    """A spreadsheet never receives a cell it would run as a formula."""
    if response.mimetype == "text/csv":
        text = response.get_data(as_text=True).lstrip("\ufeff")
        for row in csv.reader(io.StringIO(text), delimiter=";"):
            for cell in row:
                if cell.startswith(("=", "+", "@")) or (
                    cell.startswith("-") and not re.fullmatch(r"-[\d\s\u202f ]+(,\d+)?( €)?", cell)
                ):
                    run.problem(f"{where}: formula written as is: {_short(cell)}")
    elif response.mimetype.endswith("spreadsheetml.sheet"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(response.get_data()))
        except Exception as error:  # noqa: BLE001 - any way a spreadsheet cannot open it
            run.problem(f"{where}: a workbook no spreadsheet opens ({error})")
            return
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        run.problem(f"{where}: formula cell {cell.coordinate}: {cell.value!r}")


def check_stored(run: Run) -> None:
    """What the posts stored fits its column and holds no NUL: SQLite keeps both, where
    PostgreSQL answers an error (a 500) — so a form must have refused them."""
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                if not isinstance(value, str):
                    continue
                limit = column.type.length
                if limit and len(value) > limit:
                    run.problem(f"{column}: {len(value)} characters stored, {limit} at most")
                if "\x00" in value:
                    run.problem(f"{column}: NUL stored ({_short(value)})")


def render_pages(run: Run, browsers: dict, targets: list[Target], lists: list[str]) -> None:
    """The pages showing what the targets' posts wrote; `lists` as every role."""
    for target in targets:
        for path in {target.page, target.latest} - {""}:
            response = target.browser.get(path)
            run.renders += 1
            check_html(run, f"GET {path} (as {target.browser.user.role})", response)
    for role, browser in browsers.items():
        if role not in LIST_ROLES:
            continue
        for path in lists:
            response = browser.get(path)
            run.renders += 1
            where = f"GET {path} (as {role})"
            check_html(run, where, response)
            check_export(run, where, response)


# --- the test -----------------------------------------------------------------------------


def _shards(app) -> list[list]:
    """The form classes with text fields, in SHARDS shards: shared out by their text
    fields (one per route posting them), the most first, each to the shard with the
    fewest so far, so that the shards take about the same time. In a fixed order: the
    classes' import order differs from one worker to another."""
    with_text = sorted(
        (c for c in form_classes() if text_fields(c)), key=lambda c: (c.__module__, c.__qualname__)
    )
    weight = {c: len(text_fields(c)) * max(1, len(routes_posting(app, c))) for c in with_text}
    shards: list[list] = [[] for _ in range(SHARDS)]
    load = [0] * SHARDS
    for form_class in sorted(with_text, key=lambda c: -weight[c]):  # stable: ties by name
        lightest = load.index(min(load))
        shards[lightest].append(form_class)
        load[lightest] += weight[form_class]
    return shards


@settings(
    max_examples=1,
    phases=[Phase.generate],
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.parametrize("shard", range(SHARDS))
@given(data=st.data())
def test_hostile_strings_in_every_text_field(client, app_ctx, shard, data):
    """Shard `shard` of SHARDS (the form classes shared out by their text fields:
    `_shards`), so that the suite's workers share the longest test; together
    ≥ 5,000 submissions."""
    started = time.monotonic()
    app = app_ctx
    run = Run()
    browsers: dict[str, Browser] = {}

    def browser_for(role):
        if role not in browsers:
            browsers[role] = login(app.test_client(), factories.user(role))
        return browsers[role]

    anonymous = Browser(app.test_client())
    anonymous.user = type("Anonymous", (), {"role": "anonymous"})()

    targets = []
    shards = _shards(app)
    classes = shards[shard]
    shared = [c for classes_of in shards for c in classes_of]  # every class, once
    assert sorted(map(id, shared)) == sorted(id(c) for c in form_classes() if text_fields(c))
    for form_class in classes:
        routes = routes_posting(app, form_class)
        assert routes, f"{form_class.__name__}: no POST route builds it"
        for route in routes:
            role = role_for(route)
            browser = browser_for(role) if role else anonymous
            if role is None:
                browser.token = csrf_token_from(browser.get("/login").get_data(as_text=True))
            target = Target(form_class, route, browser, url=url_for_route(route))
            _setup(target)
            prepare(run, target, data)
            targets.append(target)
    for form_class in classes:
        covered = {n for t in targets if t.form_class is form_class for n in t.texts}
        missing = set(text_fields(form_class)) - covered
        assert not missing, f"{form_class.__name__}: no page shows {sorted(missing)}"

    lists = _list_routes(app)
    for role in LIST_ROLES:
        browser_for(role)
    prepared = time.monotonic()
    # every string in every field at least once, and enough rounds for the shard's share
    # of the submissions (the corpus again, each string in another field)
    fields_here = sum(len(t.texts) for t in targets)
    rounds = max(len(CORPUS), -(-PER_SHARD // max(1, fields_here)))
    for round_ in range(rounds):
        for target in targets:
            for position, name in enumerate(target.texts):
                submit(run, target, name, CORPUS[(round_ + position) % len(CORPUS)])
        halfway = rounds // 2
        if round_ % RENDER_EVERY == 0 or round_ in (halfway, rounds - 1):
            # the lists and exports twice: at the start, and half-way (the audit trail's
            # export grows with every post)
            every = round_ in (0, halfway)
            render_pages(run, browsers, targets, lists if every else [])
            if every:
                check_stored(run)
    check_stored(run)
    for value in CORPUS:  # the search box shows what was searched
        query = urlencode({"q": value}, encoding="utf-8", errors="surrogatepass")
        response = browsers["officer"].get(f"{SEARCH}?{query}")
        run.renders += 1
        check_html(run, f"search {_short(value)}", response)
    took = time.monotonic() - started
    print(
        f"\nhostile input: {len(targets)} routes of {len({t.form_class for t in targets})} "
        f"forms, {sum(len(t.texts) for t in targets)} text fields, {run.submissions} "
        f"submissions, {run.renders} pages rendered, {took:.0f} s "
        f"(setup {prepared - started:.0f} s)"
    )
    for t in targets:
        print(f"  {t.route.endpoint}: {t.accepted} accepted, {t.refused} refused")
    assert not run.problems, "\n".join(run.problems)
    assert run.submissions >= PER_SHARD  # the shards together ≥ MIN_SUBMISSIONS
    for target in targets:
        if target.browser is not anonymous and target.texts:  # (a page may show none)
            assert target.accepted, f"{target.route}: no hostile string accepted, none shown"
