"""Reference data of provider orders (DESIGN §2 « Orders »): the framework contract and
its lots, amendments, price schedule (price items and their dated versions), signing
delegations with their deputies, and the organisation details printed on orders.

Money is integer cents excluding VAT (BigInteger), never floats.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from capintra.extensions import db
from capintra.models import LabelledEnum, SoftDeleteMixin, VersionedMixin, enum_column
from capintra.orders.money import EXEMPTION_MENTION, VatRegime


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
