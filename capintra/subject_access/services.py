"""Recording a request of access and its answer: they flush, the view commits."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from capintra.errors import DomainError, InvalidInput
from capintra.extensions import db
from capintra.households.models import Household
from capintra.subject_access.models import AccessRequest


def record_request(household: Household, requested_on: date, user: Any) -> AccessRequest:
    access = AccessRequest(
        household_id=household.id, requested_on=requested_on, recorded_by_id=user.id
    )
    db.session.add(access)
    db.session.flush()
    return access


def answer_request(access: AccessRequest, answered_on: date, user: Any) -> None:
    """Mark the request answered on the day the export was handed over."""
    if access.answered_on is not None:
        raise DomainError(_("Cette demande est déjà marquée comme répondue."), access)
    if answered_on < access.requested_on:
        raise InvalidInput(
            _(
                "La réponse ne peut pas précéder la demande : indiquez une date à partir "
                "du jour de la demande."
            ),
            access,
            field="answered_on",
        )
    access.answered_on = answered_on
    access.answered_by_id = user.id
    db.session.flush()
