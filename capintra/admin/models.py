"""Reference data kept by the admin: operations (more to come: directory, contracts)."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import JSON, Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from capintra.extensions import db
from capintra.models import VersionedMixin
from capintra.text import lazy_gettext as _l

COMMUNES = ["Saint-Étienne", "Saint-Chamond", "Rive-de-Gier", "La Ricamarie", "Firminy"]


class Procedure(enum.StrEnum):
    OPAH_RU = "opah_ru"
    ORI = "ori"
    RHI_THIRORI = "rhi_thirori"
    RECYCLAGE = "recyclage"
    ILOT = "ilot"

    @property
    def label(self) -> str:
        return str(PROCEDURE_LABELS[self])


PROCEDURE_LABELS = {
    Procedure.OPAH_RU: _l("OPAH-RU"),
    Procedure.ORI: _l("ORI"),
    Procedure.RHI_THIRORI: _l("RHI-THIRORI"),
    Procedure.RECYCLAGE: _l("Recyclage"),
    Procedure.ILOT: _l("Îlot"),
}


class Operation(VersionedMixin, db.Model):
    __tablename__ = "operation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    communes: Mapped[list[str]] = mapped_column(JSON, default=list)
    procedures: Mapped[list[str]] = mapped_column(JSON, default=list)
    concession_ref: Mapped[str] = mapped_column(String(100), default="")
    funders: Mapped[str] = mapped_column(String(300), default="")
    priority_area: Mapped[bool] = mapped_column(Boolean, default=False)
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def procedure_labels(self) -> list[str]:
        return [Procedure(p).label for p in self.procedures or []]

    def __repr__(self) -> str:
        return f"<Operation {self.id}>"
