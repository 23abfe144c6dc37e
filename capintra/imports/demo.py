"""Demo data: a spreadsheet dropped by the demo assistant, awaiting validation, so the
import's preview and the dashboard's recent imports show something after `make run`."""

from __future__ import annotations

from sqlalchemy import select

from capintra.admin.models import Operation
from capintra.auth.models import User
from capintra.buildings.importing import TEMPLATE_HEADERS, parse_file
from capintra.extensions import db
from capintra.imports import services
from capintra.security import Role

#: Rows of a building the other demo data does not hold (new address): lot, floor,
#: type, surface, occupant, status, entry date, rent, telephone, observations.
_ROWS = (
    ("1", "RDC", "Commerce", "48", "SARL Boulangerie des Halles", "Locataire", "01/03/2012",
     "620,00", "", ""),
    ("2", "1er", "T3", "61,5", "MOREL Sandrine", "Locataire", "15/09/2016", "455,40",
     "06 12 34 56 78", "Souhaite rester dans le quartier"),
    ("3", "1er", "T2", "38", "", "Vacant", "", "", "", ""),
    ("4", "2e", "T4", "74", "N'DIAYE Awa", "Occupant sans titre", "02/02/2021", "",
     "07 98 76 54 32", ""),
    ("5", "2e", "T1", "24", "", "Muré", "", "", "", "Muré après incendie"),
)  # fmt: skip


def demo_csv(operation: str, address: str, commune: str) -> bytes:
    lines = [";".join(TEMPLATE_HEADERS)]
    for lot, floor, kind, surface, occupant, status, start, rent, phone, remark in _ROWS:
        cells = (operation, address, commune, lot, floor, kind, surface, occupant, status,
                 start, rent, phone, remark)  # fmt: skip
        lines.append(";".join(cells))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def load(context) -> None:
    if context.households <= 0:
        return
    assistant = db.session.scalar(
        select(User).where(User.role == Role.ASSISTANT, User.active.is_(True)).order_by(User.id)
    )
    operation = db.session.scalar(select(Operation).order_by(Operation.id))
    if assistant is None or operation is None:
        return
    commune = (operation.communes or [""])[0]
    data = demo_csv(operation.name, "14 rue des Halles", commune)
    name = "suivi-occupation-halles.csv"
    services.create_batch(parse_file(data, name), data=data, filename=name, author=assistant)
    context.echo("Import de démonstration : 1 tableau en attente de validation")
