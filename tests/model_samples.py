"""One row of each audited model, for the generated audit tests (tests/audit/).

Each entry, keyed by table name: `make()` creates and commits one row and returns it;
`change(obj)` makes an ordinary edit to it (one or more ordinary columns). A model whose
table is audited but missing here fails the tests, with a message asking to add it. A
feature gives its own in tests/<feature>/model_samples.py (merged at the end).
"""

from __future__ import annotations

import importlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
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


def _feature_samples() -> dict[str, Sample]:
    """Each feature's own samples: `SAMPLES` of tests/<feature>/model_samples.py (a new
    feature adds its file in its own test folder, and edits nothing here)."""
    found: dict[str, Sample] = {}
    for path in sorted(Path(__file__).parent.glob("*/model_samples.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.model_samples")
        clash = found.keys() & module.SAMPLES.keys() | SAMPLES.keys() & module.SAMPLES.keys()
        assert not clash, f"{path}: samples already given for {sorted(clash)}"
        found.update(module.SAMPLES)
    return found


SAMPLES.update(_feature_samples())
