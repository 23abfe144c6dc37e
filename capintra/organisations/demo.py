"""Demo data of the directory: the partners the team works with around Saint-Étienne
(CCAS, CAF, Département, associations), social landlords and syndics; and examples for
the URL variable of its routes (<org_id>) in the generated route tests."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from capintra.demo import DemoContext
from capintra.extensions import db
from capintra.organisations.models import Organisation, OrganisationKind, name_key

K = OrganisationKind

#: (name, kind, address, contact, SIREN or "" — the SIRET is made valid from it).
DIRECTORY = [
    ("CCAS", K.CCAS, "Hôtel de ville, place de l’Hôtel de ville, 42000 Saint-Étienne",
     "Accueil social : 04 77 00 00 10", ""),
    ("CAF de la Loire", K.CAF, "3 avenue Émile Loubet, 42000 Saint-Étienne",
     "Travailleurs sociaux : 32 30", ""),
    ("Département de la Loire (MDS)", K.DEPARTEMENT, "2 rue Charles de Gaulle, 42000 Saint-Étienne",
     "Maison départementale des solidarités", ""),
    ("Loire Habitat", K.BAILLEUR, "42 rue de la Montat, 42100 Saint-Étienne",
     "Service attributions", "273420011"),
    ("Métropole Habitat Saint-Étienne", K.BAILLEUR, "16 rue Ferdinand, 42000 Saint-Étienne",
     "Service attributions", "275420016"),
    ("Action Logement", K.RESERVATAIRE, "10 rue Balay, 42000 Saint-Étienne", "", ""),
    ("Secours populaire", K.AUTRE, "12 rue Roger Salengro, 42000 Saint-Étienne", "", ""),
    ("Mission locale", K.AUTRE, "7 rue de la Résistance, 42000 Saint-Étienne", "", ""),
    ("Point d’accès au droit", K.AUTRE, "Palais de justice, 42000 Saint-Étienne", "", ""),
    ("Cabinet Forez Syndic", K.SYNDIC, "21 cours Fauriel, 42100 Saint-Étienne",
     "Gestionnaire de copropriétés", "412345678"),
    ("Gérance du Gier", K.SYNDIC, "5 rue Jean Jaurès, 42800 Rive-de-Gier", "", ""),
]  # fmt: skip


def valid_siret(siren: str, establishment: str = "0001") -> str:
    """A SIRET passing the Luhn check: the SIREN, the establishment, a key digit."""
    stem = siren + establishment
    for key in range(10):
        candidate = stem + str(key)
        total = 0
        for position, char in enumerate(reversed(candidate)):
            digit = int(char) * (2 if position % 2 else 1)
            total += digit - 9 if digit > 9 else digit
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable: one key digit always fits")


def directory() -> dict[str, int]:
    """The demo directory, by name → id: the organisations already there (by normalised
    name), the missing ones created and flushed."""
    existing = {
        key: id_
        for id_, key in db.session.execute(
            select(Organisation.id, Organisation.name_key).where(Organisation.deleted_at.is_(None))
        )
    }
    found: dict[str, int] = {}
    for name, kind, address, contact, siren in DIRECTORY:
        if name_key(name) in existing:
            found[name] = existing[name_key(name)]
            continue
        organisation = Organisation(
            name=name,
            kind=kind,
            address=address,
            contact=contact,
            siret=valid_siret(siren) if siren else "",
        )
        db.session.add(organisation)
        db.session.flush()
        found[name] = organisation.id
    return found


def load(context: DemoContext) -> None:
    context.created["organisations"] = directory()


# --- examples for the route tests -----------------------------------------------------------

_examples = itertools.count(1)


def example_organisation() -> Organisation:
    organisation = Organisation(name=f"Association d’exemple {next(_examples)}")
    db.session.add(organisation)
    db.session.flush()
    return organisation


def example_organisation_id() -> int:
    return example_organisation().id
