"""Household queries, with their eager loading, so a page costs the same few queries
for 10 rows or 50,000."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from flask import abort
from sqlalchemy import (
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    join,
    literal,
    select,
)
from sqlalchemy.orm import joinedload, load_only

from capintra.admin.models import Operation
from capintra.audit.models import AuditEvent
from capintra.audit.queries import EVENT_ORDER, history_events
from capintra.auth.models import User
from capintra.confidentiality import (
    may_see,
    sees_confidential,
    visible,
    visible_when,
)
from capintra.documents.models import Document
from capintra.extensions import db
from capintra.households.models import (
    Household,
    HouseholdPartner,
    HouseholdSearchTerm,
    Letter,
    LetterChannel,
    LetterDirection,
    Member,
    Note,
    NoteKind,
    Phase,
    PhaseChange,
    Relation,
    Task,
    TaskKind,
)
from capintra.households.search import (
    match_reasons,
    matching_household_ids,
    prefix_upper_bound,
    query_words,
)
from capintra.keyset import TAB_PAGE, Keyset, Page
from capintra.organisations.models import Organisation
from capintra.security import Role
from capintra.text import normalise
from capintra.web.routing import db_id

#: sort code → (columns, descending); the id is always the last key (ties).
#: References sort by year and number, not as text (MEN-2026-10000 after MEN-2026-9999).
SORTS = {
    "nom": ((Household.sort_name,), False),
    "reference": ((Household.ref_year, Household.ref_number), False),
    "recent": ((Household.updated_at,), True),
}
DEFAULT_SORT = "nom"
#: Each sort's keyset order (capintra/keyset.py); the list's cursor `after` is a row's id,
#: whose place in the order is looked up.
LIST_ORDERS = {
    code: Keyset(*columns, Household.id, descending=descending)
    for code, (columns, descending) in SORTS.items()
}
#: The officer filter's value for the files without an officer.
UNASSIGNED = "none"
#: The list counts its rows up to this many ("plus de 1 000" beyond).
COUNT_CAP = 1000


@dataclass
class HouseholdFilters:
    q: str = ""
    operation: int | None = None
    phase: Phase | None = None
    officer: int | None = None
    #: officer=none: the files without an officer (« Non attribué »)
    unassigned: bool = False
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
            unassigned=args.get("officer") == UNASSIGNED,
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
            "officer": UNASSIGNED if self.unassigned else self.officer,
            "committee": "1" if self.committee else None,
            "sort": self.sort if self.sort != DEFAULT_SORT else None,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}


def _filtered(filters: HouseholdFilters, query: Select | None = None) -> Select:
    if query is None:
        query = select(Household)
    query = query.where(Household.deleted_at.is_(None))
    for word in query_words(filters.q):
        query = query.where(Household.id.in_(matching_household_ids(word)))
    return _with_filters(query, filters)


def _with_filters(query: Select, filters: HouseholdFilters) -> Select:
    """The filters' conditions (`_bound_filters`) with their values."""
    return _bound_filters(query, _shape_of(filters)).params(_filter_values(filters))


def household_page(filters: HouseholdFilters, size: int) -> tuple[list[Household], int | None]:
    """One page in the chosen order, after the row `filters.after` (keyset, no OFFSET).

    Returns the rows and the id to continue after, or None on the last page.
    """
    rows, next_after, _count = household_list(filters, size, whole=True)
    return rows, next_after


def household_list(
    filters: HouseholdFilters, size: int, *, whole: bool = False
) -> tuple[list[Household], int | None, int]:
    """A page (as household_page) and how many files the filters find, counted up to
    COUNT_CAP + 1 by a scalar subquery of the page's own statement: no statement more.

    A search loads the rows' current members with them (search_reasons reads them).
    The rows hold only the list's columns (LIST_COLUMNS) unless `whole`: a page that
    shows them beside other records (an order's households, which may be the same
    objects in the session) needs them whole.
    """
    words = query_words(filters.q)
    if words and filters.sort == DEFAULT_SORT:
        rows, next_after, count = _search_page(filters, words, size, whole)
    else:
        rows, next_after, count = _keyset_page(filters, words, size, whole)
    if count is None:  # an empty page: nothing found, or a page past the last one
        count = household_count(filters) if filters.after else 0
    return rows, next_after, count


def _capped_count(filters: HouseholdFilters, cap: int = COUNT_CAP) -> Select:
    """`SELECT count(*) FROM (SELECT 1 … LIMIT cap + 1)`: as fast for 50,000 files as for
    50; more than `cap` means "plus de 1 000". A search counts from the search-term index
    (which holds no deleted file), as its page reads it."""
    words = query_words(filters.q)
    if words:
        term = HouseholdSearchTerm
        rows = _search_ids(filters, words).with_only_columns(term.household_id).distinct()
    else:
        rows = _filtered(filters, select(literal(1)).select_from(Household))
    return select(func.count()).select_from(rows.limit(cap + 1).subquery())


def _search_ids(filters: HouseholdFilters, words: list[str]) -> Select:
    """(sort_name, household_id) of the files having every word, within the filters: the
    most selective word drives an index range over (term, sort_name, household_id)."""
    term = HouseholdSearchTerm
    driver, others = words[0], words[1:]
    ids = select(term.sort_name, term.household_id).where(term.term >= driver)
    upper = prefix_upper_bound(driver)
    if upper is not None:
        ids = ids.where(term.term < upper)
    for word in others:
        ids = ids.where(term.household_id.in_(matching_household_ids(word)))
    if (
        filters.operation
        or filters.phase
        or filters.officer
        or filters.unassigned
        or (filters.committee)
    ):
        ids = _with_filters(ids.join(Household, Household.id == term.household_id), filters)
    return ids


def household_count(filters: HouseholdFilters, cap: int = COUNT_CAP) -> int:
    """How many files the filters and search find, up to cap + 1: one statement."""
    return db.session.scalar(_capped_count(filters, cap))


#: What a row of the list shows (templates/households/index.html, search_reasons): a
#: household has some fifty columns, and building each row's object from all of them
#: was a third of the list's time. Another column read from a row raises (raiseload).
LIST_COLUMNS = (
    Household.id,
    Household.reference,
    Household.name,
    Household.address,
    Household.commune,
    Household.phase,
    Household.alert_codes,
    Household.alert_note,
    Household.committee_flag,
    Household.operation_id,
    Household.officer_id,
)


#: Loader options, built once: whole rows (household_page), or the list's columns.
_WHOLE = (joinedload(Household.operation), joinedload(Household.officer))
_LISTED = (
    load_only(*LIST_COLUMNS, raiseload=True),
    joinedload(Household.operation).load_only(Operation.name),
    joinedload(Household.officer).load_only(User.full_name, User.username),
)
_MEMBERS = joinedload(Household.current_members)


def _page_options(words: list[str], whole: bool) -> list:
    options = list(_WHOLE if whole else _LISTED)
    if words:
        options.append(_MEMBERS)
    return options


class ListedOperation(NamedTuple):
    name: str


class ListedOfficer(NamedTuple):
    display_name: str


@dataclass(slots=True)
class HouseholdRow:
    """A row of the list read as values (LIST_COLUMNS, the operation's name, the
    officer's): what the list shows, under the names a Household has. Building fifty
    Household objects with their joined operation and officer took the ORM twice the
    time of the statement itself."""

    id: int
    reference: str
    name: str
    address: str
    commune: str
    phase: Phase
    alert_codes: list[str]
    alert_note: str
    committee_flag: bool
    operation: ListedOperation
    officer: ListedOfficer | None

    alerts = Household.alerts  # the same rule: chosen instructions, then the free text


def _row_objects(result) -> list[tuple[HouseholdRow, int]]:
    rows = []
    for *values, operation, full_name, username, counted in result:
        officer = ListedOfficer(full_name or username) if username is not None else None
        rows.append((HouseholdRow(*values, ListedOperation(operation), officer), counted))
    return rows


@dataclass(frozen=True)
class _Shape:
    """Which filters a list statement (no search) has; their values bound at execution."""

    sort: str
    operation: bool
    phase: bool
    officer: bool
    unassigned: bool
    committee: bool
    after: bool


def _shape_of(filters: HouseholdFilters, after: bool = False) -> _Shape:
    return _Shape(
        sort=filters.sort,
        operation=bool(filters.operation),
        phase=bool(filters.phase),
        officer=bool(filters.officer),
        unassigned=filters.unassigned,
        committee=filters.committee,
        after=after,
    )


def _filter_values(filters: HouseholdFilters) -> dict:
    return {"operation": filters.operation, "phase": filters.phase, "officer": filters.officer}


def _bound_filters(query: Select, shape: _Shape) -> Select:
    """The filters' conditions, their values bound parameters (`operation`, `phase`,
    `officer`): the one rule of the list's filters, for a statement built once or with
    the values at once (`_with_filters`)."""
    if shape.operation:
        query = query.where(Household.operation_id == bindparam("operation", type_=Integer))
    if shape.phase:
        query = query.where(Household.phase == bindparam("phase", type_=Household.phase.type))
    if shape.unassigned:
        query = query.where(Household.officer_id.is_(None))
    elif shape.officer:
        query = query.where(Household.officer_id == bindparam("officer", type_=Integer))
    if shape.committee:
        query = query.where(Household.committee_flag.is_(True))
    return query


@functools.lru_cache(maxsize=256)
def _list_statement(shape: _Shape) -> Select:
    """The list's page (no search) with its capped count, for a shape of filters: built
    once per process, its values bound (the filters, the cursor `after_0`…, `size`,
    `cap`). Building it and walking its cache key on every request took ten times as
    long as running it (1.4 ms of a 5 ms page)."""
    keyset = LIST_ORDERS[shape.sort]
    live = Household.deleted_at.is_(None)
    counted = _bound_filters(select(literal(1)).select_from(Household).where(live), shape)
    count = select(func.count()).select_from(
        counted.limit(bindparam("cap", type_=Integer)).subquery()
    )
    query = _bound_filters(
        select(*LIST_COLUMNS[:-2], Operation.name, User.full_name, User.username,
               count.scalar_subquery()).where(live),
        shape,
    )  # fmt: skip
    query = query.outerjoin(Operation, Operation.id == Household.operation_id).outerjoin(
        User, User.id == Household.officer_id
    )
    if shape.after:
        cursor = tuple(
            bindparam(f"after_{i}", type_=column.type) for i, column in enumerate(keyset.columns)
        )
        query = query.where(keyset.beyond(cursor))
    return query.order_by(*keyset.order_by()).limit(bindparam("size", type_=Integer))


def _anchor(filters: HouseholdFilters) -> tuple | None:
    """The values of the list's order of the row `after` (None: first page, or gone)."""
    if not filters.after:
        return None
    keyset = LIST_ORDERS[filters.sort]
    found = db.session.execute(select(*keyset.columns).where(Household.id == filters.after))
    row = found.first()
    return tuple(row) if row is not None else None


def _listed_page(filters: HouseholdFilters, size: int) -> list[tuple[HouseholdRow, int]]:
    """A page of the list without search as HouseholdRow, each with the capped count."""
    values = {**_filter_values(filters), "cap": COUNT_CAP + 1, "size": size + 1}
    anchor = _anchor(filters)
    if anchor is not None:
        values.update({f"after_{i}": value for i, value in enumerate(anchor)})
    shape = _shape_of(filters, after=anchor is not None)
    return _row_objects(db.session.execute(_list_statement(shape), values))


def _objects_page(filters: HouseholdFilters, words: list[str], size: int, whole: bool) -> list:
    """A page as whole objects (household_page), or a search's rows with their members,
    each with the capped count."""
    keyset = LIST_ORDERS[filters.sort]
    query = _filtered(filters).add_columns(_capped_count(filters).scalar_subquery())
    query = query.options(*_page_options(words, whole))
    anchor = _anchor(filters)
    if anchor is not None:
        query = query.where(keyset.beyond(anchor))
    query = query.order_by(*keyset.order_by()).limit(size + 1)
    return db.session.execute(query).unique().all()


def _keyset_page(
    filters: HouseholdFilters, words: list[str], size: int, whole: bool
) -> tuple[list[Household], int | None, int | None]:
    if words or whole:
        result = _objects_page(filters, words, size, whole)
    else:
        result = _listed_page(filters, size)
    rows = [household for household, _count in result]
    count = result[0][1] if result else None
    next_after = rows[size - 1].id if len(rows) > size else None
    return rows[:size], next_after, count


#: A search's order, in the search-term index: the name, the file for equal names.
SEARCH_ORDER = Keyset(HouseholdSearchTerm.sort_name, HouseholdSearchTerm.household_id)


def _search_page(
    filters: HouseholdFilters, words: list[str], size: int, whole: bool
) -> tuple[list[Household], int | None, int | None]:
    """A search in the default order: one page of ids read from the search-term index.

    The most selective word drives an index range over (term, sort_name, household_id);
    the other words and the filters narrow it. Only the page's rows are then loaded, so a
    common name costs the same as a rare one.
    """
    ids = _search_ids(filters, words)
    if filters.after:
        anchor = db.session.execute(
            select(Household.sort_name, Household.id).where(Household.id == filters.after)
        ).first()
        if anchor is not None:
            ids = ids.where(SEARCH_ORDER.beyond(tuple(anchor)))
    page = db.session.execute(
        ids.distinct().order_by(*SEARCH_ORDER.order_by()).limit(size + 1)
    ).all()
    page_ids = [household_id for _sort, household_id in page]
    if not page_ids:
        return [], None, None
    loaded = db.session.execute(
        select(Household, _capped_count(filters).scalar_subquery())
        .where(Household.id.in_(page_ids[:size]), Household.deleted_at.is_(None))
        .options(*_page_options(words, whole))
    ).unique()
    count = None
    by_id = {}
    for household, counted in loaded:
        by_id[household.id], count = household, counted
    rows = [by_id[i] for i in page_ids[:size] if i in by_id]
    next_after = page_ids[size - 1] if len(page_ids) > size else None
    return rows, next_after, count


def search_reasons(rows: list[Household], q: str) -> dict[int, list[tuple[str, str]]]:
    """Why each row of a search page matched, when not by its name: [("member", "Hélène
    DURAND"), ("address", "12 rue …")]. Only what the search indexes (reference, name,
    address, members' names), so it reveals nothing confidential; the members come with
    the page's rows (household_list), no query here."""
    query = query_words(q)
    if not query:
        return {}
    return {h.id: found for h in rows if (found := match_reasons(h, h.current_members, query))}


class OperationChoice(NamedTuple):
    id: int
    name: str


class OfficerChoice(NamedTuple):
    id: int
    display_name: str


def filter_choices() -> tuple[list[OperationChoice], list[OfficerChoice]]:
    """The operations and the active officers, for a filter or a form's select: their
    ids and names only (the list page asks them at each request; whole objects cost
    more than the page's own rows)."""
    operations = [OperationChoice(*row) for row in db.session.execute(_OPERATION_CHOICES)]
    officers = [
        OfficerChoice(user_id, full_name or username)
        for user_id, full_name, username in db.session.execute(_OFFICER_CHOICES)
    ]
    return operations, officers


# Built once (a built statement keeps its cache key): the list asks them at each request.
_OPERATION_CHOICES = select(Operation.id, Operation.name).order_by(Operation.name)
_OFFICER_CHOICES = (
    select(User.id, User.full_name, User.username)
    .where(User.role == Role.OFFICER, User.active.is_(True))
    .order_by(User.full_name)
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


def members_of(household: Household) -> list[Member]:
    order = (
        Member.left_at.is_not(None),
        case(RELATION_ORDER, value=Member.relation, else_=len(RELATION_ORDER)),
        Member.birth_date,
        Member.id,
    )
    return _items_of(Member, household, order)


def partners_of(household: Household) -> list[Organisation]:
    """The organisations involved with the household, by name: none for a reader who
    may not see them (the confidentiality policy: not managers)."""
    return list(
        db.session.scalars(
            select(Organisation)
            .join(HouseholdPartner, HouseholdPartner.organisation_id == Organisation.id)
            .where(
                HouseholdPartner.household_id == household.id,
                HouseholdPartner.deleted_at.is_(None),
                visible(HouseholdPartner),
            )
            .order_by(Organisation.name_key, Organisation.id)
        )
    )


#: The head first, then the partner, children, ascendants, others (not alphabetical).
RELATION_ORDER = {relation.value: rank for rank, relation in enumerate(Relation)}


def _items_query(model, household: Household, *options) -> Select:
    """The household's items not deleted (nor hidden from the reader by the
    confidentiality policy), in SQL: a page of them is cut after these filters."""
    return (
        select(model)
        .where(model.household_id == household.id, model.deleted_at.is_(None), visible(model))
        .options(*options)
    )


def _items_of(model, household: Household, order, *options) -> list:
    """A tab's list: every item of _items_query, in `order`."""
    query = _items_query(model, household, *options)
    return list(db.session.scalars(query.order_by(*order)))


@dataclass(frozen=True)
class Glance:
    """What the summary tab shows at a glance, read in one statement."""

    last_note: tuple[date, NoteKind] | None
    last_letter: tuple[date, LetterDirection, LetterChannel] | None
    next_task: tuple[date, str] | None
    #: When the file entered its phase: the last phase change (None: never changed).
    phase_since: datetime | None
    #: The files split from this one: (id, reference), oldest first.
    children: tuple[tuple[int, str], ...] = ()
    #: The organisations involved (none for a reader who may not see them), by name.
    partners: tuple[str, ...] = ()


#: Separates the values of one aggregated column (a control character no text holds).
_SEP = "\x1f"


def _joined(column, *where, source=None):
    """A scalar subquery: the values of `column` (from `source`) where `where`, joined by
    _SEP ("" or NULL when none)."""
    query = select(func.aggregate_strings(column, _SEP))
    if source is not None:
        query = query.select_from(source)
    return query.where(*where).scalar_subquery()


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(_SEP) if v]


def _latest(model, column, order, household_id, *where):
    """A scalar subquery: `column` of the household's latest `model` row by `order`."""
    return (
        select(column)
        .where(model.household_id == household_id, model.deleted_at.is_(None), *where)
        .order_by(*order)
        .limit(1)
        .scalar_subquery()
    )


@functools.lru_cache(maxsize=8)
def _glance_statement(all_notes: bool, all_partners: bool) -> Select:
    """The glance's statement for a reader who sees the confidential notes and partners
    or not (the household's id bound at execution): built once per process, as building
    its ten subqueries took five times longer than running them (1.4 ms of a file's
    page)."""
    household_id = bindparam("household_id", type_=Integer)
    note_order = (Note.note_date.desc(), Note.id.desc())
    letter_order = (Letter.letter_date.desc(), Letter.id.desc())
    task_order = (Task.due_date, Task.id)
    open_task = Task.done.is_(False)
    notes = visible_when(Note, all_notes)
    return select(
        _latest(Note, Note.note_date, note_order, household_id, notes),
        _latest(Note, Note.kind, note_order, household_id, notes),
        _latest(Letter, Letter.letter_date, letter_order, household_id),
        _latest(Letter, Letter.direction, letter_order, household_id),
        _latest(Letter, Letter.channel, letter_order, household_id),
        _latest(Task, Task.due_date, task_order, household_id, open_task),
        _latest(Task, Task.title, task_order, household_id, open_task),
        select(func.max(PhaseChange.at))
        .where(PhaseChange.household_id == household_id)
        .scalar_subquery(),
        _joined(
            cast(Household.id, String) + ":" + Household.reference,
            Household.split_from_id == household_id,
            Household.deleted_at.is_(None),
        ),
        _joined(
            Organisation.name,
            HouseholdPartner.household_id == household_id,
            HouseholdPartner.deleted_at.is_(None),
            visible_when(HouseholdPartner, all_partners),
            source=join(
                HouseholdPartner,
                Organisation,
                HouseholdPartner.organisation_id == Organisation.id,
            ),
        ),
    )


def glance(household: Household) -> Glance:
    """The last contact (the latest note the reader may see, or letter), the next open
    task, the start of the current phase, the files split from this one and its partners
    (for those who may see them): one SELECT of scalar subqueries."""
    statement = _glance_statement(sees_confidential(Note), sees_confidential(HouseholdPartner))
    row = db.session.execute(statement, {"household_id": household.id}).one()
    note_date, note_kind, letter_date, direction, channel, due, title, since = row[:8]
    children = sorted(
        (int(ident), reference) for ident, reference in (v.split(":", 1) for v in _split(row[8]))
    )
    partners = sorted(_split(row[9]), key=lambda name: (normalise(name), name))
    return Glance(
        last_note=(note_date, NoteKind(note_kind)) if note_date else None,
        last_letter=(
            (letter_date, LetterDirection(direction), LetterChannel(channel))
            if letter_date
            else None
        ),
        next_task=(due, title) if due else None,
        phase_since=since,
        children=tuple(children),
        partners=tuple(partners),
    )


#: The journal, the letters, the tasks: lists that grow with the file, a page at a time.
NOTE_ORDER = Keyset(Note.note_date, Note.id, descending=True)
LETTER_ORDER = Keyset(Letter.letter_date, Letter.id, descending=True)
#: Open tasks first, the soonest due first.
TASK_ORDER = Keyset(Task.done, Task.due_date, Task.id)


def notes_of(household: Household) -> list[Note]:
    """Every note the reader may see, newest first."""
    return list(notes_page(household, size=None))


def notes_page(household: Household, *, after=None, start_at=None, size=TAB_PAGE) -> Page[Note]:
    """A page of the journal, newest first, after the cursor `after` (or from the note
    `start_at`): the confidential notes the reader may not see are left out in SQL."""
    query = _items_query(Note, household, joinedload(Note.author))
    return NOTE_ORDER.page(query, after=after, start_at=start_at, size=size)


def letters_of(household: Household) -> list[Letter]:
    return list(letters_page(household, size=None))


def letters_page(household: Household, *, after=None, start_at=None, size=TAB_PAGE) -> Page:
    return LETTER_ORDER.page(
        _items_query(Letter, household), after=after, start_at=start_at, size=size
    )


def tasks_of(household: Household) -> list[Task]:
    return list(tasks_page(household, size=None))


def tasks_page(household: Household, *, after=None, start_at=None, size=TAB_PAGE) -> Page:
    query = _items_query(Task, household, joinedload(Task.assignee))
    return TASK_ORDER.page(query, after=after, start_at=start_at, size=size)


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


def history_of(
    household: Household, *, after: str | None = None, size: int | None = TAB_PAGE
) -> Page[AuditEvent]:
    """A page of the file's changes (who changed what, when), as the reader may see them."""
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
    return history_events(query, after=after, size=size)


def consultations_of(
    household: Household, *, after: str | None = None, size: int | None = TAB_PAGE
) -> Page[AuditEvent]:
    """A page of who opened the file, read its confidential items, downloaded its
    documents, and when, newest first: the answer to "who looked at my file?" — for
    officers and admins only (the caller checks), who see confidential content."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.household_id == household.id, AuditEvent.action.in_(ACCESS_ACTIONS))
        .options(joinedload(AuditEvent.user))
    )
    return EVENT_ORDER.page(query, after=after, size=size)


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


def _tasks_due_query(user: User, today: date, *, after_departures: bool = False) -> Select:
    """Open tasks of the user due within the week; with `after_departures`, also every
    household's chores after a departure (secure the unit, close the meters, settle the
    deposit: paperwork, whoever they were assigned to)."""
    mine = Task.assignee_id == user.id
    if after_departures:
        mine = mine | (Task.kind == TaskKind.AFTER_DEPARTURE)
    return select(Task).where(
        mine,
        Task.done.is_(False),
        Task.deleted_at.is_(None),
        Task.due_date <= today + timedelta(days=7),
    )


def tasks_due(user: User, today: date, limit: int = 50) -> list[Task]:
    """Open tasks of the user that are overdue or due within the week."""
    return list(
        db.session.scalars(
            _tasks_due_query(user, today)
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


# --- dashboard lists: the first rows, and how many more -----------------------------------

#: A dashboard list shows this many rows, then "et 14 autres" with a link to them all.
DASHBOARD_ROWS = 10
#: Counted up to this many ("et plus de …" beyond).
DASHBOARD_CAP = 1000


@dataclass
class Shortlist:
    """The first rows of a dashboard list and how many there are (counted up to cap + 1)."""

    rows: list
    total: int
    cap: int = DASHBOARD_CAP

    @property
    def capped(self) -> bool:
        return self.total > self.cap

    @property
    def more(self) -> int:
        """How many are not shown (at least that many when capped)."""
        return max(min(self.total, self.cap) - len(self.rows), 0)


def shortlist(query: Select, order, size: int, *options) -> Shortlist:
    """The first `size` rows of `query` in `order`, and its capped count: two statements
    whatever the list holds."""
    rows = list(db.session.scalars(query.options(*options).order_by(*order).limit(size)).unique())
    counted = query.with_only_columns(literal(1)).order_by(None).limit(DASHBOARD_CAP + 1)
    total = db.session.scalar(select(func.count()).select_from(counted.subquery()))
    return Shortlist(rows, total)


def sliced(rows: list, size: int, cap: int) -> Shortlist:
    """A list already read up to cap + 1 rows, shown up to `size`."""
    return Shortlist(rows[:size], len(rows), cap)


def tasks_due_list(
    user: User, today: date, size: int, *, after_departures: bool = False
) -> Shortlist:
    """The user's tasks overdue or due within the week (and, with `after_departures`,
    the after-departure chores), most urgent first, their files loaded with them."""
    query = _tasks_due_query(user, today, after_departures=after_departures)
    return shortlist(query, (Task.due_date, Task.id), size, joinedload(Task.household))


def committee_list(officer: User, size: int) -> Shortlist:
    query = select(Household).where(
        Household.committee_flag.is_(True),
        Household.deleted_at.is_(None),
        Household.officer_id == officer.id,
    )
    return shortlist(query, (Household.ref_year, Household.ref_number, Household.id), size)


def unassigned_list(size: int) -> Shortlist:
    """Dossiers sans référent, oldest first."""
    query = select(Household).where(Household.officer_id.is_(None), Household.deleted_at.is_(None))
    return shortlist(query, (Household.ref_year, Household.ref_number, Household.id), size)


def households_by_id(ids) -> dict[int, Household]:
    """The files of a page of dashboard rows, in one query."""
    ids = set(ids)
    if not ids:
        return {}
    query = select(Household).where(Household.id.in_(ids), Household.deleted_at.is_(None))
    return {h.id: h for h in db.session.scalars(query)}
