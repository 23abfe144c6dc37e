"""`make bench`: the household list, search and file page on 50,000 households; the
buildings' list and a building's page on the buildings they live in.

    python tools/bench.py [--households 50000] [--runs 50] [--duration 10]

Builds a throw-away SQLite database in a temporary folder (migrations, demo accounts,
`seed_households`), then measures, logged in as the demo officer:

* in process, with Flask's test client: the list's first page, a page 200 pages deep
  (through `after=`), a common-name and a rare-name search, and a household's file —
  median and 90th-percentile time per request, SQL statements per request, and the
  database time of those statements (each statement replayed with its parameters and
  its rows fetched, median of several runs);
* under gunicorn (2 workers) with wrk on 127.0.0.1: requests per second on the list and
  on a search, with the session cookie of an HTTP login.

Checks the targets of the household-files issue (≤ 8 SQL statements per page whatever
the rows, the deep page within 20 % of the first, a search ≤ 5 ms and any page ≤ 10 ms
of database time),
prints PASS or FAIL for each, writes the figures to docs/bench.md (for a full run, or
wherever --output says) and exits 1 when a target is missed. A benchmark, not a test.

Then imports a generated 10,000-row occupancy spreadsheet through the routes (upload,
preview, commit: tools/bench_import.py) and reports each stage's time — a figure, not a
target (`--import-rows 0` skips it).

Last, the whole application (tools/bench_pages.py, `--no-pages` skips it): every page of
the URL map at scale, first and deep pages, small and grown records, dashboards and
reports against 50 ms; a full run compares the statements with a 5,000-household run.

It lives outside the `capintra` package: the application never imports it, and it is not
installed with it.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import bench_pages
import bench_profile
from bench_import import ROWS as IMPORT_ROWS
from bench_import import measure_import
from bench_import import report_lines as import_report_lines
from flask_migrate import upgrade
from sqlalchemy import event, func, select

from capintra import ROOT, create_app
from capintra.admin.demo import example_operation, seed_operations
from capintra.admin.models import Operation
from capintra.auth.demo import DEMO_USERS, seed_accounts
from capintra.buildings import demo as buildings_demo
from capintra.buildings.models import Building, Unit
from capintra.demo import DemoContext, refresh_statistics
from capintra.extensions import db
from capintra.households.demo import RARE_SURNAMES, seed_households
from capintra.households.models import Household, Member, Note, Relation
from capintra.households.search import matching_household_ids
from capintra.security import Role
from capintra.text import normalise

FULL_RUN = 50_000
DEEP_PAGES = 200
#: Below this, the buildings list fits on one page: its deep page cannot be measured.
MIN_HOUSEHOLDS = 1_000
MAX_STATEMENTS = 8
DEEP_PAGE_TOLERANCE = 0.20
SEARCH_DB_BUDGET_MS = 5.0
#: Database time of any page (the statements of one request, replayed): a file's summary
#: once took 126 ms here when a subquery walked every open task.
PAGE_DB_BUDGET_MS = 10.0
COOKIE = "capintra_session"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def say(message: str = "") -> None:
    print(message, flush=True)


# --- counting and timing SQL ----------------------------------------------------------------


@dataclass
class Statement:
    sql: str
    parameters: object
    executemany: bool


@dataclass
class Recorder:
    """Every statement the engine runs while `active`, with its parameters."""

    active: bool = False
    statements: list[Statement] = field(default_factory=list)
    #: statements of the last request made through `recorded`
    last_count: int = 0

    def install(self, engine) -> None:
        @event.listens_for(engine, "before_cursor_execute")
        def _record(conn, cursor, statement, parameters, context, executemany):
            if self.active:
                self.statements.append(Statement(statement, parameters, executemany))

    @contextlib.contextmanager
    def recording(self) -> Iterator[list[Statement]]:
        self.statements = []
        self.active = True
        try:
            yield self.statements
        finally:
            self.active = False


def recorded(recorder: Recorder, get):
    """`get(path)` that counts the request's statements (recorder.last_count)."""

    def run(path: str):
        with recorder.recording() as statements:
            response = get(path)
        recorder.last_count = len(statements)
        return response

    return run


def is_read(statement: Statement) -> bool:
    return statement.sql.lstrip().upper().startswith(("SELECT", "WITH"))


def is_search(statement: Statement) -> bool:
    return "household_search_term" in statement.sql


def replay(
    connection: sqlite3.Connection, statements: list[Statement], passes: int
) -> tuple[float, float | None]:
    """Database time of a request's reads, and of those among them that use the search
    key: each statement executed again with its parameters and all its rows fetched, on a
    plain sqlite3 connection, `passes` times; medians in ms.

    Timed as the CPU time of this thread (SQLite runs in it): other processes on the
    machine do not inflate the figure. Writes (an opened file's audit event, the
    session's last-seen time) are left out: replaying them would change the data.
    """
    reads = [s for s in statements if is_read(s)]
    totals, searches = [], []
    for _ in range(passes):
        total = search = 0.0
        for statement in reads:
            started = time.thread_time()
            connection.execute(statement.sql, statement.parameters or ()).fetchall()
            spent = time.thread_time() - started
            total += spent
            if is_search(statement):
                search += spent
        totals.append(total * 1000)
        searches.append(search * 1000)
    if not reads:
        return 0.0, None
    searching = any(is_search(s) for s in reads)
    return statistics.median(totals), statistics.median(searches) if searching else None


def query_plan(connection: sqlite3.Connection, statement: Statement) -> list[str]:
    """EXPLAIN QUERY PLAN of a statement, one line per step."""
    rows = connection.execute(f"EXPLAIN QUERY PLAN {statement.sql}", statement.parameters or ())
    return [detail for _id, _parent, _unused, detail in rows]


# --- in-process measurements ----------------------------------------------------------------


@dataclass
class Scenario:
    key: str
    label: str
    path: str
    note: str = ""
    wall_ms: list[float] = field(default_factory=list)
    statement_counts: set[int] = field(default_factory=set)
    statements: list[Statement] = field(default_factory=list)
    db_ms: float = 0.0
    search_db_ms: float | None = None
    search_plan: list[str] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.wall_ms)

    @property
    def p90_ms(self) -> float:
        return percentile(self.wall_ms, 0.9)

    @property
    def statement_count(self) -> int:
        return max(self.statement_counts)


@dataclass
class Throughput:
    label: str
    path: str
    requests_per_s: float | None = None
    latency: str = ""
    errors: str = ""


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure(client, recorder: Recorder, scenarios: list[Scenario], runs: int) -> None:
    """`runs` rounds of one request per scenario, interleaved so that every scenario
    sees the same conditions: a busy machine slows them all alike, and the comparison of
    the first and the deep page stays fair."""
    for scenario in scenarios:
        for _ in range(3):  # warm the caches (SQLite pages, templates, compiled SQL)
            client.get(scenario.path)
    for _ in range(runs):
        for scenario in scenarios:
            with recorder.recording() as statements:
                started = time.perf_counter()
                response = client.get(scenario.path)
                elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise SystemExit(f"{scenario.path} answered {response.status_code}: stopped")
            scenario.wall_ms.append(elapsed * 1000)
            scenario.statement_counts.add(len(statements))
            scenario.statements = list(statements)


def login_in_process(client, username: str, password: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": _csrf(page)}
    )
    if response.status_code != 302:
        raise SystemExit(f"login as {username} failed ({response.status_code})")


def _csrf(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise SystemExit("no CSRF token on the login page")
    return match.group(1) or match.group(2)


# --- choosing what to ask -------------------------------------------------------------------


def deep_page_anchor(page_size: int, pages: int) -> tuple[int, int]:
    """The `after=` id that opens page `pages + 1` of the list in its default order
    (sort_name, id), read from the database directly rather than by walking 200 pages;
    fewer pages when the data is small. Returns (anchor id, page number)."""
    total = db.session.scalar(
        select(func.count()).select_from(Household).where(Household.deleted_at.is_(None))
    )
    pages = max(1, min(pages, (total - 1) // page_size))
    anchor = db.session.scalar(
        select(Household.id)
        .where(Household.deleted_at.is_(None))
        .order_by(Household.sort_name, Household.id)
        .offset(pages * page_size - 1)
        .limit(1)
    )
    return anchor, pages + 1


def matches(word: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(matching_household_ids(word).distinct().subquery())
    )


def common_name() -> tuple[str, int]:
    """`martin` (France's most frequent surname, and a prefix of Martinez, Martineau…), or
    the most frequent surname among household heads if that finds more files."""
    name = db.session.scalar(
        select(Member.last_name)
        .join(Household, Household.id == Member.household_id)
        .where(Member.relation == Relation.CHEF)
        .group_by(Member.last_name)
        .order_by(func.count().desc(), Member.last_name)
        .limit(1)
    )
    candidates = [(matches(word), word) for word in {"martin", normalise(name).split()[0]}]
    count, word = max(candidates)
    return word, count


def rare_name() -> tuple[str, int]:
    """A surname that occurs in one household only (no other term starts with it)."""
    candidates = [normalise(n) for n in RARE_SURNAMES]
    counted = (
        select(Member.last_name)
        .group_by(Member.last_name)
        .having(func.count(func.distinct(Member.household_id)) == 1)
        .order_by(Member.last_name)
        .limit(200)
    )
    candidates += [normalise(n) for n in db.session.scalars(counted)]
    for word in candidates:
        if word and " " not in word and matches(word) == 1:
            return word, 1
    raise SystemExit(
        "Aucun nom de famille n’apparaît une seule fois : la recherche d’un nom rare ne peut "
        "pas être mesurée. Relancez avec plus de ménages (--households)."
    )


def buildings_to_measure(page_size: int) -> tuple[int, int, int]:
    """The buildings list's cursor for a page deep in the list (its last page at most),
    and the building with the most units (the largest grid)."""
    order = (Operation.name, Building.address_key, Building.id)
    ids = list(
        db.session.scalars(
            select(Building.id)
            .join(Operation, Operation.id == Building.operation_id)
            .where(Building.deleted_at.is_(None))
            .order_by(*order)
        )
    )
    pages = max(1, min(DEEP_PAGES // 4, (len(ids) - 1) // page_size))
    biggest = db.session.scalar(
        select(Unit.building_id)
        .group_by(Unit.building_id)
        .order_by(func.count(Unit.id).desc(), Unit.building_id)
        .limit(1)
    )
    return ids[pages * page_size - 1], biggest, pages + 1


def busiest_file() -> int:
    """The household with the longest journal: a file page at its heaviest."""
    return db.session.scalar(
        select(Note.household_id)
        .group_by(Note.household_id)
        .order_by(func.count().desc(), Note.household_id)
        .limit(1)
    )


# --- gunicorn and wrk -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """gunicorn -c gunicorn.conf.py wsgi:app on a free loopback port, 2 workers."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    executable = Path(sys.executable).with_name("gunicorn")
    command = [str(executable), "-c", "gunicorn.conf.py", "wsgi:app"]
    server_env = {
        **env,
        "CAPINTRA_BIND": f"127.0.0.1:{port}",
        "CAPINTRA_WORKERS": "2",
        "CAPINTRA_LOG_LEVEL": "warning",
    }
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            command, cwd=ROOT, env=server_env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            _wait_until_up(base, process)
            yield base
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(base: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start (code {process.returncode})")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz within 30 s")


def http_login(base: str, username: str, password: str) -> str:
    """Log in through HTTP as a browser would; returns the session cookie's value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/login", timeout=10) as response:
        token = _csrf(response.read().decode())
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrf_token": token}
    ).encode()
    with opener.open(f"{base}/login", data=form, timeout=30) as response:
        if response.status != 200 or urllib.parse.urlsplit(response.url).path == "/login":
            raise SystemExit("HTTP login failed")
    for cookie in jar:
        if cookie.name == COOKIE:
            return cookie.value
    raise SystemExit("no session cookie after the HTTP login")


def wrk(base: str, cookie: str, target: Throughput, duration: int, connections: int):
    """wrk on 127.0.0.1 for `duration` seconds: a bounded local load, nothing else."""
    if not base.startswith("http://127.0.0.1:"):
        raise SystemExit("wrk is only ever pointed at 127.0.0.1")
    command = [
        "wrk",
        "--threads", "1",
        "--connections", str(connections),
        "--duration", f"{duration}s",
        "--timeout", "10s",
        "--latency",
        "--header", f"Cookie: {COOKIE}={cookie}",
        f"{base}{target.path}",
    ]  # fmt: skip
    result = subprocess.run(  # noqa: S603 - wrk with fixed arguments on loopback
        command, capture_output=True, text=True, timeout=duration + 60, check=False
    )
    output = result.stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    target.requests_per_s = float(rate.group(1)) if rate else None
    # the latency distribution's lines ("     50%   22.30ms"), not a thread statistic's
    # standard deviation share ending in 50% ("87.50%")
    median = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p90 = re.search(r"^\s+90%\s+(\S+)", output, re.MULTILINE)
    target.latency = f"{median.group(1) if median else '?'} / {p90.group(1) if p90 else '?'}"
    failures = []
    if bad := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        failures.append(f"{bad.group(1)} non-2xx/3xx")
    if bad := re.search(r"Socket errors: (.*)", output):
        failures.append(f"socket errors: {bad.group(1)}")
    if result.returncode != 0 or rate is None:
        failures.append(f"wrk failed: {result.stderr.strip()[:200]}")
    target.errors = "; ".join(failures)


# --- report ---------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    passed: bool
    detail: str


def checks(scenarios: dict[str, Scenario]) -> list[Check]:
    result = []
    for scenario in scenarios.values():
        result.append(
            Check(
                f"≤ {MAX_STATEMENTS} SQL statements: {scenario.label}",
                scenario.statement_count <= MAX_STATEMENTS,
                f"{scenario.statement_count} statements",
            )
        )
    first, deep = scenarios["first"], scenarios["deep"]
    ratio = deep.median_ms / first.median_ms - 1
    result.append(
        Check(
            "deep page within 20 % of the first",
            ratio <= DEEP_PAGE_TOLERANCE,
            f"median {deep.median_ms:.2f} ms vs {first.median_ms:.2f} ms ({ratio:+.0%})",
        )
    )
    # The same page (a search) showing 1 row and a full page of rows.
    rows_1, rows_50 = scenarios["rare"], scenarios["common"]
    result.append(
        Check(
            "statements do not grow with the rows shown",
            rows_1.statement_count == rows_50.statement_count,
            f"{rows_1.statement_count} for 1 row ({rows_1.note}), "
            f"{rows_50.statement_count} for a full page ({rows_50.note})",
        )
    )
    for key in ("common", "rare"):
        scenario = scenarios[key]
        search_ms = scenario.search_db_ms if scenario.search_db_ms is not None else float("inf")
        result.append(
            Check(
                f"search ≤ {SEARCH_DB_BUDGET_MS:g} ms of database time: {scenario.label}",
                search_ms <= SEARCH_DB_BUDGET_MS,
                f"{search_ms:.2f} ms (all statements of the request: {scenario.db_ms:.2f} ms)",
            )
        )
    for scenario in scenarios.values():
        result.append(
            Check(
                f"≤ {PAGE_DB_BUDGET_MS:g} ms of database time: {scenario.label}",
                scenario.db_ms <= PAGE_DB_BUDGET_MS,
                f"{scenario.db_ms:.2f} ms",
            )
        )
    return result


def table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    right = [i > 1 for i in range(len(headers))]

    def line(cells):
        return (
            "| "
            + " | ".join(
                c.rjust(w) if right[i] else c.ljust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            )
            + " |"
        )

    separator = "|" + "|".join(
        ("-" * (w + 1) + ":") if right[i] else ("-" * (w + 2)) for i, w in enumerate(widths)
    ) + "|"  # fmt: skip
    return [line(headers), separator, *(line(r) for r in rows)]


def machine() -> str:
    model = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for row in Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                model = row.split(":", 1)[1].strip()
                break
    return (
        f"{model}, {os.cpu_count()} CPU(s); Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}"
    )


def report(
    *,
    households: int,
    seed_seconds: float,
    summary,
    scenarios: dict[str, Scenario],
    throughput: list[Throughput],
    results: list[Check],
    runs: int,
    duration: int,
    connections: int,
    load: tuple[float, float],
) -> list[str]:
    rows = [
        [
            s.label,
            s.note,
            f"{s.median_ms:.2f}",
            f"{s.p90_ms:.2f}",
            str(s.statement_count),
            f"{s.db_ms:.2f}",
            f"{s.search_db_ms:.2f}" if s.search_db_ms is not None else "–",
        ]
        for s in scenarios.values()
    ]
    lines = [
        f"Figures of `make bench` ({datetime.now():%Y-%m-%d %H:%M}), {households:,} households "
        f"({summary.members:,} members, {summary.notes:,} notes, {summary.letters:,} letters, "
        f"{summary.tasks:,} tasks), SQLite, on {machine()}. Load average (1 min) when the "
        f"measures began and ended: {load[0]:.1f} and {load[1]:.1f} — other work on the machine "
        "slows every figure below.",
        "",
        f"Seeding {households:,} households (`seed-demo --households {households}`): "
        f"**{seed_seconds:.1f} s**.",
        "",
        f"In process (Flask test client, logged in as the demo officer), {runs} requests each:",
        "",
        *table(
            ["request", "what", "median ms", "p90 ms", "SQL", "DB ms", "search DB ms"],
            rows,
        ),
        "",
        "*median, p90*: time of the request in process (the scenarios interleaved, so "
        "they share the machine's conditions). *SQL*: statements per request (session, "
        "user, page). *DB ms*: database time of the request's reads, each replayed with its "
        "parameters and its rows fetched (median CPU time of SQLite's work). *search DB ms*: "
        "the same for the statements that use the search key.",
        "",
    ]
    if throughput:
        lines += [
            f"Under gunicorn (2 sync workers), wrk 1 thread, {connections} connections, "
            f"{duration} s on 127.0.0.1 (load generator and server share the machine):",
            "",
            *table(
                ["request", "path", "requests/s", "latency p50 / p90", "errors"],
                [
                    [
                        t.label,
                        f"`{t.path}`",
                        f"{t.requests_per_s:.0f}" if t.requests_per_s is not None else "–",
                        t.latency,
                        t.errors or "none",
                    ]
                    for t in throughput
                ],
            ),
            "",
        ]
    lines += [
        "Targets:",
        "",
        *(f"- {'PASS' if c.passed else 'FAIL'} — {c.name}: {c.detail}" for c in results),
    ]
    for scenario in scenarios.values():
        if scenario.search_plan:
            lines += [
                "",
                f"SQLite's plan for the search statement of *{scenario.label}* "
                f"(`{scenario.path}`):",
                "",
                "```",
                *scenario.search_plan,
                "```",
            ]
    return lines


# --- main -----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python tools/bench.py", description=__doc__)
    parser.add_argument("--households", type=int, default=FULL_RUN, help="default 50000")
    parser.add_argument("--runs", type=int, default=50, help="requests per measure (50)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per URL (10)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (4)")
    parser.add_argument("--no-wrk", action="store_true", help="skip the gunicorn/wrk part")
    parser.add_argument(
        "--output",
        type=Path,
        help="write the figures there (default: docs/bench.md for a full run, else nowhere)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    parser.add_argument(
        "--import-rows", type=int, default=IMPORT_ROWS, help="rows of the import step (0: none)"
    )
    parser.add_argument(
        "--no-pages", action="store_true", help="skip the whole application (bench_pages.py)"
    )
    bench_pages.add_arguments(parser, prefix="pages-")
    args = parser.parse_args(argv)
    if args.households < MIN_HOUSEHOLDS:
        least = f"{MIN_HOUSEHOLDS:,}".replace(",", "\u202f")
        parser.error(
            f"--households : au moins {least} ménages (en dessous, la liste des immeubles "
            "tient sur une page : sa page profonde ne peut pas être mesurée)."
        )
    if args.output is None and args.households == FULL_RUN:
        args.output = ROOT / "docs" / "bench.md"
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="capintra-bench-"))
    try:
        return run(args, workdir)
    finally:
        if args.keep:
            say(f"Base conservée : {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace, workdir: Path) -> int:
    database = workdir / "bench.db"
    instance = workdir / "instance"
    env = {
        **os.environ,
        "CAPINTRA_DATABASE_URL": f"sqlite:///{database}",
        "CAPINTRA_DEMO": "1",
        "CAPINTRA_INSTANCE_PATH": str(instance),
        "CAPINTRA_UPLOAD_DIR": str(instance / "uploads"),
    }
    os.environ.update({k: env[k] for k in env if k.startswith("CAPINTRA_")})
    # capintra.config read the environment when it was imported: say it again explicitly.
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": env["CAPINTRA_DATABASE_URL"],
            "DEMO": True,
            "UPLOAD_DIR": env["CAPINTRA_UPLOAD_DIR"],
        }
    )
    households = f"{args.households:,}".replace(",", "\u202f")
    say(f"capintra bench — {households} ménages, base jetable {database}")

    with app.app_context():
        say("[1/5] Migrations…")
        upgrade()
        passwords: dict[str, str] = {}

        def remember() -> str:
            password = secrets.token_urlsafe(16)
            passwords[DEMO_USERS[len(passwords)][1]] = password
            return password

        seed_accounts(DEMO_USERS, remember)
        seed_operations()
        db.session.commit()
        officer = next(u[1] for u in DEMO_USERS if u[3] is Role.OFFICER)
        say(f"[2/5] Données de démonstration ({households} ménages)…")
        started = time.perf_counter()
        summary = seed_households(args.households, echo=lambda m: say(f"      {m.strip()}"))
        # the buildings the households live in (about one per 8 households)
        buildings_demo.load(
            DemoContext(households=args.households, echo=lambda m: say(f"      {m.strip()}"))
        )
        db.session.commit()
        refresh_statistics()  # as seed-demo does after its bulk load
        seed_seconds = time.perf_counter() - started

        say("[3/5] Choix des requêtes…")
        page_size = app.config["PAGE_SIZE"]
        anchor, page = deep_page_anchor(page_size, DEEP_PAGES)
        common, common_count = common_name()
        rare, _ = rare_name()
        file_id = busiest_file()
        building_anchor, building_id, building_page = buildings_to_measure(page_size)
        # an operation just created, without files yet: its list must not walk all files
        new_operation = example_operation().id
        db.session.commit()
        db.session.remove()

    common_note = f"q={common} ({common_count:,} files)"
    scenarios = {
        "first": Scenario("first", "list, first page", "/households/", f"{page_size} rows"),
        "deep": Scenario(
            "deep", f"list, page {page}", f"/households/?after={anchor}", f"after={anchor}"
        ),
        "common": Scenario(
            "common", "search, common name", f"/households/?q={common}", common_note
        ),
        "rare": Scenario(
            "rare", "search, rare name", f"/households/?q={rare}", f"q={rare} (1 file)"
        ),
        "new_operation": Scenario(
            "new_operation",
            "list, a new operation",
            f"/households/?operation={new_operation}",
            "no file yet",
        ),
        "detail": Scenario("detail", "household file", f"/households/{file_id}", f"id {file_id}"),
        "buildings": Scenario("buildings", "buildings, first page", "/buildings/", "counts"),
        "buildings_deep": Scenario(
            "buildings_deep",
            f"buildings, page {building_page}",
            f"/buildings/?after={building_anchor}",
            f"after={building_anchor}",
        ),
        "building": Scenario(
            "building", "building page (grid)", f"/buildings/{building_id}", f"id {building_id}"
        ),
    }

    load_before = os.getloadavg()[0]
    say(f"[4/5] Mesures en processus ({args.runs} requêtes chacune)…")
    recorder = Recorder()
    with app.app_context():
        recorder.install(db.engine)
    raw = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    # No application context around the requests: each gets its own, with a fresh
    # session, as under a real server (a shared one would hide queries behind its cache).
    client = app.test_client()
    login_in_process(client, officer, passwords[officer])
    measure(client, recorder, list(scenarios.values()), args.runs)
    say("      Vitesse des listes (profil, pages de liste, 1 ligne / 50, liste nue)…")
    anchor_env = bench_profile.build_anchor(workdir)
    admin = next(u[1] for u in DEMO_USERS if u[4])
    admin_client = app.test_client()
    login_in_process(admin_client, admin, passwords[admin])
    speed = bench_profile.measure_in_process(
        recorded(recorder, client.get),
        recorded(recorder, admin_client.get),
        scenarios["rare"].path,
        anchor_env,
        args.runs,
        count=lambda: recorder.last_count,
    )
    for line in speed.profile[:20]:
        say(f"      {line}")
    for scenario in scenarios.values():
        scenario.db_ms, scenario.search_db_ms = replay(raw, scenario.statements, passes=25)
        searching = [st for st in scenario.statements if is_read(st) and is_search(st)]
        if searching:
            scenario.search_plan = query_plan(raw, searching[0])
        say(
            f"      {scenario.label:<22} {scenario.median_ms:7.2f} ms  "
            f"{scenario.statement_count} SQL  DB {scenario.db_ms:.2f} ms"
        )
    raw.close()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()

    throughput: list[Throughput] = []
    if args.no_wrk:
        say("[5/5] gunicorn + wrk : ignoré (--no-wrk)")
    elif shutil.which("wrk") is None:
        say("[5/5] gunicorn + wrk : wrk introuvable (apt-get install wrk) — ignoré")
    else:
        say(f"[5/5] gunicorn (2 workers) + wrk, {args.duration} s par URL…")
        throughput = [
            Throughput("list, first page", "/households/"),
            Throughput("search, common name", f"/households/?q={common}"),
        ]
        with gunicorn(env, workdir / "gunicorn.log") as base:
            cookie = http_login(base, officer, passwords[officer])
            for target in throughput:
                wrk(base, cookie, target, args.duration, args.connections)
                rate = f"{target.requests_per_s:.0f}" if target.requests_per_s else "?"
                say(f"      {target.label:<22} {rate} req/s  {target.errors}")
            say("      liste nue (tools/bench_anchor) et liste des ménages, à tour de rôle…")
            bench_profile.compare_under_gunicorn(
                speed,
                base,
                f"{COOKIE}={cookie}",
                anchor_env,
                workdir / "anchor.log",
                args.duration,
                args.connections,
            )

    load_after = os.getloadavg()[0]
    imported = None
    if args.import_rows > 0:
        say(f"[+] Import d’un tableau de {args.import_rows} lignes (dépôt, aperçu, validation)…")
        assistant = next(u[1] for u in DEMO_USERS if u[3] is Role.ASSISTANT)
        imported = measure_import(app, assistant, passwords[assistant], args.import_rows)
        say(
            f"      dépôt {imported.upload_s:.1f} s, aperçu {imported.preview_s:.1f} s, "
            f"validation {imported.commit_s:.1f} s : {imported.total_s:.1f} s"
        )
    results = checks(scenarios) + [
        Check(name, passed, detail) for name, passed, detail in bench_profile.checks(speed)
    ]
    page_lines: list[str] = []
    page_results: list = []
    if not args.no_pages:
        say("[+] L’application entière (tools/bench_pages.py)…")
        compare = args.pages_compare
        if compare is None and args.households == FULL_RUN:
            compare = bench_pages.COMPARE_HOUSEHOLDS
        page_lines, page_results = bench_pages.run(
            args.households, args.pages_orders, args.pages_runs, args.pages_deep, compare
        )
    lines = report(
        households=args.households,
        seed_seconds=seed_seconds,
        summary=summary,
        scenarios=scenarios,
        throughput=throughput,
        results=results,
        runs=args.runs,
        duration=args.duration,
        connections=args.connections,
        load=(load_before, load_after),
    )
    lines += ["", *bench_profile.report_lines(speed, args.runs, args.duration, args.connections)]
    if imported is not None:
        lines += ["", *import_report_lines(imported)]
    if page_lines:
        lines += ["", "## The whole application", "", *page_lines]
    say()
    for line in lines:
        say(line)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(
            "# Benchmark figures\n\n" + "\n".join(lines) + "\n", encoding="utf-8"
        )
        say(f"\nChiffres écrits dans {args.output}")
        if page_lines:
            bench_pages.write(args.output.with_name("bench-pages.md"), page_lines)
    failed = [c for c in [*results, *page_results] if not c.passed]
    if any(t.errors for t in throughput):
        say("wrk a rencontré des erreurs (voir le tableau).")
    say(
        "Tous les objectifs sont atteints."
        if not failed
        else f"{len(failed)} objectif(s) manqué(s)."
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
