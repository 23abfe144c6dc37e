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
from capintra.keyset import TAB_PAGE, Keyset, Page


def _of(owner: Any):
    return (Document.owner_type == owner.__tablename__, Document.owner_id == owner.id)


#: A record's documents, newest first: a tab shows them a page at a time.
DOCUMENT_ORDER = Keyset(Document.created_at, Document.id, descending=True)


def _visible_of(owner: Any):
    return (
        select(Document)
        .where(*_of(owner), Document.deleted_at.is_(None), visible(Document))
        .options(joinedload(Document.uploaded_by))
    )


def documents_of(owner: Any) -> list[Document]:
    """The owner's documents the current user may see, newest first."""
    return list(documents_page(owner, size=None))


def documents_page(
    owner: Any, *, after: str | None = None, start_at: Any = None, size: int | None = TAB_PAGE
) -> Page[Document]:
    """A page of the owner's documents the current user may see (hidden ones left out in
    SQL, before the page is cut), newest first, after the cursor `after`."""
    return DOCUMENT_ORDER.page(_visible_of(owner), after=after, start_at=start_at, size=size)


def awaiting_deletion_of(owner: Any) -> list[Document]:
    """The owner's "delete after use" supporting documents the user may see, still
    stored: all of them, whatever page of the list is shown."""
    query = _visible_of(owner).where(
        Document.delete_after_use.is_(True), Document.purged_at.is_(None)
    )
    return list(db.session.scalars(query.order_by(*DOCUMENT_ORDER.order_by())).unique())


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
