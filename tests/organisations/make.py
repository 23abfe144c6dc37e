"""Factories for the directory's tests: objects with sensible defaults, committed."""

from __future__ import annotations

import itertools

from capintra.extensions import db
from capintra.households.models import HouseholdPartner
from capintra.organisations.models import Organisation, OrganisationKind

_seq = itertools.count(1)


def _committed(obj):
    db.session.add(obj)
    db.session.commit()
    return obj


def organisation(**kw) -> Organisation:
    n = next(_seq)
    return _committed(
        Organisation(
            name=kw.pop("name", f"Association {n}"),
            kind=kw.pop("kind", OrganisationKind.AUTRE),
            **kw,
        )
    )


def partner(household, organisation_obj: Organisation | None = None) -> HouseholdPartner:
    """`household` has `organisation_obj` (a new one by default) among its partners."""
    organisation_obj = organisation_obj or organisation()
    return _committed(
        HouseholdPartner(household_id=household.id, organisation_id=organisation_obj.id)
    )
