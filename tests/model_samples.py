"""One row of each audited model, for the generated audit tests (tests/audit/).

Each entry, keyed by table name: `make()` creates and commits one row and returns it;
`change(obj)` makes an ordinary edit to it (one or more ordinary columns). A model whose
table is audited but missing here fails the tests, with a message asking to add it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from capintra.extensions import db
from capintra.security import Role
from tests import factories


@dataclass(frozen=True)
class Sample:
    make: Callable[[], Any]
    change: Callable[[Any], None]


def _set(**values) -> Callable[[Any], None]:
    def change(obj) -> None:
        for name, value in values.items():
            setattr(obj, name, value)

    return change


def _committed(obj):
    db.session.add(obj)
    db.session.commit()
    return obj


def _document():
    from capintra.documents.models import Document

    return _committed(
        Document(
            owner_type="household",
            owner_id=factories.household().id,
            original_name="avis-imposition.pdf",
            content_type="application/pdf",
            size=1234,
            checksum="0" * 64,
            storage_name=secrets.token_hex(16),
        )
    )


def _phase_change():
    from capintra.households.models import Phase, PhaseChange

    return _committed(
        PhaseChange(
            household_id=factories.household().id,
            from_phase=Phase.A_RENCONTRER,
            to_phase=Phase.DIAGNOSTIC,
        )
    )


def _phase(name: str):
    from capintra.households.models import Phase

    return _set(to_phase=Phase[name])


SAMPLES: dict[str, Sample] = {
    "user_account": Sample(lambda: factories.user("officer"), _set(role=Role.ASSISTANT)),
    "operation": Sample(factories.operation, _set(funders="ANRU", priority_area=True)),
    # household files
    "household": Sample(factories.household, _set(committee_flag=True, needs_lift=True)),
    "member": Sample(lambda: factories.member(factories.household()), _set(lease_holder=True)),
    "note": Sample(lambda: factories.note(factories.household()), _set(confidential=False)),
    "letter": Sample(
        lambda: factories.letter(factories.household()), _set(acknowledged_on=date(2026, 11, 5))
    ),
    "task": Sample(lambda: factories.task(factories.household()), _set(due_date=date(2026, 12, 1))),
    "phase_change": Sample(_phase_change, _phase("RECHERCHE")),
    "document": Sample(_document, _set(delete_after_use=True)),
}
