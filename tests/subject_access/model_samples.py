"""A sample of the access request, for the generated audit tests (tests/audit/)."""

from __future__ import annotations

from datetime import date

from capintra.extensions import db
from capintra.subject_access.models import AccessRequest
from tests import factories
from tests.model_samples import Sample, _set


def _request():
    access = AccessRequest(household_id=factories.household().id, requested_on=date(2026, 11, 2))
    db.session.add(access)
    db.session.commit()
    return access


SAMPLES: dict[str, Sample] = {
    "access_request": Sample(_request, _set(answered_on=date(2026, 11, 20))),
}
