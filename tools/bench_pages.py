"""`make bench`, the whole application: every page at scale, its median time in process
and its SQL statements, and whether any of them grows with the data.

    python tools/bench_pages.py [--households 50000] [--orders 10000] [--runs 10]
                                [--compare 5000] [--output docs/bench-pages.md]

(also run by tools/bench.py, after its own measures, unless `--no-pages`).

Builds a throw-away SQLite database with every feature's demo data at scale
(tools/bench_seed.py), then derives the pages from the app's URL map: every GET route,
its URL variables filled by the features' declared makers (`Feature.route_params`, as
the generated route tests do: a new page is measured with no edit here), requested as
the first role that may see it among officer, manager, admin, assistant. Each answer is
classed by its content type: HTML pages are measured (median of `--runs` requests,
interleaved, and SQL statements per request, counted on the page asked twice in a row:
see `Page.steady`); downloads (CSV, XLSX, PDF, SVG, JSON) are
measured apart, a few times, as figures without a target.

What grows with the data is looked for three ways:

* a list or tab that links to its next page (`rel="next"` to the same address) is also
  measured on its second page and on a deep page (the link followed up to
  `--deep` times, 25: 1,250 rows deep): the deep page within 20 % of the first in time, and the same
  statements as the second (the first may differ by the cursor's lookup);
* a record's pages are measured on the example the makers give (a new record), on
  another with a few rows of each kind and on a third grown large
  (tools/bench_seed.GROWERS: 300 notes with letters and tasks, 300 units, 300 lines,
  300 orders): the same statements with 3 rows as with 300;
* with `--compare N`, the whole measure again on N households (and orders in
  proportion): every page the same statements at both sizes.

Dashboards and reports (the home page, /reports/…, /committee/…) must answer within
50 ms in process. PASS or FAIL is printed per target; exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import logging
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench_seed import GROWERS, GROWTH, SMALL_GROWTH, Seeded, seed_scale
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event

from capintra import create_app
from capintra.auth.demo import DEMO_USERS
from capintra.extensions import db
from capintra.features import EXTENSION_KEY, route_params
from capintra.security import ADMIN, CAPABILITIES, PUBLIC, Role

FULL_HOUSEHOLDS = 50_000
FULL_ORDERS = 10_000
#: The smaller size a full run compares with.
COMPARE_HOUSEHOLDS = 5_000
#: Who may see a page: the first of these holding its capability ("admin": a manager
#: with the admin flag).
ROLES = ("officer", "manager", "admin", "assistant")
DEEP_TOLERANCE = 0.20
SIZE_TOLERANCE = 0.20
DASHBOARD_BUDGET_MS = 50.0
#: Pages that are dashboards or reports (their rule starts so), and the home page.
DASHBOARD_RULES = ("/reports/", "/committee/")
DASHBOARD_ENDPOINTS = ("web.dashboard",)
HTML = "text/html"
_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
_NEXT = re.compile(r'<a\b[^>]*\brel="next"[^>]*>')
_HREF = re.compile(r'\bhref="([^"]+)"')
_FILE = re.compile(r"\.(pdf|csv|xlsx|json|svg)$")
#: WeasyPrint warns, for every PDF, about a media query of Bootstrap it does not read.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


def say(message: str = "") -> None:
    print(message, flush=True)


# --- statements -----------------------------------------------------------------------------


@dataclass
class Counter:
    """Counts the statements the engine runs while `active`."""

    active: bool = False
    count: int = 0

    def install(self, engine) -> None:
        @event.listens_for(engine, "before_cursor_execute")
        def _count(*_args):
            if self.active:
                self.count += 1

    @contextlib.contextmanager
    def counting(self) -> Iterator[Counter]:
        self.count, self.active = 0, True
        try:
            yield self
        finally:
            self.active = False


# --- the pages ------------------------------------------------------------------------------


@dataclass
class Page:
    """One address measured as one role."""

    key: str  # what the comparisons match on: "endpoint" or "endpoint, variant"
    endpoint: str
    rule: str
    role: str
    path: str
    variant: str = ""  # "", "page 2", "page N", "grown: …"
    kind: str = "page"  # "page" or "download"
    status: int | None = None
    content_type: str = ""
    wall_ms: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)
    #: Statements of the page asked again at once (`steady_counts`): what the page costs
    #: itself. Interleaved with other pages, a household file's tab costs three more when
    #: the file was not the session's last opened: its opening is audited (once per file
    #: and 10 minutes, capintra.households.pages.record_opening) and the session kept.
    steady: int | None = None

    @property
    def median_ms(self) -> float:
        return statistics.median(self.wall_ms) if self.wall_ms else float("nan")

    @property
    def statement_count(self) -> int:
        if self.steady is not None:
            return self.steady
        return min(statistics.multimode(self.statements)) if self.statements else -1

    @property
    def label(self) -> str:
        return f"{self.rule}{f' ({self.variant})' if self.variant else ''}"


def holds(role: str, capability: str) -> bool:
    if capability == PUBLIC:
        return True
    roles = {str(Role.MANAGER), ADMIN} if role == "admin" else {role}
    return bool(roles & CAPABILITIES[capability])


def role_for(app: Flask, endpoint: str) -> str | None:
    capability = getattr(app.view_functions[endpoint], "capability", None)
    if capability is None or capability == PUBLIC:
        return None
    return next((role for role in ROLES if holds(role, capability)), None)


def get_routes(app: Flask) -> list[tuple[str, str]]:
    """(rule, endpoint) of every GET route that needs a signed-in role."""
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and role_for(app, rule.endpoint) is not None:
            found.append((rule.rule, rule.endpoint))
    return sorted(found)


@dataclass(frozen=True)
class _Route:
    """What the makers read (tests/routes.Route's shape)."""

    rule: str
    endpoint: str
    method: str = "GET"


def fill(rule: str, values: dict[str, object]) -> str:
    for name in _VARIABLE.findall(rule):
        rule = re.sub(rf"<(?:[^:<>]+:)?{re.escape(name)}>", str(values[name]), rule, count=1)
    return rule


def example_values(app: Flask, rule: str, endpoint: str) -> dict[str, object]:
    """The route's URL variables from the features' makers (a new row each, committed)."""
    import inspect

    makers = route_params(app.extensions[EXTENSION_KEY])
    route = _Route(rule, endpoint)

    class Values(dict):
        def __missing__(self, name):
            self[name] = make(name)
            return self[name]

    values = Values()

    def make(name):
        maker = makers[name]
        arity = len(inspect.signature(maker).parameters)
        return maker(values, route) if arity >= 2 else maker(values) if arity == 1 else maker()

    for name in _VARIABLE.findall(rule):
        if name not in values:
            values[name] = make(name)
    db.session.commit()
    return dict(values)


def plan_pages(app: Flask) -> list[Page]:
    """Every GET route once on its example; a record's pages once more on another
    example made large (`bench_seed.GROWERS`: hundreds of notes, units, lines, orders)."""
    pages = []
    with app.app_context():
        for rule, endpoint in get_routes(app):
            role = role_for(app, endpoint)
            try:
                values = example_values(app, rule, endpoint)
            except Exception as error:  # a maker that cannot run here: said, not hidden
                db.session.rollback()
                say(f"      {rule}: pas d’exemple ({type(error).__name__}: {error})")
                continue
            pages.append(Page(endpoint, endpoint, rule, role, fill(rule, values)))
            variables = _VARIABLE.findall(rule)
            # A file (PDF, spreadsheet…) holds all of its record by nature: measured on the
            # example only (the right-of-access PDF of a file with 300 notes takes minutes).
            if len(variables) == 1 and variables[0] in GROWERS and not _FILE.search(rule):
                for label, rows in (("few", SMALL_GROWTH), ("grown", GROWTH)):
                    values = example_values(app, rule, endpoint)
                    what = GROWERS[variables[0]](values[variables[0]], rows)
                    db.session.commit()
                    pages.append(
                        Page(f"{endpoint}, {label}", endpoint, rule, role, fill(rule, values),
                             f"{label}: {what}")
                    )  # fmt: skip
        db.session.remove()
    return pages


# --- measuring ------------------------------------------------------------------------------


def login(app: Flask, username: str, password: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token.group(1)}
    )
    if response.status_code != 302:
        raise SystemExit(f"login as {username} failed ({response.status_code})")
    return client


class Clients:
    """A signed-in test client per role; signs in again when a session has expired (a
    role's pages may wait many minutes for their turn at 50,000 households)."""

    def __init__(self, app: Flask, passwords: dict[str, str]):
        self.app, self.accounts, self.clients = app, {}, {}
        for label, username, *_ in DEMO_USERS:
            self.accounts[label] = (username, passwords[username])
            self.clients[label] = login(app, username, passwords[username])

    def get(self, role: str, path: str):
        response = self.clients[role].get(path)
        if response.status_code == 302 and "/login" in response.headers.get("Location", ""):
            self.clients[role] = login(self.app, *self.accounts[role])
            response = self.clients[role].get(path)
        return response


def next_link(path: str, body: str) -> str | None:
    """The page's link to its own next page (`rel="next"` to the same address)."""
    base = urllib.parse.urlsplit(path).path
    for tag in _NEXT.findall(body):
        href = _HREF.search(tag)
        if href:
            url = html.unescape(href.group(1))
            if urllib.parse.urlsplit(url).path == base:
                return url
    return None


def probe(clients: Clients, counter: Counter, pages: list[Page], deep: int) -> list[Page]:
    """One request per page: its status and type; lists get their page 2 and a deep page
    (the next link followed up to `deep` times)."""
    extra = []
    for number, page in enumerate(pages, 1):
        if number % 25 == 0:
            say(f"        {number} / {len(pages)} adresses essayées")
        with counter.counting():
            started = time.perf_counter()
            response = clients.get(page.role, page.path)
            elapsed = time.perf_counter() - started
        page.status = response.status_code
        page.content_type = response.content_type or ""
        if page.status != 200:
            continue
        if not page.content_type.startswith(HTML) or response.headers.get(
            "Content-Disposition", ""
        ).startswith("attachment"):
            page.kind = "download"  # timed once, here (a report's XLSX takes seconds)
            page.wall_ms.append(elapsed * 1000)
            page.statements.append(counter.count)
            continue
        url = next_link(page.path, response.get_data(as_text=True))
        if url is None:
            continue
        second = Page(f"{page.key}, page 2", page.endpoint, page.rule, page.role, url, "page 2")
        extra.append(second)
        hops = 1
        while hops < deep:
            body = clients.get(page.role, url).get_data(as_text=True)
            following = next_link(page.path, body)
            if following is None:
                break
            url, hops = following, hops + 1
        if hops > 1:
            extra.append(
                Page(f"{page.key}, deep", page.endpoint, page.rule, page.role, url,
                     f"page {hops + 1}")
            )  # fmt: skip
    for page in extra:
        page.status, page.content_type = 200, HTML
    return pages + extra


#: A page slower than this in total stops being requested after 3 samples (a report
#: taking seconds would otherwise take minutes).
PAGE_BUDGET_S = 3.0


def measure(
    clients: Clients, counter: Counter, pages: list[Page], runs: int, warm: bool = True
) -> None:
    """`runs` rounds of one request per page, interleaved (a busy machine slows them all
    alike), after a warming request each; a slow page stops at 3 (`PAGE_BUDGET_S`)."""
    for page in pages if warm else ():
        clients.get(page.role, page.path)
    for run in range(runs):
        say(f"        tour {run + 1} / {runs}")
        for page in pages:
            if len(page.wall_ms) >= 3 and sum(page.wall_ms) > PAGE_BUDGET_S * 1000:
                continue
            with counter.counting():
                started = time.perf_counter()
                response = clients.get(page.role, page.path)
                elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise SystemExit(f"{page.path} answered {response.status_code}: stopped")
            page.wall_ms.append(elapsed * 1000)
            page.statements.append(counter.count)


def steady_counts(clients: Clients, counter: Counter, pages: list[Page]) -> None:
    """Each page's statements when asked twice in a row (the second request counted)."""
    for page in pages:
        clients.get(page.role, page.path)
        with counter.counting():
            clients.get(page.role, page.path)
        page.steady = counter.count


# --- one size -------------------------------------------------------------------------------


@dataclass
class Size:
    households: int
    orders: int
    seeded: Seeded | None = None
    pages: list[Page] = field(default_factory=list)
    failed_to_plan: list[str] = field(default_factory=list)
    measure_seconds: float = 0.0
    load: tuple[float, float] = (0.0, 0.0)


def run_size(households: int, orders: int, runs: int, deep: int) -> Size:
    size = Size(households, orders)
    workdir = Path(tempfile.mkdtemp(prefix="capintra-bench-pages-"))
    try:
        database = workdir / "bench.db"
        instance = workdir / "instance"
        os.environ.update(
            {
                "CAPINTRA_DATABASE_URL": f"sqlite:///{database}",
                "CAPINTRA_DEMO": "1",
                "CAPINTRA_INSTANCE_PATH": str(instance),
                "CAPINTRA_UPLOAD_DIR": str(instance / "uploads"),
            }
        )
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                "DEMO": True,
                "UPLOAD_DIR": str(instance / "uploads"),
            }
        )
        say(f"[pages] {households:,} ménages, {orders:,} bons — base jetable {database}")
        with app.app_context():
            upgrade()
            size.seeded = seed_scale(households, orders, echo=lambda m: say(f"      {m.strip()}"))
            db.session.remove()
        say(f"      données : {size.seeded.seconds:.1f} s")
        counter = Counter()
        with app.app_context():
            counter.install(db.engine)
        clients = Clients(app, size.seeded.passwords)
        started = time.perf_counter()
        size.load = (os.getloadavg()[0], 0.0)
        say("      pages de l’application (URL map)…")
        planned = plan_pages(app)
        pages = probe(clients, counter, planned, deep)
        measured = [p for p in pages if p.status == 200 and p.kind == "page"]
        downloads = [p for p in pages if p.status == 200 and p.kind == "download"]
        say(
            f"      {len(measured)} pages, {len(downloads)} téléchargements, "
            f"{sum(p.status != 200 for p in pages)} autres réponses ; {runs} requêtes chacune…"
        )
        measure(clients, counter, measured, runs)
        steady_counts(clients, counter, measured)
        size.pages = pages
        size.measure_seconds = time.perf_counter() - started
        size.load = (size.load[0], os.getloadavg()[0])
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        return size
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# --- targets --------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    passed: bool
    detail: str


def is_dashboard(page: Page) -> bool:
    return page.endpoint in DASHBOARD_ENDPOINTS or page.rule.startswith(DASHBOARD_RULES)


def checks(size: Size, smaller: Size | None) -> list[Check]:
    result = []
    by_key = {p.key: p for p in size.pages if p.status == 200}
    for page in by_key.values():
        if page.kind == "page" and is_dashboard(page) and not page.variant:
            result.append(
                Check(
                    f"dashboard or report ≤ {DASHBOARD_BUDGET_MS:g} ms: {page.label}",
                    page.median_ms <= DASHBOARD_BUDGET_MS,
                    f"{page.median_ms:.1f} ms",
                )
            )
    for key, deep in by_key.items():
        if not key.endswith(", deep"):
            continue
        first, second = by_key[key[: -len(", deep")]], by_key[key[: -len(", deep")] + ", page 2"]
        ratio = deep.median_ms / first.median_ms - 1
        result.append(
            Check(
                f"deep page within 20 % of the first: {first.rule} ({deep.variant})",
                ratio <= DEEP_TOLERANCE,
                f"{deep.median_ms:.1f} ms vs {first.median_ms:.1f} ms ({ratio:+.0%})",
            )
        )
        result.append(
            Check(
                f"deep page, same statements as page 2: {first.rule}",
                deep.statement_count == second.statement_count,
                f"{deep.statement_count} vs {second.statement_count}",
            )
        )
    for key, large in by_key.items():
        if not key.endswith(", grown") or large.kind != "page":
            continue
        small = by_key.get(key[: -len(", grown")] + ", few")
        if small is None:
            continue
        result.append(
            Check(
                f"record grown, same statements: {large.rule}",
                large.statement_count == small.statement_count,
                f"{large.statement_count} ({large.variant}) vs {small.statement_count} "
                f"({small.variant})",
            )
        )
    if smaller is not None:
        before = {p.key: p for p in smaller.pages if p.status == 200 and p.kind == "page"}
        grew = []
        for key, page in by_key.items():
            same = key in before and page.statement_count == before[key].statement_count
            if page.kind == "page" and key in before and not same:
                grew.append(f"{page.label}: {before[key].statement_count} → {page.statement_count}")
        result.append(
            Check(
                f"same statements at {smaller.households:,} and {size.households:,} "
                "households, every page",
                not grew,
                "; ".join(grew) or f"{len(before)} pages compared",
            )
        )
    return result


# --- report ---------------------------------------------------------------------------------


def table(headers: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |"]
    out.append("|" + "|".join("---" if i < 3 else "--:" for i in range(len(headers))) + "|")
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def report(size: Size, smaller: Size | None, results: list[Check], runs: int) -> list[str]:
    seeded = size.seeded
    counts = ", ".join(f"{v:,} {k}" for k, v in seeded.counts.items())
    earlier = {p.key: p for p in smaller.pages} if smaller else {}
    measured = [p for p in size.pages if p.status == 200]
    rows = []
    for page in sorted(measured, key=lambda p: (p.kind, p.rule, p.key)):
        row = [
            f"`{page.rule}`" + (f" {page.variant}" if page.variant else ""),
            page.role,
            page.kind,
            f"{page.median_ms:.1f}",
            str(page.statement_count),
        ]
        if smaller is not None:
            before = earlier.get(page.key)
            row += [
                f"{before.median_ms:.1f}" if before and before.wall_ms else "–",
                str(before.statement_count) if before and before.wall_ms else "–",
            ]
        rows.append(row)
    headers = ["page", "as", "kind", "median ms", "SQL"]
    if smaller is not None:
        headers += [f"ms at {smaller.households:,}", f"SQL at {smaller.households:,}"]
    others = [p for p in size.pages if p.status != 200]
    lines = [
        f"Whole application ({len(measured)} measures), {size.households:,} households and "
        f"{size.orders:,} bulk orders: {counts}. Seeding (every feature's demo data, then "
        f"the orders): **{seeded.seconds:.0f} s**; measures {size.measure_seconds:.0f} s. "
        f"Load average (1 min) at the start and end: {size.load[0]:.1f} and "
        f"{size.load[1]:.1f}.",
        "",
        f"In process (Flask test client), median of {runs} interleaved requests per page "
        "(downloads: once), SQL statements per request (the page asked twice in a "
        "row, the second counted, session and user included: interleaved with other "
        "pages, a household file's tab costs 3 more when another file was opened "
        "since, as its opening is audited once per file and 10 minutes). "
        "Pages from the URL map, their variables from the features' example makers "
        "(a new record); *few*, *grown*: the same page on another example given 3 rows "
        "of each kind, and 300; *page 2*, *page N*: the list's own next link followed.",
        "",
        *table(headers, rows),
        "",
    ]
    if others:
        lines += [
            "Not measured (the example's answer was not a page): "
            + ", ".join(f"`{p.path}` as {p.role} ({p.status})" for p in others),
            "",
        ]
    lines += [
        "Targets:",
        "",
        *(f"- {'PASS' if c.passed else 'FAIL'} — {c.name}: {c.detail}" for c in results),
    ]
    return lines


# --- main -----------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    parser.add_argument(f"--{prefix}runs", type=int, default=10, help="requests per page (10)")
    parser.add_argument(
        f"--{prefix}deep", type=int, default=25, help="next links followed at most (25)"
    )
    parser.add_argument(f"--{prefix}orders", type=int, default=None, help="bulk orders")
    parser.add_argument(
        f"--{prefix}compare",
        type=int,
        default=None,
        help="measure again at this many households and compare the statements",
    )


def run(
    households: int,
    orders: int | None,
    runs: int,
    deep: int,
    compare: int | None,
    say_line: Callable[[str], None] = say,
) -> tuple[list[str], list[Check]]:
    if orders is None:
        orders = max(100, households * FULL_ORDERS // FULL_HOUSEHOLDS)
    smaller = None
    if compare:
        smaller = run_size(compare, max(100, orders * compare // households), runs, deep)
    size = run_size(households, orders, runs, deep)
    results = checks(size, smaller)
    lines = report(size, smaller, results, runs)
    return lines, results


def write(path: Path, lines: list[str]) -> None:
    title = "# Benchmark figures: the whole application (`tools/bench_pages.py`)"
    path.write_text(f"{title}\n\n" + "\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/bench_pages.py", description=__doc__)
    parser.add_argument("--households", type=int, default=FULL_HOUSEHOLDS)
    parser.add_argument("--output", type=Path)
    add_arguments(parser)
    args = parser.parse_args(argv)
    lines, results = run(args.households, args.orders, args.runs, args.deep, args.compare)
    say()
    for line in lines:
        say(line)
    if args.output:
        write(args.output, lines)
    failed = [c for c in results if not c.passed]
    say(f"{len(failed)} objectif(s) manqué(s)." if failed else "Tous les objectifs sont atteints.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
