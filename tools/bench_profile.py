"""The speed of a list page (issue 13, item 5), for `make bench` (tools/bench.py).

* **Profile**: the household list's first page (50 rows) under cProfile, its top entries
  by cumulative time among capintra's own functions and templates, and by own time
  overall — where a request's time goes besides the database.
* **List pages in process**: every list page (`LIST_PAGES`) that answers on the bench's
  data, median wall and CPU time of a request (interleaved rounds, logged in as the
  demo officer, then as the admin for the pages only the admin reaches), its SQL
  statements and its table rows; and the same list showing 1 row and 50 rows.
* **The bare list** (`tools/bench_anchor/`: Flask, Flask-SQLAlchemy, one join, 50 rows of
  50,000, no login, no session, no layout): its database is built in the bench's folder;
  it is timed in process as capintra's list is, and under gunicorn with the same
  settings (gunicorn.conf.py, 2 sync workers) and the same wrk load, in the same run,
  the two servers taking turns.

Targets: ≤ 6 ms median in process for a list page of 50 rows; the list of 50 rows ≤ 2×
the list of 1 row. Timings share the machine with whatever else runs: the load average
is printed with them, and the CPU time of the request (time.process_time) beside the
wall time.
"""

from __future__ import annotations

import contextlib
import cProfile
import io
import os
import pstats
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANCHOR = Path(__file__).resolve().parent / "bench_anchor"
LIST_BUDGET_MS = 6.0
#: The budget is for a page of 50 rows: a page the bench's data fills less (its
#: table rows counted) is timed and shown, not judged against it.
FULL_PAGE_ROWS = 50
ROWS_RATIO = 2.0
TOP = 15

#: The list pages: (label, path). A page that does not answer 200 on the bench's data, or
#: that the demo officer may not open (then it is asked as the admin), is said so.
LIST_PAGES = [
    ("households", "/households/"),
    ("buildings", "/buildings/"),
    ("orders", "/orders/"),
    ("contracts", "/contracts/"),
    ("committee", "/committee/"),
    ("notifications", "/notifications/"),
    ("audit trail", "/audit/"),
    ("admin: users", "/admin/users/"),
    ("admin: operations", "/admin/operations/"),
    ("admin: organisations", "/admin/organisations/"),
    ("admin: contracts", "/admin/contracts/"),
    ("admin: delegations", "/admin/delegations/"),
    ("admin: disposal lists", "/admin/disposals/"),
]
_ROW = re.compile(rb"<tr[\s>]")


def say(message: str = "") -> None:
    print(message, flush=True)


@dataclass
class Timing:
    label: str
    path: str
    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    status: int = 0
    rows: int = 0
    statements: int = 0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.wall_ms) if self.wall_ms else float("nan")

    @property
    def cpu_median_ms(self) -> float:
        return statistics.median(self.cpu_ms) if self.cpu_ms else float("nan")


def time_paths(get: Callable[[str], object], timings: list[Timing], runs: int, count=None) -> None:
    """`runs` interleaved rounds of one request per path: wall and CPU time each.
    `count()`: the statements of the last request (the bench's recorder)."""
    for timing in timings:
        for _ in range(3):
            response = get(timing.path)
        timing.status = response.status_code
        timing.rows = max(0, len(_ROW.findall(response.data)) - 1)  # the header row
    live = [t for t in timings if t.status == 200]
    for _ in range(runs):
        for timing in live:
            wall, cpu = time.perf_counter(), time.process_time()
            get(timing.path)
            timing.cpu_ms.append((time.process_time() - cpu) * 1000)
            timing.wall_ms.append((time.perf_counter() - wall) * 1000)
            if count is not None:
                timing.statements = count()


def profile_top(get: Callable[[str], object], path: str, runs: int) -> list[str]:
    """cProfile of `runs` requests: capintra's functions and templates by cumulative
    time, then every function by own time; per request, in ms (profiled, so inflated
    alike: read them as shares)."""
    for _ in range(3):
        get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        get(path)
    profiler.disable()
    stats = pstats.Stats(profiler)
    entries = stats.stats  # type: ignore[attr-defined]
    total = max(v[3] for v in entries.values())  # the outermost call: the request

    def name(key) -> str:
        filename, line, function = key
        for prefix in (str(ROOT) + "/", str(Path(sys.prefix)) + "/"):
            filename = filename.replace(prefix, "")
        filename = re.sub(r".*site-packages/", "", filename)
        return f"{filename}:{line}({function})"

    ours = sorted(
        (
            (cumulative, calls, key)
            for key, (_cc, calls, _tt, cumulative, _callers) in entries.items()
            if key[0].startswith((str(ROOT / "capintra"), str(ROOT / "templates")))
        ),
        reverse=True,
    )
    own = sorted(
        ((tottime, calls, key) for key, (_cc, calls, tottime, _ct, _c) in entries.items()),
        reverse=True,
    )
    lines = [
        f"Profile of `{path}` ({runs} requests, {stats.total_calls / runs:,.0f} function calls "  # type: ignore[attr-defined]
        f"a request): share of the request, ms a request under the profiler, calls a request.",
        "",
        "capintra's functions and templates, by cumulative time:",
        "",
    ]
    seen_templates: set[str] = set()
    shown = 0
    for cumulative, calls, key in ours:
        label = name(key)
        if key[0].endswith(".html"):  # a template's blocks nest: its first entry only
            if key[0] in seen_templates:
                continue
            seen_templates.add(key[0])
        # a template's calls count its output's pieces, not its renderings
        times = "       " if key[0].endswith(".html") else f"{calls / runs:7.0f}×"
        lines.append(
            f"  {cumulative / total:5.1%}  {cumulative / runs * 1000:7.2f} ms  {times}  {label}"
        )
        shown += 1
        if shown >= TOP:
            break
    lines += ["", "Every function, by own time:", ""]
    for tottime, calls, key in own[:TOP]:
        lines.append(
            f"  {tottime / total:5.1%}  {tottime / runs * 1000:7.2f} ms  "
            f"{calls / runs:7.0f}×  {name(key)}"
        )
    return lines


# --- the bare list ---------------------------------------------------------------------------


def build_anchor(workdir: Path) -> dict[str, str]:
    """The bare list's database in `workdir`; returns the environment that points at it."""
    env = {**os.environ, "ANCHOR_DB": str(workdir / "anchor.db")}
    subprocess.run(  # noqa: S603 - our own script
        [sys.executable, "builddb.py"], cwd=ANCHOR, env=env, check=True, capture_output=True
    )
    return env


@contextlib.contextmanager
def anchor_in_process(env: dict[str, str]) -> Iterator[Callable[[str], object]]:
    """The bare list's Flask app in this process (its test client's get)."""
    previous = os.environ.get("ANCHOR_DB")
    os.environ["ANCHOR_DB"] = env["ANCHOR_DB"]
    sys.path.insert(0, str(ANCHOR))
    try:
        for module in ("models", "app_list"):
            sys.modules.pop(module, None)
        import app_list  # noqa: PLC0415 - the anchor's own module, found on its path

        yield app_list.app.test_client().get
    finally:
        sys.path.remove(str(ANCHOR))
        for module in ("models", "app_list"):
            sys.modules.pop(module, None)
        if previous is None:
            os.environ.pop("ANCHOR_DB", None)
        else:
            os.environ["ANCHOR_DB"] = previous


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def anchor_server(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """The bare list under gunicorn with capintra's settings (gunicorn.conf.py: 2 sync
    workers, access log) on a free loopback port."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    executable = Path(sys.executable).with_name("gunicorn")
    command = [str(executable), "-c", str(ROOT / "gunicorn.conf.py"), "app_list:app"]
    server_env = {
        **env,
        "CAPINTRA_BIND": f"127.0.0.1:{port}",
        "CAPINTRA_WORKERS": "2",
        "CAPINTRA_LOG_LEVEL": "warning",
    }
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            command, cwd=ANCHOR, env=server_env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None:
                    raise SystemExit(f"bare list: gunicorn stopped ({process.returncode})")
                try:
                    with urllib.request.urlopen(f"{base}/households", timeout=2):  # noqa: S310
                        break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    if time.monotonic() > deadline:
                        raise SystemExit("bare list: gunicorn did not answer") from None
                    time.sleep(0.2)
            yield base
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@dataclass
class Rate:
    requests_per_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        return statistics.median(self.requests_per_s) if self.requests_per_s else None


def wrk_rate(url: str, duration: int, connections: int, cookie: str | None = None) -> tuple:
    """Requests per second of wrk on a loopback URL, and its errors ("" when none)."""
    if not url.startswith("http://127.0.0.1:"):
        raise SystemExit("wrk is only ever pointed at 127.0.0.1")
    command = ["wrk", "--threads", "1", "--connections", str(connections),
               "--duration", f"{duration}s", "--timeout", "10s"]  # fmt: skip
    if cookie:
        command += ["--header", f"Cookie: {cookie}"]
    result = subprocess.run(  # noqa: S603 - wrk with fixed arguments on loopback
        [*command, url], capture_output=True, text=True, timeout=duration + 60, check=False
    )
    rate = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    errors = []
    if bad := re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout):
        errors.append(f"{bad.group(1)} non-2xx/3xx")
    if bad := re.search(r"Socket errors: (.*)", result.stdout):
        errors.append(f"socket errors: {bad.group(1)}")
    if rate is None:
        errors.append(f"wrk failed: {result.stderr.strip()[:200]}")
    return (float(rate.group(1)) if rate else None), "; ".join(errors)


# --- the whole step --------------------------------------------------------------------------


@dataclass
class ListSpeed:
    profile: list[str] = field(default_factory=list)
    pages: list[Timing] = field(default_factory=list)
    one_row: Timing | None = None
    fifty_rows: Timing | None = None
    anchor: Timing | None = None
    ours: Timing | None = None
    anchor_rate: Rate = field(default_factory=Rate)
    our_rate: Rate = field(default_factory=Rate)
    load: tuple[float, float] = (0.0, 0.0)


def measure_in_process(
    get_officer: Callable[[str], object],
    get_admin: Callable[[str], object],
    one_row_path: str,
    anchor_env: dict[str, str],
    runs: int,
    count=None,
) -> ListSpeed:
    """The profile, the list pages, 1 row against 50, and the bare list, in process."""
    speed = ListSpeed()
    speed.load = (os.getloadavg()[0], 0.0)
    speed.profile = profile_top(get_officer, "/households/", runs=max(10, runs // 2))
    speed.one_row = Timing("households, 1 row", one_row_path)
    speed.fifty_rows = Timing("households, 50 rows", "/households/")
    time_paths(get_officer, [speed.fifty_rows, speed.one_row], runs, count)
    officer_pages = [Timing(label, path) for label, path in LIST_PAGES]
    time_paths(get_officer, officer_pages, 0)
    refused = [t for t in officer_pages if t.status in (403, 404)]
    admin_pages = [Timing(f"{t.label} (admin)", t.path) for t in refused]
    time_paths(get_admin, admin_pages, 0)
    speed.pages = [t for t in officer_pages if t not in refused] + admin_pages
    # the rounds themselves, interleaved: officer's pages, then the admin's
    time_paths(get_officer, [t for t in speed.pages if t not in admin_pages], runs, count)
    time_paths(get_admin, admin_pages, runs, count)
    speed.ours = Timing("capintra /households/", "/households/")
    with anchor_in_process(anchor_env) as get_anchor:
        speed.anchor = Timing("bare list /households?page=1", "/households?page=1")
        for _ in range(runs):  # the two lists take turns
            time_paths(get_anchor, [speed.anchor], 1)
            time_paths(get_officer, [speed.ours], 1)
    speed.load = (speed.load[0], os.getloadavg()[0])
    return speed


def compare_under_gunicorn(
    speed: ListSpeed,
    base: str,
    cookie: str,
    anchor_env: dict[str, str],
    log_path: Path,
    duration: int,
    connections: int,
) -> None:
    """wrk on capintra's list (server at `base`, session cookie) and on the bare list,
    taking turns twice, `duration` seconds each time."""
    with anchor_server(anchor_env, log_path) as anchor_base:
        for _ in range(2):
            for url, rate, header in (
                (f"{anchor_base}/households?page=1", speed.anchor_rate, None),
                (f"{base}/households/", speed.our_rate, cookie),
            ):
                value, errors = wrk_rate(url, duration, connections, header)
                if value is not None:
                    rate.requests_per_s.append(value)
                if errors:
                    rate.errors.append(errors)


def checks(speed: ListSpeed) -> list[tuple[str, bool, str]]:
    result = []
    for timing in speed.pages:
        if timing.status != 200 or timing.rows < FULL_PAGE_ROWS:
            continue
        result.append(
            (
                f"list page ≤ {LIST_BUDGET_MS:g} ms in process: {timing.label} "
                f"({timing.rows} rows)",
                timing.median_ms <= LIST_BUDGET_MS,
                f"median {timing.median_ms:.2f} ms (CPU {timing.cpu_median_ms:.2f} ms)",
            )
        )
    one, fifty = speed.one_row, speed.fifty_rows
    if one and fifty and one.wall_ms and fifty.wall_ms:
        ratio = fifty.median_ms / one.median_ms
        result.append(
            (
                f"50 rows ≤ {ROWS_RATIO:g}× 1 row (household list)",
                ratio <= ROWS_RATIO,
                f"{fifty.median_ms:.2f} ms vs {one.median_ms:.2f} ms ({ratio:.2f}×; CPU "
                f"{fifty.cpu_median_ms:.2f} vs {one.cpu_median_ms:.2f} ms)",
            )
        )
    return result


def report_lines(speed: ListSpeed, runs: int, duration: int, connections: int) -> list[str]:
    out = io.StringIO()
    w = out.write
    w(
        f"### Speed of a list page\n\nIn process, {runs} requests each, interleaved; load "
        f"average (1 min) {speed.load[0]:.1f} before, {speed.load[1]:.1f} after.\n\n"
    )
    w("| list page | path | rows | SQL | median ms | CPU ms |\n|---|---|--:|--:|--:|--:|\n")
    for t in [speed.fifty_rows, speed.one_row, *speed.pages]:
        if t is None:
            continue
        if t.status != 200:
            w(f"| {t.label} | `{t.path}` | – | – | answered {t.status} | – |\n")
            continue
        w(
            f"| {t.label} | `{t.path}` | {t.rows} | {t.statements or '–'} | "
            f"{t.median_ms:.2f} | {t.cpu_median_ms:.2f} |\n"
        )
    short = [t.label for t in speed.pages if t.status == 200 and t.rows < FULL_PAGE_ROWS]
    if short:
        w(
            f"\nFewer than 50 rows on the bench's data, timed but not judged against the "
            f"{LIST_BUDGET_MS:g} ms of a 50-row page: {', '.join(short)}.\n"
        )
    if speed.anchor and speed.ours:
        w(
            f"\nThe bare Flask list (`tools/bench_anchor/`) and capintra's, taking turns: "
            f"{speed.anchor.median_ms:.2f} ms (CPU {speed.anchor.cpu_median_ms:.2f}) against "
            f"{speed.ours.median_ms:.2f} ms (CPU {speed.ours.cpu_median_ms:.2f}) in process"
            f" — capintra takes {speed.ours.median_ms / speed.anchor.median_ms:.2f}× the "
            "bare list's time.\n"
        )
    if speed.anchor_rate.median and speed.our_rate.median:
        ratio = speed.our_rate.median / speed.anchor_rate.median
        errors = speed.anchor_rate.errors + speed.our_rate.errors
        w(
            f"\nUnder gunicorn (gunicorn.conf.py, 2 sync workers), wrk 1 thread, {connections} "
            f"connections, {duration} s twice each, taking turns: the bare list "
            f"{speed.anchor_rate.median:.0f} requests/s, capintra's list "
            f"{speed.our_rate.median:.0f} requests/s — **{ratio:.2f}×** the bare list's"
            f" rate.{' Errors: ' + '; '.join(errors) if errors else ''}\n"
        )
    w("\n```\n" + "\n".join(speed.profile) + "\n```\n")
    return out.getvalue().splitlines()
