"""`make bench`, the import step: a generated 10,000-row occupancy spreadsheet uploaded,
previewed and committed through the routes (Flask test client, the demo assistant).

Figures only (the time of each stage and the rows per second), not targets: the issue
asks for the time to be reported, not asserted. Used by tools/bench.py; also runs alone
on a throw-away database:

    python tools/bench_import.py [--rows 10000]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import shutil
import sys
import tempfile
import time
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
        address = f"{building // len(_STREETS) + 1} {_STREETS[building % len(_STREETS)]}"
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
    """Generate the file, then time: the parse alone; the upload (parse, rows played in a
    rolled-back savepoint, batch stored); the preview page; the commit."""
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

    # The routes refuse more than MAX_IMPORT_ROWS rows (a gunicorn worker's timeout): the
    # benchmark lifts the cap, in process, to time the whole file.
    app.config["MAX_IMPORT_ROWS"] = max(rows, app.config.get("MAX_IMPORT_ROWS") or 0)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": username, "password": password,
                                "csrf_token": _token(page)})  # fmt: skip
    token = _token(client.get("/import/").get_data(as_text=True))
    started = time.perf_counter()
    response = client.post(
        "/import/",
        data={"file": (io.BytesIO(data), "bench-10000.csv"), "csrf_token": token},
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
        raise RuntimeError(f"commit answered {response.status_code}")
    with app.app_context():
        batch = db.session.scalar(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(1))
        counts = {k: v for k, v in batch.counts.items() if isinstance(v, int)}
        db.session.remove()
    return ImportFigures(rows, len(data), parse_s, upload_s, preview_s, commit_s, counts)


def report_lines(figures: ImportFigures) -> list[str]:
    c = figures.counts
    rate = figures.rows / figures.total_s if figures.total_s else 0
    return [
        f"Import of a generated {figures.rows:,}-row spreadsheet ({figures.size / 1e6:.1f} MB "
        "CSV, cp1252) through the routes, as the demo assistant (in process, the row cap "
        "`MAX_IMPORT_ROWS` lifted to the file's size):",
        "",
        "| stage | seconds |",
        "|---|---:|",
        f"| parse alone (`parse_file`) | {figures.parse_s:.2f} |",
        f"| upload: parse, rows played in a rolled-back savepoint, batch stored | "
        f"{figures.upload_s:.2f} |",
        f"| preview page (every row) | {figures.preview_s:.2f} |",
        f"| commit (rows played again and kept) | {figures.commit_s:.2f} |",
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
        figures = measure_import(app, assistant, passwords[assistant], args.rows)
        load_after = os.getloadavg()[0]
        print("\n".join(report_lines(figures)))
        print(
            f"\nAlone on an empty database, {datetime.now():%Y-%m-%d %H:%M}. Load average "
            f"(1 min) when the import began and ended: {load_before:.1f} and {load_after:.1f}."
        )
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
