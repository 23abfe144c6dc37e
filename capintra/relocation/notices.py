"""The relocation's daily notice (`flask notify-due`, Feature.due_notices): an offer
whose answer deadline has passed while the household's answer is still « en attente »,
notified once to the file's officer.

The message names the file by its reference only, never the household or the offered
address; the link opens the file's offers tab. The dedup key names the offer and its
deadline (`offer_answer:<id>:<deadline>`): a deadline moved later and passed again is
notified again.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from capintra.extensions import db
from capintra.households.models import Household
from capintra.notifications.services import Notice, internal_path, notify_many
from capintra.relocation.models import Answer, Offer
from capintra.web.formatting import date_fr

KIND = "offer_answer_overdue"


def overdue_answer_notices(day: date) -> int:
    """Notify the officer of each live file with a live offer still pending whose
    deadline is before `day`; files without an officer are left out."""
    rows = db.session.execute(
        select(Offer.id, Offer.answer_deadline, Household.id, Household.reference,
               Household.officer_id)
        .join(Household, Household.id == Offer.household_id)
        .where(
            Offer.deleted_at.is_(None),
            Offer.answer == Answer.EN_ATTENTE,
            Offer.answer_deadline < day,
            Household.deleted_at.is_(None),
            Household.officer_id.is_not(None),
        )
        .order_by(Offer.answer_deadline, Offer.id)
    )  # fmt: skip
    return notify_many(
        Notice(
            user_id=officer_id,
            kind=KIND,
            message=_(
                "Réponse à une proposition de logement attendue le %(date)s, toujours en "
                "attente — dossier %(ref)s.",
                date=date_fr(deadline),
                ref=reference,
            ),
            url=internal_path("households.tab_offers", household_id=household_id),
            dedup_key=f"offer_answer:{offer_id}:{deadline.isoformat()}",
        )
        for offer_id, deadline, household_id, reference, officer_id in rows
    )
