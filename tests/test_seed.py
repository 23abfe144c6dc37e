"""Demo data: seed-demo's households are realistic, deterministic, searchable, and leave the
database as the application would (references, search terms, sequences, one audit event)."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import aliased

from capintra.admin.models import Operation
from capintra.audit.models import AuditEvent
from capintra.auth.models import User
from capintra.buildings.demo import BuildingGenerator, BuildingsSummary, _Resident
from capintra.buildings.demo import _Rows as _BRows
from capintra.buildings.models import (
    Building,
    EndReason,
    Occupancy,
    OccupancyKind,
    OccupantStatus,
    Unit,
    UnitCondition,
)
from capintra.buildings.queries import building_counts
from capintra.demo import DemoContext, seed_demo
from capintra.documents.demo import tiny_pdf
from capintra.documents.models import Document
from capintra.extensions import db
from capintra.features import features
from capintra.households import queries
from capintra.households.demo import HouseholdGenerator, seed_households
from capintra.households.models import (
    Household,
    HouseholdPartner,
    HouseholdSearchTerm,
    Letter,
    LetterChannel,
    Member,
    Note,
    Phase,
    PhaseChange,
    Relation,
    Task,
    TaskKind,
)
from capintra.households.search import household_terms, matching_household_ids, normalise
from capintra.households.services import format_reference
from capintra.organisations.models import Organisation, OrganisationKind
from capintra.relocation.models import Relocation, RelocationKind
from capintra.security import Role
from tests import factories
from tests.conftest import login

TODAY = date(2026, 11, 25)
REFERENCE = re.compile(r"^MEN-(\d{4})-(\d{4,})$")


def _passwords():
    counter = itertools.count(1)
    return lambda: f"Demo seed passphrase {next(counter)} for tests"


@pytest.fixture
def demo(app_ctx):
    """Every feature's demo data (the accounts, the operations, 30 households), as
    seed-demo loads it."""
    messages: list[str] = []
    context = DemoContext(
        households=30, echo=messages.append, make_password=_passwords(), today=TODAY
    )
    seed_demo(features(), context)
    return {
        "lines": context.accounts,
        "summary": context.created["households"],
        "messages": messages,
    }


def households() -> list[Household]:
    return list(db.session.scalars(select(Household).order_by(Household.id)))


def demo_user(role: Role) -> User:
    return db.session.scalar(select(User).where(User.role == role).order_by(User.id))


def members_by_household() -> dict[int, list[Member]]:
    grouped: dict[int, list[Member]] = {}
    for member in db.session.scalars(select(Member).order_by(Member.id)):
        grouped.setdefault(member.household_id, []).append(member)
    return grouped


def test_thirty_households_with_their_members_journal_letters_and_tasks(demo):
    summary = demo["summary"]
    rows = households()
    assert len(rows) == summary.households == 30
    members = members_by_household()
    assert sum(len(m) for m in members.values()) == summary.members
    for household in rows:
        people = members[household.id]
        assert 1 <= len(people) <= 6
        heads = [m for m in people if m.relation is Relation.CHEF]
        assert len(heads) == 1 and heads[0].lease_holder
        assert household.name == f"{heads[0].last_name.upper()} {heads[0].first_name}"
        assert household.sort_name == normalise(household.name)
        assert household.commune in {
            "Saint-Étienne", "Saint-Chamond", "Rive-de-Gier", "La Ricamarie", "Firminy"
        }  # fmt: skip
        assert isinstance(household.monthly_resources_cents, int)
        assert household.monthly_resources_cents > 0
    assert db.session.scalar(select(func.count()).select_from(Note)) == summary.notes > 0
    assert db.session.scalar(select(func.count()).select_from(Letter)) == summary.letters >= 30
    # the households' own tasks (the buildings' demo adds the chores after departures, the
    # relocation demo the 6-month follow-ups)
    own_tasks = select(func.count()).where(
        Task.kind.not_in((TaskKind.AFTER_DEPARTURE, TaskKind.FOLLOW_UP))
    )
    assert db.session.scalar(own_tasks) == summary.tasks > 0
    # …and the relocation demo one move to « relogé » per temporary stay it ended
    ended_stays = select(func.count()).where(
        Relocation.kind == RelocationKind.TEMPORAIRE, Relocation.ended_on.is_not(None)
    )
    assert db.session.scalar(select(func.count()).select_from(PhaseChange)) == (
        summary.phase_changes + db.session.scalar(ended_stays)
    )
    assert any("30 ménages" in message for message in demo["messages"])


def test_files_are_spread_over_operations_phases_and_the_demo_officer(demo):
    rows = households()
    officer = demo_user(Role.OFFICER)
    operations = {o.id: o for o in db.session.scalars(select(Operation))}
    assert len({h.operation_id for h in rows}) >= 3
    for household in rows:
        assert household.commune in operations[household.operation_id].communes
    owners = Counter(h.officer_id for h in rows)
    assert set(owners) <= {officer.id, None}
    assert owners[officer.id] > len(rows) * 0.7
    assert len({h.phase for h in rows}) >= 4
    for household in rows:
        assert (household.phase is Phase.CLOS) == (household.outcome is not None)
        moves = list(
            db.session.scalars(
                select(PhaseChange)
                .where(PhaseChange.household_id == household.id)
                .order_by(PhaseChange.id)
            )
        )
        assert len(moves) == household.phase.rank
        assert [m.at for m in moves] == sorted(m.at for m in moves)


def test_accented_names_are_there_and_found_without_accents(demo):
    names = " ".join(h.name for h in households())
    for accented in ("Hélène", "Jérôme", "ÇELIK", "Éloïse", "Aïcha", "NOËL"):
        assert accented in names
    for typed, expected in (("helene", "Hélène"), ("celik", "ÇELIK"), ("eloise", "Éloïse")):
        found = db.session.scalars(
            select(Household.name).where(Household.id.in_(matching_household_ids(typed)))
        ).all()
        assert any(expected in name for name in found), (typed, found)


def test_stored_search_terms_are_exactly_what_the_model_would_keep(demo):
    members = members_by_household()
    terms: dict[int, set[str]] = {}
    for term in db.session.scalars(select(HouseholdSearchTerm)):
        terms.setdefault(term.household_id, set()).add(term.term)
    for household in households():
        names = [f"{m.last_name} {m.first_name}" for m in members[household.id]]
        expected = household_terms(household.reference, household.name, household.address, names)
        assert terms[household.id] == set(expected), household.reference


def test_the_officer_finds_helene_through_the_list(demo, client):
    officer = demo_user(Role.OFFICER)
    line = next(line for line in demo["lines"] if line.startswith("officer "))
    browser = login(client, officer, line.split(" ", 2)[2])
    page = browser.get("/households/?q=helene").get_data(as_text=True)
    assert "MARTIN Hélène" in page


def test_references_are_unique_and_well_formed(demo):
    seed_households(30, lambda _message: None, today=TODAY)
    rows = households()
    assert len(rows) == 60
    references = [h.reference for h in rows]
    assert len(set(references)) == len(references)
    for household in rows:
        match = REFERENCE.match(household.reference)
        assert match, household.reference
        assert int(match.group(1)) == household.ref_year == household.created_at.year
        assert household.reference == format_reference(household.ref_year, household.ref_number)


def test_the_same_seed_gives_the_same_households(demo):
    # the relocation demo moves some temporarily relocated files on to « relogé »
    moved_on = set(
        db.session.scalars(
            select(Relocation.household_id).where(Relocation.kind == RelocationKind.TEMPORAIRE)
        )
    )

    def phase(h):
        return Phase.RELOGEMENT_TEMPORAIRE if h.id in moved_on else h.phase

    before = households()
    # …and their address follows the final relocation: compared for the others only
    kept = [n for n, h in enumerate(before) if h.id not in moved_on]
    first = [(h.name, phase(h), h.monthly_resources_cents) for h in before]
    first_addresses = [before[n].address for n in kept]
    seed_households(30, lambda _message: None, today=TODAY)
    after = households()[len(before) :]
    assert [(h.name, h.phase, h.monthly_resources_cents) for h in after] == first
    assert [after[n].address for n in kept] == first_addresses
    other = HouseholdGenerator(
        seed=7, today=TODAY, operations=[(1, "Firminy", None)], officers=[], assistant=None,
        count=100,
    )  # fmt: skip
    assert _names(other) != _names(
        HouseholdGenerator(
            seed=8,
            today=TODAY,
            operations=[(1, "Firminy", None)],
            officers=[],
            assistant=None,
            count=100,
        )  # fmt: skip
    )


def _names(generator: HouseholdGenerator) -> list[str]:
    from capintra.households.demo import _ID_TABLES, _Rows

    ids = {name: itertools.count(1) for name in _ID_TABLES}
    rows = _Rows()
    for index in range(20, 40):  # past the guaranteed heads
        generator.household(index, ids, {}, rows)
    return [row["name"] for row in rows.household]


def test_dashboards_have_something_to_show(demo):
    officer = demo_user(Role.OFFICER)
    assistant = demo_user(Role.ASSISTANT)
    overdue = [t for t in queries.tasks_due(officer, TODAY) if t.due_date < TODAY]
    this_week = [t for t in queries.tasks_due(officer, TODAY) if t.due_date >= TODAY]
    assert overdue and this_week
    waiting = queries.letters_awaiting_acknowledgement(TODAY)
    assert waiting
    assert all(letter.channel is LetterChannel.LRAR for letter in waiting)
    assert all(letter.letter_date <= TODAY - timedelta(days=15) for letter in waiting)
    notes = list(db.session.scalars(select(Note)))
    assert {n.author_id for n in notes if n.confidential} == {officer.id}
    assert any(n.author_id == assistant.id and not n.confidential for n in notes)


def test_one_audit_event_per_run(demo):
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "seed_demo")))
    assert {event.entity_type for event in events} == {"household", "building"}
    assert len(events) == 2
    household_event = next(e for e in events if e.entity_type == "household")
    assert household_event.changes["households"] == [None, 30]
    # Bulk inserts: no per-row creation events for the households.
    assert not db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "create", AuditEvent.entity_type == "household")
    )


def test_the_planner_knows_the_tables_after_the_seed(demo):
    """ANALYZE after the bulk load (capintra.demo.refresh_statistics): SQLite keeps no
    statistics until asked, and chose worse plans without them."""
    if db.engine.dialect.name == "sqlite":
        analysed = db.session.scalar(
            text("SELECT count(*) FROM sqlite_stat1 WHERE tbl IN ('household', 'member')")
        )
    else:
        analysed = db.session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_user_tables WHERE relname IN "
                "('household', 'member') AND last_analyze IS NOT NULL"
            )
        )
    assert analysed >= 2


def test_the_application_keeps_creating_files_after_the_seed(demo):
    """Ids and reference numbers given by the seed do not collide with the next ones
    (on PostgreSQL the sequences were moved past the seeded ids)."""
    operation = db.session.scalar(select(Operation).order_by(Operation.id))
    household = factories.household(operation.id, name="ÉLOI Hélène")
    assert household.id > max(h.id for h in households()[:-1])
    factories.member(household, last_name="Éloi", first_name="Jérôme")
    note = factories.note(household)
    assert note.id > 0


def test_the_first_households_carry_a_scanned_pdf(demo):
    documents = list(db.session.scalars(select(Document).order_by(Document.id)))
    if demo["summary"].documents_skipped:
        pytest.skip(demo["summary"].documents_skipped)
    from capintra.documents.services import document_path

    assert len(documents) == demo["summary"].documents == 20
    officer = demo_user(Role.OFFICER)
    for document in documents:
        content = document_path(document).read_bytes()
        assert content.startswith(b"%PDF-") and document.content_type == "application/pdf"
        if document.confidential:
            assert document.uploaded_by_id == officer.id
    assert any(d.confidential for d in documents) and not all(d.confidential for d in documents)
    linked = db.session.scalar(select(func.count()).where(Letter.document_id.is_not(None)))
    assert linked == sum(1 for d in documents if not d.confidential)


def test_the_tiny_pdf_is_a_pdf():
    from capintra.documents.services import sniff

    data = tiny_pdf("MEN-2026-0001 Courrier")
    assert sniff(data) == ("application/pdf", "pdf")
    assert data.rstrip().endswith(b"%%EOF")
    offset = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    assert data[offset:].startswith(b"xref")


def test_safety_alerts_follow_the_files_story(demo):
    """Domestic violence in the (confidential) vulnerability note: the alert says not to
    give the address nor write home; an interpreter only where a language is noted."""
    rows = households()
    violence = [h for h in rows if h.vulnerability_details.startswith("Violences")]
    assert violence
    for household in rows:
        codes = set(household.alert_codes)
        assert ({"no_address", "no_mail_home"} <= codes) == (household in violence)
        if "interpreter" in codes:
            assert household.preferred_language not in ("", "français")
        assert "Violences" not in household.alert_text  # the reason stays confidential


def test_phones_have_ten_digits_and_floors_read_in_french(demo):
    for household in households():
        assert len(re.sub(r"\D", "", household.phone)) == 10, household.phone
        assert re.fullmatch(r"0[1-9]( \d\d){4}", household.phone), household.phone
        assert not re.search(r"\b1e étage", household.address), household.address
    generator = HouseholdGenerator(
        seed=3, today=TODAY, operations=[(1, "Firminy", None)], officers=[], assistant=None,
        count=100,
    )  # fmt: skip
    from capintra.households.demo import _ID_TABLES, _Rows

    ids = {name: itertools.count(1) for name in _ID_TABLES}
    rows = _Rows()
    for index in range(100):
        generator.household(index, ids, {}, rows)
    floors = {
        m.group(1) for r in rows.household if (m := re.search(r", (\S+) étage", r["address"]))
    }
    assert floors == {"1er", "2e", "3e", "4e", "5e"}
    lrar = [r for r in rows.letter if r["channel"] == "lrar" and r["direction"] == "sent"]
    assert all(re.fullmatch(r"1A \d{3} \d{3} \d{4} \d", r["tracking_number"]) for r in lrar)
    assert {r["delivery_outcome"] for r in lrar} >= {None, "distribue", "non_reclame"}


# --- buildings and occupancy (capintra/buildings/demo.py) ------------------------------------


def test_buildings_units_and_periods_come_from_the_households(demo):
    buildings = list(db.session.scalars(select(Building)))
    assert 2 <= len(buildings) <= 30
    households_by_id = {h.id: h for h in households()}
    communes = {(h.operation_id, h.commune) for h in households_by_id.values()}
    for building in buildings:
        assert building.address_key and building.levels is not None
        assert (building.operation_id, building.commune) in communes
    units = list(db.session.scalars(select(Unit)))
    assert all(0 <= u.floor <= next(b.levels for b in buildings if b.id == u.building_id)
               for u in units)  # fmt: skip
    periods = list(db.session.scalars(select(Occupancy)))
    # Every demo household has one period, its home; the open ones are those before
    # relocation. A file the relocation demo relocated temporarily left its home as
    # « relogement temporaire » and, when its temporary unit is one of ours, has a second
    # period there (occupation temporaire), open until its final relocation.
    stays = {
        r.household_id: r
        for r in db.session.scalars(
            select(Relocation).where(Relocation.kind == RelocationKind.TEMPORAIRE)
        )
    }
    assert stays
    by_household = Counter(p.household_id for p in periods if p.household_id is not None)
    assert set(by_household) == set(households_by_id)
    for household_id, count in by_household.items():
        stay = stays.get(household_id)
        assert count == (2 if stay is not None and stay.unit_id is not None else 1)
    still_there = {
        Phase.A_RENCONTRER, Phase.DIAGNOSTIC, Phase.RECHERCHE, Phase.RELOGEMENT_TEMPORAIRE
    }  # fmt: skip
    for period in periods:
        if period.household_id is None:
            assert period.occupant_label.startswith("SARL ")
            continue
        household = households_by_id[period.household_id]
        stay = stays.get(household.id)
        if stay is not None and period.unit_id == stay.unit_id:  # the stay in our unit
            assert period.status is OccupantStatus.TEMPORAIRE
            assert period.start_date == stay.keys_on
            assert (period.end_date is None) is (stay.ended_on is None)
        elif stay is not None:
            assert period.end_reason is EndReason.RELOGEMENT_TEMPORAIRE
            assert period.end_date == stay.keys_on
        else:
            assert (period.end_date is None) is (household.phase in still_there)
        if period.end_date is not None:
            assert period.end_reason is not None and period.end_date <= TODAY
        # Rent, charges and APL are the period's: a tenant pays a rent, an owner none.
        if period.status is OccupantStatus.LOCATAIRE:
            assert isinstance(period.rent_cents, int) and period.rent_cents > 0
            assert 0 <= (period.apl_cents or 0) <= period.rent_cents
        if period.status is OccupantStatus.PROPRIETAIRE:
            assert period.rent_cents is None
    # A household in every open principal period exists.
    orphans = db.session.scalar(
        select(func.count())
        .select_from(Occupancy)
        .outerjoin(Household, Household.id == Occupancy.household_id)
        .where(
            Occupancy.end_date.is_(None),
            Occupancy.kind == OccupancyKind.PRINCIPAL,
            Occupancy.household_id.is_not(None),
            Household.id.is_(None),
        )
    )
    assert orphans == 0


def test_principal_periods_never_overlap_on_a_unit(demo):
    a, b = aliased(Occupancy), aliased(Occupancy)
    far = date(9999, 12, 31)
    clashes = db.session.scalar(
        select(func.count())
        .select_from(a)
        .join(b, (a.unit_id == b.unit_id) & (a.id < b.id))
        .where(
            a.kind == OccupancyKind.PRINCIPAL,
            b.kind == OccupancyKind.PRINCIPAL,
            a.start_date < func.coalesce(b.end_date, far),
            b.start_date < func.coalesce(a.end_date, far),
        )
    )
    assert clashes == 0


def test_late_buildings_and_walled_up_units_are_there(demo):
    counts = {c.building_id: c for c in building_counts(TODAY)}
    buildings = list(db.session.scalars(select(Building)))
    late = [
        b for b in buildings
        if b.target_vacancy_date and b.target_vacancy_date < TODAY and counts[b.id].occupied
    ]  # fmt: skip
    assert late
    assert sum(c.walled_up for c in counts.values()) >= 1
    # A walled-up unit is never occupied.
    assert not db.session.scalar(
        select(func.count())
        .select_from(Unit)
        .join(Occupancy, Occupancy.unit_id == Unit.id)
        .where(Unit.condition == UnitCondition.MURE, Occupancy.end_date.is_(None))
    )


def test_the_same_seed_gives_the_same_buildings(app_ctx):
    def run() -> list[tuple]:
        generator = BuildingGenerator(seed=5, today=TODAY, officers=[1])
        residents = [
            _Resident(i, f"{i % 4} rue Gambetta", i % 3, "recherche", None,
                      date(2025, 1, 1), None, 3, 120000)
            for i in range(1, 40)
        ]  # fmt: skip
        ids = {name: itertools.count(1) for name in ("building", "unit", "occupancy",
                                                     "arrete", "incident")}  # fmt: skip
        rows = _BRows()
        for address, people in generator.group(residents):
            generator.building(1, "Firminy", address, people, ids, rows, BuildingsSummary())
        return [tuple(r.values()) for r in rows.building + rows.unit + rows.occupancy]

    assert run() == run()


def test_partners_and_syndics_come_from_the_directory(demo):
    """The households' partners and the co-owned buildings' syndics are organisations of
    the demo directory (CCAS, CAF, Département, associations, syndics)."""
    directory = {o.id: o for o in db.session.scalars(select(Organisation))}
    assert {"CCAS", "CAF de la Loire", "Département de la Loire (MDS)",
            "Secours populaire"} <= {o.name for o in directory.values()}  # fmt: skip
    links = list(db.session.scalars(select(HouseholdPartner)))
    assert len({link.household_id for link in links}) >= 10
    assert all(link.organisation_id in directory for link in links)
    assert all(household.partners_note == "" for household in households())
    co_owned = list(db.session.scalars(select(Building).where(Building.co_ownership.is_(True))))
    assert co_owned and all(
        directory[b.owner_or_syndic_id].kind is OrganisationKind.SYNDIC for b in co_owned
    )
