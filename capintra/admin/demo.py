"""Demo data of the administration: the five operations (`seed-demo`), and examples for
the URL variables of its routes (<op_id>, <user_id>) in the generated route tests."""

from __future__ import annotations

import itertools
import secrets
from datetime import date

from capintra.admin.models import Operation, Procedure
from capintra.auth.demo import example_user
from capintra.demo import DemoContext
from capintra.extensions import db

OPERATIONS = [
    ("OPAH-RU Saint-Étienne Centre", ["Saint-Étienne"], [Procedure.OPAH_RU, Procedure.ORI], True),
    ("Îlot Gambetta", ["Saint-Chamond"], [Procedure.ILOT, Procedure.RHI_THIRORI], True),
    ("ORI Rive-de-Gier", ["Rive-de-Gier"], [Procedure.ORI], False),
    ("Contrat de ville La Ricamarie", ["La Ricamarie"], [Procedure.RECYCLAGE], True),
    ("Centre-ville Firminy", ["Firminy"], [Procedure.OPAH_RU, Procedure.RECYCLAGE], False),
]


def seed_operations() -> list[Operation]:
    """The five operations, flushed."""
    operations = []
    for index, (name, communes, procedures, qpv) in enumerate(OPERATIONS):
        operation = Operation(
            name=name,
            communes=communes,
            procedures=[p.value for p in procedures],
            concession_ref=f"CPA-{2019 + index}-{index + 1:02d}",
            funders="ANRU, Anah, Département de la Loire",
            priority_area=qpv,
            start_date=date(2019 + index, 1, 1),
            end_date=date(2031 + index, 12, 31),
        )
        db.session.add(operation)
        operations.append(operation)
    db.session.flush()
    return operations


def load(context: DemoContext) -> None:
    context.created["admin"] = seed_operations()


# --- examples for the route tests -----------------------------------------------------------

_examples = itertools.count(1)


def example_operation() -> Operation:
    """An active operation on one commune, flushed."""
    operation = Operation(
        name=f"Opération d'exemple {next(_examples)}-{secrets.token_hex(3)}",
        communes=["Saint-Étienne"],
        procedures=[Procedure.OPAH_RU.value],
        start_date=date(2024, 1, 1),
    )
    db.session.add(operation)
    db.session.flush()
    return operation


def example_operation_id() -> int:
    return example_operation().id


def example_user_id() -> int:
    return example_user().id
