"""`make bench`, the import step: a generated 10,000-row occupancy spreadsheet uploaded,
previewed and committed through the routes (Flask test client, the demo assistant).

Figures only (the time of each stage and the rows per second), not targets: the issue
asks for the time to be reported, not asserted. Used by tools/bench.py; also runs alone
on a throw-away database:

    python tools/bench_import.py [--rows 10000] [--server]

`--server` times the same stages through the real server (gunicorn as `make run` starts
it: 2 sync workers, a 60 s worker timeout), over HTTP: what a user waits for, and
whether a request outlives a worker.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import os
import random
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
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from capintra.buildings.importing import TEMPLATE_HEADERS, parse_file

ROWS = 10_000
LOTS_PER_BUILDING = 10
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')

_SURNAMES = ("MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS",
             "MOREAU", "LAURENT", "SIMON", "MICHEL", "LEFÈVRE", "LEROY", "ROUX", "DAVID",
             "BERTRAND", "MOREL", "FOURNIER", "GIRARD", "BENALI", "NDIAYE", "ÖZTÜRK", "KACI",
             "DA SILVA", "NGUYEN", "HADDAD", "TRAORÉ", "GARCIA", "CHEVALIER")  # fmt: skip
_FIRST = ("Aïcha", "Cécile", "Gaëlle", "Hélène", "Inès", "Jérôme", "Zoé", "Noël", "Oumar",
          "Rachid", "Mohamed", "Mélanie", "Aurélien", "Josée", "Anaïs", "Chloé", "Lucas",
          "Léa", "Hugo", "Manon")  # fmt: skip
_STREETS = ("rue de la République", "rue Gambetta", "place Jean Jaurès", "rue Victor Hugo",
            "rue Émile Zola", "rue des Jardins", "rue du Onze-Novembre", "cours Fauriel",
            "rue Paul Bert", "rue de la Paix")  # fmt: skip
_REMARKS = ("Humidité signalée", "Bail verbal", "Dégât des eaux 2023", "Chauffage défaillant")


def generate_csv(operations: list[tuple[str, str]], rows: int = ROWS, seed: int = 9) -> bytes:
    """`rows` lines in cp1252 with `;`, as staff save them from Excel: mostly households
    (tenants, owners, occupants sans titre), some shops, vacant and walled-up units."""
    draw = random.Random(seed)
    lines = [";".join(TEMPLATE_HEADERS)]
    for n in range(rows):
        building, lot = divmod(n, LOTS_PER_BUILDING)
        operation, commune = operations[building % len(operations)]
        # numbers from 501: never a demo building's address (make bench seeds those first)
        address = f"{building // len(_STREETS) + 501} {_STREETS[building % len(_STREETS)]}"
        floor = "RDC" if lot < 2 else f"{(lot - 2) // 2 + 1}e"
        kind = draw.choice(("T1", "T2", "T3", "T3", "T4", "T5"))
        occupant = status = start = rent = phone = remark = ""
        roll = draw.random()
        if lot == 0 and roll < 0.6:
            kind, occupant, status = "Commerce", f"SARL Commerce {building}", "Locataire"
        elif roll < 0.10:
            status = "Vacant"
        elif roll < 0.15:
            status, remark = "Muré", "Muré après départ"
        else:
            occupant = f"{draw.choice(_SURNAMES)} {draw.choice(_FIRST)}"
            status = draw.choices(
                ("Locataire", "Propriétaire occupant", "Occupant sans titre"), (8, 1, 1)
            )[0]
            if status == "Locataire":
                rent = f"{draw.randint(250, 700)},{draw.choice(('00', '50', '75'))}"
            phone = f"06 {draw.randint(10, 99)} {draw.randint(10, 99)} {draw.randint(10, 99)} 00"
            remark = draw.choice(_REMARKS) if draw.random() < 0.3 else ""
        if status in ("Locataire", "Propriétaire occupant", "Occupant sans titre"):
            start = (
                f"{draw.randint(1, 28):02d}/{draw.randint(1, 12):02d}/{draw.randint(1995, 2024)}"
            )
        lines.append(";".join((operation, address, commune, str(lot + 1), floor, kind,
                               str(draw.randint(20, 95)), occupant, status, start, rent,
                               phone, remark)))  # fmt: skip
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


@dataclass
class ImportFigures:
    rows: int
    cap: int
    size: int
    parse_s: float
    upload_s: float
    preview_s: float
    commit_s: float
    counts: dict[str, int]

    @property
    def total_s(self) -> float:
        return self.upload_s + self.preview_s + self.commit_s


def _token(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1) or match.group(2)


def measure_import(app, username: str, password: str, rows: int = ROWS) -> ImportFigures:
    """Generate the file, then time: the parse alone; the upload (parse, rows played in
    memory, batch stored); the preview page; the commit (rows played again, written in
    bulk)."""
    import io

    from capintra.admin.models import Operation
    from capintra.extensions import db
    from capintra.imports.models import ImportBatch

    with app.app_context():
        operations = [
            (op.name, (op.communes or ["Saint-Étienne"])[0])
            for op in db.session.scalars(select(Operation).order_by(Operation.id))
        ]
        db.session.remove()
    data = generate_csv(operations, rows)
    started = time.perf_counter()
    parse_file(data, "bench.csv")
    parse_s = time.perf_counter() - started

    # The routes refuse more than MAX_IMPORT_ROWS rows (10,000: a gunicorn worker's
    # timeout): a larger file is timed with the cap lifted, in process, and says so.
    from capintra.imports.services import MAX_IMPORT_ROWS

    if rows > int(app.config.get("MAX_IMPORT_ROWS", MAX_IMPORT_ROWS)):
        app.config["MAX_IMPORT_ROWS"] = rows
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": username, "password": password,
                                "csrf_token": _token(page)})  # fmt: skip
    token = _token(client.get("/import/").get_data(as_text=True))
    started = time.perf_counter()
    response = client.post(
        "/import/",
        data={"file": (io.BytesIO(data), f"bench-{rows}.csv"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    upload_s = time.perf_counter() - started
    if response.status_code != 303:
        raise RuntimeError(f"upload answered {response.status_code}")
    preview_url = response.headers["Location"]
    started = time.perf_counter()
    page = client.get(preview_url)
    preview_s = time.perf_counter() - started
    version = re.search(r'name="version" value="(\d+)"', page.get_data(as_text=True))
    started = time.perf_counter()
    response = client.post(
        f"{preview_url}/commit", data={"csrf_token": token, "version": version.group(1)}
    )
    commit_s = time.perf_counter() - started
    if response.status_code != 303:
        with app.app_context():
            batch = db.session.scalar(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(1))
            errors = [r for r in batch.rows if r["outcome"]["errors"]][:3]
        raise RuntimeError(
            f"commit answered {response.status_code}: {batch.error_count} rows in error, "
            f"e.g. {[(r['n'], r['outcome']['errors']) for r in errors]}"
        )
    with app.app_context():
        batch = db.session.scalar(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(1))
        counts = {k: v for k, v in batch.counts.items() if isinstance(v, int)}
        db.session.remove()
    cap = int(app.config.get("MAX_IMPORT_ROWS", MAX_IMPORT_ROWS))
    return ImportFigures(rows, cap, len(data), parse_s, upload_s, preview_s, commit_s, counts)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 303 is an answer to time, not a page to fetch


class _Http:
    """A browser of the real server: its cookies, CSRF tokens and redirects as answers."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def send(self, path: str, body: bytes | None = None, content_type: str = "") -> tuple:
        request = urllib.request.Request(self.base_url + path, data=body)  # noqa: S310 - loopback
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with self.opener.open(request, timeout=300) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.headers, answer.read().decode(errors="replace")

    def post(self, path: str, fields: dict[str, str]) -> tuple:
        body = urllib.parse.urlencode(fields).encode()
        return self.send(path, body, "application/x-www-form-urlencoded")

    def upload(self, path: str, fields: dict[str, str], name: str, data: bytes) -> tuple:
        boundary = secrets.token_hex(16)
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
            f"{value}\r\n".encode()
            for key, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"'
            "\r\nContent-Type: text/csv\r\n\r\n".encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.send(path, b"".join(parts), f"multipart/form-data; boundary={boundary}")


def measure_import_server(
    base_url: str, operations: list[tuple[str, str]], username: str, password: str, rows: int
) -> ImportFigures:
    """The same stages through the real server (gunicorn, its workers and their timeout):
    what a user's browser waits for."""
    from capintra.imports.services import MAX_IMPORT_ROWS

    data = generate_csv(operations, rows)
    started = time.perf_counter()
    parse_file(data, "bench.csv")
    parse_s = time.perf_counter() - started
    http_client = _Http(base_url)
    _status, _headers, page = http_client.send("/login")
    http_client.post("/login", {"username": username, "password": password,
                                "csrf_token": _token(page)})  # fmt: skip
    token = _token(http_client.send("/import/")[2])
    started = time.perf_counter()
    status, headers, _page = http_client.upload(
        "/import/", {"csrf_token": token}, f"bench-{rows}.csv", data
    )
    upload_s = time.perf_counter() - started
    if status != 303:
        raise RuntimeError(f"upload answered {status}")
    preview_path = urllib.parse.urlsplit(headers["Location"]).path
    started = time.perf_counter()
    status, _headers, page = http_client.send(preview_path)
    preview_s = time.perf_counter() - started
    version = re.search(r'name="version" value="(\d+)"', page)
    started = time.perf_counter()
    status, _headers, page = http_client.post(
        f"{preview_path}/commit", {"csrf_token": token, "version": version.group(1)}
    )
    commit_s = time.perf_counter() - started
    if status != 303:
        raise RuntimeError(f"commit answered {status}")
    counts = {}
    for name in ("buildings", "units", "households", "periods", "notes", "errors"):
        found = re.search(rf'id="count-{name}">([^<]*)<', http_client.send(preview_path)[2])
        counts[name] = int(re.sub(r"\D", "", found.group(1))) if found else 0
    return ImportFigures(rows, MAX_IMPORT_ROWS, len(data), parse_s, upload_s, preview_s,
                         commit_s, counts)  # fmt: skip


@contextlib.contextmanager
def gunicorn(database_url: str, workdir: Path):
    """`make run`'s server (gunicorn.conf.py: 2 sync workers, 60 s timeout) on a free port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAPINTRA_")}
    env.update(CAPINTRA_BIND=f"127.0.0.1:{port}", CAPINTRA_DATABASE_URL=database_url,
               CAPINTRA_SECRET_KEY=secrets.token_hex(32), CAPINTRA_LOG_LEVEL="warning",
               CAPINTRA_UPLOAD_DIR=str(workdir / "uploads"),
               CAPINTRA_INSTANCE_PATH=str(workdir / "instance"))  # fmt: skip
    root = Path(__file__).resolve().parent.parent
    env["PYTHONPATH"] = os.pathsep.join([str(root), env.get("PYTHONPATH", "")])
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(300):
            try:
                with urllib.request.urlopen(f"{base_url}/healthz", timeout=5):  # noqa: S310
                    break
            except OSError:  # not listening yet, or a worker still importing the app
                time.sleep(0.1)
        yield base_url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def report_lines(figures: ImportFigures, where: str = "") -> list[str]:
    from capintra.imports.services import MAX_IMPORT_ROWS

    c = figures.counts
    rate = figures.rows / figures.total_s if figures.total_s else 0
    return [
        f"Import of a generated {figures.rows:,}-row spreadsheet ({figures.size / 1e6:.1f} MB "
        "CSV, cp1252) through the routes, as the demo assistant ("
        + (where or "in process, Flask test client")
        + f"; row cap `MAX_IMPORT_ROWS` {figures.cap:,}"
        + (", lifted to the file's size" if figures.rows > MAX_IMPORT_ROWS else "")
        + "):",
        "",
        "| stage | seconds |",
        "|---|---:|",
        f"| parse alone (`parse_file`) | {figures.parse_s:.2f} |",
        f"| upload: parse, rows played in memory, batch stored | {figures.upload_s:.2f} |",
        f"| preview page (every row) | {figures.preview_s:.2f} |",
        f"| commit (rows played again, written in bulk) | {figures.commit_s:.2f} |",
        f"| **upload + preview + commit** | **{figures.total_s:.2f}** ({rate:.0f} rows/s) |",
        "",
        f"Written: {c.get('buildings', 0):,} buildings, {c.get('units', 0):,} units, "
        f"{c.get('households', 0):,} household files, {c.get('periods', 0):,} occupancy "
        f"periods, {c.get('notes', 0):,} notes; {c.get('errors', 0):,} rows in error.",
    ]


def main(argv: list[str] | None = None) -> int:
    """Alone: a throw-away SQLite database with the demo accounts and operations."""
    from flask_migrate import upgrade

    from capintra import create_app
    from capintra.admin.demo import seed_operations
    from capintra.admin.models import Operation
    from capintra.auth.demo import DEMO_USERS, seed_accounts
    from capintra.extensions import db
    from capintra.security import Role

    parser = argparse.ArgumentParser(prog="python tools/bench_import.py")
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument(
        "--server", action="store_true", help="through gunicorn (make run's server), not in process"
    )
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="capintra-bench-import-"))
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.db'}",
                          "UPLOAD_DIR": str(workdir / "uploads"), "DEMO": True})  # fmt: skip
        passwords: dict[str, str] = {}
        with app.app_context():
            upgrade()

            def remember() -> str:
                password = secrets.token_urlsafe(16)
                passwords[DEMO_USERS[len(passwords)][1]] = password
                return password

            seed_accounts(DEMO_USERS, remember)
            seed_operations()
            db.session.commit()
            count = db.session.scalar(select(func.count(Operation.id)))
            db.session.remove()
        assistant = next(u[1] for u in DEMO_USERS if u[3] is Role.ASSISTANT)
        print(f"{count} opérations ; import de {args.rows} lignes…")
        load_before = os.getloadavg()[0]
        where = ""
        if args.server:
            with app.app_context():
                operations = [
                    (op.name, (op.communes or ["Saint-Étienne"])[0])
                    for op in db.session.scalars(select(Operation).order_by(Operation.id))
                ]
                db.session.remove()
            with gunicorn(f"sqlite:///{workdir / 'bench.db'}", workdir) as base_url:
                load_before = os.getloadavg()[0]
                figures = measure_import_server(
                    base_url, operations, assistant, passwords[assistant], args.rows
                )
            where = "through gunicorn as `make run` starts it: 2 sync workers, 60 s timeout"
        else:
            figures = measure_import(app, assistant, passwords[assistant], args.rows)
        load_after = os.getloadavg()[0]
        print("\n".join(report_lines(figures, where)))
        print(
            f"\nAlone on an empty database, {datetime.now():%Y-%m-%d %H:%M}. Load average "
            f"(1 min) when the import began and ended: {load_before:.1f} and {load_after:.1f}."
        )
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
