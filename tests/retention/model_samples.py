"""A sample of each retention model, for the generated audit tests (tests/audit/)."""

from __future__ import annotations

from datetime import date

from capintra.extensions import db
from capintra.models import utcnow
from capintra.retention.models import (
    Category,
    DisposalLine,
    DisposalList,
    DisposalStatus,
)
from tests import factories
from tests.model_samples import Sample, _set


def _saved(obj):
    db.session.add(obj)
    db.session.commit()
    return obj


def _list():
    return _saved(DisposalList())


def _line():
    household = factories.household()
    return _saved(
        DisposalLine(
            disposal_list_id=_list().id,
            household_id=household.id,
            reference=household.reference,
            category=Category.SOCIAL_NOTES,
            closed_on=date(2024, 3, 1),
            due_on=date(2026, 3, 1),
            skipped=False,
        )
    )


SAMPLES: dict[str, Sample] = {
    "disposal_list": Sample(_list, _set(status=DisposalStatus.APPROVED, approved_at=utcnow())),
    "disposal_line": Sample(_line, _set(applied_at=utcnow(), skipped=True)),
}
