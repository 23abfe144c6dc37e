"""Relocation (DESIGN §2): what a household wishes for its new home, and the offers
(propositions) made to it. Landlords and reservation holders are in the organisations
directory (capintra.organisations). Money in integer cents, surfaces in dm²."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from capintra.extensions import db
from capintra.housing import effort_rate, remaining_charge
from capintra.models import LabelledEnum, SoftDeleteMixin, VersionedMixin, enum_column
from capintra.text import lazy_gettext as _l

# --- enumerations ------------------------------------------------------------------------


class Typology(LabelledEnum):
    """Type de logement recherché ou proposé."""

    T1 = "t1", _l("T1")
    T2 = "t2", _l("T2")
    T3 = "t3", _l("T3")
    T4 = "t4", _l("T4")
    T5 = "t5", _l("T5")
    T6 = "t6", _l("T6 et plus")


class Channel(LabelledEnum):
    """How an offer was sent."""

    COURRIER = "courrier", _l("Courrier simple")
    RECOMMANDE = "recommande", _l("Recommandé avec AR")
    COURRIEL = "courriel", _l("Courriel")
    MAIN_PROPRE = "main_propre", _l("Remise en main propre")
    TELEPHONE = "telephone", _l("Téléphone")


class Financing(LabelledEnum):
    PLAI = "plai", _l("PLAI")
    PLUS = "plus", _l("PLUS")
    PLS = "pls", _l("PLS")
    PRIVE_CONVENTIONNE = "prive_conventionne", _l("Privé conventionné")
    PRIVE = "prive", _l("Privé")


class CaleolDecision(LabelledEnum):
    """The landlord's allocation committee's decision (CALEOL)."""

    FAVORABLE = "favorable", _l("Favorable (attribution)")
    FAVORABLE_RANG = "favorable_rang", _l("Attribution en rang")
    SOUS_CONDITION = "sous_condition", _l("Attribution sous condition suspensive")
    DEFAVORABLE = "defavorable", _l("Défavorable (non-attribution)")
    AJOURNE = "ajourne", _l("Ajourné")
    IRRECEVABLE = "irrecevable", _l("Irrecevable")


class Answer(LabelledEnum):
    """The household's answer to an offer."""

    EN_ATTENTE = "en_attente", _l("En attente")
    ACCEPTEE = "acceptee", _l("Acceptée")
    REFUSEE = "refusee", _l("Refusée")


class RefusalReason(LabelledEnum):
    LOCALISATION = "localisation", _l("Localisation")
    LOYER = "loyer", _l("Loyer trop élevé")
    TYPOLOGIE = "typologie", _l("Typologie")
    ETAT = "etat", _l("État du logement")
    ETAGE = "etage", _l("Étage / accessibilité")
    ENVIRONNEMENT = "environnement", _l("Environnement")
    AUTRE = "autre", _l("Autre")


# --- models ------------------------------------------------------------------------------


class Wishes(VersionedMixin, db.Model):
    """Souhaits de relogement: one row per household, edited in place."""

    __tablename__ = "relocation_wishes"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), unique=True)
    #: The communes wished for, as the officer writes them (« Saint-Étienne, Firminy »).
    communes: Mapped[str] = mapped_column(String(300), default="")
    unit_type: Mapped[Typology | None] = mapped_column(enum_column(Typology))
    max_rent_cents: Mapped[int | None] = mapped_column(Integer)
    #: The highest floor the household can live on (0 = ground floor), if any.
    max_floor: Mapped[int | None] = mapped_column(Integer)
    lift_required: Mapped[bool] = mapped_column(Boolean, default=False)
    preferred_landlord_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )
    note: Mapped[str] = mapped_column(Text, default="")

    preferred_landlord = relationship("Organisation", lazy="raise")

    def __repr__(self) -> str:
        return f"<Wishes {self.id}>"


class Offer(VersionedMixin, SoftDeleteMixin, db.Model):
    """Proposition de logement made to a household."""

    __tablename__ = "relocation_offer"
    __table_args__ = (Index("ix_relocation_offer_household_sent", "household_id", "sent_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    #: A formal offer (« proposition formelle »): the law asks for at least two.
    formal: Mapped[bool] = mapped_column(Boolean, default=False)
    sent_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel), default=Channel.COURRIER)
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    answer_deadline: Mapped[date | None] = mapped_column(Date)
    landlord_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    reservation_holder_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )
    address: Mapped[str] = mapped_column(String(300), default="")
    commune: Mapped[str] = mapped_column(String(100), default="")
    #: In a « quartier prioritaire de la politique de la ville » (QPV).
    priority_neighbourhood: Mapped[bool] = mapped_column(Boolean, default=False)
    unit_type: Mapped[Typology | None] = mapped_column(enum_column(Typology))
    #: Surface in dm² (1 m² = 100 dm²), like buildings' Unit.surface_dm2.
    surface_dm2: Mapped[int | None] = mapped_column(Integer)
    financing: Mapped[Financing | None] = mapped_column(enum_column(Financing))
    #: Year built, or year of the convention for private housing.
    year_built: Mapped[int | None] = mapped_column(Integer)
    rent_cents: Mapped[int | None] = mapped_column(Integer)
    charges_cents: Mapped[int | None] = mapped_column(Integer)
    visit_on: Mapped[date | None] = mapped_column(Date)
    caleol_on: Mapped[date | None] = mapped_column(Date)
    caleol_decision: Mapped[CaleolDecision | None] = mapped_column(enum_column(CaleolDecision))
    answer: Mapped[Answer] = mapped_column(enum_column(Answer), default=Answer.EN_ATTENTE)
    answered_on: Mapped[date | None] = mapped_column(Date)
    refusal_reason: Mapped[RefusalReason | None] = mapped_column(enum_column(RefusalReason))
    refusal_note: Mapped[str] = mapped_column(Text, default="")

    landlord = relationship("Organisation", foreign_keys=[landlord_id], lazy="raise")
    reservation_holder = relationship(
        "Organisation", foreign_keys=[reservation_holder_id], lazy="raise"
    )

    @property
    def surface_m2(self) -> Decimal | None:
        return None if self.surface_dm2 is None else Decimal(self.surface_dm2) / 100

    def __repr__(self) -> str:
        return f"<Offer {self.id}>"


class RelocationKind(LabelledEnum):
    TEMPORAIRE = "temporaire", _l("Relogement temporaire")
    DEFINITIF = "definitif", _l("Relogement définitif")


class Sector(LabelledEnum):
    """Where the household went (DESIGN §2, Relocation)."""

    SOCIAL = "social", _l("Logement social")
    PRIVE_CONVENTIONNE = "prive_conventionne", _l("Privé conventionné")
    PRIVE = "prive", _l("Privé")
    ACCESSION = "accession", _l("Accession à la propriété")
    STRUCTURE = "structure", _l("Structure (résidence, foyer…)")


class Satisfaction(LabelledEnum):
    TRES_SATISFAIT = "tres_satisfait", _l("Très satisfait")
    SATISFAIT = "satisfait", _l("Satisfait")
    PEU_SATISFAIT = "peu_satisfait", _l("Peu satisfait")
    PAS_SATISFAIT = "pas_satisfait", _l("Pas satisfait")


class Relocation(VersionedMixin, SoftDeleteMixin, db.Model):
    """Relogement: a temporary one (the right to return kept open; an occupancy period
    opened when the unit is one of ours) or the final one. The costs before are a snapshot
    of the household's housing costs and resources on the day it is recorded, so that the
    remaining charge and effort rate before and after are computed from what was true
    then, never typed. Money in integer cents, surfaces in dm²."""

    __tablename__ = "relocation"
    __table_args__ = (Index("ix_relocation_household_kind", "household_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    kind: Mapped[RelocationKind] = mapped_column(enum_column(RelocationKind))
    #: The accepted offer it follows from, if any.
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("relocation_offer.id"), index=True)
    #: Date of the relocation (lease signed / entry into the new home).
    relocated_on: Mapped[date] = mapped_column(Date)
    #: Key-handover date of the home left (« remise des clés »): the open occupancy ends then.
    keys_on: Mapped[date] = mapped_column(Date)
    address: Mapped[str] = mapped_column(String(300), default="")
    commune: Mapped[str] = mapped_column(String(100), default="")
    landlord_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    reservation_holder_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )
    sector: Mapped[Sector] = mapped_column(enum_column(Sector), default=Sector.SOCIAL)
    unit_type: Mapped[Typology | None] = mapped_column(enum_column(Typology))
    surface_dm2: Mapped[int | None] = mapped_column(Integer)
    rent_cents: Mapped[int | None] = mapped_column(Integer)
    charges_cents: Mapped[int | None] = mapped_column(Integer)
    apl_cents: Mapped[int | None] = mapped_column(Integer)
    #: New social housing, or social housing less than 5 years old.
    new_social_housing: Mapped[bool] = mapped_column(Boolean, default=False)
    priority_neighbourhood: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Rehoused on the operation's site (vs elsewhere).
    on_site: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Eligible to the rent-reduction grant (« minoration de loyer »).
    rent_reduction_grant: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Temporary only: the right to return is kept open (visible on the file).
    right_to_return: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Temporary only: when the temporary stay ended (the final relocation's date).
    ended_on: Mapped[date | None] = mapped_column(Date)
    #: Temporary only: our unit the household stays in (an occupancy period there).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)

    # Snapshot of « before », taken when the relocation is recorded.
    before_rent_cents: Mapped[int | None] = mapped_column(Integer)
    before_charges_cents: Mapped[int | None] = mapped_column(Integer)
    before_apl_cents: Mapped[int | None] = mapped_column(Integer)
    before_surface_dm2: Mapped[int | None] = mapped_column(Integer)
    #: The household's monthly resources when recorded (the effort rates' denominator).
    resources_cents: Mapped[int | None] = mapped_column(Integer)

    # Optional satisfaction survey
    satisfaction: Mapped[Satisfaction | None] = mapped_column(enum_column(Satisfaction))
    survey_on: Mapped[date | None] = mapped_column(Date)
    survey_note: Mapped[str] = mapped_column(Text, default="")

    landlord = relationship("Organisation", foreign_keys=[landlord_id], lazy="raise")
    reservation_holder = relationship(
        "Organisation", foreign_keys=[reservation_holder_id], lazy="raise"
    )

    @property
    def is_final(self) -> bool:
        return self.kind is RelocationKind.DEFINITIF

    @property
    def surface_m2(self) -> Decimal | None:
        return None if self.surface_dm2 is None else Decimal(self.surface_dm2) / 100

    @property
    def remaining_before_cents(self) -> int | None:
        return remaining_charge(self.before_rent_cents, self.before_charges_cents,
                                self.before_apl_cents)  # fmt: skip

    @property
    def remaining_after_cents(self) -> int | None:
        return remaining_charge(self.rent_cents, self.charges_cents, self.apl_cents)

    @property
    def effort_before(self) -> Decimal | None:
        return effort_rate(self.remaining_before_cents, self.resources_cents)

    @property
    def effort_after(self) -> Decimal | None:
        return effort_rate(self.remaining_after_cents, self.resources_cents)

    def __repr__(self) -> str:
        return f"<Relocation {self.id} {self.kind}>"
