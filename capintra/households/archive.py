"""The restricted archive of a closed file (DESIGN §5): once a file is closed, its
relocation evidence — letters and their acknowledgements, wishes and offers,
relocations — is kept until the retention run anonymises the file (5 years after its
closure). Meanwhile only officers and the admin read it (`household.archive`): for the
others its tabs are gone and their addresses answer 404. Nobody changes it any more: a
save answers 409 (reopening the file, by moving its phase back, opens it again).

A feature whose tab holds such evidence declares `Tab(..., visible=evidence_readable)`
and guards its blueprint's writing endpoints with `guard_evidence(blueprint, names)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Blueprint, abort, request
from flask_babel import gettext as _
from sqlalchemy import select

from capintra.extensions import db
from capintra.households.models import Household, Phase
from capintra.security import can
from capintra.web.errors import error_response


def evidence_readable(household: Any) -> bool:
    """Whether the current user may read this file's relocation evidence."""
    return not household.evidence_archived or can("household.archive")


def guard_evidence(blueprint: Blueprint, endpoints: Iterable[str]) -> None:
    """Before the given endpoints of `blueprint` (each with a `household_id`): on a
    closed file, 404 for whoever may not read the archive, 409 for any save."""
    guarded = {f"{blueprint.name}.{name}" for name in endpoints}

    @blueprint.before_request
    def _closed_file_evidence():
        if request.endpoint not in guarded:
            return None
        household_id = (request.view_args or {}).get("household_id")
        phase = db.session.scalar(select(Household.phase).where(Household.id == household_id))
        if phase is not Phase.CLOS:
            return None  # an unknown file: the view answers 404 itself
        if not can("household.archive"):
            abort(404)
        if request.method != "GET":
            return error_response(409, closed_message())
        return None


def closed_message() -> str:
    return _(
        "Ce dossier est clos : ses courriers, propositions et relogements sont archivés et ne "
        "se modifient plus. Pour les reprendre, rouvrez le dossier en changeant son étape."
    )
