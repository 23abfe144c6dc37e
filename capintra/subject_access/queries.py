"""Access requests: a household's, one of them (404 when of another file), the open ones."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from capintra.extensions import db
from capintra.households.models import Household
from capintra.subject_access.models import AccessRequest


def requests_of(household: Household) -> list[AccessRequest]:
    return list(
        db.session.scalars(
            select(AccessRequest)
            .where(AccessRequest.household_id == household.id)
            .options(joinedload(AccessRequest.recorded_by), joinedload(AccessRequest.answered_by))
            .order_by(AccessRequest.requested_on.desc(), AccessRequest.id.desc())
        )
    )


def get_request_or_404(household: Household, request_id: int) -> AccessRequest:
    found = db.session.scalar(
        select(AccessRequest).where(
            AccessRequest.id == request_id, AccessRequest.household_id == household.id
        )
    )
    if found is None:
        abort(404)
    return found


def open_request(household: Household) -> AccessRequest | None:
    """The oldest request of the household not answered yet."""
    return db.session.scalar(
        select(AccessRequest)
        .where(AccessRequest.household_id == household.id, AccessRequest.answered_on.is_(None))
        .order_by(AccessRequest.requested_on, AccessRequest.id)
        .limit(1)
    )


def open_requests(limit: int) -> list[AccessRequest]:
    """Requests not answered yet on files still open in the application, the oldest
    (nearest deadline) first, with their household."""
    return list(
        db.session.scalars(
            select(AccessRequest)
            .join(Household, Household.id == AccessRequest.household_id)
            .where(AccessRequest.answered_on.is_(None), Household.deleted_at.is_(None))
            .options(joinedload(AccessRequest.household))
            .order_by(AccessRequest.requested_on, AccessRequest.id)
            .limit(limit)
        )
    )
