"""Managers see no individual finances or social details (DESIGN §1, "Who sees what,
precisely"): for them the restricted fields of a file do not exist — no label, no value —
on any page or fragment of the file, the list, a search, the history or the audit trail.

The pages are checked field by field, generated from the classification
(`Audited.restricted` and `derived`, merged by capintra.confidentiality): a new restricted
field is covered without touching this file. A hand-written list, copied from DESIGN §1,
checks the classification itself.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from markupsafe import escape
from sqlalchemy import BigInteger, Boolean, String, Text, select

from capintra.audit.classification import classification
from capintra.buildings.models import Occupancy
from capintra.confidentiality import field_rules, unreadable_fields
from capintra.extensions import db
from capintra.features import declared
from capintra.households import search, services
from capintra.households.forms import HouseholdForm, MemberForm
from capintra.households.models import Household, Member
from capintra.housing import housing_costs_of
from capintra.security import CAPABILITIES
from capintra.web.formatting import cents_to_decimal, money, percent
from tests.buildings import make as buildings
from tests.households.helpers import text_of

#: DESIGN §1, by hand: what managers may not see of a file (the reports give them bands).
HIDDEN_FROM_MANAGERS = {
    # resources and tax income
    ("household", "monthly_resources_cents"),
    ("household", "tax_reference_income_cents"),
    # benefits: CAF number, other benefits, APL
    ("household", "caf_number"),
    ("household", "other_benefits"),
    # what is computed from the rent, charges and APL (on the occupancy period, below)
    ("household", "remaining_charge_cents"),
    ("household", "effort_rate"),
    # arrears, their plan, FSL, CCAPEX
    ("household", "arrears_cents"),
    ("household", "repayment_plan"),
    ("household", "fsl"),
    ("household", "ccapex_referral"),
    # partners involved
    ("household", "partners_note"),
    # health and vulnerability
    ("household", "health_details"),
    ("household", "vulnerability_details"),
    ("member", "disability_need"),
    # an occupancy period's rent, charges and APL (capintra/buildings)
    ("occupancy", "rent_cents"),
    ("occupancy", "charges_cents"),
    ("occupancy", "apl_cents"),
    # …and those a file kept before its home was recorded as a period
    ("costs_on_hold", "rent_cents"),
    ("costs_on_hold", "charges_cents"),
    ("costs_on_hold", "apl_cents"),
    # an offer's rent and charges, and the most rent the household wishes to pay
    # (capintra/relocation)
    ("relocation_offer", "rent_cents"),
    ("relocation_offer", "charges_cents"),
    ("relocation_wishes", "max_rent_cents"),
    # a relocation's rent, charges and APL after, those before (a snapshot), the
    # resources then, and what is computed from them
    ("relocation", "rent_cents"),
    ("relocation", "charges_cents"),
    ("relocation", "apl_cents"),
    ("relocation", "before_rent_cents"),
    ("relocation", "before_charges_cents"),
    ("relocation", "before_apl_cents"),
    ("relocation", "resources_cents"),
    ("relocation", "remaining_before_cents"),
    ("relocation", "remaining_after_cents"),
    ("relocation", "effort_before"),
    ("relocation", "effort_after"),
}
#: …and what assistants may not see either: health and vulnerability, officers only.
HIDDEN_FROM_ASSISTANTS = {
    ("household", "health_details"),
    ("household", "vulnerability_details"),
    ("member", "disability_need"),
}


def someone(role: str, admin: bool = False):
    return SimpleNamespace(is_authenticated=True, role=role, is_admin=admin)


def hidden_from(role: str) -> set[tuple[str, str]]:
    return {
        (table, name) for table in field_rules() for name in unreadable_fields(table, someone(role))
    }


def test_the_classification_hides_what_design_says(app_ctx):
    assert hidden_from("manager") == HIDDEN_FROM_MANAGERS
    assert hidden_from("assistant") == HIDDEN_FROM_ASSISTANTS
    assert hidden_from("officer") == set()
    assert CAPABILITIES["household.finances"] == {"assistant", "officer"}


def test_no_restricted_field_is_kept_by_the_trail_or_the_search(app_ctx):
    """The trail keeps no value of a restricted column; the search key indexes none."""
    classes = classification()
    for table, fields in field_rules().items():
        for name in fields:
            kind = classes.tables[table].kinds.get(name)
            assert kind is None or kind.value != "ordinary", (table, name)
    indexed = {("household", name) for name in search._HOUSEHOLD_KEY}
    indexed |= {("member", name) for name in search._MEMBER_KEY}
    assert not indexed & set(HIDDEN_FROM_MANAGERS)


# --- every page, field by field ------------------------------------------------------------

MODELS = {"household": Household, "member": Member}
FORMS = {"household": HouseholdForm, "member": MemberForm}


def restricted_columns() -> list[tuple[str, str]]:
    """(table, column) of every restricted column of a household file, from the
    classification (other features' restricted columns are checked on their own pages)."""
    return sorted(
        (table, name)
        for table, fields in field_rules().items()
        if table in MODELS
        for name in fields
        if name in MODELS[table].__table__.columns
    )


def derived_fields() -> dict[tuple[str, str], object]:
    """(table, name) → label of every restricted value of a household file computed from
    columns (other features' are checked on their own pages: tests/relocation/)."""
    found = {}
    for feature_audited in (a for f in app_features() for a in f.audited):
        if feature_audited.table not in MODELS:
            continue
        for name, (label, _inputs) in feature_audited.derived.items():
            if name in field_rules().get(feature_audited.table, {}):
                found[(feature_audited.table, name)] = label
    return found


def app_features():
    from capintra.features import features

    return features()


def distinctive(column, i: int, changed: bool):
    """A value nobody else shows: an amount, a word, or True."""
    if isinstance(column.type, Boolean):
        return not changed
    if isinstance(column.type, BigInteger):
        return 9_870_000 + i * 1_111 + (7 if changed else 0)
    assert isinstance(column.type, String | Text), column
    return f"Zq{i}{'b' if changed else 'a'}xw"


def needles(value) -> list[str]:
    """How a value may be written on a page (money: as shown and as typed)."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        amount = cents_to_decimal(value)
        return [money(value), str(amount), str(amount).replace(".", ","), str(value)]
    return [value, value.lower()]


def labels(table: str, name: str) -> list[str]:
    """The field's labels: the trail's, and the form's."""
    found = []
    _shown, label = classification().field_label(table, name)
    if label is not None:
        found.append(str(label))
    form_field = getattr(FORMS[table], name, None)
    if form_field is not None:
        found.append(str(form_field.args[0]))
    return found


@pytest.fixture
def secret_file(make, browser_for):
    """A file whose every restricted column holds a distinctive value, then another one
    (the history and the trail have their events), with a member."""
    household = make.household(name="VALMONT Irène")
    member = make.member(household, last_name="VALMONT", first_name="Irène")
    # where it lives: its rent, charges and APL are the period's
    period = buildings.period(household_obj=household)
    rows = {"household": household, "member": member, "occupancy": period}
    columns = [*restricted_columns(), *PERIOD_COSTS]
    values = {}
    for changed in (False, True):
        for i, (table, name) in enumerate(columns):
            column = rows[table].__table__.columns[name]
            value = distinctive(column, i, changed)
            setattr(rows[table], name, value)
            values[(table, name)] = value if changed else values.get((table, name), value)
            if changed:
                values[(table, name, "before")] = distinctive(column, i, False)
        db.session.commit()
    db.session.expire_all()
    household = db.session.get(Household, household.id)
    with app_ctx_request():
        costs = housing_costs_of(household.id, services.today())
    computed = {
        ("household", "remaining_charge_cents"): money(costs.remaining_charge_cents),
        ("household", "effort_rate"): percent(costs.effort_rate(household.monthly_resources_cents)),
    }
    return household, values, computed


#: The amounts of the household's period (its occupancy tab, the unit's page, the file's
#: history show them, or not).
PERIOD_COSTS = [("occupancy", "rent_cents"), ("occupancy", "charges_cents"),
                ("occupancy", "apl_cents")]  # fmt: skip


def app_ctx_request():
    from flask import current_app

    return current_app.test_request_context()


def every_page(browser, household, values) -> dict[str, str]:
    base = f"/households/{household.id}"
    responses = {
        "dashboard": browser.get("/"),
        "list": browser.get("/households/"),
        "search by name": browser.get("/households/?q=valmont"),
        "detail": browser.get(base),
        "detail partial": browser.htmx("GET", base, "tab-content"),
        "edit form": browser.get(f"{base}/edit"),
        "audit trail": browser.get("/audit/"),
        "audit rows": browser.htmx("GET", "/audit/", "audit-rows"),
    }
    for unit_id in db.session.scalars(
        select(Occupancy.unit_id).where(Occupancy.household_id == household.id)
    ):
        responses[f"unit {unit_id}"] = browser.get(f"/units/{unit_id}")
    for tab in declared("tabs"):
        if tab.page == "household" and not tab.first:  # the first one: the detail
            responses[tab.name] = browser.get(f"{base}/{tab.name}")
            responses[f"{tab.name} partial"] = browser.htmx(
                "GET", f"{base}/{tab.name}", "tab-content"
            )
    for key, value in values.items():
        if len(key) == 2 and not isinstance(value, bool):  # a search by the value
            word = str(value // 100) if isinstance(value, int) else value
            responses[f"search {key}"] = browser.get("/households/", query_string={"q": word})
            responses[f"search {key} fragment"] = browser.htmx(
                "GET", f"/households/?q={word}", "household-results"
            )
    texts = {}
    for name, response in responses.items():
        assert response.status_code in (200, 403), (name, response.status_code)
        texts[name] = text_of(response) if response.status_code == 200 else ""
        if name.startswith("search ("):  # the search box shows what was typed: not the file
            typed = response.request.args.get("q", "")
            texts[name] = texts[name].replace(f'value="{escape(typed)}"', "")
    return texts


def variants(text: str) -> set[str]:
    return {text, str(escape(text))}


def test_managers_find_no_restricted_field_anywhere(secret_file, browser_for):
    household, values, computed = secret_file
    pages = every_page(browser_for("manager"), household, values)
    assert "VALMONT" in pages["detail"] and "VALMONT" in pages["search by name"]
    assert pages["history"] and pages["audit trail"]  # the manager reads both
    for (table, name), shown in [*computed.items()]:
        for page, html in pages.items():
            assert shown not in html, (page, name, shown)
    for key, value in values.items():
        for page, html in pages.items():
            for needle in needles(value):
                assert needle not in html, (page, key, needle)
    for table, name in [*restricted_columns(), *derived_fields()]:
        for label in labels(table, name) + [str(derived_fields().get((table, name), ""))]:
            if not label:
                continue
            for page, html in pages.items():
                for text in variants(label):
                    assert text not in html, (page, name, label)
    # The search finds nothing by a restricted value (none is indexed).
    for page, html in pages.items():
        if page.startswith("search ("):
            assert f"/households/{household.id}" not in html, page


def test_officers_see_every_restricted_field_the_control(secret_file, browser_for):
    """The same pages show an officer every value and label: the test above can fail."""
    household, values, computed = secret_file
    pages = every_page(browser_for("officer"), household, values)
    everything = "\n".join(pages.values())
    for (_table, name), shown in computed.items():
        assert shown in pages["detail"], name
    for key, value in values.items():
        if len(key) == 2 and needles(value):
            assert any(n in everything for n in needles(value)), key
    for table, name in restricted_columns():
        label = labels(table, name)[0]  # the trail's
        assert variants(label) & {text for text in variants(label) if text in pages["history"]}


def test_assistants_see_and_edit_the_administrative_finances(secret_file, browser_for):
    household, values, computed = secret_file
    assistant = browser_for("assistant")
    pages = every_page(assistant, household, values)
    finances = [key for key in restricted_columns() if key not in HIDDEN_FROM_ASSISTANTS]
    everything = "\n".join(pages.values())
    for key in finances:
        if needles(values[key]):
            assert any(n in everything for n in needles(values[key])), key
        assert f'name="{key[1]}"' in pages["edit form"], key
    for shown in computed.values():
        assert shown in pages["detail"]
    for key in HIDDEN_FROM_ASSISTANTS:
        for needle in needles(values[key]):
            assert needle not in everything, key
    form = {
        "name": household.name,
        "operation_id": household.operation_id,
        "caf_number": "7654321",
        "fsl": "y",
        "version": household.version,
    }
    response = assistant.post(f"/households/{household.id}/edit", data=form)
    assert response.status_code == 303, text_of(response)[:1000]
    period = db.session.scalar(select(Occupancy).where(Occupancy.household_id == household.id))
    costs = {"rent_cents": "612,40", "apl_cents": "100", "version": period.version}
    response = assistant.post(f"/occupancies/{period.id}/costs", data=costs)
    assert response.status_code == 303, text_of(response)[:1000]
    db.session.expire_all()
    saved = db.session.get(Household, household.id)
    assert (saved.caf_number, saved.fsl) == ("7654321", True)
    period = db.session.get(Occupancy, period.id)
    assert (period.rent_cents, period.charges_cents, period.apl_cents) == (61240, None, 10000)
    assert saved.health_details == values[("household", "health_details")]  # kept
    history = text_of(assistant.get(f"/households/{household.id}/history"))
    assert "Loyer" in history and "Numéro d’allocataire CAF" in history


def test_the_rule_drops_fields_from_forms_and_writes_for_anyone_without_it(make, app_ctx):
    manager = make.user("manager")
    household = make.household(monthly_resources_cents=50000, partners_note="CCAS")
    services.update_household(
        household,
        {"monthly_resources_cents": 1, "partners_note": "", "address": "2 rue Basse"},
        manager,
    )
    assert (household.monthly_resources_cents, household.partners_note) == (50000, "CCAS")
    assert household.address == "2 rue Basse"
    db.session.rollback()
    with app_ctx.test_request_context():
        form = HouseholdForm(meta={"csrf": False})
        form.restrict_for(manager)
        assert not {name for _t, name in HIDDEN_FROM_MANAGERS} & set(form._fields)
        assert "address" in form._fields and "numero_unique" in form._fields
