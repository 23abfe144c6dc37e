"""The organisations directory (« annuaire »): social landlords, reservation holders,
CCAS, Département, CAF, providers, syndics, associations (DESIGN §2).

Reference data of its own feature, so that every feature pointing to an organisation
(buildings' owner or syndic, households' partners, later orders' providers and offers'
landlords) imports it without importing another feature."""

from __future__ import annotations

from sqlalchemy import Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, validates

from capintra.extensions import db
from capintra.models import LabelledEnum, SoftDeleteMixin, VersionedMixin, enum_column
from capintra.text import lazy_gettext as _l
from capintra.text import normalise


class OrganisationKind(LabelledEnum):
    BAILLEUR = "bailleur", _l("Bailleur social")
    RESERVATAIRE = "reservataire", _l("Réservataire")
    CCAS = "ccas", _l("CCAS")
    DEPARTEMENT = "departement", _l("Département")
    CAF = "caf", _l("CAF")
    PRESTATAIRE = "prestataire", _l("Prestataire")
    SYNDIC = "syndic", _l("Syndic")
    AUTRE = "autre", _l("Autre")


def name_key(name: str | None) -> str:
    """What organisations are matched and searched on: the normalised name."""
    return normalise(name)[:200]


class Organisation(VersionedMixin, SoftDeleteMixin, db.Model):
    """Annuaire: bailleurs, réservataires, CCAS, Département, CAF, prestataires, syndics.

    A duplicate merged into another is soft-deleted and keeps `merged_into_id`
    (capintra.organisations.services.merge)."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: normalise(name), kept by the model: what the search and the matching read.
    name_key: Mapped[str] = mapped_column(
        String(200), default="", server_default=text("''"), index=True
    )
    kind: Mapped[OrganisationKind] = mapped_column(
        enum_column(OrganisationKind), default=OrganisationKind.AUTRE, index=True
    )
    address: Mapped[str] = mapped_column(String(300), default="")
    contact: Mapped[str] = mapped_column(String(300), default="")
    #: 14 digits, Luhn-checked by services.clean_siret; "" where none applies.
    siret: Mapped[str] = mapped_column(String(14), default="")
    #: History, not a reference: no foreign key, so that a later merge of the organisation
    #: kept leaves it as it was (follow the chain to the organisation kept in the end).
    merged_into_id: Mapped[int | None] = mapped_column(Integer)

    @validates("name")
    def _keep_name_key(self, key: str, value: str) -> str:
        self.name_key = name_key(value)
        return value

    def __repr__(self) -> str:
        return f"<Organisation {self.id}>"
