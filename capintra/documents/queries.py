"""Document queries: what a user may reach, hidden items answering 404."""

from __future__ import annotations

from typing import Any

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from capintra.confidentiality import visible
from capintra.documents.models import Document
from capintra.documents.owners import owner_of
from capintra.extensions import db


def _of(owner: Any):
    return (Document.owner_type == owner.__tablename__, Document.owner_id == owner.id)


def documents_of(owner: Any) -> list[Document]:
    """The owner's documents the current user may see, newest first."""
    return list(
        db.session.scalars(
            select(Document)
            .where(*_of(owner), Document.deleted_at.is_(None), visible(Document))
            .options(joinedload(Document.uploaded_by))
            .order_by(Document.created_at.desc(), Document.id.desc())
        )
    )


def get_document_or_404(
    document_id: int, *, owner: Any = None, with_content: bool = True
) -> Document:
    """A document the current user may reach.

    Missing, soft-deleted, hidden by the confidentiality policy, of another owner than
    `owner` (when given), or whose owner the user may not reach (deleted household
    file…): 404 — for them it does not exist. `with_content`: a purged document (content
    destroyed) is also 404.
    """
    query = select(Document).where(
        Document.id == document_id, Document.deleted_at.is_(None), visible(Document)
    )
    if owner is not None:
        query = query.where(*_of(owner))
    if with_content:
        query = query.where(Document.purged_at.is_(None))
    document = db.session.scalar(query)
    if document is None:
        abort(404)
    if owner is None:
        owner_of(document.owner_type, document.owner_id)
    return document
