"""Documents: files attached to a household (and later buildings, incidents, orders,
contracts), stored outside the web root under a generated name."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from capintra.extensions import db
from capintra.models import LabelledEnum, SoftDeleteMixin, VersionedMixin, enum_column


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

    Attached to a household now; buildings, incidents, orders and contracts get their
    own owner column when they arrive.
    """

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"), index=True)
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
