"""An import batch: one uploaded spreadsheet, its rows as read and what they give."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from capintra.extensions import db
from capintra.models import LabelledEnum, VersionedMixin, enum_column
from capintra.text import lazy_gettext as _l


class ImportStatus(LabelledEnum):
    PREVIEW = "preview", _l("À valider")
    COMMITTED = "committed", _l("Importé")
    ABANDONED = "abandoned", _l("Abandonné")


class ImportBatch(VersionedMixin, db.Model):
    """An uploaded spreadsheet, kept on the server between the preview and the commit.

    The file itself is not kept: only its rows as read (`rows`, JSON: the typed values,
    the errors, and what each row gives — see capintra.imports.services), the name, size
    and checksum. `counts` says what the rows give: planned while previewed, done once
    committed. Any assistant or officer sees every batch (they share the paperwork)."""

    __tablename__ = "import_batch"
    __table_args__ = (Index("ix_import_batch_created_at_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: The file's name as the browser sent it (cleaned), shown only.
    filename: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(Integer)
    #: SHA-256 of the file: the same file uploaded again is recognised.
    checksum: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[ImportStatus] = mapped_column(
        enum_column(ImportStatus), default=ImportStatus.PREVIEW, index=True
    )
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    committed_at: Mapped[datetime | None] = mapped_column(default=None)
    committed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    uploaded_by = relationship("User", lazy="raise", foreign_keys=[uploaded_by_id])
    committed_by = relationship("User", lazy="raise", foreign_keys=[committed_by_id])

    @property
    def committable(self) -> bool:
        return self.status is ImportStatus.PREVIEW and self.error_count == 0

    def __repr__(self) -> str:
        return f"<ImportBatch {self.id}>"
