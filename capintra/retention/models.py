"""Disposal lists (« bordereaux d'élimination »): what the retention run proposes to
destroy or anonymise, approved by an admin before anything is applied (DESIGN §5)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from capintra.extensions import db
from capintra.models import LabelledEnum, VersionedMixin, enum_column
from capintra.text import lazy_gettext as _l


class DisposalStatus(LabelledEnum):
    DRAFT = "draft", _l("À approuver")
    APPROVED = "approved", _l("Approuvé")
    APPLIED = "applied", _l("Appliqué")


class Category(LabelledEnum):
    """What a line disposes of, and when it falls due (counted from the file's closure)."""

    SOCIAL_NOTES = "social_notes", _l("Notes de suivi (2 ans après la clôture)")
    SUPPORTING_DOCUMENTS = "supporting_documents", _l("Justificatifs utilisés")
    WHOLE_FILE = (
        "whole_file",
        _l(
            "Dossier entier\u00a0: anonymisation à la fin de la conservation des preuves du "
            "relogement (5 ans après la clôture)"
        ),
    )


class DisposalList(VersionedMixin, db.Model):
    """Bordereau d'élimination: written by `flask anonymise-closed`, approved by an admin,
    applied by the next run. A draft list is never applied."""

    __tablename__ = "disposal_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[DisposalStatus] = mapped_column(
        enum_column(DisposalStatus), default=DisposalStatus.DRAFT, index=True
    )
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None]
    applied_at: Mapped[datetime | None]

    approved_by = relationship("User", lazy="raise")
    lines = relationship(
        "DisposalLine",
        lazy="raise",
        order_by="(DisposalLine.reference, DisposalLine.category)",
        back_populates="disposal_list",
    )


class DisposalLine(db.Model):
    """One file and one category on a list. Dates are kept to the month (the 1st), like
    the anonymised file: the list says what was destroyed without an exact date."""

    __tablename__ = "disposal_line"
    __table_args__ = (Index("ix_disposal_line_household_category", "household_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    disposal_list_id: Mapped[int] = mapped_column(ForeignKey("disposal_list.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    reference: Mapped[str] = mapped_column(String(20))
    category: Mapped[Category] = mapped_column(enum_column(Category))
    #: The month of the file's closure (its 1st day).
    closed_on: Mapped[date] = mapped_column(Date)
    #: The month the category fell due (its 1st day).
    due_on: Mapped[date] = mapped_column(Date)
    applied_at: Mapped[datetime | None]
    #: Not applied: the file was reopened (or the item already gone) when the list ran.
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)

    disposal_list = relationship("DisposalList", lazy="raise", back_populates="lines")
