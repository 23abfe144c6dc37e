"""`make load`: capintra under gunicorn (4 workers) on PostgreSQL with 50,000 demo
households, 40 simulated users (locust, headless) on 127.0.0.1, for a bounded time.

    python tools/load/run.py [--minutes 2] [--users 40] [--households 50000]
                             [--database-url postgresql+psycopg://…] [--output docs/load.md]
                             [--spawn-rate 2] [--keep] [--reuse-database]

1. resets the load database (its public schema dropped and created again: give the load
   test a database of its own, `capintra_load` by default), migrates it, loads every
   feature's demo data for `--households` files and the simulated users' accounts
   (tools/load/setup.py);
2. starts gunicorn (gunicorn.conf.py, 4 workers) on a free port of 127.0.0.1;
3. counts the rows of every table the simulated users write;
4. runs locust headless (tools/load/locustfile.py): assistants create household files,
   letters, units and orders (lines added, submitted); officers write notes and housing
   offers; managers approve the submitted orders (two may approve the same: a 409 is a
   legitimate answer) and read the reports; everyone searches and opens files. Each
   user counts the writes the server confirmed;
5. counts the rows again: every table's growth must equal what the users counted
   (tools/load/reconcile.py), the order numbers must have no gap;
6. prints the summary (requests, errors, 5xx, p50/p95 of full pages and of htmx
   fragments, writes expected and found), writes it to docs/load.md (or --output).

Fails (exit 1) on any 5xx, any request error, any lost or duplicated write, any
traceback in the server's log. The latency targets (p95 ≤ 100 ms for pages, ≤ 60 ms for
fragments) are reported, not gated: the machine is shared with the load generator.

Traffic goes to 127.0.0.1 only; locust stops by itself after --minutes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
# the application of this checkout, whatever the virtualenv's editable install points to
sys.path[:0] = [str(HERE), str(ROOT)]

from reconcile import (  # noqa: E402
    Outcome,
    Tally,
    compare,
    gaps_in_numbers,
    snapshot_counts,
)

DEFAULT_DATABASE_URL = "postgresql+psycopg://capintra:capintra@127.0.0.1:5432/capintra_load"
WORKERS = 4
START_TIMEOUT = 60
#: Seconds locust gives a user to finish the flow it is in when the time is up: a write
#: cut off mid-request would be neither counted nor known to have failed.
STOP_TIMEOUT = 60
#: Seconds the sign-in wave may take beyond the spawning itself before the run is cut.
SIGN_IN_ALLOWANCE = 300
TRACEBACK = re.compile(r"^Traceback \(most recent call last\):", re.M)


def say(message: str = "") -> None:
    print(message, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python tools/load/run.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--minutes", type=float, default=2, help="length of the load (2)")
    parser.add_argument("--users", type=int, default=40, help="simulated users (40)")
    parser.add_argument("--households", type=int, default=50_000, help="demo files (50000)")
    parser.add_argument("--spawn-rate", type=float, default=2, help="users started per second")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("CAPINTRA_LOAD_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="PostgreSQL database of the load test, reset at each run "
        "(default: CAPINTRA_LOAD_DATABASE_URL or capintra_load on 127.0.0.1)",
    )
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "load.md")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    parser.add_argument(
        "--reuse-database",
        action="store_true",
        help="developing the load test: keep the previous run's database and accounts "
        "(same --users) instead of seeding again",
    )
    args = parser.parse_args(argv)
    if args.users < 4:
        parser.error("--users: at least 4 (every role, and two managers)")
    if not 0 < args.minutes <= 60:
        parser.error("--minutes: more than 0, at most 60")
    if not args.database_url.startswith("postgresql"):
        parser.error("--database-url: a PostgreSQL database (postgresql+psycopg://…)")
    return args


# --- gunicorn -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(args, workdir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAPINTRA_")}
    env.update(
        CAPINTRA_BIND=f"127.0.0.1:{port}",
        CAPINTRA_WORKERS=str(WORKERS),
        CAPINTRA_INSTANCE_PATH=str(workdir / "instance"),
        CAPINTRA_SECRET_KEY=secrets.token_hex(32),
        CAPINTRA_DATABASE_URL=args.database_url,
        CAPINTRA_UPLOAD_DIR=str(workdir / "uploads"),
        CAPINTRA_LOG_LEVEL="warning",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        PYTHONUNBUFFERED="1",
    )
    return env


@contextlib.contextmanager
def gunicorn(args, workdir: Path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    executable = Path(sys.executable).with_name("gunicorn")
    log_path = workdir / "gunicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [str(executable), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=server_env(args, workdir, port),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as a whole
        )
    try:
        wait_until_up(base, process, log_path)
        yield base, log_path
    finally:
        stop(process)


def wait_until_up(base: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(
                f"gunicorn s’est arrêté au démarrage (code {process.returncode}) :\n"
                + log_path.read_text(errors="replace")[-3000:]
            )
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise SystemExit(f"gunicorn n’a pas répondu à /healthz en {START_TIMEOUT} s")


def stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


# --- locust ---------------------------------------------------------------------------------


def run_locust(args, base: str, workdir: Path, accounts_file: Path) -> Path:
    """locust headless as a subprocess (it patches the standard library with gevent,
    which this process, holding database connections, must not be)."""
    if not base.startswith("http://127.0.0.1:"):
        raise SystemExit("locust is only ever pointed at 127.0.0.1")
    tally_path = workdir / "tally.json"
    env = {
        **os.environ,
        "CAPINTRA_LOAD_ACCOUNTS": str(accounts_file),
        "CAPINTRA_LOAD_TALLY": str(tally_path),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    seconds = max(1, round(args.minutes * 60))
    # The measured minutes begin once every user has signed in (the locustfile ends the
    # run then); --run-time bounds the whole, sign-in wave included, whatever happens.
    bound = seconds + round(args.users / args.spawn_rate) + SIGN_IN_ALLOWANCE
    env["CAPINTRA_LOAD_SECONDS"] = str(seconds)
    command = [
        str(Path(sys.executable).with_name("locust")),
        "-f",
        str(HERE / "locustfile.py"),
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{bound}s",
        "--stop-timeout",
        str(STOP_TIMEOUT),
        "--host",
        base,
        "--csv",
        str(workdir / "locust"),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",  # the verdict is ours, from the tally
    ]
    say(f"[4/4] locust : {args.users} utilisateurs, {seconds} s une fois connectés, sur {base}…")
    result = subprocess.run(  # noqa: S603 - locust with fixed arguments on loopback
        command, cwd=ROOT, env=env, timeout=bound + STOP_TIMEOUT + 120, check=False
    )
    if not tally_path.exists():
        raise SystemExit(f"locust n’a pas écrit son décompte (code {result.returncode})")
    return tally_path


# --- report ---------------------------------------------------------------------------------


def server_tracebacks(log_path: Path) -> list[str]:
    """Each traceback of the server's log by its exception line, with the request gunicorn
    names before it (a worker killed by its timeout logs « WORKER TIMEOUT », then the
    request it was serving and a SystemExit)."""
    text = log_path.read_text(errors="replace")
    found = []
    for match in TRACEBACK.finditer(text):
        lines = text[match.start() : match.start() + 50_000].splitlines()
        # the exception line: the first unindented line after the frames
        last = next((ln for ln in lines[1:] if ln and not ln.startswith(" ")), lines[0])
        before = text[max(0, match.start() - 300) : match.start()].splitlines()
        request = next(
            (
                ln.split("Error handling request", 1)[1].strip()
                for ln in reversed(before)
                if "Error handling request" in ln
            ),
            "",
        )
        timeout = " (WORKER TIMEOUT)" if any("WORKER TIMEOUT" in ln for ln in before[-3:]) else ""
        found.append(f"{request}{timeout}: {last}"[:300] if request else last[:300])
    return found


def machine() -> str:
    model = platform.machine()
    with contextlib.suppress(OSError):
        for row in Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                model = row.split(":", 1)[1].strip()
                break
    return f"{model}, {os.cpu_count()} CPU(s), Python {platform.python_version()}"


def ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def report_lines(
    args,
    tally: Tally,
    outcomes: list[Outcome],
    gaps: list[str],
    tracebacks: list[str],
    load: tuple[float, float],
    seed_s: float,
    postgres: str,
) -> list[str]:
    pages, fragments = tally.latency("page"), tally.latency("fragment")
    posts, ramp = tally.latency("post"), tally.ramp_latency()
    rate = tally.measured_requests() / max(1, args.minutes * 60)
    lost = sum(max(0, o.expected - o.found) for o in outcomes)
    duplicated = sum(max(0, o.found - o.expected) for o in outcomes)
    lines = [
        f"Figures of `make load` ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC): "
        f"{args.users} simulated users for {args.minutes:g} min (once all signed in) on "
        f"{args.households:,} demo households, gunicorn {WORKERS} sync workers, "
        f"{postgres}, on {machine()}; locust on the same machine. Load average (1 min) "
        f"at the start and the end of the load: {load[0]:.1f} and {load[1]:.1f}. "
        f"Seeding took {seed_s:.0f} s.",
        "",
        "| figure | value |",
        "|---|---:|",
        f"| users | {args.users} ({tally.users_by_role()}) |",
        f"| minutes | {args.minutes:g} |",
        f"| requests | {tally.requests:,} |",
        f"| requests per second (measured minutes) | {rate:.1f} |",
        f"| errors (no answer, unexpected status) | {tally.errors} |",
        f"| 5xx | {tally.server_errors} |",
        f"| conflicts answered 409 (legitimate) | {tally.conflicts} |",
        f"| full pages: requests, p50 / p95 ms (target p95 ≤ 100) | {pages.count:,}, "
        f"{ms(pages.p50)} / {ms(pages.p95)} |",
        f"| htmx fragments: requests, p50 / p95 ms (target p95 ≤ 60) | {fragments.count:,}, "
        f"{ms(fragments.p50)} / {ms(fragments.p95)} |",
        f"| form posts answered 303: requests, p50 / p95 ms | "
        f"{posts.count:,}, {ms(posts.p50)} / {ms(posts.p95)} |",
        f"| sign-in wave before the measure (sign-ins, first dashboards): requests, "
        f"p50 / p95 ms | {ramp.count:,}, {ms(ramp.p50)} / {ms(ramp.p95)} |",
        f"| writes lost | {lost} |",
        f"| writes duplicated | {duplicated} |",
        f"| server tracebacks | {len(tracebacks)} |",
        "",
        "Writes: what the simulated users were told succeeded, and what the database holds "
        "(its rows after minus before):",
        "",
        "| write | expected | found | lost | duplicated |",
        "|---|---:|---:|---:|---:|",
        *(
            f"| {o.label} | {o.expected} | {o.found} | {max(0, o.expected - o.found)} | "
            f"{max(0, o.found - o.expected)} |"
            for o in outcomes
        ),
        "",
        "Slowest requests by p95 (ms):",
        "",
        "| request | kind | count | p50 | p95 | max |",
        "|---|---|---:|---:|---:|---:|",
        *(
            f"| `{name}` | {kind} | {s.count} | {ms(s.p50)} | {ms(s.p95)} | {ms(s.max)} |"
            for name, kind, s in tally.slowest(12)
        ),
    ]
    if tally.failures:
        lines += ["", "Errors:", "", *(f"- {n} × {what}" for what, n in tally.failures)]
    if gaps:
        lines += ["", "Order numbers:", "", *(f"- {g}" for g in gaps)]
    if tracebacks:
        lines += ["", "Server tracebacks:", "", *(f"- `{t}`" for t in tracebacks[:20])]
    return lines


def verdict(tally: Tally, outcomes: list[Outcome], gaps: list[str], tracebacks: list[str]):
    problems = []
    if tally.server_errors:
        problems.append(f"{tally.server_errors} réponse(s) 5xx")
    if tally.errors:
        problems.append(f"{tally.errors} erreur(s) de requête")
    if tally.unfinished:
        problems.append(f"{tally.unfinished} écriture(s) sans réponse connue")
    for o in outcomes:
        if o.expected != o.found:
            problems.append(f"{o.label} : {o.expected} attendu(e)s, {o.found} en base")
    problems += gaps
    if tracebacks:
        problems.append(f"{len(tracebacks)} trace(s) d’erreur dans le journal du serveur")
    if tally.writes_total() == 0:
        problems.append("aucune écriture réussie : le test n’a rien prouvé")
    return problems


# --- main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="capintra-load-"))
    try:
        return run(args, workdir)
    finally:
        if args.keep:
            say(f"Dossier de travail conservé : {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def run(args, workdir: Path) -> int:
    import setup  # noqa: PLC0415 - imports the application (slow): after the arguments
    from sqlalchemy import create_engine  # noqa: PLC0415

    households = f"{args.households:,}".replace(",", "\u202f")
    say(f"capintra load — {args.users} utilisateurs, {args.minutes:g} min, {households} ménages")
    say(f"Base : {re.sub(r'//[^@]*@', '//…@', args.database_url)} (remise à zéro)")
    started = time.perf_counter()
    accounts = setup.accounts_for(args.users)
    password = setup.new_password()
    if args.reuse_database:
        app = setup.make_app(args.database_url, str(workdir / "uploads"))
        say("[1-3/4] Base du passage précédent conservée (--reuse-database)")
        setup.new_passwords(app, accounts, password)
    else:
        setup.reset_schema(args.database_url)
        app = setup.make_app(args.database_url, str(workdir / "uploads"))
        setup.prepare(app, args.households, accounts, password, say)
    seed_s = time.perf_counter() - started
    accounts_file = workdir / "accounts.json"
    accounts_file.write_text(
        json.dumps({"password": password, "accounts": [[a.role, a.username] for a in accounts]})
    )
    os.chmod(accounts_file, 0o600)
    with app.app_context():
        from capintra.extensions import db  # noqa: PLC0415

        db.engine.dispose()

    engine = create_engine(args.database_url)
    try:
        with engine.connect() as conn:
            postgres = "PostgreSQL " + conn.exec_driver_sql("SHOW server_version").scalar()
        say("      gunicorn…")
        with gunicorn(args, workdir) as (base, log_path):
            before = snapshot_counts(engine)
            load_start = os.getloadavg()[0]
            tally_path = run_locust(args, base, workdir, accounts_file)
            load_end = os.getloadavg()[0]
        after = snapshot_counts(engine)
        gaps = gaps_in_numbers(engine)
    finally:
        engine.dispose()

    tally = Tally.read(tally_path)
    outcomes = compare(tally, before, after)
    tracebacks = server_tracebacks(log_path)
    lines = report_lines(
        args, tally, outcomes, gaps, tracebacks, (load_start, load_end), seed_s, postgres
    )
    say()
    for line in lines:
        say(line)
    problems = verdict(tally, outcomes, gaps, tracebacks)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(
            "# Load test figures\n\n"
            + "\n".join(lines)
            + f"\n\nVerdict: {'FAIL — ' + '; '.join(problems) if problems else 'PASS'}.\n",
            encoding="utf-8",
        )
        say(f"\nChiffres écrits dans {args.output}")
    if problems:
        say("\nÉCHEC : " + " ; ".join(problems))
        return 1
    say("\nRéussi : aucune erreur serveur, aucune écriture perdue ni dupliquée.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
