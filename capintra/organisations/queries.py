"""Reads of the directory: the admin list (accent-insensitive name search, kind filter),
one organisation, and the choices a select of organisations offers."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import func, select

from capintra.extensions import db
from capintra.organisations.models import Organisation, OrganisationKind, name_key

#: The list shows this many rows at most (the directory holds a few hundred).
LIST_LIMIT = 500


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    kind: OrganisationKind | None = None

    @classmethod
    def from_args(cls, args) -> DirectoryFilters:
        kind = args.get("kind") or ""
        known = {k.value: k for k in OrganisationKind}
        return cls(q=(args.get("q") or "").strip()[:100], kind=known.get(kind))


def directory(filters: DirectoryFilters) -> tuple[list[Organisation], int]:
    """Live organisations matching the filters, by name, and how many match."""
    criteria = [Organisation.deleted_at.is_(None)]
    if filters.q:
        for word in name_key(filters.q).split():
            criteria.append(Organisation.name_key.contains(word, autoescape=True))
    if filters.kind is not None:
        criteria.append(Organisation.kind == filters.kind)
    rows = db.session.scalars(
        select(Organisation).where(*criteria).order_by(Organisation.name_key, Organisation.id)
        .limit(LIST_LIMIT)
    ).all()  # fmt: skip
    count = db.session.scalar(select(func.count(Organisation.id)).where(*criteria)) or 0
    return list(rows), count


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
