"""The crawler (issue 13): each role, signed in, follows everything its pages offer to
GET on the demo data (`seed-demo`, every feature's), then every GET route of the url_map
it did not reach, and every answer passes the checks of tests/security/crawler.py.

Before the walk, unique markers are planted where only some may read: a confidential
note, a confidential document's title and file name, health, vulnerability and
disability details (officers only, DESIGN §1), and a file's CAF number, other benefits,
partners' note and an occupancy period's rent (individual finances: officers and
assistants, never managers). No answer may show a marker to a role that may not read
it, and each role must meet the markers it may read somewhere (or the check proves
nothing). A shared note, which everyone reads, proves the walk reaches the journal.
The labels of those fields are markers too: for whoever may not read a field, it does
not exist.

No GET may change anything but the audit trail and the session store: every other
table is compared, row by row, before and after each role's walk.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import inspect, select, text

from capintra.clock import today
from capintra.demo import DemoContext, seed_demo
from capintra.extensions import db
from capintra.features import features
from tests import factories
from tests.conftest import login, rolled_back
from tests.routes import ROLES, all_routes, url_for_route
from tests.security.crawler import Crawler, Marker
from tests.security.role_table import ROUTE_TABLE, expected

#: Written by GETs on purpose: the trail (openings, reads, downloads, exports) and the
#: session store (last seen, the session's CSRF token).
MAY_CHANGE = {"audit_event", "web_session"}
PASSWORD = "Crawler passphrase for every demo account"  # noqa: S105
HOUSEHOLDS = 12

CONFIDENTIAL = "CRAWLCONF7f3a9"
FINANCES = "CRAWLFIN4c2e8"
SHARED = "CRAWLSHARED1b6d"
RENT_CENTS = 97_531  # shown « 975,31 € »; nothing else in the demo costs that


def _officers_only(role: str, endpoint: str | None) -> bool:
    return role == "officer"


def _finances(role: str, endpoint: str | None) -> bool:
    return role in ("officer", "assistant")


MARKERS = [
    Marker("a confidential note, document or health detail", CONFIDENTIAL, _officers_only),
    Marker("an individual finance (CAF number, benefits, partners)", FINANCES, _finances),
    Marker("an occupancy period's rent (975,31 €)", "975,31", _finances),
    Marker("a shared note", SHARED, lambda role, endpoint: True),
]
#: The labels of fields only some read (the features' `Audited(restricted=…)`): for the
#: others these fields do not exist, label included (DESIGN §1) — but for the reports,
#: which give managers the finances as aggregates and bands.
OFFICERS_LABELS = ("Santé", "Vulnérabilités", "Besoin lié au handicap")
FINANCES_LABELS = (
    "Numéro d’allocataire CAF", "Autres prestations", "Dette locative", "Plan d’apurement",
    "Revenu fiscal de référence", "Intervenants : précisions", "Saisine de la CCAPEX",
    "Ressources mensuelles", "Reste à charge", "Taux d’effort",
)  # fmt: skip


def _finances_or_report(role: str, endpoint: str | None) -> bool:
    return _finances(role, endpoint) or (endpoint or "").startswith("reports.")


MARKERS += [
    Marker(f"the field « {label} »", label, _officers_only, label=True) for label in OFFICERS_LABELS
]
MARKERS += [
    Marker(f"the field « {label} »", label, _finances_or_report, label=True)
    for label in FINANCES_LABELS
]
#: A confidential read is an event about confidential content: the officers' file
#: history shows theirs, the audit trail shows them to the admin only (DESIGN §1).
MARKERS.append(
    Marker(
        "the action « Lecture d’un élément confidentiel »",
        "Lecture d’un élément confidentiel",
        lambda role, endpoint: role in ("officer", "admin"),
        label=True,
    )
)
#: A household's partners (organisations involved) are a social detail: for managers
#: they do not exist (DESIGN §1).
MARKERS.append(Marker("the partners « Intervenants »", "Intervenants", _finances, label=True))
#: What each role must meet somewhere on its walk: whatever it may read (the reports'
#: aggregates aside), so that no check above passes for want of reaching the data.
MUST_SEE = {
    role: {m.name for m in MARKERS if m.allowed(role, None)}
    for role in ("officer", "assistant", "manager", "admin")
}


@dataclass
class Dataset:
    users: dict  # role → the demo account
    starts: list[str]
    seeds: dict[str, str]  # endpoint → a URL of each GET route


def _plant_markers(officer) -> int:
    """A household of the demo officer's with every marker; returns its id."""
    from capintra.buildings.models import Unit
    from tests.buildings import make as buildings
    from tests.documents.samples import pdf, stored_document

    household = factories.household(
        officer_id=officer.id,
        health_details=f"Asthme sévère ({CONFIDENTIAL}-sante)",
        vulnerability_details=f"Isolement ({CONFIDENTIAL}-vulnerabilite)",
        caf_number=f"{FINANCES}-caf",
        other_benefits=f"AAH ({FINANCES}-prestations)",
        partners_note=f"Suivi CCAS ({FINANCES}-intervenants)",
        needs_ground_floor=True,
    )
    factories.member(household, disability_need=f"Fauteuil roulant ({CONFIDENTIAL}-handicap)")
    factories.note(
        household, confidential=True, author=officer, body=f"Violences ({CONFIDENTIAL}-note)"
    )
    factories.note(
        household, confidential=False, author=officer, body=f"Visite faite ({SHARED}-note)"
    )
    stored_document(
        household,
        confidential=True,
        uploader=officer,
        title=f"Certificat médical {CONFIDENTIAL}-titre",
        name=f"certificat-{CONFIDENTIAL}.pdf",
        content=pdf("Certificat"),
    )
    unit = db.session.scalars(select(Unit).order_by(Unit.id)).first() or buildings.unit()
    buildings.period(
        unit, household, rent_cents=RENT_CENTS, charges_cents=4_000, start_date=date(2018, 5, 1)
    )
    return household.id


def _checksums() -> dict[str, tuple[int, str]]:
    """Every table but MAY_CHANGE: its row count and a digest of its sorted rows."""
    db.session.expire_all()
    connection = db.session.connection()
    found = {}
    for name in sorted(set(inspect(connection).get_table_names()) - MAY_CHANGE):
        table = connection.execute(text(f'SELECT * FROM "{name}"'))  # noqa: S608
        rows = sorted(repr(tuple(row)) for row in table)
        found[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    db.session.commit()
    return found


@pytest.fixture(scope="module")
def dataset(app):
    """The demo data of every feature, the markers, and a URL of every GET route (made by
    the features' route makers, tests/route_params.py), all committed before any walk."""
    with rolled_back(app):
        context = DemoContext(
            households=HOUSEHOLDS, echo=lambda message: None,
            make_password=lambda: PASSWORD, today=today(),
        )  # fmt: skip
        seed_demo(features(), context)
        users = dict(zip(("officer", "assistant", "manager", "admin"), context.created["auth"]))
        household_id = _plant_markers(users["officer"])
        seeds = {
            route.endpoint: url_for_route(route)
            for route in all_routes(app)
            if route.method == "GET"
        }
        starts = ["/", f"/households/{household_id}"]
        yield Dataset(users, starts, seeds)


@pytest.mark.parametrize("role", ROLES)
def test_crawl(app, dataset, role):
    client = app.test_client()
    login(client, dataset.users[role], PASSWORD)
    before = _checksums()
    crawler = Crawler(
        client,
        role,
        markers=MARKERS,
        expected=lambda endpoint, method: (
            expected(ROUTE_TABLE, (endpoint, method), role)
            if (endpoint, method) in ROUTE_TABLE
            else None
        ),
    )
    report = crawler.crawl(dataset.starts, dataset.seeds)
    after = _checksums()

    changed = sorted(name for name in before if before[name] != after.get(name))
    for name in changed:
        report.problem(
            f"GET requests changed the table {name} ({before[name][0]} → {after[name][0]} rows)"
        )
    missing = MUST_SEE[role] - report.seen.keys()
    for name in sorted(missing):
        report.problem(f"never met {name}: the marker check proves nothing")
    summary = (
        f"{role}: {report.requests} requests in {report.seconds:.1f} s, "
        f"{len(report.visited)} endpoints ({len(report.linked)} through links); slowest: "
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.timings.most_common(3))
    )
    print(summary)  # pytest -s: what the walk covered
    assert not report.problems, summary + "\n" + report.describe()
