"""Reference data of provider orders (DESIGN §2 « Orders »): the framework contract and
its lots, amendments, price schedule (price items and their dated versions), signing
delegations with their deputies, and the organisation details printed on orders.

Money is integer cents excluding VAT (BigInteger), never floats.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from capintra.extensions import db
from capintra.models import LabelledEnum, SoftDeleteMixin, VersionedMixin, enum_column
from capintra.orders.money import EXEMPTION_MENTION, VatRegime
from capintra.text import lazy_gettext as _l


class Contract(VersionedMixin, SoftDeleteMixin, db.Model):
    """Accord-cadre à bons de commande."""

    __tablename__ = "contract"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    notified_on: Mapped[date | None]
    start_date: Mapped[date]
    end_date: Mapped[date]
    #: The renewals the contract allows (« reconductible 3 fois un an »), as written.
    renewals: Mapped[str] = mapped_column(String(200), default="")
    #: Days from an invoice's receipt to its due date (60: the legal maximum for a
    #: public company).
    payment_days: Mapped[int] = mapped_column(Integer, default=60)
    #: Exempt: no VAT, and the mention « TVA non applicable, art. 261-7-1° CGI ».
    vat_exempt: Mapped[bool] = mapped_column(Boolean, default=False)
    #: VAT rate in basis points (2000 = 20 %), ignored when exempt.
    vat_rate_bp: Mapped[int] = mapped_column(Integer, default=2000)

    lots: Mapped[list[Lot]] = relationship(
        back_populates="contract", lazy="raise", order_by="Lot.number"
    )

    @property
    def vat(self) -> VatRegime:
        return VatRegime(rate_bp=0 if self.vat_exempt else self.vat_rate_bp, exempt=self.vat_exempt)

    @property
    def vat_mention(self) -> str:
        return EXEMPTION_MENTION if self.vat_exempt else ""

    def in_force(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date

    def __repr__(self) -> str:
        return f"<Contract {self.id}>"


class Lot(VersionedMixin, SoftDeleteMixin, db.Model):
    """A lot of a contract: its provider (from the directory), its minimum and maximum
    excluding VAT. The maximum (as amended) is a legal cap: no tolerance above it."""

    __tablename__ = "contract_lot"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    minimum_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    maximum_cents: Mapped[int] = mapped_column(BigInteger)

    contract: Mapped[Contract] = relationship(back_populates="lots", lazy="raise")
    provider = relationship("Organisation", lazy="raise")
    amendments: Mapped[list[Amendment]] = relationship(
        back_populates="lot", lazy="raise", order_by="(Amendment.signed_on, Amendment.id)"
    )
    price_items: Mapped[list[PriceItem]] = relationship(
        back_populates="lot", lazy="raise", order_by="PriceItem.code"
    )

    def __repr__(self) -> str:
        return f"<Lot {self.id}>"


class Amendment(VersionedMixin, SoftDeleteMixin, db.Model):
    """Avenant: from its date, the lot's maximum is the amendment's new maximum."""

    __tablename__ = "contract_amendment"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("contract_lot.id"), index=True)
    reference: Mapped[str] = mapped_column(String(60))
    signed_on: Mapped[date]
    new_maximum_cents: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(500), default="")

    lot: Mapped[Lot] = relationship(back_populates="amendments", lazy="raise")

    def __repr__(self) -> str:
        return f"<Amendment {self.id}>"


class PriceUnit(LabelledEnum):
    PER_HOUSEHOLD = "menage", _l("forfait par ménage")
    PER_MONTH = "mois", _l("par mois")
    PER_HOUR = "heure", _l("par heure")
    FLAT = "forfait", _l("forfait")


class PriceItem(VersionedMixin, SoftDeleteMixin, db.Model):
    """A line of the price schedule (ligne du BPU)."""

    __tablename__ = "price_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("contract_lot.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(300))
    unit: Mapped[PriceUnit] = mapped_column(enum_column(PriceUnit), default=PriceUnit.FLAT)

    lot: Mapped[Lot] = relationship(back_populates="price_items", lazy="raise")
    versions: Mapped[list[PriceVersion]] = relationship(
        back_populates="price_item", lazy="raise", order_by="PriceVersion.valid_from"
    )

    def __repr__(self) -> str:
        return f"<PriceItem {self.id}>"


class PriceVersion(VersionedMixin, db.Model):
    """A price of an item from a date (price revision): the price in force on a day is the
    version with the latest `valid_from` on or before it. One version per item and day."""

    __tablename__ = "price_version"
    __table_args__ = (UniqueConstraint("price_item_id", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    price_item_id: Mapped[int] = mapped_column(ForeignKey("price_item.id"), index=True)
    valid_from: Mapped[date]
    unit_price_cents: Mapped[int] = mapped_column(BigInteger)

    price_item: Mapped[PriceItem] = relationship(back_populates="versions", lazy="raise")

    def __repr__(self) -> str:
        return f"<PriceVersion {self.id}>"


class SigningDelegation(VersionedMixin, SoftDeleteMixin, db.Model):
    """A manager's delegation to approve orders: the operations it covers (or all), the
    maximum per order excluding VAT, its dates (both included) and the act's reference.
    Deputies may use it within their own dates (« pour X, par délégation »)."""

    __tablename__ = "signing_delegation"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    all_operations: Mapped[bool] = mapped_column(Boolean, default=False)
    maximum_cents: Mapped[int] = mapped_column(BigInteger)
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    act_reference: Mapped[str] = mapped_column(String(100), default="")

    user = relationship("User", lazy="raise", foreign_keys=[user_id])
    operations: Mapped[list[DelegationOperation]] = relationship(
        back_populates="delegation", lazy="raise", cascade="all, delete-orphan"
    )
    deputies: Mapped[list[DelegationDeputy]] = relationship(
        back_populates="delegation", lazy="raise", order_by="DelegationDeputy.start_date"
    )

    def __repr__(self) -> str:
        return f"<SigningDelegation {self.id}>"


class DelegationOperation(db.Model):
    """An operation a delegation covers (when it does not cover all)."""

    __tablename__ = "delegation_operation"
    __table_args__ = (UniqueConstraint("delegation_id", "operation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("signing_delegation.id"), index=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"), index=True)

    delegation: Mapped[SigningDelegation] = relationship(back_populates="operations", lazy="raise")

    def __repr__(self) -> str:
        return f"<DelegationOperation {self.id}>"


class DelegationDeputy(VersionedMixin, SoftDeleteMixin, db.Model):
    """Someone who may use a delegation, from and to their own dates (both included)."""

    __tablename__ = "delegation_deputy"

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("signing_delegation.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date | None]

    delegation: Mapped[SigningDelegation] = relationship(back_populates="deputies", lazy="raise")
    user = relationship("User", lazy="raise", foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"<DelegationDeputy {self.id}>"


class OrderIssuer(VersionedMixin, db.Model):
    """The organisation details printed on orders (one row): name, address, SIRET, the
    signatory's name and title, and the signature image (a stored document)."""

    __tablename__ = "order_issuer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    siret: Mapped[str] = mapped_column(String(14), default="")
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_title: Mapped[str] = mapped_column(String(200), default="")
    signature_document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))

    def __repr__(self) -> str:
        return f"<OrderIssuer {self.id}>"


# --- orders ---------------------------------------------------------------------------------


class OrderStatus(LabelledEnum):
    """The states of DESIGN §2's lifecycle table."""

    DRAFT = "brouillon", _l("Brouillon")
    SUBMITTED = "soumis", _l("Soumis")
    APPROVED = "approuve", _l("Approuvé")
    NOTIFIED = "notifie", _l("Notifié")
    SERVICE_DONE = "service_fait", _l("Service fait")
    INVOICED = "facture", _l("Facturé")
    SETTLED = "solde", _l("Soldé")
    CANCELLED = "annule", _l("Annulé")


#: The states in which an order commits its amount on the lot (approved and later).
COMMITTING = (
    OrderStatus.APPROVED,
    OrderStatus.NOTIFIED,
    OrderStatus.SERVICE_DONE,
    OrderStatus.INVOICED,
    OrderStatus.SETTLED,
)


class NotificationChannel(LabelledEnum):
    MAIL = "courrier", _l("Courrier")
    EMAIL = "courriel", _l("Courriel")
    HAND = "main_propre", _l("Remise en main propre")
    PLATFORM = "plateforme", _l("Plateforme de dématérialisation")


class Order(VersionedMixin, db.Model):
    """Bon de commande. Never deleted: a cancelled order stays in the register (with its
    number when it had one). Totals are recomputed by the server at every change of the
    lines (`services.recompute`), in integer cents; the unit prices are frozen at
    approval."""

    __tablename__ = "purchase_order"
    __table_args__ = (UniqueConstraint("number_year", "number_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("contract_lot.id"), index=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"), index=True)
    status: Mapped[OrderStatus] = mapped_column(
        enum_column(OrderStatus), default=OrderStatus.DRAFT, index=True
    )
    place: Mapped[str] = mapped_column(String(300), default="")
    execution_start: Mapped[date | None]
    execution_end: Mapped[date | None]
    budget_line: Mapped[str] = mapped_column(String(100), default="")
    #: BC-YYYY-NNNN, given at approval (the year of the approval date); gapless per year.
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    number_year: Mapped[int | None] = mapped_column(Integer)
    number_seq: Mapped[int | None] = mapped_column(Integer)
    #: The order's date: its approval date.
    ordered_on: Mapped[date | None]

    total_excl_vat_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    vat_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    total_incl_vat_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    #: The contract's VAT regime, copied at every recomputation and frozen at approval.
    vat_exempt: Mapped[bool] = mapped_column(Boolean, default=False)
    vat_rate_bp: Mapped[int] = mapped_column(Integer, default=2000)

    drafted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_on: Mapped[date | None]
    #: Who approved or last rejected it, under which delegation, for whom (a deputy).
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    delegation_id: Mapped[int | None] = mapped_column(ForeignKey("signing_delegation.id"))
    rejection_reason: Mapped[str] = mapped_column(String(1000), default="")
    cancel_reason: Mapped[str] = mapped_column(String(1000), default="")
    cancelled_on: Mapped[date | None]
    notified_on: Mapped[date | None]
    notified_channel: Mapped[NotificationChannel | None] = mapped_column(
        enum_column(NotificationChannel)
    )
    #: At settlement: the actual amount excluding VAT; the rest of the commitment is
    #: released (the lot counts this amount instead of the order's total).
    settled_excl_vat_cents: Mapped[int | None] = mapped_column(BigInteger)
    settled_on: Mapped[date | None]

    lot: Mapped[Lot] = relationship(lazy="raise")
    operation = relationship("Operation", lazy="raise")
    drafted_by = relationship("User", lazy="raise", foreign_keys=[drafted_by_id])
    submitted_by = relationship("User", lazy="raise", foreign_keys=[submitted_by_id])
    decided_by = relationship("User", lazy="raise", foreign_keys=[decided_by_id])
    on_behalf_of = relationship("User", lazy="raise", foreign_keys=[on_behalf_of_id])
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", lazy="raise", order_by="OrderLine.id"
    )

    @property
    def vat(self) -> VatRegime:
        return VatRegime(rate_bp=0 if self.vat_exempt else self.vat_rate_bp, exempt=self.vat_exempt)

    @property
    def committed_cents(self) -> int:
        """What the order commits on its lot: nothing before approval or once cancelled,
        the settled amount once settled, else its total excluding VAT."""
        if self.status not in COMMITTING:
            return 0
        if self.status == OrderStatus.SETTLED and self.settled_excl_vat_cents is not None:
            return self.settled_excl_vat_cents
        return self.total_excl_vat_cents

    @property
    def label(self) -> str:
        return order_label(self.number, self.id)

    def __repr__(self) -> str:
        return f"<Order {self.id}>"


def order_label(number: str | None, order_id: int) -> str:
    """An order's name: its number once approved, else its provisional one."""
    return number or _l("n° provisoire %(id)s", id=order_id)


class OrderLine(VersionedMixin, db.Model):
    """A line: a price item of the order's lot, a quantity (hundredths, integer: 0.5 month
    is 50), the unit price (the version in force today while a draft, frozen at approval on
    the order's date) and its total rounded half-up to the cent."""

    __tablename__ = "purchase_order_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("purchase_order.id"), index=True)
    price_item_id: Mapped[int] = mapped_column(ForeignKey("price_item.id"), index=True)
    price_version_id: Mapped[int | None] = mapped_column(ForeignKey("price_version.id"))
    quantity_centi: Mapped[int] = mapped_column(BigInteger)
    unit_price_cents: Mapped[int] = mapped_column(BigInteger)
    total_cents: Mapped[int] = mapped_column(BigInteger)

    order: Mapped[Order] = relationship(back_populates="lines", lazy="raise")
    price_item: Mapped[PriceItem] = relationship(lazy="raise")

    @property
    def quantity(self) -> Decimal:
        return Decimal(self.quantity_centi) / 100

    def __repr__(self) -> str:
        return f"<OrderLine {self.id}>"


class OrderHousehold(db.Model):
    """A household concerned by an order: the order carries its reference only."""

    __tablename__ = "purchase_order_household"
    __table_args__ = (UniqueConstraint("order_id", "household_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("purchase_order.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)

    def __repr__(self) -> str:
        return f"<OrderHousehold {self.id}>"


class OrderCounter(db.Model):
    """The last number given per year: updated inside the approval's transaction, so a
    rolled-back approval gives its number back and the register has no gap."""

    __tablename__ = "purchase_order_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<OrderCounter {self.year}>"


class Attestation(db.Model):
    """Service fait: quantities attested per line on a date by a named person (who may
    differ from who typed it, recorded by the audit trail). Several per order."""

    __tablename__ = "order_attestation"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("purchase_order.id"), index=True)
    attested_on: Mapped[date]
    attested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    #: The service is complete even when less than ordered was done.
    final: Mapped[bool] = mapped_column(Boolean, default=False)
    comment: Mapped[str] = mapped_column(String(500), default="")

    attested_by = relationship("User", lazy="raise", foreign_keys=[attested_by_id])
    lines: Mapped[list[AttestationLine]] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"<Attestation {self.id}>"


class AttestationLine(db.Model):
    __tablename__ = "order_attestation_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    attestation_id: Mapped[int] = mapped_column(ForeignKey("order_attestation.id"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("purchase_order_line.id"), index=True)
    quantity_centi: Mapped[int] = mapped_column(BigInteger)
    #: The attested quantity × the line's unit price, rounded half-up.
    amount_cents: Mapped[int] = mapped_column(BigInteger)

    def __repr__(self) -> str:
        return f"<AttestationLine {self.id}>"


class Invoice(VersionedMixin, db.Model):
    """An invoice of an order: its date received starts the payment clock (due date =
    received + the contract's payment period); suspended, the clock stops."""

    __tablename__ = "order_invoice"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("purchase_order.id"), index=True)
    number: Mapped[str] = mapped_column(String(60))
    received_on: Mapped[date]
    excl_vat_cents: Mapped[int] = mapped_column(BigInteger)
    vat_cents: Mapped[int] = mapped_column(BigInteger)
    incl_vat_cents: Mapped[int] = mapped_column(BigInteger)
    due_on: Mapped[date] = mapped_column(index=True)
    paid_on: Mapped[date | None]
    #: Payment suspended from this date (the clock stops; resuming pushes the due date
    #: back by the days suspended).
    suspended_since: Mapped[date | None]
    suspension_reason: Mapped[str] = mapped_column(String(500), default="")
    #: The last invoice: the order is wholly invoiced.
    final: Mapped[bool] = mapped_column(Boolean, default=False)

    def late_on(self, day: date) -> bool:
        return self.paid_on is None and self.suspended_since is None and self.due_on < day

    def __repr__(self) -> str:
        return f"<Invoice {self.id}>"
