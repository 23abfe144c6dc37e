"""Demo data: two requests of access on demo files, one answered, one open (its deadline
on the officers' dashboard); and the example request the generated route tests use."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from capintra import clock
from capintra.demo import DemoContext
from capintra.extensions import db
from capintra.households.models import Household
from capintra.subject_access.models import AccessRequest


def load(context: DemoContext) -> None:
    if context.households <= 0:
        return
    today = context.today or clock.today()
    ids = list(
        db.session.scalars(
            select(Household.id)
            .where(Household.deleted_at.is_(None), Household.officer_id.is_not(None))
            .order_by(Household.id)
            .limit(2)
        )
    )
    if not ids:
        return
    db.session.add(AccessRequest(household_id=ids[0], requested_on=today - timedelta(days=12)))
    if len(ids) > 1:
        db.session.add(
            AccessRequest(
                household_id=ids[1],
                requested_on=today - timedelta(days=70),
                answered_on=today - timedelta(days=50),
            )
        )
    db.session.flush()
    context.echo(_("Demandes d’accès : 2."))


def example_access_request_id(values) -> int:
    """<access_request_id> of /households/<id>/export/requests/<…>/answer: an open
    request of that file, received on a fixed day in the past (the generated form tests
    answer it on 15/06/2026)."""
    access = AccessRequest(household_id=values["household_id"], requested_on=date(2026, 6, 1))
    db.session.add(access)
    db.session.flush()
    return access.id
