"""Reads of the directory: the admin list (accent-insensitive name search, kind filter),
one organisation, and the choices a select of organisations offers."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import func, select

from capintra.extensions import db
from capintra.keyset import Keyset, Page
from capintra.organisations.models import Organisation, OrganisationKind, name_key

#: The list shows this many rows at most (the directory holds a few hundred).
#: Organisations a page of the directory shows; the next ones are a link away (keyset).
PAGE = 100

#: The directory's order: by name (its normalised key), the id for equal names.
DIRECTORY_ORDER = Keyset(Organisation.name_key, Organisation.id)


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    kind: OrganisationKind | None = None

    @classmethod
    def from_args(cls, args) -> DirectoryFilters:
        kind = args.get("kind") or ""
        known = {k.value: k for k in OrganisationKind}
        return cls(q=(args.get("q") or "").strip()[:100], kind=known.get(kind))

    def as_args(self) -> dict:
        """The filters as query-string arguments, for the next page's link."""
        args = {"q": self.q, "kind": self.kind.value if self.kind else None}
        return {k: v for k, v in args.items() if v}


def directory(
    filters: DirectoryFilters, *, after: str | None = None, size: int = PAGE
) -> tuple[Page[Organisation], int]:
    """A page of the live organisations matching the filters, by name, after the cursor
    `after`; and how many match in all."""
    criteria = [Organisation.deleted_at.is_(None)]
    if filters.q:
        for word in name_key(filters.q).split():
            criteria.append(Organisation.name_key.contains(word, autoescape=True))
    if filters.kind is not None:
        criteria.append(Organisation.kind == filters.kind)
    page = DIRECTORY_ORDER.page(select(Organisation).where(*criteria), after=after, size=size)
    count = db.session.scalar(select(func.count(Organisation.id)).where(*criteria)) or 0
    return page, count


def get_organisation_or_404(organisation_id: int) -> Organisation:
    """A live organisation (a merged or deleted one: 404)."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.is_deleted:
        abort(404)
    return organisation


def choices(exclude_id: int | None = None) -> list[tuple[int, str]]:
    """(id, "name (kind)") of every live organisation, by name: a select's options."""
    query = select(Organisation.id, Organisation.name, Organisation.kind).where(
        Organisation.deleted_at.is_(None)
    )
    if exclude_id is not None:
        query = query.where(Organisation.id != exclude_id)
    rows = db.session.execute(query.order_by(Organisation.name_key, Organisation.id))
    return [(id_, option_label(name, kind)) for id_, name, kind in rows]


def kinded_choices() -> list[tuple[int, str, OrganisationKind]]:
    """(id, "name (kind)", kind) of every live organisation, by name, in one statement:
    for a form whose selects each offer some kinds only."""
    rows = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.kind)
        .where(Organisation.deleted_at.is_(None))
        .order_by(Organisation.name_key, Organisation.id)
    )
    return [(id_, option_label(name, kind), kind) for id_, name, kind in rows]


def option_label(name: str, kind: OrganisationKind) -> str:
    return f"{name} ({kind.label})"
