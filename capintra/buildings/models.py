"""Buildings and occupancy: buildings, their arrêtés and incidents, units, and the periods
in which a unit is occupied (DESIGN §2). A building's owner or syndic is in the
organisations directory (capintra.organisations)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from capintra.extensions import db
from capintra.models import LabelledEnum, SoftDeleteMixin, VersionedMixin, enum_column
from capintra.text import lazy_gettext as _l
from capintra.text import normalise

# --- enumerations ------------------------------------------------------------------------


class IntendedFuture(LabelledEnum):
    DEMOLITION = "demolition", _l("Démolition")
    REHABILITATION = "rehabilitation", _l("Réhabilitation")


class BuildingState(LabelledEnum):
    A_ACQUERIR = "a_acquerir", _l("À acquérir")
    EN_ACQUISITION = "en_acquisition", _l("En acquisition")
    EN_LIBERATION = "en_liberation", _l("En libération")
    LIBERE = "libere", _l("Libéré")
    DEMOLI = "demoli", _l("Démoli")
    REHABILITE = "rehabilite", _l("Réhabilité")


class ArreteKind(LabelledEnum):
    MISE_EN_SECURITE = "mise_en_securite", _l("Mise en sécurité (procédure ordinaire)")
    MISE_EN_SECURITE_URGENTE = "mise_en_securite_urgente", _l("Mise en sécurité urgente")
    INSALUBRITE = "insalubrite", _l("Traitement de l’insalubrité")


class Ban(LabelledEnum):
    """Interdiction d'habiter."""

    AUCUNE = "aucune", _l("Aucune")
    TEMPORAIRE = "temporaire", _l("Temporaire")
    DEFINITIVE = "definitive", _l("Définitive")


class IncidentKind(LabelledEnum):
    SINISTRE = "sinistre", _l("Sinistre")
    SQUAT = "squat", _l("Squat / intrusion")
    TRAVAUX_URGENCE = "travaux_urgence", _l("Travaux d’urgence")
    VISITE = "visite", _l("Visite")
    AUTRE = "autre", _l("Autre")


class UnitType(LabelledEnum):
    T1 = "t1", _l("T1")
    T2 = "t2", _l("T2")
    T3 = "t3", _l("T3")
    T4 = "t4", _l("T4")
    T5 = "t5", _l("T5")
    T6 = "t6", _l("T6")
    COMMERCE = "commerce", _l("Commerce")
    CAVE = "cave", _l("Cave")
    AUTRE = "autre", _l("Autre")


class UnitCondition(LabelledEnum):
    NORMAL = "normal", _l("Normal")
    INSALUBRE = "insalubre", _l("Insalubre")
    SINISTRE = "sinistre", _l("Sinistré")
    MURE = "mure", _l("Muré")


class AcquisitionMode(LabelledEnum):
    AMIABLE = "amiable", _l("Amiable")
    PREEMPTION = "preemption", _l("Préemption")
    EXPROPRIATION = "expropriation", _l("Expropriation")
    ADJUDICATION = "adjudication", _l("Adjudication")


class OccupancyKind(LabelledEnum):
    PRINCIPAL = "principal", _l("Occupant principal")
    HOSTED = "hosted", _l("Hébergé")


class OccupantStatus(LabelledEnum):
    LOCATAIRE = "locataire", _l("Locataire")
    PROPRIETAIRE = "proprietaire", _l("Propriétaire occupant")
    BONNE_FOI = "bonne_foi", _l("Occupant de bonne foi")
    SOUS_LOCATAIRE = "sous_locataire", _l("Sous-locataire")
    HEBERGE = "heberge", _l("Hébergé")
    SANS_TITRE = "sans_titre", _l("Sans droit ni titre")
    TEMPORAIRE = "temporaire", _l("Occupation temporaire")


class EndReason(LabelledEnum):
    RELOGE = "reloge", _l("Relogé")
    RELOGEMENT_TEMPORAIRE = "relogement_temporaire", _l("Relogement temporaire")
    DEPART_VOLONTAIRE = "depart_volontaire", _l("Départ volontaire")
    DECOHABITATION = "decohabitation", _l("Décohabitation")
    DECES = "deces", _l("Décès")
    EXPULSION = "expulsion", _l("Expulsion")
    AUTRE = "autre", _l("Autre")


class UnitState(LabelledEnum):
    """A unit on a given day (capintra.buildings.services.unit_state)."""

    OCCUPIED = "occupied", _l("Occupé")
    VACANT = "vacant", _l("Vacant")
    WALLED_UP = "walled_up", _l("Muré")
    UNSAFE = "unsafe", _l("Vacant, insalubre ou sinistré")


# --- models ------------------------------------------------------------------------------


def address_key(address: str | None, commune: str | None) -> str:
    """The key buildings are matched on (an import's rows): normalised address, commune."""
    return normalise(f"{address or ''} {commune or ''}")[:400]


class Building(VersionedMixin, SoftDeleteMixin, db.Model):
    """Immeuble."""

    __tablename__ = "building"
    __table_args__ = (
        # The list's order (queries.LIST_ORDER) read from the index, page by page: without
        # it each page sorted every live building. The id, last key of the order, is in
        # it for PostgreSQL (SQLite's indexes end with the rowid anyway): without it,
        # PostgreSQL sorted every live building of the page's operations.
        Index(
            "ix_building_live_operation_address",
            "operation_id",
            "address_key",
            "id",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"), index=True)
    address: Mapped[str] = mapped_column(String(300))
    commune: Mapped[str] = mapped_column(String(100), default="")
    #: normalise(address + commune), kept by the model: what an import matches on.
    address_key: Mapped[str] = mapped_column(String(400), default="", index=True)
    cadastral_parcel: Mapped[str] = mapped_column(String(40), default="")
    owner_or_syndic_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )
    co_ownership: Mapped[bool] = mapped_column(Boolean, default=False)
    intended_future: Mapped[IntendedFuture | None] = mapped_column(enum_column(IntendedFuture))
    state: Mapped[BuildingState] = mapped_column(
        enum_column(BuildingState), default=BuildingState.A_ACQUERIR
    )
    levels: Mapped[int | None] = mapped_column(Integer)
    #: « Date de libération visée ».
    target_vacancy_date: Mapped[date | None] = mapped_column(Date)

    operation = relationship("Operation", lazy="raise")
    owner_or_syndic = relationship("Organisation", lazy="raise")

    @validates("address", "commune")
    def _keep_address_key(self, key: str, value: str) -> str:
        address = value if key == "address" else self.address
        commune = value if key == "commune" else self.commune
        self.address_key = address_key(address, commune)
        return value

    def __repr__(self) -> str:
        return f"<Building {self.id}>"


class Unit(VersionedMixin, SoftDeleteMixin, db.Model):
    """Logement / lot."""

    __tablename__ = "unit"
    __table_args__ = (
        # A building's units by lot; with the columns the buildings list counts by
        # (queries._unit_counts), read from the index alone.
        Index("ix_unit_building_lot", "building_id", "lot_number", "deleted_at", "condition"),
        # A lot number names one live unit of its building (services.save_unit says why).
        Index(
            "uq_unit_building_lot_live",
            "building_id",
            "lot_number",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    lot_number: Mapped[str] = mapped_column(String(20))
    #: 0 = ground floor (« RDC »), negative below ground.
    floor: Mapped[int] = mapped_column(Integer, default=0)
    unit_type: Mapped[UnitType] = mapped_column(enum_column(UnitType), default=UnitType.AUTRE)
    #: Surface in dm² (1 m² = 100 dm²): an exact integer, like money in cents.
    surface_dm2: Mapped[int | None] = mapped_column(Integer)
    condition: Mapped[UnitCondition] = mapped_column(
        enum_column(UnitCondition), default=UnitCondition.NORMAL
    )
    #: Acquisition by the company: both empty when it does not own the unit.
    acquired_on: Mapped[date | None] = mapped_column(Date)
    acquisition_mode: Mapped[AcquisitionMode | None] = mapped_column(enum_column(AcquisitionMode))
    #: « Remarque »: what the team notes about the unit itself (a spreadsheet's
    #: « Observations » on a vacant or walled-up unit, a shop). Plain text, shown escaped.
    remark: Mapped[str] = mapped_column(Text, default="")

    building = relationship("Building", lazy="raise")

    @property
    def surface_m2(self) -> Decimal | None:
        return None if self.surface_dm2 is None else Decimal(self.surface_dm2) / 100

    @property
    def floor_label(self) -> str:
        return "RDC" if self.floor == 0 else str(self.floor)

    @property
    def owned(self) -> bool:
        return self.acquired_on is not None

    def __repr__(self) -> str:
        return f"<Unit {self.id}>"


class Arrete(VersionedMixin, SoftDeleteMixin, db.Model):
    """Arrêté on a building or on one of its units (exactly one of the two)."""

    __tablename__ = "arrete"
    __table_args__ = (
        CheckConstraint("(building_id IS NULL) <> (unit_id IS NULL)", name="on_building_or_unit"),
        CheckConstraint("lifted_on IS NULL OR lifted_on >= arrete_date", name="lifted_after_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("building.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    kind: Mapped[ArreteKind] = mapped_column(enum_column(ArreteKind, length=40))
    arrete_date: Mapped[date] = mapped_column(Date)
    ban: Mapped[Ban] = mapped_column(enum_column(Ban), default=Ban.AUCUNE)
    #: Who must rehouse the occupants (the owner, the commune…), as written in the arrêté.
    rehousing_by: Mapped[str] = mapped_column(String(200), default="")
    #: « Mainlevée ».
    lifted_on: Mapped[date | None] = mapped_column(Date)


class BuildingIncident(VersionedMixin, SoftDeleteMixin, db.Model):
    """A dated event on a building: sinistre, squat, emergency works, visit…"""

    __tablename__ = "building_incident"
    __table_args__ = (Index("ix_building_incident_building_date", "building_id", "incident_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    incident_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[IncidentKind] = mapped_column(enum_column(IncidentKind))
    description: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    recorded_by = relationship("User", lazy="raise")


class Occupancy(VersionedMixin, SoftDeleteMixin, db.Model):
    """A period [start_date, end_date) in which a unit is occupied; end_date is the day
    the keys were handed back, from which the unit is free."""

    __tablename__ = "occupancy"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date > start_date", name="ends_after_start"),
        CheckConstraint("household_id IS NOT NULL OR occupant_label <> ''", name="has_occupant"),
        # A unit's periods; with what the counts of a day read of them (queries.covering,
        # _unit_counts), the periods covering a day found in the index alone.
        Index(
            "ix_occupancy_unit_start",
            "unit_id",
            "start_date",
            "end_date",
            "deleted_at",
            "kind",
            "household_id",
        ),
        # A household's periods (its occupancy tab).
        Index("ix_occupancy_household_start", "household_id", "start_date"),
        # A household has at most one open period (soft-deleted mistakes aside).
        Index(
            "uq_occupancy_open_household",
            "household_id",
            unique=True,
            sqlite_where=text("end_date IS NULL AND deleted_at IS NULL"),
            postgresql_where=text("end_date IS NULL AND deleted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"))
    #: A non-household occupant (a shop), when there is no household.
    occupant_label: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[OccupancyKind] = mapped_column(
        enum_column(OccupancyKind), default=OccupancyKind.PRINCIPAL
    )
    #: For a hosted period: the principal period it began in.
    host_id: Mapped[int | None] = mapped_column(ForeignKey("occupancy.id"), index=True)
    status: Mapped[OccupantStatus] = mapped_column(enum_column(OccupantStatus))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[EndReason | None] = mapped_column(enum_column(EndReason))
    # Money, in integer cents, monthly
    rent_cents: Mapped[int | None] = mapped_column(BigInteger)
    charges_cents: Mapped[int | None] = mapped_column(BigInteger)
    apl_cents: Mapped[int | None] = mapped_column(BigInteger)

    unit = relationship("Unit", lazy="raise")
    household = relationship("Household", lazy="raise")
    host = relationship("Occupancy", lazy="raise", remote_side=[id])

    def covers(self, day: date) -> bool:
        """True when the unit is occupied by this period on `day` (half-open)."""
        return self.start_date <= day and (self.end_date is None or day < self.end_date)

    def host_gone(self, day: date) -> bool:
        """« Hébergé, hôte parti »: a hosted period still running on `day` whose host's
        period has ended (the host must be loaded)."""
        return (
            self.kind is OccupancyKind.HOSTED
            and self.covers(day)
            and self.host is not None
            and self.host.end_date is not None
            and self.host.end_date <= day
        )

    def __repr__(self) -> str:
        return f"<Occupancy {self.id} unit={self.unit_id}>"


class CostsOnHold(VersionedMixin, db.Model):
    """Rent, charges and APL typed on a household file before its home was recorded as an
    occupancy period (the amounts moved from the household to its principal period: a
    household that had none kept its amounts here, nothing lost). Shown with the file's
    occupancy to who reads finances, counted as its costs while it has no current
    principal period, and taken by its first principal period (services.add_period)."""

    __tablename__ = "costs_on_hold"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), unique=True)
    rent_cents: Mapped[int | None] = mapped_column(BigInteger)
    charges_cents: Mapped[int | None] = mapped_column(BigInteger)
    apl_cents: Mapped[int | None] = mapped_column(BigInteger)

    def __repr__(self) -> str:
        return f"<CostsOnHold household={self.household_id}>"
