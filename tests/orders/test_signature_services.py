"""The signature services on their own: a save that loses a race leaves no file behind."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import FileStorage

from capintra.documents.models import Document
from capintra.extensions import db
from capintra.orders import services
from capintra.orders.models import OrderIssuer
from tests import factories
from tests.documents import samples
from tests.orders import make


def stored_files(app) -> set[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_an_upload_losing_to_a_concurrent_save_leaves_no_file(app_ctx):
    issuer = make.issuer()
    admin = factories.user("admin")
    before = stored_files(app_ctx)
    # Someone else saved the details meanwhile (PostgreSQL: both read the same version).
    db.session.execute(
        update(OrderIssuer)
        .where(OrderIssuer.id == issuer.id)
        .values(version=OrderIssuer.version + 1)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(StaleDataError):
        services.set_signature(
            issuer, FileStorage(stream=io.BytesIO(samples.png()), filename="s.png"), admin
        )
    db.session.rollback()
    assert stored_files(app_ctx) == before
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0
