from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from capintra.extensions import db
from capintra.models import SoftDeleteMixin, VersionedMixin


class Visit(VersionedMixin, SoftDeleteMixin, db.Model):
    """Visite à domicile: a dated report on a household file, confidential or not."""

    __tablename__ = "throwaway_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    visit_date: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def is_confidential_content(self) -> bool:
        return bool(self.confidential)
