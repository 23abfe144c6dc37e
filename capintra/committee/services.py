"""The committee's decision: a plain function that flushes; the view commits. The
household's audit trail records the change (committee_decision is a personal field:
its name only)."""

from __future__ import annotations

from flask_babel import gettext as _

from capintra.errors import DomainError
from capintra.extensions import db
from capintra.households.models import Household


class NotFlagged(DomainError):
    """The file is no longer on the committee's list (someone took it off meanwhile)."""


def record_decision(household: Household, decision: str, *, unflag: bool = False) -> Household:
    """Write the committee's decision on a flagged file; with `unflag`, the file leaves
    the committee's list (its decision stays on the file)."""
    if not household.committee_flag:
        raise NotFlagged(_("Ce dossier n’est plus inscrit au comité de suivi."))
    household.committee_decision = decision
    if unflag:
        household.committee_flag = False
    db.session.flush()
    return household
