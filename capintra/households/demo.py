"""Demo data of the household files (`seed-demo`), and examples for the URL variables of
the files' routes (<household_id>, <item_id>) in the generated route tests.

`load` fills the household files with bulk Core inserts: 50,000 households with their
members, journal, letters, tasks and phase history load in well under a minute. Bulk
inserts bypass the ORM flush listeners on purpose, so this module writes what they would
have written itself — the reference, `sort_name` and the search terms (with
`capintra.households.search`) — and records one summary `seed_demo` audit event per run
instead of one event per row. The first files get a scanned PDF, stored through the
documents service. It runs after the accounts (auth) and the operations (admin).

The same seed gives the same households (names, addresses, phases, amounts); dates are
laid out relative to the day of the run, so dashboards always show overdue tasks and
unacknowledged registered letters.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from io import BytesIO

from sqlalchemy import Table, func, select, update
from werkzeug.datastructures import FileStorage

from capintra import clock
from capintra.admin.demo import example_operation
from capintra.admin.models import Operation
from capintra.audit.service import record_event
from capintra.auth.models import User
from capintra.demo import DEFAULT_SEED, DemoContext, bulk_insert, next_ids, reset_sequences
from capintra.demo import cumulative as _cumulative
from capintra.demo import number as _number
from capintra.demo import utc as _utc
from capintra.documents.demo import tiny_pdf
from capintra.documents.models import DocumentKind
from capintra.documents.services import store_upload
from capintra.extensions import db
from capintra.households.models import (
    Household,
    HouseholdPartner,
    HouseholdSearchTerm,
    Letter,
    LetterChannel,
    LetterDirection,
    Member,
    Note,
    NoteKind,
    Phase,
    PhaseChange,
    Relation,
    Task,
)
from capintra.households.search import STOP_WORDS, household_terms
from capintra.households.services import (
    NUMERO_UNIQUE_NOTICE,
    assign_reference,
    format_reference,
)
from capintra.organisations import demo as organisations_demo
from capintra.security import Role
from capintra.text import normalise

BATCH_SIZE = 5_000
PROGRESS_EVERY = 5_000
#: Households with a tiny PDF attached (when the documents storage is available).
DOCUMENT_HOUSEHOLDS = 20

#: Heads of the first households: accented names are always in the demo data, so
#: `helene` finds Hélène and `celik` finds Çelik whatever the number asked for.
GUARANTEED_HEADS = [
    ("Martin", "Hélène", "F"),
    ("Çelik", "Aïcha", "F"),
    ("Faure", "Jérôme", "M"),
    ("Noël", "Éloïse", "F"),
    ("Lefèvre", "Noël", "M"),
    ("Benhamou", "Aïcha", "F"),
    ("Rivière", "Gaëlle", "F"),
    ("Yılmaz", "Emre", "M"),
    ("Lévêque", "Françoise", "F"),
    ("Nguyễn", "Thị Hương", "F"),
    ("Grégoire", "Loïc", "M"),
    ("Da Costa", "Inês", "F"),
]

#: Real French surnames used exactly once each (spread through the run): the
#: benchmark's rare-name search looks for one of them.
RARE_SURNAMES = [
    "Ollagnier", "Thiollière", "Rochigneux", "Frécon", "Vialleton", "Mazodier",
    "Jacquemond", "Sauzéat", "Pitiot", "Gaudibert", "Lachièze", "Esquirol",
]  # fmt: skip

#: Surnames of families who came from elsewhere, common in these old town centres.
MIGRANT_SURNAMES = [
    ("Çelik", 6), ("Yılmaz", 6), ("Kaya", 5), ("Demir", 5), ("Öztürk", 4), ("Şahin", 3),
    ("Benali", 6), ("Haddad", 5), ("Mansouri", 4), ("Boukhari", 3), ("Belkacem", 4),
    ("Kaci", 4), ("Ben Salah", 3), ("Amrani", 4), ("Cherif", 4), ("Diallo", 5),
    ("Traoré", 5), ("Koné", 3), ("Ndiaye", 4), ("Camara", 3), ("Nguyễn", 4),
    ("Ferreira", 5), ("Pereira", 5), ("Da Costa", 4), ("Lopes", 4), ("Rodrigues", 4),
    ("Ricci", 3), ("Russo", 3), ("Bianchi", 2), ("Dimitrov", 2),
]  # fmt: skip

MIGRANT_FIRST_NAMES = {
    "F": ["Aïcha", "Fatoumata", "Meryem", "Nour", "Yasmina", "Samira", "Elif", "Zeynep",
          "Leïla", "Khadija", "Mariama", "Inês", "Aïssatou", "Hương", "Naïma", "Zoé"],
    "M": ["Mohamed", "Youssef", "Karim", "Ibrahim", "Mamadou", "Emre", "Mehmet", "Bilal",
          "Rachid", "Moussa", "João", "Tiago", "Ismaël", "Ahmed", "Souleymane", "Raphaël"],
}  # fmt: skip

#: The streets of each old town centre, by commune.
COMMUNES = {
    "Saint-Étienne": [
        "rue Tarentaize", "rue Michelet", "rue de la République", "place du Peuple",
        "rue Gambetta", "rue Beaubrun", "rue Roger-Salengro", "rue des Martyrs-de-Vingré",
        "rue Saint-Jacques", "rue Élisée-Reclus", "rue Antoine-Durafour", "cours Fauriel",
        "rue Désirée", "place Jacquard", "rue de la Ville", "rue Paul-Bert",
    ],
    "Saint-Chamond": [
        "rue de la République", "place de la Liberté", "rue Gambetta", "rue Victor-Hugo",
        "rue Émile-Combes", "rue de Lyon", "rue Jean-Jaurès", "place Notre-Dame",
    ],
    "Rive-de-Gier": [
        "rue Jean-Jaurès", "rue de la Liberté", "place Gambetta", "rue Marrel",
        "rue Claude-Drivon", "rue Louis-Pasteur", "rue Feloin", "quai du Gier",
    ],
    "La Ricamarie": [
        "rue Jean-Jaurès", "rue Gambetta", "rue Pierre-Sémard", "rue de la Libération",
        "rue Émile-Zola", "rue des Mineurs", "place de l'Église",
    ],
    "Firminy": [
        "rue Jean-Jaurès", "rue Gambetta", "rue Denis-Papin", "rue Jules-Vallès",
        "place du Breuil", "rue Ferdinand-Buisson", "rue de la Tour-de-Varan",
    ],
}  # fmt: skip

#: Share of the files per operation (in OPERATIONS order): Saint-Étienne is the big one.
OPERATION_WEIGHTS = [40, 18, 16, 12, 14]

#: (phase, weight): where files stand in a mature programme.
PHASE_WEIGHTS = [
    ("a_rencontrer", 14), ("diagnostic", 18), ("recherche", 30),
    ("relogement_temporaire", 5), ("reloge", 12), ("suivi", 12), ("clos", 9),
]  # fmt: skip
PHASES = [p for p, _w in PHASE_WEIGHTS]
OUTCOME_WEIGHTS = [
    ("reloge_definitivement", 70), ("parti", 18), ("non_eligible", 6),
    ("deces", 3), ("procedure", 3),
]  # fmt: skip
HOUSEHOLD_SIZE_WEIGHTS = [(1, 34), (2, 25), (3, 15), (4, 12), (5, 8), (6, 6)]

LANGUAGES = [("", 70), ("français", 12), ("arabe", 6), ("turc", 4), ("portugais", 3),
             ("wolof", 2), ("vietnamien", 1), ("anglais", 2)]  # fmt: skip
BEARERS = ["Aménageur (traité de concession)", "Commune (arrêté de police)", "Propriétaire"]
REHOUSING_BASES = ["l314_1", "l314_1", "l314_1", "arrete", "charte"]
ADULT_EMPLOYMENT = ["salarie", "salarie", "salarie", "demandeur", "demandeur", "inactif", "autre"]
PARTNERS = ["CCAS", "CAF de la Loire", "Département de la Loire (MDS)", "Loire Habitat",
            "Métropole Habitat Saint-Étienne", "Action Logement", "Secours populaire",
            "Mission locale", "Point d’accès au droit"]  # fmt: skip
OTHER_BENEFITS = ["RSA", "AAH", "ASPA", "Prime d'activité", "Allocations familiales",
                  "Allocation de soutien familial", "Pension d'invalidité"]  # fmt: skip
EMAIL_DOMAINS = ["orange.fr", "free.fr", "gmail.com", "laposte.net", "sfr.fr", "hotmail.fr"]

HEALTH = [
    "Mobilité réduite : se déplace avec une canne, ne peut monter qu'un étage.",
    "Insuffisance respiratoire, oxygène à domicile : ascenseur indispensable.",
    "Diabète avec complications, soins infirmiers quotidiens à domicile.",
    "Suivi psychiatrique au CMP de secteur ; éviter les changements brusques.",
    "Fauteuil roulant depuis un accident : logement adapté (PMR) nécessaire.",
    "Opération de la hanche prévue au printemps, convalescence de trois mois.",
]
VULNERABILITY = [
    "Isolement social important, aucune famille à proximité.",
    "Violences conjugales signalées ; ne pas communiquer l'adresse future.",
    "Mesure de curatelle renforcée (UDAF de la Loire).",
    "Difficultés de lecture : remettre les courriers en main propre et les expliquer.",
    "Endettement important, dossier de surendettement en cours à la Banque de France.",
    "Enfant placé en famille d'accueil, droits de visite le week-end.",
]
#: The household of the run whose file tells of domestic violence (with its safety alert).
VIOLENCE_STORY_AT = 3
#: Languages in which a first meeting needs an interpreter (some households only).
INTERPRETED = {"arabe", "turc", "wolof", "vietnamien", "portugais"}


def _alert(vulnerability: str, health: str, language: str, interpreter: bool) -> list[str]:
    """The safety alert that follows from what the file says (the reason stays in the
    confidential fields): SafetyAlert codes."""
    codes = []
    if vulnerability.startswith("Violences"):
        codes += ["no_address", "no_mail_home"]
    if language in INTERPRETED and interpreter:
        codes.append("interpreter")
    if health.startswith("Suivi psychiatrique"):
        codes.append("two_staff")
    return codes


DISABILITY_NEEDS = [
    "Fauteuil roulant : douche de plain-pied et portes larges.",
    "Malvoyance : éclairage renforcé des parties communes.",
    "Reconnaissance MDPH en cours, pas d'escaliers.",
]
BLOCKING_POINTS = [
    "Deux propositions refusées, motif : éloignement de l'école des enfants.",
    "Dette locative importante, bailleurs réticents en commission.",
    "Famille nombreuse : aucun T6 disponible sur la commune.",
    "Occupant sans titre : droit au relogement à instruire avec la commune.",
    "Refus de quitter le quartier, attachement au logement depuis quarante ans.",
    "Besoin d'un logement adapté PMR introuvable dans le parc social local.",
]
COMMITTEE_DECISIONS = [
    "Proposer un T4 PLAI à Saint-Chamond ; accompagnement renforcé trois mois.",
    "Saisir la commission de médiation DALO.",
    "Solliciter le contingent préfectoral pour un relogement prioritaire.",
    "Mobiliser le FSL pour apurer la dette avant la commission d'attribution.",
]

CONFIDENTIAL_NOTES = [
    ("entretien", "Entretien au bureau. {title} confie des difficultés de santé qui "
                  "rendent les escaliers pénibles ; souhaite un rez-de-chaussée."),
    ("visite", "Visite à domicile : logement humide, moisissures dans la chambre des "
               "enfants. {title} évoque une situation de couple tendue."),
    ("entretien", "Point sur les ressources : dette de loyer en hausse, orientation vers "
                  "le FSL proposée. {title} accepte un rendez-vous avec la CESF."),
    ("appel", "Appel de {title} : inquiétude forte à l'idée de quitter le quartier, "
              "suivi médical au centre de santé voisin."),
    ("reunion", "Réunion avec l'assistante sociale du Département : mesure "
                "d'accompagnement budgétaire envisagée pour le ménage."),
    ("visite", "Visite à domicile avec l'ergothérapeute : besoins d'adaptation notés "
               "(barres d'appui, douche de plain-pied)."),
]  # fmt: skip
SHARED_NOTES = [
    ("appel", "Appel de {title} pour décaler le rendez-vous ; nouveau rendez-vous fixé."),
    ("entretien", "Dossier de demande de logement social complété au guichet ; copie "
                  "des avis d'imposition remise."),
    ("autre", "Pièces reçues : avis d'imposition, attestation CAF, quittances de loyer."),
    ("reunion", "Réunion de coordination avec le bailleur : deux logements T3 "
                "susceptibles de convenir sur la commune."),
    ("appel", "{title} signale une fuite d'eau dans la cage d'escalier ; syndic prévenu."),
    ("entretien", "Souhaits recueillis : rester sur {commune}, proche des transports, "
                  "loyer résiduel inférieur à 350 €."),
]  # fmt: skip
SENT_LETTERS = [
    ("Information sur l'opération de renouvellement urbain", "lrar"),
    ("Convocation à un premier entretien", "lrar"),
    ("Notification du droit au relogement", "lrar"),
    ("Proposition de relogement", "lrar"),
    ("Relance : pièces manquantes au dossier", "simple"),
    ("Confirmation de rendez-vous", "email"),
    ("Attestation de prise en charge du déménagement", "main_propre"),
]
RECEIVED_LETTERS = [
    ("Demande de rendez-vous du ménage", "simple"),
    ("Réponse à la proposition de relogement", "lrar"),
    ("Transmission de justificatifs de ressources", "email"),
    ("Courrier du bailleur : avis de la commission d'attribution", "simple"),
    ("Réclamation sur l'état du logement", "main_propre"),
]
TASK_TITLES = [
    "Rappeler le ménage pour fixer la visite à domicile",
    "Relancer la CAF pour l'attestation de quotient familial",
    "Préparer le passage en commission d'attribution",
    "Vérifier l'accusé de réception du courrier recommandé",
    "Organiser le déménagement avec le prestataire",
    "Transmettre le dossier au bailleur",
    "Point téléphonique avec le CCAS",
]


@dataclass
class SeedSummary:
    households: int = 0
    members: int = 0
    search_terms: int = 0
    notes: int = 0
    letters: int = 0
    tasks: int = 0
    phase_changes: int = 0
    documents: int = 0
    seconds: float = 0.0
    documents_skipped: str = ""

    def counts(self) -> dict[str, int]:
        return {
            "households": self.households,
            "members": self.members,
            "notes": self.notes,
            "letters": self.letters,
            "tasks": self.tasks,
            "phase_changes": self.phase_changes,
            "documents": self.documents,
        }


@dataclass
class _Rows:
    """One batch of rows, per table, ready for executemany."""

    household: list[dict] = field(default_factory=list)
    member: list[dict] = field(default_factory=list)
    term: list[dict] = field(default_factory=list)
    note: list[dict] = field(default_factory=list)
    letter: list[dict] = field(default_factory=list)
    task: list[dict] = field(default_factory=list)
    phase_change: list[dict] = field(default_factory=list)
    partner: list[dict] = field(default_factory=list)


@dataclass
class _File:
    """What the parts of one household's file are generated from."""

    id: int
    created_day: date
    created_at: datetime
    officer_id: int | None
    phase_rank: int
    commune: str
    head_title: str  # "Mme Martin", for the notes


class HouseholdGenerator:
    """Makes the rows of the demo households from a fixed seed; knows nothing of the
    database but the ids it is given (operations, officers, assistant, first free ids)."""

    def __init__(
        self,
        *,
        seed: int,
        today: date,
        operations: list[tuple[int, str, date | None]],
        officers: list[int],
        assistant: int | None,
        count: int,
        partners: list[int] | None = None,
    ):
        # Faker is only for the demo data: the server, which imports this module through
        # the feature's declaration, never loads it.
        from faker import Faker
        from faker.providers.person.fr_FR import Provider as FrenchNames

        self.rng = random.Random(seed)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self.today = today
        self.operations = operations
        self.officers = officers
        self.assistant = assistant
        #: The directory's ids of PARTNERS, in its order (None: no partner links).
        self.partners = partners

        # Faker lists French surnames by frequency, Martin first: a Zipf-like weight makes
        # common names common, as on a real list of tenants.
        self.last_names = list(FrenchNames.last_names)
        self.last_names_cum = _cumulative(1.0 / (rank + 20) for rank in range(len(self.last_names)))
        self.migrant_names = [name for name, _w in MIGRANT_SURNAMES]
        self.migrant_names_cum = _cumulative(w for _name, w in MIGRANT_SURNAMES)
        self.first_names = {
            "F": list(FrenchNames.first_names_female),
            "M": list(FrenchNames.first_names_male),
        }
        # The real streets of each centre (more often), and Faker's for variety.
        self.streets = {
            commune: real * 3 + sorted({self.fake.street_name() for _ in range(40)})
            for commune, real in COMMUNES.items()
        }
        self.operations_cum = _cumulative(OPERATION_WEIGHTS[: len(operations)])
        self.phases_cum = _cumulative(w for _p, w in PHASE_WEIGHTS)
        self.outcomes = [outcome for outcome, _w in OUTCOME_WEIGHTS]
        self.outcomes_cum = _cumulative(w for _o, w in OUTCOME_WEIGHTS)
        self.sizes = [size for size, _w in HOUSEHOLD_SIZE_WEIGHTS]
        self.sizes_cum = _cumulative(w for _s, w in HOUSEHOLD_SIZE_WEIGHTS)
        self.languages = [language for language, _w in LANGUAGES]
        self.languages_cum = _cumulative(w for _l, w in LANGUAGES)
        self.rare_at = _rare_positions(count)

    # -- drawing -------------------------------------------------------------------------
    # random.Random's randint and choice cost ten times a draw of random(): these make the
    # same kind of draws, deterministic for a seed, at a fraction of the time.

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def randint(self, low: int, high: int) -> int:
        return low + int(self.rng.random() * (high - low + 1))

    def randrange(self, stop: int) -> int:
        return int(self.rng.random() * stop)

    def choice(self, items):
        return items[int(self.rng.random() * len(items))]

    def weighted(self, items: list, cumulative: list[float]):
        return items[bisect.bisect_right(cumulative, self.rng.random() * cumulative[-1])]

    def day_between(self, start: date, end: date) -> date:
        if end <= start:
            return start
        return start + timedelta(days=self.randrange((end - start).days + 1))

    def moment(self, day: date) -> datetime:
        """A time of the working day, in UTC."""
        return _utc(day, self.randint(7, 16), self.randrange(60))

    def last_name(self, migrant: bool = False) -> str:
        if migrant:
            return self.weighted(self.migrant_names, self.migrant_names_cum)
        return self.weighted(self.last_names, self.last_names_cum)

    def first_name(self, sex: str, migrant: bool) -> str:
        return self.choice(MIGRANT_FIRST_NAMES[sex] if migrant else self.first_names[sex])

    # -- one household ---------------------------------------------------------------------

    def household(self, index: int, ids: dict[str, Iterator[int]], refs: dict, rows: _Rows):
        """Append the rows of household number `index` of the run to `rows`."""
        today = self.today
        operation_id, commune, operation_start = self.weighted(self.operations, self.operations_cum)
        created_day = self.day_between(
            max(operation_start or date(2019, 1, 1), today - timedelta(days=5 * 365)),
            today - timedelta(days=3),
        )
        year = created_day.year
        refs[year] = refs.get(year, 0) + 1
        reference = format_reference(year, refs[year])

        officer_id = None
        if self.officers and self.chance(0.9):
            officer_id = self.officers[index % len(self.officers)]
        phase_rank = PHASES.index(self.weighted(PHASES, self.phases_cum))
        if (today - created_day).days < 60:
            phase_rank = min(phase_rank, self.randrange(2))  # just opened: still at the start

        migrant = self.chance(0.25)
        if index < len(GUARANTEED_HEADS):
            head_last, head_first, head_sex = GUARANTEED_HEADS[index]
        else:
            head_sex = "F" if self.chance(0.55) else "M"
            head_last = self.rare_at.get(index) or self.last_name(migrant)
            head_first = self.first_name(head_sex, migrant)
        name = f"{head_last.upper()} {head_first}"
        file = _File(
            id=next(ids["household"]),
            created_day=created_day,
            created_at=self.moment(created_day),
            officer_id=officer_id,
            phase_rank=phase_rank,
            commune=commune,
            head_title=f"{'Mme' if head_sex == 'F' else 'M.'} {head_last}",
        )
        size = self.weighted(self.sizes, self.sizes_cum)
        years_in_home = self.choice([0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40])
        members = self._members(
            file, ids, (head_last, head_first, head_sex), size, years_in_home, migrant
        )
        rows.member.extend(members)

        address = f"{self.randint(1, 64)}{' bis' if self.chance(0.1) else ''} "
        address += self.choice(self.streets[commune])
        if self.chance(0.3):
            address += f", {floor_fr(self.randint(1, 5))} étage"

        changes = self._phase_history(file, ids)
        rows.phase_change.extend(changes)
        last_move = changes[-1]["at"].date() if changes else created_day
        outcome = closed_at = None
        if PHASES[phase_rank] == "clos":
            outcome = self.weighted(self.outcomes, self.outcomes_cum)
            changes[-1]["outcome"] = outcome
            closed_at = last_move

        numero_unique, renewal = "", None
        if 1 <= phase_rank < PHASES.index("clos") and self.chance(0.55):
            filed = self.day_between(created_day, today)
            numero_unique = f"042{filed:%y%m}{self.randrange(10**6):06d}"
            renewal = date(filed.year + 1, filed.month, min(filed.day, 28))
            while renewal < today - timedelta(days=20):
                renewal = renewal.replace(year=renewal.year + 1)

        met = phase_rank >= 1
        health = self.choice(HEALTH) if self.chance(0.1) else ""
        committee = 1 <= phase_rank <= 3 and self.chance(0.06)
        vulnerability = self.choice(VULNERABILITY) if self.chance(0.08) else ""
        if index == VIOLENCE_STORY_AT:
            vulnerability = VULNERABILITY[1]
        language = self.weighted(self.languages, self.languages_cum) if migrant else ""
        alert_codes = _alert(vulnerability, health, language, self.chance(0.6))
        row = {
            "id": file.id,
            "reference": reference,
            "ref_year": year,
            "ref_number": refs[year],
            "operation_id": operation_id,
            "officer_id": officer_id,
            "split_from_id": None,
            "name": name,
            "sort_name": normalise(name)[:200],
            "address": address,
            "commune": commune,
            "phone": self._phone(),
            "email": self._email(head_first, head_last) if self.chance(0.4) else "",
            "preferred_language": language,
            "years_in_home": years_in_home,
            "privacy_notice_date": (
                created_day + timedelta(days=self.randint(0, 30)) if met else None
            ),
            "phase": PHASES[phase_rank],
            "outcome": outcome,
            "closed_at": closed_at,
            "rehousing_right": (
                "a_instruire" if not met else "non" if self.chance(0.04) else "oui"
            ),
            "rehousing_basis": self.choice(REHOUSING_BASES) if met else None,
            "rehousing_bearer": self.choice(BEARERS) if met else "",
            **self._money(members, size),
            "numero_unique": numero_unique,
            "numero_unique_renewal": renewal,
            "partners_note": "",
            "needs_ground_floor": bool(health) and self.chance(0.6),
            "needs_lift": bool(health) and self.chance(0.7),
            "needs_adapted": bool(health) and self.chance(0.3),
            "health_details": health,
            "vulnerability_details": vulnerability,
            "alert_codes": alert_codes,
            "alert_note": (
                "Remettre les courriers en main propre et les expliquer."
                if vulnerability.startswith("Difficultés de lecture")
                else ""
            ),
            "committee_flag": committee,
            "committee_blocking_point": self.choice(BLOCKING_POINTS) if committee else "",
            "committee_decision": (
                self.choice(COMMITTEE_DECISIONS) if committee and self.chance(0.5) else ""
            ),
            "version": 1,
            "created_at": file.created_at,
            "updated_at": max(file.created_at, self.moment(last_move)),
            "deleted_at": None,
        }
        rows.household.append(row)
        # Drawn whether or not there is a directory, so the rest of the data stays the same.
        chosen = self.rng.sample(range(len(PARTNERS)), self.randint(0, 3))
        if self.partners:
            rows.partner.extend(
                {"id": next(ids["partner"]), "household_id": file.id,
                 "organisation_id": self.partners[i], "version": 1,
                 "created_at": file.created_at, "updated_at": file.created_at,
                 "deleted_at": None}
                for i in chosen
            )  # fmt: skip

        terms = set(household_terms(reference, "", "", ()))
        terms |= _terms_of(name) | _terms_of(address)
        for member in members:  # words never span a space: last and first apart cache better
            terms |= _terms_of(member["last_name"]) | _terms_of(member["first_name"])
        rows.term.extend(
            {"term": term, "household_id": file.id, "sort_name": row["sort_name"]}
            for term in sorted(terms - STOP_WORDS)
        )
        self._journal(file, ids, rows)
        self._letters(file, ids, rows)
        self._tasks(file, ids, rows, renewal)

    def _money(self, members: list[dict], size: int) -> dict:
        """Monthly amounts in integer cents (the tax income is yearly)."""
        adults = sum(1 for m in members if m["relation"] in ("chef", "conjoint"))
        resources = self.randint(550, 1_400 * adults + 300 * (size - adults)) * 100
        resources += self.randrange(100)
        # Rent, charges and APL belong to the occupancy period (the buildings' demo).
        on_apl = resources < 170_000
        arrears = self.randint(150, 4_500) * 100 if self.chance(0.2) else None
        return {
            "monthly_resources_cents": resources,
            "tax_reference_income_cents": resources * 11 // 100 * 100,
            "caf_number": f"{self.randrange(10**7):07d}" if on_apl else "",
            "other_benefits": self.choice(OTHER_BENEFITS) if self.chance(0.35) else "",
            "arrears_cents": arrears,
            "repayment_plan": arrears is not None and self.chance(0.4),
            "fsl": arrears is not None and self.chance(0.25),
            "ccapex_referral": arrears is not None and arrears > 200_000 and self.chance(0.5),
        }

    def _members(self, file: _File, ids, head, size, years_in_home, migrant) -> list[dict]:
        """The head (chef, lease holder) first, then a partner, maybe a parent, children."""
        last, first, sex = head
        age = self.randint(22, 88) if size <= 2 else self.randint(24, 55)
        people = [("chef", last, first, age, True)]
        if size >= 2 and self.chance(0.65):
            partner = self.first_name("M" if sex == "F" else "F", migrant)
            partner_last = last if self.chance(0.6) else self.last_name(migrant)
            partner_age = max(20, age + self.randint(-6, 6))
            people.append(("conjoint", partner_last, partner, partner_age, self.chance(0.6)))
        if len(people) < size and age < 55 and self.chance(0.1):
            parent = self.first_name("F", migrant)
            people.append(("ascendant", last, parent, age + self.randint(20, 30), False))
        while len(people) < size:
            relation = "enfant" if self.chance(0.92) else "autre"
            child = self.first_name("F" if self.chance(0.5) else "M", migrant)
            people.append(
                (relation, last, child, self.randint(0, max(0, min(24, age - 18))), False)
            )
        moved_in = file.created_day - timedelta(days=365 * years_in_home + self.randrange(300))
        rows = []
        for relation, last_name, first_name, member_age, lease_holder in people:
            birth = date(self.today.year - member_age, 1, 1) + timedelta(days=self.randrange(365))
            if member_age < 3:
                employment = None
            elif member_age < 18:
                employment = "etudiant"
            elif member_age >= 63:
                employment = "retraite"
            else:
                employment = self.choice(ADULT_EMPLOYMENT)
            rows.append(
                {
                    "id": next(ids["member"]),
                    "household_id": file.id,
                    "last_name": last_name,
                    "first_name": first_name,
                    "birth_date": birth,
                    "relation": relation,
                    "lease_holder": lease_holder,
                    "in_home_since": max(moved_in, birth),
                    "employment": employment,
                    "disability_need": self.choice(DISABILITY_NEEDS) if self.chance(0.03) else "",
                    "left_at": None,
                    "split_to_id": None,
                    "version": 1,
                    "created_at": file.created_at,
                    "updated_at": file.created_at,
                    "deleted_at": None,
                }
            )
        return rows

    def _phase_history(self, file: _File, ids) -> list[dict]:
        """One forward move per step up to the current phase, dated in order, by the officer."""
        rows: list[dict] = []
        day = file.created_day
        for rank in range(1, file.phase_rank + 1):
            steps_left = file.phase_rank - rank + 1
            room = max(1, (self.today - day).days)
            day = min(self.today, day + timedelta(days=self.randint(1, room // steps_left + 1)))
            rows.append(
                {
                    "id": next(ids["phase_change"]),
                    "household_id": file.id,
                    "from_phase": PHASES[rank - 1],
                    "to_phase": PHASES[rank],
                    "outcome": None,
                    "reason": "",
                    "at": self.moment(day),
                    "by_id": file.officer_id,
                }
            )
        return rows

    def _journal(self, file: _File, ids, rows: _Rows) -> None:
        """Confidential notes by the officer; shared ones mostly by the assistant."""
        officer = file.officer_id or (self.officers[0] if self.officers else None)
        for _ in range(self.randint(0, 1 + file.phase_rank)):
            day = self.day_between(file.created_day, self.today)
            confidential = self.chance(0.45)
            if confidential:
                kind, body = self.choice(CONFIDENTIAL_NOTES)
                author = officer
            else:
                kind, body = self.choice(SHARED_NOTES)
                author = self.assistant if self.chance(0.7) else officer
            at = self.moment(day)
            rows.note.append(
                {
                    "id": next(ids["note"]),
                    "household_id": file.id,
                    "kind": kind,
                    "note_date": day,
                    "body": body.format(title=file.head_title, commune=file.commune),
                    "author_id": author,
                    "confidential": confidential,
                    "version": 1,
                    "created_at": at,
                    "updated_at": at,
                    "deleted_at": None,
                }
            )

    def _letters(self, file: _File, ids, rows: _Rows) -> None:
        """The registered letter that opened the file, then letters sent and received.
        About one registered letter in ten never comes back acknowledged: after 15 days
        it is on the assistant's dashboard."""
        today = self.today
        for position in range(1 + self.randint(0, 1 + file.phase_rank // 2)):
            if position == 0:
                (subject, channel), direction, day = SENT_LETTERS[0], "sent", file.created_day
            else:
                direction = "sent" if self.chance(0.65) else "received"
                subject, channel = self.choice(
                    SENT_LETTERS if direction == "sent" else RECEIVED_LETTERS
                )
                day = self.day_between(file.created_day, today)
            acknowledged = outcome = None
            tracking = ""
            if channel == "lrar" and direction == "sent":
                tracking = self._tracking_number()
                returned = day + timedelta(days=self.randint(2, 12))
                if returned <= today and self.chance(0.9):
                    acknowledged, outcome = returned, "distribue"
                elif returned <= today - timedelta(days=15) and self.chance(0.3):
                    # Back at the office, unclaimed: a fact, no longer a reminder.
                    outcome = "non_reclame"
            at = self.moment(day)
            rows.letter.append(
                {
                    "id": next(ids["letter"]),
                    "household_id": file.id,
                    "letter_date": day,
                    "direction": direction,
                    "channel": channel,
                    "tracking_number": tracking,
                    "acknowledged_on": acknowledged,
                    "delivery_outcome": outcome,
                    "subject": subject,
                    "document_id": None,
                    "version": 1,
                    "created_at": at,
                    "updated_at": at,
                    "deleted_at": None,
                }
            )

    def _tasks(self, file: _File, ids, rows: _Rows, renewal: date | None) -> None:
        """The officer's reminders: overdue, this week, later, done; and the numéro unique
        renewal task the service keeps (due a month before the renewal date)."""
        today = self.today
        closed = PHASES[file.phase_rank] == "clos"
        plans = []
        if renewal is not None:
            title = f"Renouveler le numéro unique (échéance le {renewal:%d/%m/%Y})"
            plans.append(("numero_unique", title, renewal - NUMERO_UNIQUE_NOTICE, False))
        for _ in range(self.choice([0, 0, 1, 1, 1, 2])):
            roll = self.rng.random()
            if closed or roll >= 0.7:
                due, done = today - timedelta(days=self.randint(1, 400)), True
            elif roll < 0.2:
                due, done = today - timedelta(days=self.randint(1, 30)), False
            elif roll < 0.45:
                due, done = today + timedelta(days=self.randint(0, 6)), False
            else:
                due, done = today + timedelta(days=self.randint(7, 120)), False
            plans.append(("general", self.choice(TASK_TITLES), due, done))
        for kind, title, due, done in plans:
            created = min(file.created_at, _utc(due, 8)) if done else file.created_at
            rows.task.append(
                {
                    "id": next(ids["task"]),
                    "household_id": file.id,
                    "kind": kind,
                    "title": title,
                    "due_date": due,
                    "assignee_id": file.officer_id,
                    "done": done,
                    "done_at": _utc(due, 15) if done else None,
                    "version": 1,
                    "created_at": created,
                    "updated_at": _utc(due, 15) if done else created,
                    "deleted_at": None,
                }
            )

    def _tracking_number(self) -> str:
        """An LRAR's number as La Poste prints it: "1A 234 567 8901 2"."""
        digits = f"{self.randrange(10**11):011d}"
        return f"1A {digits[:3]} {digits[3:6]} {digits[6:10]} {digits[10]}"

    def _phone(self) -> str:
        if self.chance(0.25):
            prefix, digits = "04 77", 6  # a landline in the Loire: ten digits too
        else:
            prefix, digits = self.choice(["06", "07"]), 8
        number = f"{self.randrange(10**digits):0{digits}d}"
        return " ".join([prefix] + [number[i : i + 2] for i in range(0, digits, 2)])

    def _email(self, first: str, last: str) -> str:
        local = normalise(f"{first} {last}").replace(" ", self.choice([".", "", "_"]))
        suffix = str(self.randrange(100)) if self.chance(0.5) else ""
        return f"{local}{suffix}@{self.choice(EMAIL_DOMAINS)}"


def floor_fr(floor: int) -> str:
    """A floor as French writes it: "RDC", "1er", "2e"…"""
    return "RDC" if floor == 0 else "1er" if floor == 1 else f"{floor}e"


def _rare_positions(count: int) -> dict[int, str]:
    """Where the rare surnames go: spread evenly after the guaranteed heads."""
    first = len(GUARANTEED_HEADS)
    room = count - first
    if room < 2 * len(RARE_SURNAMES):
        return {}
    step = room // len(RARE_SURNAMES)
    return {first + i * step + step // 2: name for i, name in enumerate(RARE_SURNAMES)}


@functools.lru_cache(maxsize=100_000)
def _terms_of(text_: str) -> frozenset[str]:
    """The search terms a name or an address contributes. household_terms is a union over
    its arguments, so the union of these pieces is what the model's listener would keep;
    names and streets repeat, and normalising each once saves seconds."""
    return frozenset(household_terms("", text_, "", ()))


_TABLES: list[tuple[str, Table]] = [
    ("household", Household.__table__),
    ("member", Member.__table__),
    ("term", HouseholdSearchTerm.__table__),
    ("note", Note.__table__),
    ("letter", Letter.__table__),
    ("task", Task.__table__),
    ("phase_change", PhaseChange.__table__),
    ("partner", HouseholdPartner.__table__),
]
_ID_TABLES = ["household", "member", "note", "letter", "task", "phase_change", "partner"]


def _next_ids(conn) -> dict[str, Iterator[int]]:
    tables = dict(_TABLES)
    return next_ids(conn, {name: tables[name] for name in _ID_TABLES})


def _reset_sequences(conn) -> None:
    """PostgreSQL: ids were given by hand, move each serial sequence past them."""
    tables = dict(_TABLES)
    reset_sequences(conn, [*(tables[name].name for name in _ID_TABLES), "document"])


def _demo_users() -> tuple[list[int], int | None]:
    officers = list(
        db.session.scalars(
            select(User.id)
            .where(User.role == Role.OFFICER, User.active.is_(True))
            .order_by(User.id)
        )
    )
    assistant = db.session.scalar(
        select(User.id).where(User.role == Role.ASSISTANT, User.active.is_(True)).order_by(User.id)
    )
    return officers, assistant


def seed_households(
    count: int,
    echo: Callable[[str], None],
    *,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    documents: bool = True,
) -> SeedSummary:
    """Insert `count` demo households (as `load` does) and commit. Needs the operations
    (and ideally the demo accounts) of the admin and auth demo data."""
    context = DemoContext(households=count, echo=echo, seed=seed, today=today, documents=documents)
    load(context)
    if count > 0:
        db.session.commit()
    context.finish()
    return context.created["households"]


def load(context: DemoContext) -> None:
    """The feature's demo data: `context.households` household files (with members,
    journal, letters, tasks, phase history and search terms) in bulk, their scanned
    documents and one summary audit event; flushed, committed by the caller. The summary
    in `context.created["households"]`; its closing line is echoed once committed."""
    started = time.perf_counter()
    summary = SeedSummary()
    context.created["households"] = summary
    count, echo = context.households, context.echo
    if count <= 0:
        return
    operations = [
        (op.id, (op.communes or ["Saint-Étienne"])[0], op.start_date)
        for op in db.session.scalars(select(Operation).order_by(Operation.id))
    ]
    if not operations:
        raise RuntimeError("the household files need the operations: load the admin demo first")
    operations = [
        (op_id, commune if commune in COMMUNES else "Saint-Étienne", start)
        for op_id, commune, start in operations
    ]
    officers, assistant = _demo_users()
    directory = context.created.get("organisations") or organisations_demo.directory()
    today = context.today or clock.today()
    generator = HouseholdGenerator(
        seed=context.seed,
        today=today,
        operations=operations,
        officers=officers,
        assistant=assistant,
        count=count,
        partners=[directory[name] for name in PARTNERS],
    )
    conn = db.session.connection()
    if conn.dialect.name == "sqlite":
        # Index pages of a few hundred thousand rows: a 2 MB page cache thrashes.
        conn.exec_driver_sql("PRAGMA cache_size = -131072")
    ids = _next_ids(conn)
    refs = {
        year: number
        for year, number in conn.execute(
            select(Household.ref_year, func.max(Household.ref_number)).group_by(Household.ref_year)
        )
    }
    first_household = None
    echo(f"Ménages de démonstration : {_number(count)}")
    for start in range(0, count, BATCH_SIZE):
        rows = _Rows()
        for index in range(start, min(count, start + BATCH_SIZE)):
            generator.household(index, ids, refs, rows)
        if first_household is None:
            first_household = rows.household[0]["id"]
        for name, table in _TABLES:
            bulk_insert(conn, table, getattr(rows, name))
        summary.households += len(rows.household)
        summary.members += len(rows.member)
        summary.search_terms += len(rows.term)
        summary.notes += len(rows.note)
        summary.letters += len(rows.letter)
        summary.tasks += len(rows.task)
        summary.phase_changes += len(rows.phase_change)
        done = summary.households
        if done % PROGRESS_EVERY == 0 or done == count:
            elapsed = time.perf_counter() - started
            echo(f"  {_number(done):>7} / {_number(count)} ménages ({elapsed:.1f} s)")

    if context.documents:
        summary.documents, summary.documents_skipped = _seed_documents(
            first_household, min(count, DOCUMENT_HOUSEHOLDS), officers, assistant
        )
        if summary.documents_skipped:
            echo(f"  pièces jointes non créées : {summary.documents_skipped}")
    _reset_sequences(conn)
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA cache_size = -2000")

    record_event(
        "seed_demo",
        entity_type="household",
        changes={name: [None, value] for name, value in summary.counts().items()},
    )

    def committed() -> None:
        summary.seconds = time.perf_counter() - started
        echo(
            f"  {_number(summary.households)} ménages, {_number(summary.members)} membres, "
            f"{_number(summary.notes)} notes, {_number(summary.letters)} courriers, "
            f"{_number(summary.tasks)} tâches, {_number(summary.documents)} pièces jointes "
            f"en {summary.seconds:.1f} s"
        )

    context.after_commit.append(committed)


def _seed_documents(
    first_household: int | None, count: int, officers: list[int], assistant: int | None
) -> tuple[int, str]:
    """A scanned PDF on each of the first households, stored through the documents
    service (so it is sniffed, stored under a generated name and audited like an upload);
    every fourth one is a confidential medical certificate uploaded by the officer. The
    registered letter that opened the file points to its scan. Skipped, with the reason,
    when there is no account to upload them."""
    if not first_household or count <= 0:
        return 0, ""
    users = {u.id: u for u in db.session.scalars(select(User))}
    officer = users.get(officers[0]) if officers else None
    clerk = users.get(assistant) if assistant else officer
    if clerk is None:
        return 0, "aucun compte pour déposer les pièces"
    households = list(
        db.session.scalars(
            select(Household)
            .where(Household.id >= first_household)
            .order_by(Household.id)
            .limit(count)
        )
    )
    made = 0
    for position, household in enumerate(households):
        confidential = officer is not None and position % 4 == 3
        if confidential:
            title, kind, name = "Certificat médical", DocumentKind.DIAGNOSTIC, "certificat"
        else:
            title, kind, name = "Courrier d'information (AR)", DocumentKind.COURRIER, "courrier"
        upload = FileStorage(
            stream=BytesIO(tiny_pdf(f"{household.reference} {title}")),
            filename=f"{household.reference}-{name}.pdf",
            content_type="application/pdf",
        )
        document = store_upload(
            upload,
            owner=household,
            kind=kind,
            title=title,
            shared=not confidential,
            delete_after_use=False,
            uploader=officer if confidential else clerk,
        )
        if not confidential:
            first_letter = db.session.scalar(
                select(func.min(Letter.id)).where(Letter.household_id == household.id)
            )
            db.session.execute(
                update(Letter).where(Letter.id == first_letter).values(document_id=document.id)
            )
        made += 1
    return made, ""


# --- examples for the route tests -----------------------------------------------------------

_examples = itertools.count(1)


def example_household() -> Household:
    """A household file on a new operation, with its reference (through the service,
    so the search key is kept), flushed."""
    n = next(_examples)
    household = Household(
        operation_id=example_operation().id,
        name=f"EXEMPLE Famille{n}",
        address=f"{n} rue de la République",
        commune="Saint-Étienne",
        phase=Phase.A_RENCONTRER,
    )
    assign_reference(household)
    return household


def example_household_id() -> int:
    return example_household().id


def _flushed(row):
    db.session.add(row)
    db.session.flush()
    return row


#: One maker per kind of item of /households/<id>/<kind>/<item_id>: a minimal valid row
#: in that file (a note is not confidential: everyone who may see the file sees it).
ITEM_MAKERS: dict[str, Callable[[int], object]] = {
    "members": lambda household_id: _flushed(
        Member(
            household_id=household_id,
            last_name="EXEMPLE",
            first_name="Marie",
            relation=Relation.CONJOINT,
        )
    ),
    "notes": lambda household_id: _flushed(
        Note(
            household_id=household_id,
            kind=NoteKind.ENTRETIEN,
            note_date=date(2026, 11, 20),
            body="Entretien au domicile.",
            confidential=False,
        )
    ),
    "letters": lambda household_id: _flushed(
        Letter(
            household_id=household_id,
            letter_date=date(2026, 11, 2),
            direction=LetterDirection.SENT,
            channel=LetterChannel.LRAR,
            subject="Convocation à un entretien",
        )
    ),
    "tasks": lambda household_id: _flushed(
        Task(household_id=household_id, title="Rappeler le ménage", due_date=date(2026, 11, 30))
    ),
}


def example_item_id(values, route) -> int:
    """<item_id> of /households/<id>/<kind>/<item_id>: an item of that kind in that file."""
    kind = route.rule.split("/")[3]
    if kind not in ITEM_MAKERS:
        raise KeyError(f"{route}: add a maker for '{kind}' items to ITEM_MAKERS in {__name__}")
    return ITEM_MAKERS[kind](values["household_id"]).id
