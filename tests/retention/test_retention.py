"""Retention from closure (issue 12 item 4): `flask anonymise-closed` writes a disposal
list and applies nothing; an admin approves it; the next run applies it, once.

Through the real command, the real routes and the real database; the relocation
report is computed before and after."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import String, Text, func, select

from capintra.audit.models import AuditEvent
from capintra.documents.models import Document
from capintra.documents.services import document_path
from capintra.extensions import db
from capintra.households.models import (
    Employment,
    Household,
    Letter,
    Member,
    Note,
    Outcome,
    Phase,
    Relation,
)
from capintra.imports.models import ImportBatch
from capintra.reports.queries import Filters
from capintra.reports.report import build as build_report
from capintra.retention.models import Category, DisposalLine, DisposalList, DisposalStatus
from tests import factories
from tests.conftest import login
from tests.documents.samples import stored_document
from tests.reports.fixture import build as report_dataset

NAME = "ZORGLUBESCU"
FIRST = "Anastasia"
STREET = "17 impasse des Glycines"
TODAY = date(2026, 11, 25)


def run(app, *args):
    return app.test_cli_runner().invoke(args=["anonymise-closed", *args])


@pytest.fixture
def today(travel):
    """The clock on TODAY at noon (Paris), whatever the day the tests run."""
    travel.offset = datetime(TODAY.year, TODAY.month, TODAY.day, 11, 0, tzinfo=UTC) - datetime.now(
        UTC
    )
    return travel


def closed_file(*, closed_at: date, phase: Phase = Phase.CLOS, name: str = NAME):
    """A file with everything personal: members, notes, a letter, a task, a supporting
    document and an ordinary one, its phase as asked (closed on `closed_at`)."""
    officer = factories.user("officer")
    h = factories.household(
        name=f"{name} {FIRST}",
        address=STREET,
        phone="06 12 34 56 78",
        email="anastasia@example.org",
        phase=phase,
        outcome=Outcome.PARTI if phase is Phase.CLOS else None,
        closed_at=closed_at if phase is Phase.CLOS else None,
        tax_reference_income_cents=1_234_567,
        health_details="Asthme sévère",
        committee_decision=f"Le comité a reçu Mme {name}.",
    )
    factories.member(h, last_name=name, first_name=FIRST, relation=Relation.CHEF,
                     birth_date=date(1981, 7, 23), employment=Employment.SALARIE)  # fmt: skip
    factories.note(h, body=f"Entretien avec Mme {name} au {STREET}.", note_date=date(2019, 2, 13),
                   author=officer)  # fmt: skip
    factories.letter(h, subject=f"Convocation de Mme {name}", letter_date=date(2019, 3, 14),
                     tracking_number="1A 234 567 8901 2")  # fmt: skip
    factories.task(h, title=f"Rappeler Mme {name}", due_date=date(2019, 4, 17))
    supporting = stored_document(h, name=f"avis-{name}.pdf", delete_after_use=True,
                                 uploader=officer)  # fmt: skip
    ordinary = stored_document(h, name=f"bail-{name}.pdf", uploader=officer)
    # The spreadsheet row it was imported from, kept on its batch.
    row = {"n": 2, "occupant": f"{name} {FIRST}", "phone": "06 12 34 56 78",
           "observations": f"Mme {name} ne parle pas français", "rent_cents": 41_234,
           "start_date": "2012-05-19", "address": "3 rue du Bâtiment",
           "outcome": {"household_reference": h.reference}}  # fmt: skip
    db.session.add(ImportBatch(uploaded_by_id=officer.id, filename="occupants.xlsx",
                               size_bytes=1, checksum="0" * 64, rows=[row]))  # fmt: skip
    # A later edit: its audit event keeps the old → new value of an ordinary column.
    h.rehousing_bearer = f"Bailleur de Mme {name}"
    db.session.commit()
    return h, supporting, ordinary


def database_text() -> str:
    """Every text value of every table, and the audit events' changes, in one string."""
    chunks = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        json_columns = [c for c in table.columns if c.type.__class__.__name__ == "JSON"]
        if not columns and not json_columns:
            continue
        for row in db.session.execute(select(*columns, *json_columns)).all():
            chunks.extend(str(v) for v in row if v is not None)
    return "\n".join(chunks)


def checksums() -> dict[str, tuple[int, str]]:
    """Per table: row count and a checksum of its rows (the dry run's proof)."""
    result = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        digest = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
        result[table.name] = (len(rows), digest)
    return result


def approve(app, list_id: int) -> None:
    admin = factories.user("admin")
    browser = login(app.test_client(), admin)
    page = browser.get(f"/admin/disposals/{list_id}")
    assert page.status_code == 200
    version = db.session.get(DisposalList, list_id).version
    response = browser.post(f"/admin/disposals/{list_id}/approve", {"version": version})
    assert response.status_code == 303, response.get_data(as_text=True)[:300]


def lines() -> list[DisposalLine]:
    return list(db.session.scalars(select(DisposalLine).order_by(DisposalLine.id)))


# --- what falls due, and the dry run -------------------------------------------------------


def test_dry_run_lists_what_falls_due_and_changes_nothing(app_ctx, today):
    old, *_ = closed_file(closed_at=date(2020, 6, 10))  # past 5 years: whole file
    notes, *_ = closed_file(closed_at=date(2024, 3, 2), name="NOTESEULE")  # past 2 years
    recent, *_ = closed_file(closed_at=date(2026, 9, 1), name="RECENT")  # documents only
    before = checksums()
    result = run(app_ctx, "--dry-run")
    assert result.exit_code == 0, result.output
    assert old.reference in result.output and "Dossier entier" in result.output
    assert notes.reference in result.output and "Notes de suivi" in result.output
    assert recent.reference in result.output and "Justificatifs utilisés" in result.output
    assert "rien n’a été modifié" in result.output
    assert NAME not in result.output, "the list names files by reference only"
    db.session.expire_all()
    assert checksums() == before


def test_an_open_file_is_never_listed_however_old(app_ctx, today):
    for phase in (Phase.RECHERCHE, Phase.RELOGE, Phase.SUIVI):
        h, *_ = closed_file(closed_at=date(2010, 1, 1), phase=phase, name=f"OUVERT{phase.rank}")
        # A file quiet for years, and even a closure date left from an old closing: only
        # the phase « clos » makes a file closed.
        db.session.execute(
            Household.__table__.update()
            .where(Household.id == h.id)
            .values(
                created_at=datetime(2010, 1, 1),
                updated_at=datetime(2010, 1, 1),
                closed_at=date(2010, 1, 1),
            )
        )
    db.session.commit()
    result = run(app_ctx)
    assert result.exit_code == 0, result.output
    assert "aucun bordereau" in result.output
    assert lines() == []


def test_the_run_writes_a_list_and_applies_nothing_until_approved(app_ctx, today):
    h, supporting, ordinary = closed_file(closed_at=date(2020, 6, 10))
    path = document_path(supporting)
    result = run(app_ctx)
    assert result.exit_code == 0, result.output
    disposal = db.session.scalars(select(DisposalList)).one()
    assert disposal.status is DisposalStatus.DRAFT
    (line,) = lines()
    assert (line.reference, line.category) == (h.reference, Category.WHOLE_FILE)
    assert (line.closed_on, line.due_on) == (date(2020, 6, 1), date(2025, 6, 1))

    # A second run: the draft list is not applied, and the file is not listed again.
    result = run(app_ctx)
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(Household, h.id).name == f"{NAME} {FIRST}"
    assert db.session.scalar(select(func.count(Note.id)).where(Note.household_id == h.id)) == 1
    assert path.exists()
    assert len(lines()) == 1
    assert db.session.get(DisposalList, disposal.id).status is DisposalStatus.DRAFT


def test_an_approved_list_is_applied_once(app_ctx, today):
    h, supporting, ordinary = closed_file(closed_at=date(2024, 3, 2))  # notes due, not the file
    run(app_ctx)
    disposal = db.session.scalars(select(DisposalList)).one()
    assert [(line.category) for line in lines()] == [
        Category.SOCIAL_NOTES,
        Category.SUPPORTING_DOCUMENTS,
    ]
    approve(app_ctx, disposal.id)
    result = run(app_ctx)
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(DisposalList, disposal.id).status is DisposalStatus.APPLIED
    assert db.session.scalar(select(func.count(Note.id)).where(Note.household_id == h.id)) == 0
    # The file keeps its name: only the notes were due.
    assert db.session.get(Household, h.id).name == f"{NAME} {FIRST}"
    assert not document_path(supporting).exists() and document_path(ordinary).exists()
    assert db.session.get(Document, supporting.id).purged_at is not None
    applied_at = [line.applied_at for line in lines()]
    run(app_ctx)
    db.session.expire_all()
    assert [line.applied_at for line in lines()] == applied_at, "applied once"
    assert len(lines()) == 2, "nothing new falls due"
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_type == "disposal_list")
    ).all()
    assert "disposal_list_applied" in actions and actions.count("retention_run") == 3


def test_a_file_reopened_after_listing_is_skipped(app_ctx, today, make):
    h, *_ = closed_file(closed_at=date(2020, 6, 10))
    run(app_ctx)
    disposal = db.session.scalars(select(DisposalList)).one()
    approve(app_ctx, disposal.id)
    h = db.session.get(Household, h.id)
    # Reopened (the closure date left as it was: the phase alone decides).
    h.phase, h.outcome = Phase.RECHERCHE, None
    db.session.commit()
    result = run(app_ctx)
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert lines()[0].skipped
    assert db.session.get(Household, h.id).name == f"{NAME} {FIRST}"


def test_approval_is_for_admins_version_checked_and_once(app_ctx, login_as, make):
    closed_file(closed_at=date(2020, 6, 10))
    run(app_ctx)
    disposal = db.session.scalars(select(DisposalList)).one()
    url = f"/admin/disposals/{disposal.id}/approve"
    manager = login_as("manager")
    assert manager.post(url, {"version": disposal.version}).status_code == 403
    admin = login(app_ctx.test_client(), make.user("admin"))
    stale = admin.post(url, {"version": disposal.version + 7})
    assert stale.status_code == 409
    assert db.session.get(DisposalList, disposal.id).status is DisposalStatus.DRAFT
    assert admin.post(url, {"version": disposal.version}).status_code == 303
    again = admin.post(url, {"version": db.session.get(DisposalList, disposal.id).version})
    assert again.status_code == 409
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity_type == "disposal_list", AuditEvent.action == "update"
        )
    ).all()
    assert [e.changes["status"] for e in events] == [["draft", "approved"]]
    page = admin.get("/admin/disposals/")
    assert page.status_code == 200 and f"n° {disposal.id}" in page.get_data(as_text=True)


# --- anonymisation: nothing of the household remains anywhere ------------------------------


def test_after_the_run_no_name_address_or_exact_date_remains(app_ctx, today, login_as):
    h, supporting, ordinary = closed_file(closed_at=date(2020, 6, 10))
    paths = [document_path(supporting), document_path(ordinary)]
    assert NAME in database_text()
    run(app_ctx)
    approve(app_ctx, db.session.scalars(select(DisposalList)).one().id)
    result = run(app_ctx)
    assert result.exit_code == 0, result.output
    db.session.expire_all()

    text = database_text()
    for secret in (NAME, FIRST, "Glycines", "06 12 34 56 78", "anastasia@", "Asthme",
                   "1A 234", "1981-07-23", "2019-02-13", "2019-03-14", "2019-04-17",
                   "2020-06-10", "2012-05-19", "41234"):  # fmt: skip
        assert secret not in text, secret
    assert not any(p.exists() for p in paths), "documents deleted from storage"

    household = db.session.get(Household, h.id)
    assert household.closed_at == date(2020, 6, 1) and household.phase is Phase.CLOS
    member = db.session.scalars(select(Member).where(Member.household_id == h.id)).one()
    assert member.birth_date == date(1981, 7, 1), "the month is kept"
    letter = db.session.scalars(select(Letter).where(Letter.household_id == h.id)).one()
    assert letter.letter_date == date(2019, 3, 1)
    assert db.session.scalars(select(Document).where(Document.owner_id == h.id)).all()
    # The audit events stay, with their own timestamps and field names only (but the
    # disposal line's own: marked applied, after the rewrite).
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.household_id == h.id, AuditEvent.entity_type != "disposal_line"
        )
    ).all()
    assert len(events) >= 8 and all(
        e.changes is None or all(v is None for v in e.changes.values()) for e in events
    )
    run_events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "disposal_list_applied")
    ).all()
    assert run_events[0].changes == {"whole_file": 1}

    # Pages and search, for an officer (who sees everything there is).
    officer = login_as("officer")
    for tab in ("", "/members", "/journal", "/letters", "/documents", "/tasks", "/history",
                "/occupancy", "/offers", "/relocation"):  # fmt: skip
        page = officer.get(f"/households/{h.id}{tab}")
        assert page.status_code == 200, tab
        body = page.get_data(as_text=True)
        assert NAME not in body and "Glycines" not in body, tab
    found = officer.get(f"/households/?q={NAME.lower()}").get_data(as_text=True)
    assert h.reference not in found
    by_reference = officer.get(f"/households/?q={h.reference}").get_data(as_text=True)
    assert h.reference in by_reference, "the reference still finds the file"
    for doc in (supporting, ordinary):
        assert officer.get(f"/documents/{doc.id}").status_code == 404


def _figures(report) -> dict:
    """What the relocation report shows: counts, shares to one decimal, medians."""

    def counts(c):
        return {name: getattr(c, name) for name in c.__dataclass_fields__} | {
            "remaining": c.remaining
        }

    def pct(value):
        return None if value is None else round(value * 100, 1)

    return {
        "total": counts(report.total),
        "operations": [
            (
                line.operation.id,
                counts(line.counts),
                [
                    (b.building.id if b.building else None, counts(b.counts), pct(b.progress))
                    for b in line.buildings
                ],
            )
            for line in report.operations
        ],  # fmt: skip
        "composition": dict(report.composition),
        "ages": dict(report.ages),
        "resources": dict(report.resources),
        "employment": dict(report.employment),
        "destinations": vars(report.destinations),
        "costs": vars(report.costs),
        "refusals": report.refusals,
        "offers": report.average_formal_offers,
        "median_days": report.median_days,
        "months": [(m.month, m.relocated, m.left_to_do) for m in report.months],
        "days": sorted(r.days_to_relocation or 0 for r in report.rows),
        "new_social": pct(report.new_social_share),
    }


def _csv(response) -> list[list[str]]:
    body = response.get_data()
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_the_relocation_report_gives_the_same_figures_before_and_after(app_ctx, today, login_as):
    data = report_dataset()
    # The relocated households closed after their follow-up, long enough ago once the
    # clock is moved 6 years on; H5 (left of its own accord) closed on 01/07/2026.
    for key, closed in (("H1", date(2026, 9, 20)), ("H6", date(2026, 10, 5))):
        h = db.session.get(Household, data.h[key].id)
        h.phase, h.outcome, h.closed_at = Phase.CLOS, Outcome.RELOGE_DEFINITIVEMENT, closed
    db.session.commit()
    today.forward(days=365 * 6)
    on = date(2032, 11, 20)
    officer = login_as("officer")
    before = _figures(build_report(Filters(), on))
    diffusion_before = _csv(officer.get("/reports/relocation/diffusion.csv"))
    assert before["median_days"] is not None and before["costs"]["known"] == 2

    run(app_ctx)
    disposal = db.session.scalars(select(DisposalList)).one()
    assert {line.reference for line in lines()} == {data.h[k].reference for k in ("H1", "H5", "H6")}
    approve(app_ctx, disposal.id)
    result = run(app_ctx)
    assert result.exit_code == 0, result.output
    db.session.expire_all()

    after = _figures(build_report(Filters(), on))
    assert after == before
    # The same rows (their order within a breakdown follows the rows the database reads).
    assert sorted(_csv(officer.get("/reports/relocation/diffusion.csv"))) == sorted(
        diffusion_before
    )
    body = officer.get("/reports/relocation.csv").get_data().decode("utf-8-sig")
    assert "SECRETNOM" not in body and "10/03/2026" not in body
    text = database_text()
    for key in ("H1", "H5", "H6"):
        assert not re.search(rf"SECRETNOM {key}\b", text), key
        assert db.session.get(Household, data.h[key].id).name == "Dossier anonymisé"
    assert "SECRETNOM H2" in text and "SECRETNOM H1s" in text, "open files keep their names"


def test_dates_are_kept_to_the_month():
    from capintra.retention.services import add_years, month_start

    assert month_start(date(2020, 6, 10)) == date(2020, 6, 1)
    assert add_years(date(2024, 2, 29), 2) == date(2026, 2, 28)
    assert month_start(None) is None


def test_apply_only_applies_approved_lists_and_lists_nothing_new(app_ctx, today):
    first, *_ = closed_file(closed_at=date(2024, 3, 2))
    run(app_ctx)
    approve(app_ctx, db.session.scalars(select(DisposalList)).one().id)
    later, *_ = closed_file(closed_at=date(2020, 1, 5), name="PLUSTARD")
    result = run(app_ctx, "--apply-only")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count(DisposalList.id))) == 1, "no new list"
    assert db.session.scalar(select(func.count(Note.id)).where(Note.household_id == first.id)) == 0
    assert db.session.get(Household, later.id).name.startswith("PLUSTARD")
    (event,) = db.session.scalars(  # the second run's (PostgreSQL keeps no row order)
        select(AuditEvent).where(AuditEvent.action == "retention_run").order_by(AuditEvent.id)
    ).all()[-1:]
    assert event.changes == {"applied_lists": 1, "listed_lines": 0}


def test_the_disposal_lists_page_by_keyset(app_ctx, make):
    """A list a nightly run: 50 a page, the latest first, « Bordereaux plus anciens »
    (issue 13 item 4); a page's cost does not grow with the lists."""
    from capintra.retention.models import DisposalList
    from tests.conftest import login
    from tests.paging import statements_of

    browser = login(app_ctx.test_client(), make.user("admin"))
    db.session.add_all(DisposalList() for _ in range(3))
    db.session.commit()
    few = statements_of(browser, "/admin/disposals/")
    lists = [DisposalList() for _ in range(117)]
    db.session.add_all(lists)
    db.session.commit()
    url, seen = "/admin/disposals/", []
    while url:
        assert statements_of(browser, url) == few
        body = browser.get(url).get_data(as_text=True)
        seen.append([int(i) for i in re.findall(r'href="/admin/disposals/(\d+)"', body)])
        found = re.search(r'rel="next" href="([^"]+)"', body)
        url = found[1] if found else None
    assert [len(page) for page in seen] == [50, 50, 20]
    every = [i for page in seen for i in page]
    assert every == sorted(every, reverse=True) and len(set(every)) == 120
