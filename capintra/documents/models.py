"""Documents: files attached to any record (a household file, later a building, an
incident, an order, a contract), stored outside the web root under a generated name."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from capintra.extensions import db
from capintra.models import LabelledEnum, SoftDeleteMixin, VersionedMixin, enum_column
from capintra.text import lazy_gettext as _l


class DocumentKind(LabelledEnum):
    IDENTITE = "identite", _l("Identité")
    RESSOURCES = "ressources", _l("Ressources")
    BAIL = "bail", _l("Bail")
    QUITTANCE = "quittance", _l("Quittance")
    COURRIER = "courrier", _l("Courrier")
    DIAGNOSTIC = "diagnostic", _l("Diagnostic")
    PHOTO = "photo", _l("Photo")
    FACTURE = "facture", _l("Facture")
    AUTRE = "autre", _l("Autre")


class Document(VersionedMixin, SoftDeleteMixin, db.Model):
    """Pièce jointe: a file stored outside the web root under a generated name.

    Its owner is any record: `owner_type` is the owner's table (`household`), `owner_id`
    its id. The owner's feature declares it (`DocumentOwner`), hosts the upload and the
    list on its page, and says who may reach its documents.
    """

    __tablename__ = "document"
    __table_args__ = (Index("ix_document_owner", "owner_type", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[DocumentKind] = mapped_column(
        enum_column(DocumentKind), default=DocumentKind.AUTRE
    )
    title: Mapped[str] = mapped_column(String(200), default="")
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    delete_after_use: Mapped[bool] = mapped_column(Boolean, default=False)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    checksum: Mapped[str] = mapped_column(String(64))
    storage_name: Mapped[str] = mapped_column(String(80), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: When the file's content was destroyed (supporting document used, retention).
    purged_at: Mapped[datetime | None]

    uploaded_by = relationship("User", lazy="raise")

    @property
    def is_confidential_content(self) -> bool:
        return bool(self.confidential)
