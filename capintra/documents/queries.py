"""Document queries: what a user may reach, hidden items answering 404."""

from __future__ import annotations

from flask import abort
from sqlalchemy import or_, select

from capintra.documents.models import Document
from capintra.extensions import db
from capintra.households.models import Household
from capintra.security import can


def get_document_or_404(document_id: int, *, with_content: bool = True) -> Document:
    """A document the current user may reach.

    Missing, soft-deleted, on a deleted household file, or confidential for someone who
    may not see confidential items: 404 — for them it does not exist. `with_content`:
    a purged document (content destroyed) is also 404.
    """
    query = (
        select(Document)
        .outerjoin(Household, Household.id == Document.household_id)
        .where(
            Document.id == document_id,
            Document.deleted_at.is_(None),
            or_(Document.household_id.is_(None), Household.deleted_at.is_(None)),
        )
    )
    if with_content:
        query = query.where(Document.purged_at.is_(None))
    if not can("household.confidential"):
        query = query.where(Document.confidential.is_(False))
    document = db.session.scalar(query)
    if document is None:
        abort(404)
    return document
