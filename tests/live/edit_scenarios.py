"""How each versioned record type is edited, for the generated concurrency test
(tests/live/test_concurrent_edits.py).

Every mapped subclass of `VersionedMixin` has either a `Scenario` here (the edit route,
who edits, the field a save changes and two values to type) or an `Exemption` with its
reason. A new versioned model without either fails the test, with a message pointing
here.

The record is made by the features' own URL makers (`route_params`, as the generated
route tests make it), unless a scenario's `make` creates it; its id is the URL variable
`record`. The form posted is the one the edit page shows, as a browser sends it
(tests/forms.py), with the scenario's field set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Scenario:
    #: The POST endpoint that saves the record (its URL made by the features' makers).
    endpoint: str
    #: Who edits: officer | assistant | manager | admin.
    role: str
    #: The URL variable naming the record (None: a record without one, found by `make`).
    record: str | None
    #: The form field a save changes, and the model's column it is stored in.
    field: str
    column: str | None = None
    #: The values the two colleagues type, two per round (each different from the
    #: others: a save that changes nothing writes nothing); what the column then holds; how the 409
    #: page writes the saved value under the field.
    values: tuple[str, ...] = ("Saisie Alpha", "Saisie Bravo", "Saisie Charlie", "Saisie Delta")
    stored: Callable[[str], Any] = str
    shown: Callable[[str], str] = str
    #: values of the URL variables → the record's id, creating it when the makers do not.
    make: Callable[[Mapping[str, Any]], int] | None = None

    @property
    def attribute(self) -> str:
        return self.column or self.field


@dataclass(frozen=True)
class Action:
    """A record whose only change is an action (a transition, a delete): two colleagues
    post it from the same page at once, one goes through, the other is refused."""

    endpoint: str
    role: str
    record: str
    #: The page showing the action's form, from the URL's values ("/orders/{order_id}").
    page: str
    #: Statuses the second post may get: 409, or 404 when the record is gone (deleted).
    refused: frozenset[int] = frozenset({409})
    #: Fields the page's form does not carry (the confirmation a browser without
    #: JavaScript gives on a page of its own).
    extra: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Exemption:
    """A versioned model with no edit form of its own: why, and which test (a file of
    tests/live/) shows its concurrent writes, if any."""

    reason: str
    covered_by: str | None = None
    #: The URL variable naming a row of it, and every POST route that has it: none of
    #: them an edit form (the test lists them from the url_map and compares).
    variable: str | None = None
    routes: tuple[str, ...] = ()


def _cents(typed: str) -> int:
    euros, _, cents = typed.partition(",")
    return int(euros) * 100 + int(cents or 0)


def _euros(typed: str) -> str:
    return f"{typed}\u00a0€"


def _wishes(values: Mapping[str, Any]) -> int:
    from capintra.extensions import db
    from capintra.relocation.models import Wishes

    wishes = Wishes(household_id=values["household_id"], communes="Firminy", note="")
    db.session.add(wishes)
    db.session.flush()
    return wishes.id


def _issuer(values: Mapping[str, Any]) -> int:
    from sqlalchemy import select

    from capintra.extensions import db
    from capintra.orders.models import OrderIssuer

    issuer = db.session.scalar(select(OrderIssuer))
    if issuer is None:
        issuer = OrderIssuer(name="Société d’aménagement")
        db.session.add(issuer)
        db.session.flush()
    return issuer.id


#: table name → how two colleagues edit a row of it.
SCENARIOS: dict[str, Scenario] = {
    # the foundation: accounts and operations (admins)
    "user_account": Scenario("admin.user_edit", "admin", "user_id", "full_name"),
    "operation": Scenario("admin.operation_edit", "admin", "op_id", "name"),
    "organisation": Scenario("organisations.edit", "admin", "org_id", "name"),
    # household files
    "household": Scenario("households.edit", "officer", "household_id", "name"),
    "member": Scenario("households.members_edit", "officer", "item_id", "first_name"),
    "note": Scenario("households.notes_edit", "officer", "item_id", "body"),
    "letter": Scenario("households.letters_edit", "assistant", "item_id", "subject"),
    "task": Scenario("households.tasks_edit", "assistant", "item_id", "title"),
    # buildings
    "building": Scenario("buildings.building_edit", "assistant", "building_id", "cadastral_parcel"),
    "unit": Scenario(
        "buildings.unit_edit",
        "assistant",
        "unit_id",
        "lot_number",
        values=("LA1", "LB2", "LC3", "LD4"),
    ),
    "arrete": Scenario(
        "buildings.arretes_edit",
        "assistant",
        "arrete_id",
        "arrete_date",
        values=("2025-06-03", "2025-06-04", "2025-06-05", "2025-06-06"),
        stored=date.fromisoformat,
        shown=lambda typed: date.fromisoformat(typed).strftime("%d/%m/%Y"),
    ),
    "building_incident": Scenario(
        "buildings.incidents_edit", "assistant", "incident_id", "description"
    ),
    "occupancy": Scenario(
        "buildings.period_costs",
        "assistant",
        "period_id",
        "rent_cents",
        values=("410,00", "430,00", "450,00", "470,00"),
        stored=_cents,
        shown=_euros,
    ),
    # orders and their reference data
    "contract": Scenario("orders.contract_edit", "admin", "contract_id", "title"),
    "contract_lot": Scenario("orders.lot_edit", "admin", "lot_id", "title"),
    "signing_delegation": Scenario(
        "orders.delegation_edit", "admin", "delegation_id", "act_reference"
    ),
    "order_issuer": Scenario("orders.issuer", "admin", None, "name", make=_issuer),
    "purchase_order": Scenario("ordering.edit", "assistant", "order_id", "place"),
    # relocation
    "relocation_wishes": Scenario("relocation.wishes_edit", "officer", None, "note", make=_wishes),
    "relocation_offer": Scenario("relocation.offers_edit", "officer", "offer_id", "address"),
    "relocation": Scenario("relocation.relocations_edit", "officer", "relocation_id", "address"),
}

#: table name → the action two colleagues post at once (no edit form).
ACTIONS: dict[str, Action] = {
    "order_invoice": Action("ordering.invoice_pay", "manager", "invoice_id", "/orders/{order_id}"),
    "access_request": Action(
        "subject_access.answer_request",
        "officer",
        "access_request_id",
        "/households/{household_id}/export",
    ),
    "document": Action(
        "households.documents_delete",
        "officer",
        "document_id",
        "/households/{household_id}/documents",
        refused=frozenset({404, 409}),
        extra={"confirmed": "1"},
    ),
}

#: table name → why it has neither a scenario nor an action.
EXEMPTIONS: dict[str, Exemption] = {
    "household_partner": Exemption(
        "no form of its own: a household's partners are chosen on the household's form, "
        "whose version guards them (scenario « household »)"
    ),
    "purchase_order_line": Exemption(
        "no edit form: lines are added and removed through their order, whose version "
        "each post checks",
        covered_by="test_order_writes.py",
        variable="line_id",
        routes=("ordering.line_remove",),
    ),
    "price_version": Exemption("append-only: a new price is a new version, never edited"),
    "contract_amendment": Exemption("append-only: an amendment is added, never edited"),
    "price_item": Exemption(
        "no edit form: a price item changes by a new dated version, added",
        variable="price_item_id",
        routes=("orders.price_version_new",),
    ),
    "delegation_deputy": Exemption("no edit form: a deputy is added to a delegation"),
    "costs_on_hold": Exemption("no route: written by the relocation and the import only"),
    "disposal_list": Exemption(
        "a transition, not an edit: approved once",
        covered_by="test_disposal_approvals.py",
        variable="list_id",
        routes=("retention.disposal_approve",),
    ),
    "import_batch": Exemption(
        "a transition, not an edit: committed or abandoned once",
        covered_by="test_import_writes.py",
        variable="batch_id",
        routes=("imports.abandon", "imports.commit"),
    ),
}
