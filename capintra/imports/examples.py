"""Example rows for the generated route tests (`Feature.route_params`)."""

from __future__ import annotations

from capintra.auth.demo import example_user
from capintra.extensions import db
from capintra.imports.models import ImportBatch, ImportStatus
from capintra.security import Role


def example_batch_id() -> int:
    """A batch awaiting validation, without rows (an empty preview), by an assistant."""
    batch = ImportBatch(
        uploaded_by_id=example_user(Role.ASSISTANT).id,
        filename="exemple.csv",
        size_bytes=0,
        checksum="0" * 64,
        status=ImportStatus.PREVIEW,
        rows=[],
        warnings=[],
        counts={},
    )
    db.session.add(batch)
    db.session.flush()
    return batch.id
