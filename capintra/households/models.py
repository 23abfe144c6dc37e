"""Household files: the household, its members, journal, letters, documents and tasks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from capintra import clock
from capintra.extensions import db
from capintra.models import LabelledEnum, SoftDeleteMixin, VersionedMixin, enum_column, utcnow
from capintra.text import lazy_gettext as _l


class Phase(LabelledEnum):
    """Étape du dossier, in order: forward moves are free, backward ones need a reason."""

    A_RENCONTRER = "a_rencontrer", _l("À rencontrer")
    DIAGNOSTIC = "diagnostic", _l("Diagnostic")
    RECHERCHE = "recherche", _l("Recherche")
    RELOGEMENT_TEMPORAIRE = "relogement_temporaire", _l("Relogement temporaire")
    RELOGE = "reloge", _l("Relogé")
    SUIVI = "suivi", _l("Suivi")
    CLOS = "clos", _l("Clos")

    @property
    def rank(self) -> int:
        return list(Phase).index(self)

    @property
    def supporting_documents_used(self) -> bool:
        """Past diagnostic, the supporting documents have served (DESIGN §5: delete them)."""
        return self.rank > Phase.DIAGNOSTIC.rank


class Outcome(LabelledEnum):
    """Issue du dossier, set on closing."""

    RELOGE_DEFINITIVEMENT = "reloge_definitivement", _l("Relogé définitivement")
    PARTI = "parti", _l("Parti par ses propres moyens")
    NON_ELIGIBLE = "non_eligible", _l("Non éligible")
    DECES = "deces", _l("Décès")
    PROCEDURE = "procedure", _l("Procédure")


class RehousingRight(LabelledEnum):
    OUI = "oui", _l("Oui")
    NON = "non", _l("Non")
    A_INSTRUIRE = "a_instruire", _l("À instruire")


class RehousingBasis(LabelledEnum):
    L314_1 = "l314_1", _l("Art. L314-1 du code de l’urbanisme")
    ARRETE = "arrete", _l("Arrêté")
    CHARTE = "charte", _l("Charte de relogement")


class Relation(LabelledEnum):
    CHEF = "chef", _l("Chef de ménage")
    CONJOINT = "conjoint", _l("Conjoint(e)")
    ENFANT = "enfant", _l("Enfant")
    ASCENDANT = "ascendant", _l("Ascendant")
    AUTRE = "autre", _l("Autre")


class Employment(LabelledEnum):
    SALARIE = "salarie", _l("Salarié(e)")
    DEMANDEUR = "demandeur", _l("Demandeur d’emploi")
    RETRAITE = "retraite", _l("Retraité(e)")
    ETUDIANT = "etudiant", _l("Étudiant(e) / scolarisé(e)")
    INACTIF = "inactif", _l("Sans activité")
    AUTRE = "autre", _l("Autre")


class NoteKind(LabelledEnum):
    ENTRETIEN = "entretien", _l("Entretien")
    VISITE = "visite", _l("Visite à domicile")
    APPEL = "appel", _l("Appel")
    REUNION = "reunion", _l("Réunion partenaire")
    AUTRE = "autre", _l("Autre")


class LetterDirection(LabelledEnum):
    SENT = "sent", _l("Envoyé")
    RECEIVED = "received", _l("Reçu")


class LetterChannel(LabelledEnum):
    LRAR = "lrar", _l("LRAR")
    MAIN_PROPRE = "main_propre", _l("Remise en main propre")
    SIMPLE = "simple", _l("Courrier simple")
    EMAIL = "email", _l("Courriel")


class DeliveryOutcome(LabelledEnum):
    """What the post office says became of a letter we sent (an unclaimed LRAR is a fact
    to record before a judge, not a missing acknowledgement)."""

    DISTRIBUE = "distribue", _l("Distribué")
    NON_RECLAME = "non_reclame", _l("Avisé non réclamé")
    REFUSE = "refuse", _l("Refusé")
    NPAI = "npai", _l("NPAI (n’habite pas à l’adresse indiquée)")


class TaskKind(LabelledEnum):
    GENERAL = "general", _l("Tâche")
    NUMERO_UNIQUE = "numero_unique", _l("Renouvellement du numéro unique")
    FOLLOW_UP = "follow_up", _l("Suivi à 6 mois")
    AFTER_DEPARTURE = "after_departure", _l("Après départ")


class SafetyAlert(LabelledEnum):
    """Consignes de sécurité: what everyone who handles the file must know (DESIGN §1)."""

    NO_ADDRESS = "no_address", _l("Ne pas communiquer l’adresse")
    NO_MAIL_HOME = "no_mail_home", _l("Ne pas écrire au domicile")
    INTERPRETER = "interpreter", _l("Interprète nécessaire")
    TWO_STAFF = "two_staff", _l("Venir à deux")


class Household(VersionedMixin, SoftDeleteMixin, db.Model):
    """Ménage: a household and its case file."""

    __tablename__ = "household"
    __table_args__ = (
        UniqueConstraint("ref_year", "ref_number"),
        Index("ix_household_sort_name_id", "sort_name", "id"),
        # The files split from one (a few among thousands): an index of those only, so
        # that the planner's statistics (ANALYZE) do not see it as one key of them all.
        Index(
            "ix_household_split_from_id",
            "split_from_id",
            sqlite_where=text("split_from_id IS NOT NULL"),
            postgresql_where=text("split_from_id IS NOT NULL"),
        ),
        # One operation's files in the list's order: SQLite otherwise walked the whole
        # name order for an operation with few files (a new one: 80 ms at 50,000 files).
        Index(
            "ix_household_operation_sort",
            "operation_id",
            "sort_name",
            "id",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index("ix_household_reference_id", "reference", "id"),
        Index("ix_household_updated_at_id", "updated_at", "id"),
        # The deleted files (few, if any): found without reading the table, so that a
        # count can leave them out without looking up each file it counts (the buildings'
        # households still to rehouse: capintra/buildings/queries._unit_counts).
        Index(
            "ix_household_deleted",
            "deleted_at",
            sqlite_where=text("deleted_at IS NOT NULL"),
            postgresql_where=text("deleted_at IS NOT NULL"),
        ),
        # The dashboards' counts per operation and phase read this index alone, never
        # the (wide) rows: 50,000 files counted in milliseconds.
        Index(
            "ix_household_progress",
            "operation_id",
            "phase",
            "deleted_at",
            "split_from_id",
            "outcome",
        ),  # fmt: skip
        # The committee's list (capintra/committee): its flagged files in its order, read
        # from the index a page at a time, and counted from it.
        Index(
            "ix_household_committee_order",
            "operation_id",
            "ref_year",
            "ref_number",
            sqlite_where=text("committee_flag IS 1 AND deleted_at IS NULL"),
            postgresql_where=text("committee_flag IS true AND deleted_at IS NULL"),
        ),
        # An officer's dashboard: their flagged files counted, their files counted per
        # phase, from these indexes alone (not their 10,000 rows, nor every file's).
        Index(
            "ix_household_officer_committee",
            "officer_id",
            sqlite_where=text("committee_flag IS 1 AND deleted_at IS NULL"),
            postgresql_where=text("committee_flag IS true AND deleted_at IS NULL"),
        ),
        Index(
            "ix_household_officer_phase",
            "officer_id",
            "phase",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    ref_year: Mapped[int] = mapped_column(Integer)
    ref_number: Mapped[int] = mapped_column(Integer)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    split_from_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"))

    # Who and where
    name: Mapped[str] = mapped_column(String(200))
    #: Lower-case, unaccented name: the list's sort key (kept by the model).
    sort_name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    commune: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    preferred_language: Mapped[str] = mapped_column(String(60), default="")
    years_in_home: Mapped[int | None] = mapped_column(Integer)
    privacy_notice_date: Mapped[date | None] = mapped_column(Date)

    # File
    phase: Mapped[Phase] = mapped_column(enum_column(Phase), default=Phase.A_RENCONTRER, index=True)
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome))
    closed_at: Mapped[date | None] = mapped_column(Date)
    rehousing_right: Mapped[RehousingRight] = mapped_column(
        enum_column(RehousingRight), default=RehousingRight.A_INSTRUIRE
    )
    rehousing_basis: Mapped[RehousingBasis | None] = mapped_column(enum_column(RehousingBasis))
    rehousing_bearer: Mapped[str] = mapped_column(String(200), default="")

    # Money, in integer cents (monthly unless said otherwise)
    monthly_resources_cents: Mapped[int | None] = mapped_column(BigInteger)
    tax_reference_income_cents: Mapped[int | None] = mapped_column(BigInteger)
    # Rent, charges and APL belong to the occupancy period (capintra.housing).
    caf_number: Mapped[str] = mapped_column(String(30), default="")
    other_benefits: Mapped[str] = mapped_column(String(300), default="")
    arrears_cents: Mapped[int | None] = mapped_column(BigInteger)
    repayment_plan: Mapped[bool] = mapped_column(Boolean, default=False)
    fsl: Mapped[bool] = mapped_column(Boolean, default=False)
    ccapex_referral: Mapped[bool] = mapped_column(Boolean, default=False)

    # Social housing application
    numero_unique: Mapped[str] = mapped_column(String(40), default="")
    numero_unique_renewal: Mapped[date | None] = mapped_column(Date)

    # Partners involved: organisations of the directory (HouseholdPartner), and what the
    # directory does not say (who follows the file there, the free text of before the
    # directory that could not be read as a list of organisations).
    partners_note: Mapped[str] = mapped_column(String(500), default="", server_default=text("''"))

    # Housing needs (everyone sees them) and the health data behind them (officers only)
    needs_ground_floor: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_lift: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_adapted: Mapped[bool] = mapped_column(Boolean, default=False)
    health_details: Mapped[str] = mapped_column(Text, default="")
    vulnerability_details: Mapped[str] = mapped_column(Text, default="")

    # Safety alert: short instructions for everyone who handles the file, written by
    # officers; the reason behind it stays in the confidential fields above.
    alert_codes: Mapped[list[str]] = mapped_column(
        JSON,
        default=list,
        info={"enum": SafetyAlert},  # the history shows their labels
    )
    alert_note: Mapped[str] = mapped_column(String(200), default="")

    # Follow-up committee
    committee_flag: Mapped[bool] = mapped_column(Boolean, default=False)
    committee_blocking_point: Mapped[str] = mapped_column(String(500), default="")
    committee_decision: Mapped[str] = mapped_column(Text, default="")

    operation = relationship("Operation", lazy="raise")
    officer = relationship("User", lazy="raise", foreign_keys=[officer_id])
    split_from = relationship(
        "Household", lazy="raise", remote_side=[id], foreign_keys=[split_from_id]
    )
    #: The members still in the home (what the search indexes): read with a page of
    #: search results, to say why a file matched.
    current_members = relationship(
        "Member",
        primaryjoin="and_(Member.household_id == Household.id, Member.deleted_at.is_(None), "
        "Member.left_at.is_(None))",
        viewonly=True,
        lazy="raise",
        order_by="Member.id",
    )

    @property
    def evidence_archived(self) -> bool:
        """Closed: its relocation evidence is in the restricted archive, read-only
        (capintra/households/archive.py)."""
        return self.phase is Phase.CLOS

    @property
    def alerts(self) -> list[str]:
        """The alert's instructions, in French: the chosen ones, then the free text."""
        codes, shown = self.alert_codes, []
        if codes:  # most files have none: a list page asks every row
            known = {a.value: a.label for a in SafetyAlert}
            shown = [known[c] for c in codes if c in known]
        if self.alert_note:
            shown.append(self.alert_note)
        return shown

    @property
    def alert_text(self) -> str:
        """The alert in one line ("" when there is none)."""
        return " · ".join(self.alerts)

    def __repr__(self) -> str:
        return f"<Household {self.id} {self.reference}>"


class HouseholdSearchTerm(db.Model):
    """The household's normalised search key, one word a row: an indexed prefix search
    (`helene` finds `Hélène`) that behaves the same on SQLite and PostgreSQL."""

    __tablename__ = "household_search_term"
    __table_args__ = (
        # A search by the default order reads one page straight from this index.
        Index("ix_household_search_term_term_sort", "term", "sort_name", "household_id"),
    )

    term: Mapped[str] = mapped_column(String(60), primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    #: The household's sort_name, copied so a page of matches needs no sort of the rows.
    sort_name: Mapped[str] = mapped_column(String(200), default="")


class Member(VersionedMixin, SoftDeleteMixin, db.Model):
    """Membre du ménage."""

    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    relation: Mapped[Relation] = mapped_column(enum_column(Relation), default=Relation.AUTRE)
    lease_holder: Mapped[bool] = mapped_column(Boolean, default=False)
    in_home_since: Mapped[date | None] = mapped_column(Date)
    employment: Mapped[Employment | None] = mapped_column(enum_column(Employment))
    #: Disability-related need: health data, officers only.
    disability_need: Mapped[str] = mapped_column(Text, default="")
    #: Set when the member left in a split (décohabitation).
    left_at: Mapped[date | None] = mapped_column(Date)
    split_to_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"))

    @property
    def full_name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}".strip()

    @property
    def can_split(self) -> bool:
        """Still in the home and not the head of household (who cannot leave alone)."""
        return self.left_at is None and not self.is_deleted and self.relation is not Relation.CHEF


class Note(VersionedMixin, SoftDeleteMixin, db.Model):
    """Note de suivi: a dated journal entry, confidential or shared with the team."""

    __tablename__ = "note"
    __table_args__ = (Index("ix_note_household_date", "household_id", "note_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    kind: Mapped[NoteKind] = mapped_column(enum_column(NoteKind), default=NoteKind.ENTRETIEN)
    note_date: Mapped[date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    confidential: Mapped[bool] = mapped_column(Boolean, default=True)

    author = relationship("User", lazy="raise")

    @property
    def is_confidential_content(self) -> bool:
        return bool(self.confidential)


_UNACKNOWLEDGED = "acknowledged_on IS NULL AND delivery_outcome IS NULL AND deleted_at IS NULL"


class Letter(VersionedMixin, SoftDeleteMixin, db.Model):
    """Courrier sent or received: the evidence before an expropriation judge."""

    __tablename__ = "letter"
    __table_args__ = (
        Index("ix_letter_household_date", "household_id", "letter_date"),
        # The dashboard's registered letters awaiting their acknowledgement, oldest
        # first, read from this index (not every registered letter's row).
        Index(
            "ix_letter_unacknowledged",
            "channel",
            "direction",
            "letter_date",
            "id",
            sqlite_where=text(_UNACKNOWLEDGED),
            postgresql_where=text(_UNACKNOWLEDGED),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    letter_date: Mapped[date] = mapped_column(Date)
    direction: Mapped[LetterDirection] = mapped_column(
        enum_column(LetterDirection), default=LetterDirection.SENT
    )
    channel: Mapped[LetterChannel] = mapped_column(
        enum_column(LetterChannel), default=LetterChannel.LRAR, index=True
    )
    #: The LRAR's number as the post office prints it ("1A 234 567 8901 2"), as typed.
    tracking_number: Mapped[str] = mapped_column(String(40), default="")
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    #: What became of a letter sent by post (LRAR or simple mail), when known.
    delivery_outcome: Mapped[DeliveryOutcome | None] = mapped_column(enum_column(DeliveryOutcome))
    subject: Mapped[str] = mapped_column(String(300))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))

    @property
    def awaits_acknowledgement(self) -> bool:
        """A registered letter we sent whose acknowledgement (AR) has not come back and
        whose fate the post office has not told (unclaimed, refused, NPAI…)."""
        return (
            self.channel is LetterChannel.LRAR
            and self.direction is LetterDirection.SENT
            and self.acknowledged_on is None
            and self.delivery_outcome is None
        )


class Task(VersionedMixin, SoftDeleteMixin, db.Model):
    """Tâche / échéance: a dated reminder on a household (units later)."""

    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_open_due", "done", "due_date"),
        # A file's next open task (its summary) without walking every open task.
        Index("ix_task_household_open_due", "household_id", "done", "due_date"),
        # A person's open tasks due by a day, in date order, and those of a kind (the
        # dashboard's follow-ups, the kind read from the index), without walking every
        # open task of the team.
        Index(
            "ix_task_assignee_open_due_kind",
            "assignee_id",
            "done",
            "due_date",
            "kind",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"), index=True)
    kind: Mapped[TaskKind] = mapped_column(enum_column(TaskKind), default=TaskKind.GENERAL)
    title: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date] = mapped_column(Date)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_at: Mapped[datetime | None]

    assignee = relationship("User", lazy="raise")
    household = relationship("Household", lazy="raise")

    @property
    def overdue(self) -> bool:
        return not self.done and self.due_date < clock.today()

    def mark_done(self, done: bool = True) -> None:
        self.done = done
        self.done_at = utcnow() if done else None


class HouseholdPartner(VersionedMixin, SoftDeleteMixin, db.Model):
    """An organisation of the directory involved with the household (CCAS, CAF, an
    association…): a social detail, hidden from managers like the household's finances
    (DESIGN §1; declared in feature.py). Removed links are soft-deleted, and restored
    when the organisation is chosen again."""

    __tablename__ = "household_partner"
    __table_args__ = (UniqueConstraint("household_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)

    organisation = relationship("Organisation", lazy="raise")


class PhaseChange(db.Model):
    """A move of the file's phase, with the reason required for a backward move."""

    __tablename__ = "phase_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    from_phase: Mapped[Phase] = mapped_column(enum_column(Phase))
    to_phase: Mapped[Phase] = mapped_column(enum_column(Phase))
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    by = relationship("User", lazy="raise")
