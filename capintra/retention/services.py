"""Retention from closure (DESIGN §5, issue 12 item 4): what falls due, the disposal list
(« bordereau d'élimination ») an admin approves, and applying an approved list.

Only closed files count (phase « clos », `Household.closed_at`), from their closure,
never an open file whatever its silence. Per category:

- social notes: deleted 2 years after closure;
- supporting documents (« justificatif à supprimer après instruction »): deleted once
  used. A supporting document has served once its file is past diagnostic
  (`Phase.supporting_documents_used`, the rule the documents tab already applies); a
  closed file is past diagnostic, so they fall due on closure;
- the whole file: anonymised when its relocation evidence (offers, letters,
  acknowledgements) ends, 5 years after closure; its notes and every document go then.

Writes: `write_list` records what falls due and applies nothing; `apply_approved`
applies only the lists an admin approved, each line checked again (a file reopened since
is skipped). The anonymisation writes with SQL statements, not through the ORM, so the
flush listener records no old → new value of what it removes; the run records one event
with counts only, and the values already recorded in the file's audit events are
rewritten (`_rewrite_events`) inside `audit_maintenance`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, delete, exists, func, insert, select, update

from capintra import clock
from capintra.audit.maintenance import audit_maintenance
from capintra.audit.models import AuditEvent
from capintra.audit.service import record_event
from capintra.auth.models import User
from capintra.buildings.models import CostsOnHold, Occupancy
from capintra.documents.models import Document
from capintra.documents.services import purge_content
from capintra.errors import DomainError
from capintra.extensions import db
from capintra.households.models import (
    Household,
    HouseholdSearchTerm,
    Letter,
    Member,
    Note,
    Phase,
    PhaseChange,
    Task,
)
from capintra.households.search import household_terms
from capintra.imports.models import ImportBatch
from capintra.models import utcnow
from capintra.relocation.models import Offer, Relocation, RelocationKind, Wishes
from capintra.reports.figures import ceilings_for, resource_band
from capintra.retention.models import Category, DisposalLine, DisposalList, DisposalStatus
from capintra.text import normalise

#: Years after closure before a category falls due (supporting documents: at closure).
YEARS = {Category.SOCIAL_NOTES: 2, Category.SUPPORTING_DOCUMENTS: 0, Category.WHOLE_FILE: 5}


def anonymous_name() -> str:
    return _("Dossier anonymisé")


def month_start(day: date | None) -> date | None:
    """The 1st of the month: what an anonymised file keeps of a date."""
    return None if day is None else day.replace(day=1)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def due_on(closed_at: date, category: Category) -> date:
    return add_years(closed_at, YEARS[category])


@dataclass(frozen=True)
class Planned:
    """A line the run would write: a closed file, a category, its dates."""

    household_id: int
    reference: str
    category: Category
    closed_at: date

    @property
    def due(self) -> date:
        return due_on(self.closed_at, self.category)


def _pending(category: Category):
    """Files already on a list of this category: not applied yet, or (whole file)
    anonymised."""
    line, lst = DisposalLine, DisposalList
    on_list = (
        select(line.household_id)
        .join(lst, lst.id == line.disposal_list_id)
        .where(line.category == category, lst.status != DisposalStatus.APPLIED)
    )
    if category is Category.WHOLE_FILE:
        done = select(line.household_id).where(
            line.category == category, line.applied_at.is_not(None), line.skipped.is_(False)
        )
        return on_list.union(done)
    return on_list


def _has_notes():
    return exists().where(Note.household_id == Household.id)


def _has_supporting_documents():
    return exists().where(
        Document.owner_type == Household.__tablename__,
        Document.owner_id == Household.id,
        Document.delete_after_use.is_(True),
        Document.purged_at.is_(None),
    )


def plan(today: date | None = None) -> list[Planned]:
    """What falls due today and is on no list yet (three statements). A file due for
    anonymisation gets that line only: it takes its notes and documents with it."""
    today = today or clock.today()
    closed = and_(Household.phase == Phase.CLOS, Household.closed_at.is_not(None))
    whole_cutoff = add_years(today, -YEARS[Category.WHOLE_FILE])
    notes_cutoff = add_years(today, -YEARS[Category.SOCIAL_NOTES])
    not_whole = and_(
        Household.closed_at > whole_cutoff,
        Household.id.not_in(_pending(Category.WHOLE_FILE)),
    )
    queries = {
        Category.WHOLE_FILE: [
            Household.closed_at <= whole_cutoff,
            Household.id.not_in(_pending(Category.WHOLE_FILE)),
        ],
        Category.SOCIAL_NOTES: [
            Household.closed_at <= notes_cutoff,
            not_whole,
            Household.id.not_in(_pending(Category.SOCIAL_NOTES)),
            _has_notes(),
        ],
        Category.SUPPORTING_DOCUMENTS: [
            Household.closed_at <= today,
            not_whole,
            Household.id.not_in(_pending(Category.SUPPORTING_DOCUMENTS)),
            _has_supporting_documents(),
        ],
    }
    found: list[Planned] = []
    for category, conditions in queries.items():
        rows = db.session.execute(
            select(Household.id, Household.reference, Household.closed_at)
            .where(closed, *conditions)
            .order_by(Household.reference)
        ).all()
        found.extend(Planned(hid, ref, category, closed_at) for hid, ref, closed_at in rows)
    return sorted(found, key=lambda p: (p.reference, list(Category).index(p.category)))


def write_list(planned: list[Planned]) -> DisposalList | None:
    """A draft disposal list of the planned lines (None when there is nothing to list);
    applies nothing. Its lines keep months, not days."""
    if not planned:
        return None
    disposal = DisposalList(status=DisposalStatus.DRAFT)
    db.session.add(disposal)
    db.session.flush()
    db.session.execute(
        insert(DisposalLine),
        [
            {
                "disposal_list_id": disposal.id,
                "household_id": p.household_id,
                "reference": p.reference,
                "category": p.category,
                "closed_on": month_start(p.closed_at),
                "due_on": month_start(p.due),
                "skipped": False,
            }
            for p in planned
        ],
    )
    record_event(
        "disposal_list_written",
        disposal,
        changes={category.value: n for category, n in _counts(planned).items()},
    )
    return disposal


def _counts(planned) -> Counter:
    return Counter(p.category for p in planned)


def approve(disposal: DisposalList, user: User) -> None:
    """An admin approves a draft list: the next run applies it (refused otherwise)."""
    if disposal.status is not DisposalStatus.DRAFT:
        raise DomainError(
            _("Ce bordereau est déjà « %(s)s » : il ne peut plus être approuvé.",
              s=disposal.status.label),
            disposal,
        )  # fmt: skip
    disposal.status = DisposalStatus.APPROVED
    disposal.approved_by_id = user.id
    disposal.approved_at = utcnow()
    db.session.flush()


def approved_lists() -> list[DisposalList]:
    return list(
        db.session.scalars(
            select(DisposalList)
            .where(DisposalList.status == DisposalStatus.APPROVED)
            .order_by(DisposalList.id)
            .execution_options(populate_existing=True)
        )
    )


def lines_of(disposal: DisposalList) -> list[DisposalLine]:
    return list(
        db.session.scalars(
            select(DisposalLine)
            .where(DisposalLine.disposal_list_id == disposal.id)
            .order_by(DisposalLine.reference, DisposalLine.id)
        )
    )


def apply_list(disposal: DisposalList, progress=None) -> Counter:
    """Apply an approved list, line by line; a line whose file is no longer closed, or
    closed again later so that the category is not due, is skipped. Returns counts."""
    if disposal.status is not DisposalStatus.APPROVED:
        raise DomainError(_("Seul un bordereau approuvé peut être appliqué."), disposal)
    counts: Counter = Counter()
    today = clock.today()
    for line in lines_of(disposal):
        household = db.session.get(Household, line.household_id)
        due = (
            household is not None
            and household.phase is Phase.CLOS
            and household.closed_at is not None
            and due_on(household.closed_at, line.category) <= today
        )
        if due:
            APPLY[line.category](household.id)
            counts[line.category.value] += 1
        else:
            line.skipped = True
            counts["skipped"] += 1
        line.applied_at = utcnow()
        if progress is not None:
            progress(line)
    disposal.status = DisposalStatus.APPLIED
    disposal.applied_at = utcnow()
    db.session.flush()
    record_event("disposal_list_applied", disposal, changes=dict(counts))
    db.session.flush()
    return counts


# --- what a line does ----------------------------------------------------------------------


def delete_notes(household_id: int) -> None:
    """Social notes: the rows go; their events keep field names only."""
    ids = list(db.session.scalars(select(Note.id).where(Note.household_id == household_id)))
    if not ids:
        return
    db.session.execute(delete(Note).where(Note.id.in_(ids)))
    with audit_maintenance():
        _rewrite_events(AuditEvent.entity_type == Note.__tablename__, AuditEvent.entity_id.in_(ids))


def _documents_of(household_id: int, supporting_only: bool) -> list[Document]:
    query = select(Document).where(
        Document.owner_type == Household.__tablename__,
        Document.owner_id == household_id,
        Document.purged_at.is_(None),
    )
    if supporting_only:
        query = query.where(Document.delete_after_use.is_(True))
    return list(db.session.scalars(query))


def purge_supporting_documents(household_id: int) -> None:
    """Supporting documents once used: the content goes (after the commit); the row
    stays, marked destroyed, as the documents tab already does."""
    for document in _documents_of(household_id, supporting_only=True):
        purge_content(document)


def _now_and_version(model) -> dict:
    return {"version": model.version + 1, "updated_at": utcnow()}


def anonymise_household(household_id: int) -> None:
    """Remove names, contacts, addresses, exact dates (the 1st of the month kept) and
    exact amounts (bands kept) from the file and everything under it; keep, naming no
    one, what the relocation report reads: counts, phase and outcome, composition, the
    head of household's birth month and employment, the band of the tax income, the
    final relocations' month, destination commune, landlord, sector and flags, their
    remaining charge (rent folded into it) and the resources of the effort rate, and
    the days from first meeting to relocation."""
    for document in _documents_of(household_id, supporting_only=False):
        purge_content(document)
    db.session.flush()
    delete_notes(household_id)
    _anonymise_relocations(household_id)
    h = db.session.get(Household, household_id)
    persons = db.session.scalar(
        select(func.count(Member.id)).where(
            Member.household_id == household_id,
            Member.deleted_at.is_(None),
            Member.left_at.is_(None),
        )
    )
    name = anonymous_name()
    db.session.execute(
        update(Household)
        .where(Household.id == household_id)
        .values(
            name=name,
            sort_name=normalise(name),
            address="",
            phone="",
            email="",
            preferred_language="",
            privacy_notice_date=month_start(h.privacy_notice_date),
            closed_at=month_start(h.closed_at),
            rehousing_bearer="",
            monthly_resources_cents=None,
            tax_reference_income_cents=_income_band_value(h.tax_reference_income_cents, persons),
            caf_number="",
            other_benefits="",
            arrears_cents=None,
            numero_unique="",
            numero_unique_renewal=month_start(h.numero_unique_renewal),
            partners_note="",
            health_details="",
            vulnerability_details="",
            alert_codes=[],
            alert_note="",
            committee_blocking_point="",
            committee_decision="",
            **_now_and_version(Household),
        )
        .execution_options(synchronize_session=False)
    )
    for member_id, birth, since, left in db.session.execute(
        select(Member.id, Member.birth_date, Member.in_home_since, Member.left_at).where(
            Member.household_id == household_id
        )
    ).all():
        db.session.execute(
            update(Member)
            .where(Member.id == member_id)
            .values(
                last_name=_("Anonyme"),
                first_name="",
                birth_date=month_start(birth),
                in_home_since=month_start(since),
                left_at=month_start(left),
                disability_need="",
                **_now_and_version(Member),
            )
            .execution_options(synchronize_session=False)
        )
    for letter_id, sent, acknowledged in db.session.execute(
        select(Letter.id, Letter.letter_date, Letter.acknowledged_on).where(
            Letter.household_id == household_id
        )
    ).all():
        db.session.execute(
            update(Letter)
            .where(Letter.id == letter_id)
            .values(
                letter_date=month_start(sent),
                acknowledged_on=month_start(acknowledged),
                tracking_number="",
                subject=_("Courrier (dossier anonymisé)"),
                **_now_and_version(Letter),
            )
            .execution_options(synchronize_session=False)
        )
    for task_id, due in db.session.execute(
        select(Task.id, Task.due_date).where(Task.household_id == household_id)
    ).all():
        db.session.execute(
            update(Task)
            .where(Task.id == task_id)
            .values(
                title=_("Tâche (dossier anonymisé)"),
                due_date=month_start(due),
                **_now_and_version(Task),
            )
            .execution_options(synchronize_session=False)
        )
    db.session.execute(
        update(Occupancy)
        .where(Occupancy.household_id == household_id)
        .values(rent_cents=None, charges_cents=None, apl_cents=None, occupant_label="",
                **_now_and_version(Occupancy))
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    db.session.execute(
        update(CostsOnHold)
        .where(CostsOnHold.household_id == household_id)
        .values(rent_cents=None, charges_cents=None, apl_cents=None,
                **_now_and_version(CostsOnHold))
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    db.session.execute(
        update(Wishes)
        .where(Wishes.household_id == household_id)
        .values(max_rent_cents=None, note="", **_now_and_version(Wishes))
        .execution_options(synchronize_session=False)
    )
    _anonymise_offers(household_id)
    db.session.execute(
        update(Document)
        .where(Document.owner_type == Household.__tablename__, Document.owner_id == household_id)
        .values(original_name="", title="", checksum="", **_now_and_version(Document))
        .execution_options(synchronize_session=False)
    )
    # The search key: the reference still finds the file, nothing else does.
    db.session.execute(
        delete(HouseholdSearchTerm).where(HouseholdSearchTerm.household_id == household_id)
    )
    terms = household_terms(h.reference, name, "", [])
    if terms:
        db.session.execute(
            insert(HouseholdSearchTerm),
            [{"term": t, "household_id": household_id, "sort_name": normalise(name)}
             for t in sorted(terms)],
        )  # fmt: skip
    _scrub_imports(h.reference, name)
    with audit_maintenance():
        _rewrite_events(AuditEvent.household_id == household_id)
    db.session.expire_all()


def _scrub_imports(reference: str, name: str) -> None:
    """The imported spreadsheets' rows kept on their batch (the preview) that made this
    file: occupant's name, phone, remarks and rent go, the start date keeps its month.
    Batches are few: read in Python, portable between SQLite and PostgreSQL."""
    for batch_id, rows in db.session.execute(select(ImportBatch.id, ImportBatch.rows)).all():
        changed = False
        kept = []
        for row in rows or []:
            outcome = row.get("outcome") or {}
            if outcome.get("household_reference") == reference:
                start = row.get("start_date")
                row = {
                    **row,
                    "occupant": name,
                    "phone": "",
                    "observations": "",
                    "rent_cents": None,
                    "start_date": start[:8] + "01" if start else start,
                }
                changed = True
            kept.append(row)
        if changed:
            db.session.execute(
                update(ImportBatch)
                .where(ImportBatch.id == batch_id)
                .values(rows=kept)
                .execution_options(synchronize_session=False)
            )


def _income_band_value(cents: int | None, persons: int) -> int | None:
    """A value standing for the band of the tax income: the band's ceiling (or one euro
    above the PLUS ceiling), so the report's resource band stays the same."""
    if cents is None or persons < 1:
        return None
    plai, plus = ceilings_for(persons)
    return {"plai": plai * 100, "plus": plus * 100, "above": plus * 100 + 100}[
        resource_band(cents, persons)
    ]


def _anonymise_offers(household_id: int) -> None:
    dates = ("sent_on", "acknowledged_on", "answer_deadline", "visit_on", "caleol_on",
             "answered_on")  # fmt: skip
    rows = db.session.execute(
        select(Offer.id, *(getattr(Offer, d) for d in dates)).where(
            Offer.household_id == household_id
        )
    ).all()
    for offer_id, *values in rows:
        db.session.execute(
            update(Offer)
            .where(Offer.id == offer_id)
            .values(
                address="",
                rent_cents=None,
                charges_cents=None,
                refusal_note="",
                **{d: month_start(v) for d, v in zip(dates, values, strict=True)},
                **_now_and_version(Offer),
            )
            .execution_options(synchronize_session=False)
        )


def _first_meeting(household_id: int) -> PhaseChange | None:
    return db.session.scalars(
        select(PhaseChange)
        .where(
            PhaseChange.household_id == household_id,
            PhaseChange.from_phase == Phase.A_RENCONTRER,
        )
        .order_by(PhaseChange.at, PhaseChange.id)
        .limit(1)
    ).first()


def _anonymise_relocations(household_id: int) -> None:
    """Dates to the month; rent, charges and APL folded into the remaining charge
    (before and after); the resources kept as the effort rate's denominator; the first
    meeting moved by as many days as the first final relocation, so the days between
    them stay; the other phase changes to the month, without their reason."""
    relocations = list(
        db.session.scalars(
            select(Relocation)
            .where(Relocation.household_id == household_id)
            .order_by(Relocation.relocated_on, Relocation.id)
        )
    )
    first_final = next((r for r in relocations if r.kind is RelocationKind.DEFINITIF), None)
    shift = timedelta(0)
    if first_final is not None:
        shift = first_final.relocated_on - month_start(first_final.relocated_on)
    met = _first_meeting(household_id)
    met_id, met_at = (met.id, met.at) if met is not None else (None, None)
    for r in relocations:
        db.session.execute(
            update(Relocation)
            .where(Relocation.id == r.id)
            .values(
                relocated_on=month_start(r.relocated_on),
                keys_on=month_start(r.keys_on),
                ended_on=month_start(r.ended_on),
                survey_on=month_start(r.survey_on),
                address="",
                survey_note="",
                rent_cents=r.remaining_after_cents,
                charges_cents=None,
                apl_cents=None,
                before_rent_cents=r.remaining_before_cents,
                before_charges_cents=None,
                before_apl_cents=None,
                **_now_and_version(Relocation),
            )
            .execution_options(synchronize_session=False)
        )
    for change_id, at in db.session.execute(
        select(PhaseChange.id, PhaseChange.at).where(PhaseChange.household_id == household_id)
    ).all():
        if change_id == met_id and first_final is not None:
            new_at = met_at - shift
        else:
            new_at = datetime(at.year, at.month, 1, tzinfo=at.tzinfo)
        db.session.execute(
            update(PhaseChange)
            .where(PhaseChange.id == change_id)
            .values(at=new_at, reason="")
            .execution_options(synchronize_session=False)
        )


def _rewrite_events(*where) -> int:
    """Keep only the field names in the changes of the events `where` selects (the
    values recorded before may be names, addresses, exact dates or amounts); the events'
    own timestamps, actions and authors stay. Run inside `audit_maintenance()`: the
    append-only trigger lets this UPDATE through there only."""
    rows = db.session.execute(
        select(AuditEvent.id, AuditEvent.changes).where(AuditEvent.changes.is_not(None), *where)
    ).all()
    rewritten = 0
    for event_id, changes in rows:
        if not isinstance(changes, dict):
            continue
        kept = {name: None for name in changes}
        if kept != changes:
            db.session.execute(
                update(AuditEvent)
                .where(AuditEvent.id == event_id)
                .values(changes=kept)
                .execution_options(synchronize_session=False)
            )
            rewritten += 1
    return rewritten


APPLY = {
    Category.SOCIAL_NOTES: delete_notes,
    Category.SUPPORTING_DOCUMENTS: purge_supporting_documents,
    Category.WHOLE_FILE: anonymise_household,
}
