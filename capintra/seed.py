"""Deterministic demo data for the five operations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from capintra.admin.models import Operation, Procedure
from capintra.auth.services import create_user
from capintra.extensions import db

OPERATIONS = [
    ("OPAH-RU Saint-Étienne Centre", ["Saint-Étienne"], [Procedure.OPAH_RU, Procedure.ORI], True),
    ("Îlot Gambetta", ["Saint-Chamond"], [Procedure.ILOT, Procedure.RHI_THIRORI], True),
    ("ORI Rive-de-Gier", ["Rive-de-Gier"], [Procedure.ORI], False),
    ("Contrat de ville La Ricamarie", ["La Ricamarie"], [Procedure.RECYCLAGE], True),
    ("Centre-ville Firminy", ["Firminy"], [Procedure.OPAH_RU, Procedure.RECYCLAGE], False),
]


def seed_reference_data(users, make_password: Callable[[], str]) -> list[str]:
    """Demo accounts and the five operations; returns the 'role username password' lines."""
    lines = []
    for label, username, full_name, role, is_admin in users:
        password = make_password()
        create_user(username, role, password, full_name=full_name, is_admin=is_admin)
        lines.append(f"{label} {username} {password}")
    for index, (name, communes, procedures, qpv) in enumerate(OPERATIONS):
        db.session.add(
            Operation(
                name=name,
                communes=communes,
                procedures=[p.value for p in procedures],
                concession_ref=f"CPA-{2019 + index}-{index + 1:02d}",
                funders="ANRU, Anah, Département de la Loire",
                priority_area=qpv,
                start_date=date(2019 + index, 1, 1),
                end_date=date(2031 + index, 12, 31),
            )
        )
    db.session.flush()
    return lines


def seed_households(count: int, echo: Callable[[str], None]) -> None:
    """Households come with the household-files feature."""
    return None
