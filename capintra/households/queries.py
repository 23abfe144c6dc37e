"""Household queries, with their eager loading, so a page costs the same few queries
for 10 rows or 50,000."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import abort
from sqlalchemy import Select, and_, case, func, select, tuple_
from sqlalchemy.orm import joinedload

from capintra.admin.models import Operation
from capintra.audit.models import AuditEvent
from capintra.audit.queries import readable, without_confidential
from capintra.auth.models import User
from capintra.confidentiality import may_see, visible
from capintra.documents.models import Document
from capintra.extensions import db
from capintra.households.models import (
    Household,
    HouseholdSearchTerm,
    Letter,
    LetterChannel,
    LetterDirection,
    Member,
    Note,
    Phase,
    PhaseChange,
    Relation,
    Task,
)
from capintra.households.search import (
    matching_household_ids,
    prefix_upper_bound,
    query_words,
)
from capintra.security import Role, can
from capintra.web.routing import db_id

#: sort code → (columns, descending); the id is always the last key (ties).
#: References sort by year and number, not as text (MEN-2026-10000 after MEN-2026-9999).
SORTS = {
    "nom": ((Household.sort_name,), False),
    "reference": ((Household.ref_year, Household.ref_number), False),
    "recent": ((Household.updated_at,), True),
}
DEFAULT_SORT = "nom"


@dataclass
class HouseholdFilters:
    q: str = ""
    operation: int | None = None
    phase: Phase | None = None
    officer: int | None = None
    committee: bool = False
    sort: str = DEFAULT_SORT
    after: int | None = None

    @classmethod
    def from_args(cls, args) -> HouseholdFilters:
        phase = args.get("phase") or None
        sort = args.get("sort") or DEFAULT_SORT
        return cls(
            q=(args.get("q") or "")[:200],
            operation=args.get("operation", type=db_id),
            phase=Phase(phase) if phase in {p.value for p in Phase} else None,
            officer=args.get("officer", type=db_id),
            committee=args.get("committee") in ("1", "on", "true"),
            sort=sort if sort in SORTS else DEFAULT_SORT,
            after=args.get("after", type=db_id),
        )

    def as_args(self, **changes) -> dict:
        """Query arguments for a link (empty ones left out)."""
        values = {
            "q": self.q,
            "operation": self.operation,
            "phase": self.phase.value if self.phase else None,
            "officer": self.officer,
            "committee": "1" if self.committee else None,
            "sort": self.sort if self.sort != DEFAULT_SORT else None,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}


def _filtered(filters: HouseholdFilters) -> Select:
    query = select(Household).where(Household.deleted_at.is_(None))
    for word in query_words(filters.q):
        query = query.where(Household.id.in_(matching_household_ids(word)))
    return _with_filters(query, filters)


def _with_filters(query: Select, filters: HouseholdFilters) -> Select:
    if filters.operation:
        query = query.where(Household.operation_id == filters.operation)
    if filters.phase:
        query = query.where(Household.phase == filters.phase)
    if filters.officer:
        query = query.where(Household.officer_id == filters.officer)
    if filters.committee:
        query = query.where(Household.committee_flag.is_(True))
    return query


def household_page(filters: HouseholdFilters, size: int) -> tuple[list[Household], int | None]:
    """One page in the chosen order, after the row `filters.after` (keyset, no OFFSET).

    Returns the rows and the id to continue after, or None on the last page.
    """
    words = query_words(filters.q)
    if words and filters.sort == DEFAULT_SORT:
        return _search_page(filters, words, size)
    columns, descending = SORTS[filters.sort]
    keys = (*columns, Household.id)
    query = _filtered(filters).options(
        joinedload(Household.operation), joinedload(Household.officer)
    )
    if filters.after:
        anchor = db.session.execute(select(*keys).where(Household.id == filters.after)).first()
        if anchor is not None:
            key, bound = tuple_(*keys), tuple_(*anchor)
            query = query.where(key < bound if descending else key > bound)
    order = [k.desc() for k in keys] if descending else list(keys)
    rows = list(db.session.scalars(query.order_by(*order).limit(size + 1)).unique())
    next_after = rows[size - 1].id if len(rows) > size else None
    return rows[:size], next_after


def _search_page(
    filters: HouseholdFilters, words: list[str], size: int
) -> tuple[list[Household], int | None]:
    """A search in the default order: one page of ids read from the search-term index.

    The most selective word drives an index range over (term, sort_name, household_id);
    the other words and the filters narrow it. Only the page's rows are then loaded, so a
    common name costs the same as a rare one.
    """
    term = HouseholdSearchTerm
    driver, others = words[0], words[1:]
    ids = select(term.sort_name, term.household_id).where(term.term >= driver)
    upper = prefix_upper_bound(driver)
    if upper is not None:
        ids = ids.where(term.term < upper)
    for word in others:
        ids = ids.where(term.household_id.in_(matching_household_ids(word)))
    if filters.operation or filters.phase or filters.officer or filters.committee:
        ids = _with_filters(ids.join(Household, Household.id == term.household_id), filters)
    if filters.after:
        anchor = db.session.execute(
            select(Household.sort_name, Household.id).where(Household.id == filters.after)
        ).first()
        if anchor is not None:
            ids = ids.where(tuple_(term.sort_name, term.household_id) > tuple_(*anchor))
    page = db.session.execute(
        ids.distinct().order_by(term.sort_name, term.household_id).limit(size + 1)
    ).all()
    page_ids = [household_id for _sort, household_id in page]
    if not page_ids:
        return [], None
    loaded = db.session.scalars(
        select(Household)
        .where(Household.id.in_(page_ids[:size]), Household.deleted_at.is_(None))
        .options(joinedload(Household.operation), joinedload(Household.officer))
    ).unique()
    by_id = {h.id: h for h in loaded}
    rows = [by_id[i] for i in page_ids[:size] if i in by_id]
    next_after = page_ids[size - 1] if len(page_ids) > size else None
    return rows, next_after


def filter_choices() -> tuple[list[Operation], list[User]]:
    operations = list(db.session.scalars(select(Operation).order_by(Operation.name)))
    return operations, active_officers()


def active_officers() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == Role.OFFICER, User.active.is_(True))
            .order_by(User.full_name)
        )
    )


def task_assignees() -> list[User]:
    """Who a task can be given to: those who work on the files (officers, assistants)."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_([Role.OFFICER, Role.ASSISTANT]), User.active.is_(True))
            .order_by(User.full_name)
        )
    )


# --- one file ------------------------------------------------------------------------


def get_household_or_404(household_id: int) -> Household:
    household = db.session.scalar(
        select(Household)
        .where(Household.id == household_id, Household.deleted_at.is_(None))
        .options(
            joinedload(Household.operation),
            joinedload(Household.officer),
            joinedload(Household.split_from),
        )
    )
    if household is None:
        abort(404)
    return household


def split_children(household: Household) -> list[Household]:
    return list(
        db.session.scalars(
            select(Household)
            .where(Household.split_from_id == household.id, Household.deleted_at.is_(None))
            .order_by(Household.id)
        )
    )


def members_of(household: Household) -> list[Member]:
    order = (
        Member.left_at.is_not(None),
        case(RELATION_ORDER, value=Member.relation, else_=len(RELATION_ORDER)),
        Member.birth_date,
        Member.id,
    )
    return _items_of(Member, household, order)


#: The head first, then the partner, children, ascendants, others (not alphabetical).
RELATION_ORDER = {relation.value: rank for rank, relation in enumerate(Relation)}


def _items_of(model, household: Household, order, *options) -> list:
    """A tab's list: the household's items not deleted (nor hidden from the reader by
    the confidentiality policy)."""
    query = select(model).where(
        model.household_id == household.id, model.deleted_at.is_(None), visible(model)
    )
    return list(db.session.scalars(query.options(*options).order_by(*order)))


def notes_of(household: Household) -> list[Note]:
    order = (Note.note_date.desc(), Note.id.desc())
    return _items_of(Note, household, order, joinedload(Note.author))


def letters_of(household: Household) -> list[Letter]:
    return _items_of(Letter, household, (Letter.letter_date.desc(), Letter.id.desc()))


def tasks_of(household: Household) -> list[Task]:
    order = (Task.done, Task.due_date, Task.id)
    return _items_of(Task, household, order, joinedload(Task.assignee))


def phase_changes_of(household: Household) -> list[PhaseChange]:
    return list(
        db.session.scalars(
            select(PhaseChange)
            .where(PhaseChange.household_id == household.id)
            .options(joinedload(PhaseChange.by))
            .order_by(PhaseChange.at.desc(), PhaseChange.id.desc())
        )
    )


#: Consultations, not changes: they belong to the audit trail, not to the file's history.
ACCESS_ACTIONS = ("open", "read_confidential", "download")


def history_of(household: Household, limit: int = 200) -> list[AuditEvent]:
    """The file's changes (who changed what, when), as the reader may see them."""
    query = (
        select(AuditEvent)
        .where(
            AuditEvent.household_id == household.id,
            AuditEvent.action.not_in(ACCESS_ACTIONS),
            # Phase moves have their own table in the history tab.
            AuditEvent.entity_type != "phase_change",
        )
        .options(joinedload(AuditEvent.user))
    )
    confidential = can("household.confidential")
    if not confidential:
        query = without_confidential(query)
    events = list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))
    return readable(events, confidential)


def get_item_or_404(model, household: Household, item_id: int):
    """A member, note, letter or task of this household, visible to the user."""
    item = db.session.get(model, item_id)
    if item is None or item.household_id != household.id or item.is_deleted:
        abort(404)
    if not may_see(item):
        abort(404)
    return item


# --- dashboards ------------------------------------------------------------------------

LRAR_ACK_DELAY = timedelta(days=15)


def letters_awaiting_acknowledgement(today: date, limit: int = 50) -> list[Letter]:
    return list(
        db.session.scalars(
            select(Letter)
            .join(Household, Household.id == Letter.household_id)
            .where(
                Letter.channel == LetterChannel.LRAR,
                Letter.direction == LetterDirection.SENT,
                Letter.acknowledged_on.is_(None),
                # Unclaimed, refused, NPAI, delivered: the post office has answered.
                Letter.delivery_outcome.is_(None),
                Letter.deleted_at.is_(None),
                Letter.letter_date <= today - LRAR_ACK_DELAY,
                Household.deleted_at.is_(None),
            )
            .order_by(Letter.letter_date, Letter.id)
            .limit(limit)
        )
    )


def tasks_due(user: User, today: date, limit: int = 50) -> list[Task]:
    """Open tasks of the user that are overdue or due within the week."""
    return list(
        db.session.scalars(
            select(Task)
            .where(
                Task.assignee_id == user.id,
                Task.done.is_(False),
                Task.deleted_at.is_(None),
                Task.due_date <= today + timedelta(days=7),
            )
            .options(joinedload(Task.household))
            .order_by(Task.due_date, Task.id)
            .limit(limit)
        )
    )


def files_by_phase(officer: User) -> list[tuple[Phase, int]]:
    rows = db.session.execute(
        select(Household.phase, func.count())
        .where(Household.officer_id == officer.id, Household.deleted_at.is_(None))
        .group_by(Household.phase)
    ).all()
    counts = dict(rows)
    return [(phase, counts.get(phase, 0)) for phase in Phase]


def committee_files(officer: User | None = None, limit: int = 50) -> list[Household]:
    query = select(Household).where(
        Household.committee_flag.is_(True), Household.deleted_at.is_(None)
    )
    if officer is not None:
        query = query.where(Household.officer_id == officer.id)
    return list(db.session.scalars(query.order_by(Household.reference).limit(limit)))


def supporting_documents_to_delete(limit: int = 100) -> list[Document]:
    """'Delete after use' documents of files that have moved past diagnostic."""
    past_diagnostic = [p for p in Phase if p.supporting_documents_used]
    return list(
        db.session.scalars(
            select(Document)
            .join(
                Household,
                and_(
                    Document.owner_type == Household.__tablename__,
                    Household.id == Document.owner_id,
                ),
            )
            .where(
                Document.delete_after_use.is_(True),
                Document.deleted_at.is_(None),
                Document.purged_at.is_(None),
                Household.phase.in_(past_diagnostic),
                visible(Document),
            )
            .order_by(Document.created_at, Document.id)
            .limit(limit)
        )
    )


def progress_by_operation() -> list[tuple[Operation, dict[Phase, int], int, int]]:
    """Per operation: files per phase, total, and files rehoused or closed (one query)."""
    rows = db.session.execute(
        select(Household.operation_id, Household.phase, func.count())
        .where(Household.deleted_at.is_(None))
        .group_by(Household.operation_id, Household.phase)
    ).all()
    counts: dict[int, dict[Phase, int]] = {}
    for operation_id, phase, count in rows:
        counts.setdefault(operation_id, {})[phase] = count
    operations = db.session.scalars(select(Operation).order_by(Operation.name)).all()
    rehoused = [p for p in Phase if p.rank >= Phase.RELOGE.rank]  # relogé, suivi, clos
    result = []
    for op in operations:
        by_phase = counts.get(op.id, {})
        done = sum(by_phase.get(p, 0) for p in rehoused)
        result.append((op, by_phase, sum(by_phase.values()), done))
    return result
