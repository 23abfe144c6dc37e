"""Reads of import batches: one batch (404 when missing), the recent ones."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import defer, joinedload

from capintra.extensions import db
from capintra.imports.models import ImportBatch

RECENT = 10


def get_batch_or_404(batch_id: int, *, for_update: bool = False) -> ImportBatch:
    """A batch, with who uploaded and committed it. `for_update`: its row locked until
    the transaction ends and read afresh (PostgreSQL; on SQLite the write request holds
    the database's lock), so two commits of one batch run one after the other."""
    query = (
        select(ImportBatch)
        .where(ImportBatch.id == batch_id)
        .options(joinedload(ImportBatch.uploaded_by), joinedload(ImportBatch.committed_by))
    )
    if for_update:
        query = query.with_for_update(of=ImportBatch).execution_options(populate_existing=True)
    found = db.session.scalar(query)
    if found is None:
        abort(404)
    return found


def recent_batches(limit: int = RECENT) -> list[ImportBatch]:
    """The latest batches (any status), newest first, without their rows."""
    return list(
        db.session.scalars(
            select(ImportBatch)
            .options(defer(ImportBatch.rows), joinedload(ImportBatch.uploaded_by))
            .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
            .limit(limit)
        )
    )
