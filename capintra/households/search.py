"""The household search key: normalised words, kept up to date by the model.

Words are folded by `capintra.text.normalise` ("Hélène ÇELIK" → "helene celik").
Each word of the reference, name, address and members' names is stored in
household_search_term; a search word matches by prefix with an indexed range
(term >= 'hel' AND term < 'hem'), so the search costs the same on SQLite and
PostgreSQL and stays fast at 50,000 files.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, event, insert, inspect, select
from sqlalchemy.orm import Session

from capintra.households.models import Household, HouseholdSearchTerm, Member
from capintra.text import normalise

MAX_TERM = 60
MAX_QUERY_WORDS = 5


#: Words too common to narrow a search (every reference starts with MEN; street words).
STOP_WORDS = frozenset(
    {"men", "rue", "de", "du", "des", "la", "le", "les", "et", "avenue", "av", "bd",
     "boulevard", "place", "chemin", "impasse", "allee", "cours", "quai", "route"}
)  # fmt: skip


def words(text: str | None) -> list[str]:
    return [w[:MAX_TERM] for w in normalise(text).split()]


def household_terms(reference: str, name: str, address: str, member_names: Iterable[str]):
    terms = set(words(reference)) | set(words(name)) | set(words(address))
    for member_name in member_names:
        terms |= set(words(member_name))
    return terms - STOP_WORDS


def query_words(q: str | None) -> list[str]:
    """The words of a search, most selective first (the longest); one-letter words and
    stop words ignored: they would match nearly every file."""
    found = [w for w in dict.fromkeys(words(q)) if len(w) > 1 and w not in STOP_WORDS]
    return sorted(found, key=_selectivity)[:MAX_QUERY_WORDS]


def _selectivity(word: str) -> tuple[bool, int]:
    """Sort key: a year (every reference of that year has it) last, then longer first."""
    is_year = len(word) == 4 and word.isdigit() and word[:2] in ("19", "20")
    return (is_year, -len(word))


#: The characters of a search term, in the order every collation sorts them.
TERM_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def prefix_upper_bound(prefix: str) -> str | None:
    """The smallest term greater than every term starting with prefix (None: no bound,
    the prefix is all z's).

    The bound stays within [0-9a-z] ("ab9" → "aba", "abz" → "ac"): a PostgreSQL database
    with a French collation ignores punctuation when comparing, so the naive next
    character ("abz" → "ab{", "ab9" → "ab:") would make the range empty there.
    """
    chars = list(prefix)
    while chars:
        position = TERM_ALPHABET.find(chars.pop())
        if 0 <= position < len(TERM_ALPHABET) - 1:
            return "".join(chars) + TERM_ALPHABET[position + 1]
    return None


def matching_household_ids(word: str):
    """A subquery of households having a term starting with word."""
    upper = prefix_upper_bound(word)
    query = select(HouseholdSearchTerm.household_id).where(HouseholdSearchTerm.term >= word)
    return query if upper is None else query.where(HouseholdSearchTerm.term < upper)


def _starts(text: str | None, word: str) -> bool:
    return any(w.startswith(word) for w in words(text))


def match_reasons(household, members, query: list[str]) -> list[tuple[str, str]]:
    """Where the search words a household’s name does not hold were found: ("member",
    "Hélène DURAND"), ("address", …), ("reference", …), each once. Empty when the name
    explains the match."""
    reasons: list[tuple[str, str]] = []
    for word in query:
        if _starts(household.name, word):
            continue
        found = [
            ("member", f"{m.first_name} {m.last_name.upper()}".strip())
            for m in members
            if _starts(f"{m.last_name} {m.first_name}", word)
        ][:1]
        if not found and _starts(household.address, word):
            found = [("address", household.address)]
        if not found and _starts(household.reference, word):
            found = [("reference", household.reference)]
        reasons += [r for r in found if r not in reasons]
    return reasons


# --- keeping the key up to date ---------------------------------------------------------

_PENDING = "capintra_search_pending"


#: What the search key is made of: a change elsewhere (phase, version…) leaves it alone.
_HOUSEHOLD_KEY = ("name", "address", "reference", "deleted_at")
_MEMBER_KEY = ("last_name", "first_name", "left_at", "deleted_at", "household_id")


def _changed(obj, attributes) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in attributes)


def _before_flush(session: Session, flush_context, instances) -> None:
    pending = session.info.setdefault(_PENDING, set())
    for obj in session.new:
        if isinstance(obj, Household):
            obj.sort_name = normalise(obj.name)[:200]
            pending.add(obj)
        elif isinstance(obj, Member):
            pending.add(obj.household_id)
    for obj in session.dirty:
        if isinstance(obj, Household) and _changed(obj, _HOUSEHOLD_KEY):
            obj.sort_name = normalise(obj.name)[:200]
            pending.add(obj)
        elif isinstance(obj, Member) and _changed(obj, _MEMBER_KEY):
            pending.add(obj.household_id)


def _after_flush(session: Session, flush_context) -> None:
    pending = session.info.pop(_PENDING, set())
    if not pending:
        return
    ids = {p.id if isinstance(p, Household) else p for p in pending}
    ids.discard(None)
    if not ids:
        return
    conn = session.connection()
    households = conn.execute(
        select(
            Household.id, Household.reference, Household.name, Household.address,
            Household.sort_name,
        ).where(Household.id.in_(ids), Household.deleted_at.is_(None))
    ).all()  # fmt: skip
    members: dict[int, list[str]] = {}
    for household_id, last, first in conn.execute(
        select(Member.household_id, Member.last_name, Member.first_name).where(
            Member.household_id.in_(ids), Member.deleted_at.is_(None), Member.left_at.is_(None)
        )
    ):
        members.setdefault(household_id, []).append(f"{last} {first}")
    conn.execute(delete(HouseholdSearchTerm).where(HouseholdSearchTerm.household_id.in_(ids)))
    rows = [
        {"household_id": h.id, "term": term, "sort_name": h.sort_name}
        for h in households
        for term in household_terms(h.reference, h.name, h.address, members.get(h.id, []))
    ]
    if rows:
        conn.execute(insert(HouseholdSearchTerm), rows)


def install_search_listeners() -> None:
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
