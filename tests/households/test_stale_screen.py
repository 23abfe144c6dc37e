"""The stale-edit screen (issue 8): a save refused because a colleague changed the file
meanwhile shows the current value only under the fields that changed since the form was
shown, in words (never ids), and says how many changed, who changed them and when."""

from __future__ import annotations

import html
import re

from tests.households.test_views import fresh, household_form


def _stale_values(page: str) -> list[tuple[str, str]]:
    """(field id, current value shown) for every field the screen marks as changed."""
    found = re.findall(
        r'id="([\w-]+)"[^>]*>(?:(?!<div class="mb-3).)*?<div class="stale-value">'
        r"Valeur actuelle : <strong>([^<]*)</strong>",
        page,
        flags=re.S,
    )
    return [(field, html.unescape(value)) for field, value in found]


def test_only_the_fields_a_colleague_changed_show_their_current_value(make, browser_for):
    first, second = (
        make.operation(name="ORI Saint-Étienne"),
        make.operation(name="ORI Rive-de-Gier"),
    )
    household = make.household(name="KACI Aïcha", operation=first, address="3 rue Basse")
    colleague = make.user("assistant", full_name="Nadia Benali")
    shown = household_form(household)  # what my form showed
    theirs = browser_for(colleague)
    their_form = household_form(household, operation_id=second.id, address="12 rue Neuve")
    assert theirs.post(f"/households/{household.id}/edit", data=their_form).status_code == 303

    # I changed the name only; my form still carries the old address and operation.
    mine = browser_for("officer")
    response = mine.post(
        f"/households/{household.id}/edit", data={**shown, "name": "KACI-BENALI Aïcha"}
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert sorted(_stale_values(page)) == [
        ("address", "12 rue Neuve"),
        ("operation_id", "ORI Rive-de-Gier"),  # the operation's name, not its id
    ]
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    text = re.sub(r"\s+", " ", text)
    assert "2 champs ont changé (Opération, Adresse), par Nadia Benali le " in text
    assert 'value="KACI-BENALI Aïcha"' in page, "my input is kept"
    assert fresh(household).name == "KACI Aïcha"


def test_one_field_is_said_in_the_singular(make, browser_for):
    household = make.household(name="KACI Aïcha", address="3 rue Basse")
    shown = household_form(household)
    assert (
        browser_for("assistant")
        .post(
            f"/households/{household.id}/edit",
            data=household_form(household, address="5 rue Haute"),
        )
        .status_code
        == 303
    )
    response = browser_for("officer").post(f"/households/{household.id}/edit", data=shown)
    assert response.status_code == 409
    page = html.unescape(response.get_data(as_text=True))
    assert "1 champ a changé (Adresse)" in page
    assert _stale_values(response.get_data(as_text=True)) == [("address", "5 rue Haute")]
