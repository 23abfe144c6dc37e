"""A household's request to see what is held on it (RGPD art. 15): the day it was
received, who recorded it, the day it was answered. The answer is due within one month."""

from __future__ import annotations

import calendar
from datetime import date

from sqlalchemy import Date, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from capintra.extensions import db
from capintra.models import VersionedMixin


def one_month_after(day: date) -> date:
    """The same day a month later, or the month's last day when it has none (31 January
    → 28 or 29 February): RGPD art. 12(3)'s one-month answer deadline."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class AccessRequest(VersionedMixin, db.Model):
    """Demande d’accès: received on `requested_on`, answered on `answered_on` (None: open)."""

    __tablename__ = "access_request"
    __table_args__ = (Index("ix_access_request_open", "answered_on", "requested_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    requested_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answered_on: Mapped[date | None] = mapped_column(Date)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    household = relationship("Household", lazy="raise")
    recorded_by = relationship("User", lazy="raise", foreign_keys=[recorded_by_id])
    answered_by = relationship("User", lazy="raise", foreign_keys=[answered_by_id])

    @property
    def deadline(self) -> date:
        return one_month_after(self.requested_on)

    def days_left(self, today: date) -> int:
        """Days to the deadline (negative: days late)."""
        return (self.deadline - today).days
