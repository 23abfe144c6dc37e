"""Demo data of the buildings (`seed-demo`): buildings, units, occupancy periods, arrêtés
and incidents, made from the demo households loaded before (capintra.households runs
first in FEATURES).

About one building per eight households in each operation. Households are grouped by
their address (the number and street of "12 rue Tarentaize, 2e étage"): the addresses
shared by the most households become buildings, and a household whose address is not one
of them lives in a building of its street when there is one. Each building has units on
floors 0 (RDC) to `levels`; a household still before its relocation (à rencontrer …
relogement temporaire) has an open principal period in one of them; a relocated or
closed file has an ended one, with its end reason. Other units are vacant (some walled up,
some insalubre) or shops (« SARL … »). Some buildings carry arrêtés and incidents; their
target vacancy dates lie ahead or, for some still occupied, behind (« en retard »).

Bulk Core inserts (no flush listeners): one summary `seed_demo` audit event per run. The
same seed gives the same buildings: the loader draws from its own random.Random.
"""

from __future__ import annotations

import bisect
import random
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Table, func, select, update

from capintra import clock
from capintra.audit.service import record_event
from capintra.auth.models import User
from capintra.buildings.models import (
    Arrete,
    Building,
    BuildingIncident,
    Occupancy,
    Unit,
    address_key,
)
from capintra.buildings.services import AFTER_DEPARTURE_DELAY, AFTER_DEPARTURE_TASKS
from capintra.demo import DemoContext, bulk_insert, cumulative, next_ids, reset_sequences, utc
from capintra.demo import number as _number
from capintra.extensions import db
from capintra.households.models import Household, PhaseChange, Task, TaskKind
from capintra.organisations import demo as organisations_demo
from capintra.security import Role

#: Households per building, roughly.
HOUSEHOLDS_PER_BUILDING = 8
PROGRESS_EVERY = 1_000

#: Phases whose household still lives in the unit (an open principal period).
STILL_THERE = {"a_rencontrer", "diagnostic", "recherche", "relogement_temporaire"}
#: Why the period of a closed file ended, by the file's outcome.
END_REASON_OF_OUTCOME = {
    "reloge_definitivement": "reloge",
    "parti": "depart_volontaire",
    "non_eligible": "autre",
    "deces": "deces",
    "procedure": "expulsion",
}
STATUS_WEIGHTS = [
    ("locataire", 66), ("proprietaire", 10), ("bonne_foi", 8), ("sous_locataire", 4),
    ("sans_titre", 6), ("temporaire", 6),
]  # fmt: skip
SHOPS = [
    "SARL Boulangerie du Centre", "SARL Tabac-Presse de la Place", "SARL Pharmacie Jacquard",
    "SARL Coiffure Élégance", "SARL Épicerie Anatolia", "SARL Kebab du Marché",
    "SARL Laverie Express", "SARL Cordonnerie Michel", "SARL Pizzeria Da Marco",
    "SARL Optique du Peuple", "SARL Fleurs et Jardins", "SARL Taxiphone Sahel",
]  # fmt: skip
UNIT_SURFACES = [("t1", 2500, 3500), ("t2", 3800, 5200), ("t3", 5500, 7000),
                 ("t4", 7000, 8800), ("t5", 8500, 10500)]  # fmt: skip
UNIT_TYPE_WEIGHTS = [12, 30, 32, 18, 8]
ACQUISITION_MODES = ["amiable"] * 6 + ["preemption", "preemption", "expropriation", "adjudication"]
INCIDENTS = [
    ("sinistre", "Dégât des eaux depuis la toiture ; plafond du dernier étage fragilisé."),
    ("sinistre", "Départ de feu dans la cage d’escalier, maîtrisé par les pompiers."),
    ("squat", "Porte d’un logement vacant forcée ; occupants sans titre constatés."),
    ("squat", "Intrusion signalée par les voisins ; serrure changée le lendemain."),
    ("travaux_urgence", "Étaiement du plancher du premier étage par l’entreprise mandatée."),
    ("travaux_urgence", "Purge de la façade sur rue : chute de morceaux d’enduit."),
    ("visite", "Visite de l’immeuble avec le syndic et l’architecte."),
    ("visite", "Visite de contrôle du service communal d’hygiène et de santé."),
    ("autre", "Compteurs d’eau des logements vacants déposés par le distributeur."),
]  # fmt: skip
REHOUSING_BY = ["Propriétaire", "Commune", "Aménageur (traité de concession)", ""]
ADDRESS = re.compile(r"^(?P<address>[^,]+?)(?:,\s*(?P<floor>RDC|\d+)(?:er|e)?\s+étage)?\s*$")


@dataclass
class BuildingsSummary:
    buildings: int = 0
    units: int = 0
    periods: int = 0
    open_periods: int = 0
    walled_up: int = 0
    late: int = 0
    arretes: int = 0
    incidents: int = 0
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        return {
            "buildings": self.buildings,
            "units": self.units,
            "occupancies": self.periods,
            "arretes": self.arretes,
            "incidents": self.incidents,
        }


@dataclass
class _Resident:
    id: int
    address: str
    floor: int | None
    phase: str
    outcome: str | None
    created_day: date
    moved_on: date | None  # relocation (phase relogé) or closing day
    years_in_home: int | None
    #: Monthly resources in cents: who gets APL (a low income).
    resources: int | None


@dataclass
class _Rows:
    building: list[dict] = field(default_factory=list)
    unit: list[dict] = field(default_factory=list)
    occupancy: list[dict] = field(default_factory=list)
    arrete: list[dict] = field(default_factory=list)
    incident: list[dict] = field(default_factory=list)


_TABLES: list[tuple[str, Table]] = [
    ("building", Building.__table__),
    ("unit", Unit.__table__),
    ("occupancy", Occupancy.__table__),
    ("arrete", Arrete.__table__),
    ("incident", BuildingIncident.__table__),
]


def _street(address: str) -> str:
    """« 12 bis rue Tarentaize » → « rue tarentaize »."""
    return re.sub(r"^\d+(\s+(bis|ter))?\s+", "", address).lower()


class BuildingGenerator:
    """Makes the rows of the demo buildings from a fixed seed and the households."""

    def __init__(self, *, seed: int, today: date, officers: list[int]):
        self.rng = random.Random(f"buildings-{seed}")
        self.today = today
        self.officers = officers
        self.statuses = [s for s, _w in STATUS_WEIGHTS]
        self.statuses_cum = cumulative(w for _s, w in STATUS_WEIGHTS)
        self.types_cum = cumulative(UNIT_TYPE_WEIGHTS)

    # -- drawing (as the households' generator: cheap draws of random()) -----------------

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def randint(self, low: int, high: int) -> int:
        return low + int(self.rng.random() * (high - low + 1))

    def choice(self, items):
        return items[int(self.rng.random() * len(items))]

    def weighted(self, items: list, cumulative_weights: list[float]):
        point = self.rng.random() * cumulative_weights[-1]
        return items[bisect.bisect_right(cumulative_weights, point)]

    def day_between(self, start: date, end: date) -> date:
        if end <= start:
            return start
        return start + timedelta(days=int(self.rng.random() * ((end - start).days + 1)))

    # -- grouping ---------------------------------------------------------------------------

    def group(self, residents: list[_Resident]) -> list[tuple[str, list[_Resident]]]:
        """The buildings of one operation: (address, its households)."""
        by_address: dict[str, list[_Resident]] = defaultdict(list)
        for resident in residents:
            by_address[resident.address].append(resident)
        target = max(1, round(len(residents) / HOUSEHOLDS_PER_BUILDING))
        ranked = sorted(by_address.items(), key=lambda item: (-len(item[1]), item[0]))
        chosen = [(address, list(people)) for address, people in ranked[:target]]
        by_street: dict[str, list[int]] = defaultdict(list)
        for position, (address, _people) in enumerate(chosen):
            by_street[_street(address)].append(position)
        for _address, people in ranked[target:]:
            same_street = by_street.get(_street(people[0].address))
            if same_street:
                position = self.choice(same_street)
            else:
                position = int(self.rng.random() * len(chosen))
            chosen[position][1].extend(people)
        return chosen

    # -- one building -----------------------------------------------------------------------

    def building(
        self,
        operation_id: int,
        commune: str,
        address: str,
        residents: list[_Resident],
        ids,
        rows: _Rows,
        summary: BuildingsSummary,
    ) -> None:
        today = self.today
        building_id = next(ids["building"])
        still_there = [r for r in residents if r.phase in STILL_THERE]
        occupied = bool(still_there)
        shop = self.chance(0.35)
        vacant_extra = self.randint(1, 3)
        needed = len(residents) + shop + vacant_extra
        levels = max(self.randint(2, 5), -(-needed // 4) - 1)
        per_floor = -(-needed // (levels + 1))
        if occupied:
            state = self.choice(["a_acquerir", "en_acquisition", "en_liberation", "en_liberation"])
        else:
            state = self.choice(["libere", "libere", "demoli", "rehabilite"])
        future = self.choice(["demolition", "rehabilitation", None])
        if state == "demoli":
            future = "demolition"
        elif state == "rehabilite":
            future = "rehabilitation"
        if occupied:
            late = self.chance(0.25)
            target_day = (
                today - timedelta(days=self.randint(15, 400))
                if late
                else today + timedelta(days=self.randint(30, 900))
            )
        else:
            late = False
            target_day = today - timedelta(days=self.randint(30, 900))
        owned_share = {"a_acquerir": 0.0, "en_acquisition": 0.3, "en_liberation": 0.7}.get(
            state, 1.0
        )
        created_at = utc(min(r.created_day for r in residents) - timedelta(days=30), 9)
        rows.building.append(
            {
                "id": building_id,
                "operation_id": operation_id,
                "address": address,
                "commune": commune,
                "address_key": address_key(address, commune),
                "cadastral_parcel": (
                    f"{self.choice('ABCDEHKM')}{self.choice('ABCDEHKM')} {self.randint(1, 999)}"
                ),
                "owner_or_syndic_id": None,
                "co_ownership": self.chance(0.4),
                "intended_future": future,
                "state": state,
                "levels": levels,
                "target_vacancy_date": target_day,
                "version": 1,
                "created_at": created_at,
                "updated_at": created_at,
                "deleted_at": None,
            }
        )
        summary.buildings += 1
        summary.late += late

        # The units, floor by floor (lot numbers in order from the ground floor up).
        slots = [(floor, k) for floor in range(levels + 1) for k in range(per_floor)]
        units: list[dict] = []
        for lot, (floor, _k) in enumerate(slots, start=1):
            kind, low, high = UNIT_SURFACES[
                bisect.bisect_right(self.types_cum, self.rng.random() * self.types_cum[-1])
            ]
            owned = self.chance(owned_share)
            units.append(
                {
                    "id": next(ids["unit"]),
                    "building_id": building_id,
                    "lot_number": f"{lot:02d}",
                    "floor": floor,
                    "unit_type": kind,
                    "surface_dm2": self.randint(low, high),
                    "condition": "normal",
                    "remark": "",
                    "acquired_on": (
                        self.day_between(today - timedelta(days=2000), today - timedelta(days=10))
                        if owned
                        else None
                    ),
                    "acquisition_mode": self.choice(ACQUISITION_MODES) if owned else None,
                    "version": 1,
                    "created_at": created_at,
                    "updated_at": created_at,
                    "deleted_at": None,
                }
            )
        free = list(units)
        if shop:
            ground = units[0]
            ground["unit_type"] = "commerce"
            free.remove(ground)
            start = today - timedelta(days=self.randint(400, 6000))
            ended = not occupied or self.chance(0.3)
            end = self.day_between(start + timedelta(days=30), today) if ended else None
            rent, charges = self.randint(400, 1500) * 100, self.randint(30, 120) * 100
            reason = "depart_volontaire" if ended else None
            self._period(ids, rows, summary, ground, None, self.choice(SHOPS), "locataire",
                         start, end, reason, rent, charges, None)  # fmt: skip
        # Households on their floor when the address says it and it exists.
        for resident in sorted(residents, key=lambda r: (r.floor is None, r.id)):
            unit = next((u for u in free if u["floor"] == resident.floor), None)
            unit = unit or free[-1]
            free.remove(unit)
            self._resident(ids, rows, summary, unit, resident)
        # Units left empty, and those emptied by a departure: some walled up, a few unsafe.
        for unit in units:
            if unit.get("_open"):
                if self.chance(0.05):
                    unit["condition"] = "insalubre"
                continue
            roll = self.rng.random()
            if roll < 0.4:
                unit["condition"] = "mure"
                summary.walled_up += 1
            elif roll < 0.5:
                unit["condition"] = self.choice(["insalubre", "sinistre"])
        for unit in units:
            unit.pop("_open", None)
        rows.unit.extend(units)
        summary.units += len(units)

        self._arretes(ids, rows, summary, building_id, units)
        self._incidents(ids, rows, summary, building_id, created_at.date())

    def _resident(self, ids, rows, summary, unit: dict, resident: _Resident) -> None:
        today = self.today
        years = resident.years_in_home if resident.years_in_home is not None else 5
        start = resident.created_day - timedelta(days=365 * years + self.randint(0, 300))
        status = self.weighted(self.statuses, self.statuses_cum)
        pays = status not in ("proprietaire", "sans_titre")
        rent, charges, apl = self._costs(resident)
        if not pays:
            rent = charges = apl = None
        elif status != "locataire":
            apl = None
        if resident.phase in STILL_THERE:
            end = reason = None
        else:
            end = resident.moved_on or self.day_between(resident.created_day, today)
            end = min(max(end, start + timedelta(days=1)), today)
            if resident.phase == "clos":
                reason = END_REASON_OF_OUTCOME.get(resident.outcome or "", "autre")
            else:
                reason = "reloge"
        self._period(ids, rows, summary, unit, resident.id, "", status, start, end, reason,
                     rent, charges, apl)  # fmt: skip

    def _costs(self, resident: _Resident) -> tuple[int, int, int]:
        """Monthly rent, charges and APL in cents (APL for a low income)."""
        rent = self.randint(260, 620) * 100
        charges = self.randint(25, 95) * 100
        apl = 0
        if resident.resources is not None and resident.resources < 170_000:
            apl = min(rent, self.randint(80, 380) * 100 + self.randint(0, 99))
        return rent, charges, apl

    def _period(self, ids, rows, summary, unit, household_id, label, status, start, end,
                reason, rent, charges, apl) -> None:  # fmt: skip
        if end is not None and end <= start:
            end = start + timedelta(days=1)
        at = utc(max(start, self.today - timedelta(days=3000)), 10)
        rows.occupancy.append(
            {
                "id": next(ids["occupancy"]),
                "unit_id": unit["id"],
                "household_id": household_id,
                "occupant_label": label,
                "kind": "principal",
                "host_id": None,
                "status": status,
                "start_date": start,
                "end_date": end,
                "end_reason": reason,
                "rent_cents": rent,
                "charges_cents": charges,
                "apl_cents": apl,
                "version": 1,
                "created_at": at,
                "updated_at": at,
                "deleted_at": None,
            }
        )
        summary.periods += 1
        if end is None:
            unit["_open"] = True
            summary.open_periods += 1

    def _arretes(self, ids, rows, summary, building_id: int, units: list[dict]) -> None:
        today = self.today

        def arrete(kind: str, building: int | None, unit: int | None) -> None:
            day = today - timedelta(days=self.randint(20, 1500))
            lifted = self.day_between(day, today) if self.chance(0.2) else None
            at = utc(day, 11)
            rows.arrete.append(
                {
                    "id": next(ids["arrete"]),
                    "building_id": building,
                    "unit_id": unit,
                    "kind": kind,
                    "arrete_date": day,
                    "ban": self.choice(["aucune", "temporaire", "temporaire", "definitive"]),
                    "rehousing_by": self.choice(REHOUSING_BY),
                    "lifted_on": lifted,
                    "version": 1,
                    "created_at": at,
                    "updated_at": at,
                    "deleted_at": None,
                }
            )
            summary.arretes += 1

        if self.chance(0.15):
            arrete(self.choice(["mise_en_securite", "mise_en_securite_urgente"]), building_id, None)
        for unit in units:
            if unit["condition"] == "insalubre" and self.chance(0.5):
                arrete("insalubrite", None, unit["id"])

    def _incidents(self, ids, rows, summary, building_id: int, since: date) -> None:
        if not self.chance(0.3):
            return
        for _ in range(self.randint(1, 3)):
            kind, description = self.choice(INCIDENTS)
            day = self.day_between(max(since, self.today - timedelta(days=1500)), self.today)
            at = utc(day, 14)
            rows.incident.append(
                {
                    "id": next(ids["incident"]),
                    "building_id": building_id,
                    "incident_date": day,
                    "kind": kind,
                    "description": description,
                    "recorded_by_id": self.choice(self.officers) if self.officers else None,
                    "version": 1,
                    "created_at": at,
                    "updated_at": at,
                    "deleted_at": None,
                }
            )
            summary.incidents += 1


def _residents(today: date) -> dict[tuple[int, str], list[_Resident]]:
    """The live households without any occupancy yet, by (operation, commune), with the
    day they moved to relogé (their first such phase change), in two statements."""
    moved = dict(
        db.session.execute(
            select(PhaseChange.household_id, func.min(PhaseChange.at))
            .where(PhaseChange.to_phase == "reloge")
            .group_by(PhaseChange.household_id)
        ).all()
    )
    query = (
        select(
            Household.id,
            Household.operation_id,
            Household.commune,
            Household.address,
            Household.phase,
            Household.outcome,
            Household.created_at,
            Household.closed_at,
            Household.years_in_home,
            Household.monthly_resources_cents,
        )
        .where(Household.deleted_at.is_(None))
        .order_by(Household.id)
    )
    housed = set(
        db.session.scalars(
            select(Occupancy.household_id).where(Occupancy.household_id.is_not(None)).distinct()
        )
    )
    grouped: dict[tuple[int, str], list[_Resident]] = defaultdict(list)
    for row in db.session.execute(query):
        if row.id in housed:
            continue
        match = ADDRESS.match(row.address or "")
        address = (match["address"] if match else row.address or "").strip() or "1 rue Neuve"
        floor = None
        if match and match["floor"]:
            floor = 0 if match["floor"] == "RDC" else int(match["floor"])
        moved_at = moved.get(row.id)
        grouped[(row.operation_id, row.commune or "")].append(
            _Resident(
                id=row.id,
                address=address,
                floor=floor,
                phase=getattr(row.phase, "value", row.phase),
                outcome=getattr(row.outcome, "value", row.outcome),
                created_day=row.created_at.date(),
                moved_on=moved_at.date() if moved_at else row.closed_at,
                years_in_home=row.years_in_home,
                resources=row.monthly_resources_cents,
            )
        )
    return grouped


#: The demo directory's syndic of the co-owned buildings, by commune (another: the first).
SYNDICS = {"Rive-de-Gier": "Gérance du Gier"}
DEFAULT_SYNDIC = "Cabinet Forez Syndic"


def _syndics(context: DemoContext) -> None:
    """The co-owned buildings' syndic, from the organisations directory."""
    directory = context.created.get("organisations") or organisations_demo.directory()
    for commune in [*sorted(SYNDICS), None]:  # the named communes first, then the rest
        where = [Building.co_ownership.is_(True), Building.owner_or_syndic_id.is_(None)]
        if commune is not None:
            where.append(Building.commune == commune)
        syndic = directory[SYNDICS.get(commune, DEFAULT_SYNDIC)]
        db.session.execute(update(Building).where(*where).values(owner_or_syndic_id=syndic))


def load(context: DemoContext) -> None:
    """The feature's demo data, from the households loaded before: buildings, units,
    occupancy periods, arrêtés and incidents in bulk, one summary audit event; flushed,
    committed by the caller. The summary in `context.created["buildings"]`."""
    started = time.perf_counter()
    summary = BuildingsSummary()
    context.created["buildings"] = summary
    if context.households <= 0:
        return
    today = context.today or clock.today()
    echo = context.echo
    echo("Immeubles de démonstration")
    groups = _residents(today)
    waiting = sum(map(len, groups.values()))
    elapsed = time.perf_counter() - started
    echo(f"  {_number(waiting)} ménages à loger ({elapsed:.1f} s)")
    if not groups:
        return
    officers = list(
        db.session.scalars(
            select(User.id)
            .where(User.role == Role.OFFICER, User.active.is_(True))
            .order_by(User.id)
        )
    )
    generator = BuildingGenerator(seed=context.seed, today=today, officers=officers)
    conn = db.session.connection()
    ids = next_ids(conn, dict(_TABLES))
    rows = _Rows()
    flushed_at = 0
    for (operation_id, commune), residents in sorted(groups.items()):
        for address, people in generator.group(residents):
            generator.building(operation_id, commune, address, people, ids, rows, summary)
            if summary.buildings - flushed_at >= PROGRESS_EVERY:
                _insert(conn, rows)
                rows, flushed_at = _Rows(), summary.buildings
                elapsed = time.perf_counter() - started
                echo(f"  {_number(summary.buildings):>7} immeubles ({elapsed:.1f} s)")
    _make_sure_of_the_stories(rows, summary, today)
    _insert(conn, rows)
    _syndics(context)
    reset_sequences(conn, [table.name for _name, table in _TABLES])
    _after_departure_chores(conn, today)
    record_event(
        "seed_demo",
        entity_type="building",
        changes={name: [None, value] for name, value in summary.counts().items()},
    )

    def committed() -> None:
        summary.seconds = time.perf_counter() - started
        echo(
            f"  {_number(summary.buildings)} immeubles, {_number(summary.units)} logements, "
            f"{_number(summary.periods)} occupations, {_number(summary.walled_up)} logements "
            f"murés, {_number(summary.arretes)} arrêtés, {_number(summary.incidents)} "
            f"incidents, {_number(summary.late)} immeubles en retard en {summary.seconds:.1f} s"
        )

    context.after_commit.append(committed)


def _make_sure_of_the_stories(rows: _Rows, summary: BuildingsSummary, today: date) -> None:
    """However few households: at least one late building (when one is still occupied)
    and one walled-up unit, in the last batch (which always holds a building)."""
    if not rows.building:
        return
    if summary.late == 0:
        open_units = {p["unit_id"] for p in rows.occupancy if p["end_date"] is None}
        occupied = {u["building_id"] for u in rows.unit if u["id"] in open_units}
        for building in rows.building:
            if building["id"] in occupied:
                building["target_vacancy_date"] = today - timedelta(days=45)
                summary.late = 1
                break
    if summary.walled_up == 0:
        occupied_units = {p["unit_id"] for p in rows.occupancy if p["end_date"] is None}
        for unit in rows.unit:
            if unit["id"] not in occupied_units:
                unit["condition"] = "mure"
                summary.walled_up = 1
                break


#: Departures this recent still have their chores to do in the demo.
CHORES_SINCE = timedelta(days=21)


def _after_departure_chores(conn, today: date) -> None:
    """The chores ending a period creates (services.AFTER_DEPARTURE_TASKS), for the
    departures of the last three weeks: the assistant's dashboard shows them, some overdue,
    some due this week. In bulk, like the rest of the demo."""
    recent = db.session.execute(
        select(Occupancy.household_id, Occupancy.end_date, Household.officer_id)
        .join(Household, Household.id == Occupancy.household_id)
        .where(Occupancy.end_date > today - CHORES_SINCE, Occupancy.end_date <= today)
        .order_by(Occupancy.end_date.desc(), Occupancy.id.desc())
    ).all()
    ids = next_ids(conn, {"task": Task.__table__})["task"]
    rows = []
    for household_id, end, officer_id in recent:
        at = utc(end, 17)
        for title in AFTER_DEPARTURE_TASKS:
            rows.append(
                {
                    "id": next(ids),
                    "household_id": household_id,
                    "kind": TaskKind.AFTER_DEPARTURE.value,
                    "title": str(title),
                    "due_date": end + AFTER_DEPARTURE_DELAY,
                    "assignee_id": officer_id,
                    "done": False,
                    "done_at": None,
                    "version": 1,
                    "created_at": at,
                    "updated_at": at,
                    "deleted_at": None,
                }
            )
    if rows:
        bulk_insert(conn, Task.__table__, rows)
        reset_sequences(conn, ["task"])


def _insert(conn, rows: _Rows) -> None:
    for name, table in _TABLES:
        bulk_insert(conn, table, getattr(rows, name))
