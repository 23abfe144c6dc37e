"""Directory rules: the SIRET (14 digits, Luhn), one live organisation per name, and the
merge of a duplicate into the organisation kept.

Plain functions that take objects, flush, and raise a DomainError when a rule refuses;
the view commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Column, Table, func, select

from capintra.audit.service import record_event
from capintra.errors import DomainError
from capintra.extensions import db
from capintra.models import SoftDeleteMixin, utcnow
from capintra.organisations.models import Organisation, name_key
from capintra.text import lazy_gettext as _l

# --- SIRET -------------------------------------------------------------------------------

#: La Poste's SIRENs: its establishments' SIRETs follow their own rule (digits' sum % 5).
_LA_POSTE_SIREN = "356000000"


def siret_is_valid(siret: str) -> bool:
    """14 digits passing the Luhn check (La Poste's establishments: digit sum % 5 == 0)."""
    if len(siret) != 14 or not siret.isascii() or not siret.isdigit():
        return False
    if siret.startswith(_LA_POSTE_SIREN) and siret != _LA_POSTE_SIREN + "00048":
        return sum(int(d) for d in siret) % 5 == 0
    total = 0
    for position, char in enumerate(reversed(siret)):
        digit = int(char)
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


SIRET_MESSAGE = _l(
    "Ce numéro SIRET n’est pas valide : il compte 14 chiffres et sa clé de "
    "contrôle doit être juste. Vérifiez-le sur l’avis de situation SIRENE."
)


def clean_siret(value: str | None) -> str:
    """The SIRET as stored: spaces removed, "" when none; refused when invalid."""
    siret = "".join((value or "").split())
    if siret and not siret_is_valid(siret):
        raise DomainError(str(SIRET_MESSAGE))
    return siret


# --- create and edit -----------------------------------------------------------------------


def same_name(name: str, exclude_id: int | None = None) -> Organisation | None:
    """The live organisation whose normalised name is `name`'s (« CCAS de Firminy » and
    « ccas de firminy » are one), other than `exclude_id`."""
    query = select(Organisation).where(
        Organisation.name_key == name_key(name), Organisation.deleted_at.is_(None)
    )
    if exclude_id is not None:
        query = query.where(Organisation.id != exclude_id)
    return db.session.scalars(query.order_by(Organisation.id).limit(1)).first()


def save_organisation(organisation: Organisation, data: dict) -> None:
    """Copy the form's fields: the SIRET cleaned (refused when invalid), the name unique
    among live organisations (a second « CAF de la Loire » is a duplicate to avoid)."""
    data = dict(data)
    if "siret" in data:
        data["siret"] = clean_siret(data["siret"])
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
        twin = same_name(data["name"], exclude_id=organisation.id)
        if twin is not None:
            raise DomainError(
                _(
                    "« %(name)s » est déjà dans l’annuaire : choisissez-le plutôt que d’en "
                    "créer un second.",
                    name=twin.name,
                ),
                twin,
            )
    for name, value in data.items():
        setattr(organisation, name, value)
    db.session.add(organisation)
    db.session.flush()


# --- merge ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """A column pointing to an organisation (a building's owner, a household's partner…)."""

    model: type
    column: Column

    @property
    def attribute(self) -> str:
        return self.model.__mapper__.get_property_by_column(self.column).key


def references() -> list[Reference]:
    """Every mapped column with a foreign key to organisation.id, whichever feature holds
    it: the directory knows no feature, and a new reference moves on merge by itself."""
    found = []
    for mapper in sorted(db.Model.registry.mappers, key=lambda m: m.class_.__name__):
        table = mapper.local_table
        if not isinstance(table, Table):
            continue
        for column in table.columns:
            if any(
                fk.column.table.name == Organisation.__tablename__ for fk in column.foreign_keys
            ):
                found.append(Reference(mapper.class_, column))
    return found


def _is_live(obj) -> bool:
    return not isinstance(obj, SoftDeleteMixin) or obj.deleted_at is None


def _twin_after_move(ref: Reference, obj, kept: Organisation):
    """The row a unique constraint would collide with once `obj` points to `kept` (a
    household that had both the duplicate and the kept one among its partners)."""
    table = ref.column.table
    for constraint in table.constraints:
        names = {c.name for c in getattr(constraint, "columns", ())}
        if ref.column.name not in names or len(names) < 2:
            continue
        if constraint.__class__.__name__ not in ("UniqueConstraint", "PrimaryKeyConstraint"):
            continue
        others = [c for c in table.columns if c.name in names and c is not ref.column]
        query = select(ref.model).where(getattr(ref.model, ref.attribute) == kept.id)
        for column in others:
            attribute = ref.model.__mapper__.get_property_by_column(column).key
            query = query.where(getattr(ref.model, attribute) == getattr(obj, attribute))
        twin = db.session.scalars(query.limit(1)).first()
        if twin is not None:
            return twin
    return None


def usage(organisation: Organisation) -> dict[str, int]:
    """How many live rows of each table point to the organisation."""
    counts: dict[str, int] = {}
    for ref in references():
        if ref.model is Organisation:
            continue
        query = select(func.count()).where(getattr(ref.model, ref.attribute) == organisation.id)
        if issubclass(ref.model, SoftDeleteMixin):
            query = query.where(ref.model.deleted_at.is_(None))
        count = db.session.scalar(query) or 0
        if count:
            counts[ref.model.__tablename__] = counts.get(ref.model.__tablename__, 0) + count
    return counts


def merge(duplicate: Organisation, kept: Organisation) -> dict[str, int]:
    """Merge `duplicate` into `kept`: every reference moves to `kept` (through the ORM, so
    the audit trail records each move, and the moves of a household's partners stay as
    hidden as the partners themselves); where the row already pointed to `kept` too, the
    duplicate's row is dropped (soft-deleted), `kept`'s kept (restored if it was removed
    while the duplicate's was live). The duplicate is soft-deleted and remembers `kept`.
    Returns the rows moved, by table."""
    if duplicate.id == kept.id:
        raise DomainError(_("Un organisme ne peut pas être fusionné avec lui-même."), duplicate)
    # Two merges at once: the second waits here (PostgreSQL's row locks; SQLite: the
    # request's write lock), then reads the rows as the first left them.
    db.session.scalars(
        select(Organisation)
        .where(Organisation.id.in_([duplicate.id, kept.id]))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    if duplicate.is_deleted or kept.is_deleted:
        raise DomainError(
            _("Cet organisme a été supprimé ou fusionné entre-temps : rechargez l’annuaire."),
            duplicate,
        )
    moved: dict[str, int] = {}
    for ref in references():
        attribute = ref.attribute
        rows = db.session.scalars(
            select(ref.model).where(getattr(ref.model, attribute) == duplicate.id)
        ).all()
        for obj in rows:
            if obj is duplicate:
                continue
            twin = _twin_after_move(ref, obj, kept)
            if twin is not None:
                if _is_live(obj) and not _is_live(twin):
                    twin.deleted_at = None
                if isinstance(obj, SoftDeleteMixin):
                    if _is_live(obj):
                        obj.soft_delete()
                else:
                    db.session.delete(obj)
                continue
            setattr(obj, attribute, kept.id)
            if _is_live(obj):
                table = ref.model.__tablename__
                moved[table] = moved.get(table, 0) + 1
    duplicate.merged_into_id = kept.id
    duplicate.deleted_at = utcnow()
    db.session.flush()
    record_event(
        "organisation_merged",
        duplicate,
        changes={"merged_into_id": [None, kept.id], "moved": [None, sum(moved.values())]},
    )
    return moved
