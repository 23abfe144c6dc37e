"""The summary tab at a glance: the alert, the last contact the reader may see, the next
open task, the members with their ages, the phase and the time spent in it; the phase
form proposes the next phase forward. The clock is fixed."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

import capintra.clock
from capintra.extensions import db
from capintra.households.models import (
    LetterChannel,
    LetterDirection,
    NoteKind,
    Phase,
    PhaseChange,
    Relation,
)
from tests.buildings import make as buildings
from tests.households.helpers import text_of

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)  # 15/06/2026, noon in Paris


@pytest.fixture
def fixed_clock(monkeypatch):
    monkeypatch.setattr(capintra.clock, "now", lambda: NOW)
    return NOW


def glance(html: str) -> str:
    """The "at a glance" list of the summary, its tags removed."""
    found = html[html.index('id="summary-glance"') :].split("</dl>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found))


@pytest.fixture
def file_at_a_glance(make, fixed_clock):
    officer = make.user("officer")
    household = make.household(
        name="BERTIN Louise",
        phase=Phase.RECHERCHE,
        alert_codes=["interpreter"],
        monthly_resources_cents=150_000,
    )
    buildings.period(household_obj=household, start_date=date(2020, 1, 1), rent_cents=61_000)
    db.session.add(
        PhaseChange(
            household_id=household.id,
            from_phase=Phase.DIAGNOSTIC,
            to_phase=Phase.RECHERCHE,
            at=datetime(2026, 3, 10, 9, 0, tzinfo=UTC),
        )
    )
    make.member(household, last_name="BERTIN", first_name="Louise",
                relation=Relation.CHEF, birth_date=date(1984, 3, 7))  # fmt: skip
    make.member(household, last_name="BERTIN", first_name="Jules",
                relation=Relation.ENFANT, birth_date=date(2025, 6, 15))  # fmt: skip
    make.member(household, last_name="BERTIN", first_name="Lina",
                relation=Relation.ENFANT, birth_date=date(2025, 12, 1))  # fmt: skip
    make.member(household, last_name="BERTIN", first_name="Parti",
                relation=Relation.ENFANT, left_at=date(2026, 1, 1))  # fmt: skip
    make.note(household, confidential=True, author=officer, kind=NoteKind.VISITE,
              note_date=date(2026, 6, 10), body="Visite confidentielle")  # fmt: skip
    make.note(household, confidential=False, kind=NoteKind.APPEL, note_date=date(2026, 6, 1))
    make.letter(household, letter_date=date(2026, 6, 5), direction=LetterDirection.SENT,
                channel=LetterChannel.LRAR)  # fmt: skip
    make.task(household, title="Tâche faite", due_date=date(2026, 6, 1), done=True)
    make.task(household, title="Relancer le bailleur", due_date=date(2026, 6, 20))
    make.task(household, title="Plus tard", due_date=date(2026, 7, 1))
    db.session.commit()
    return household, officer


@pytest.mark.parametrize("role", ["officer", "assistant", "manager"])
def test_the_summary_shows_the_file_at_a_glance(file_at_a_glance, browser_for, role):
    household, author = file_at_a_glance
    browser = browser_for(author if role == "officer" else role)
    for response in (
        browser.get(f"/households/{household.id}"),
        browser.htmx("GET", f"/households/{household.id}", "tab-content"),
    ):
        assert response.status_code == 200
        html = text_of(response)
        seen = glance(html)
        assert "Recherche depuis 3 mois" in seen
        if role == "officer":  # the confidential visit is the last contact
            assert "10/06/2026 · Visite à domicile" in seen
        else:  # for others it does not exist: the letter is
            assert "05/06/2026 · Courrier envoyé (LRAR)" in seen
            assert "10/06/2026" not in html and "Visite à domicile" not in html
        assert "20/06/2026 · Relancer le bailleur" in seen
        assert "Tâche faite" not in seen and "Plus tard" not in seen
        assert "3 membres" in seen
        assert "BERTIN Louise, 42 ans" in seen
        assert "BERTIN Jules, 1 an" in seen  # one today
        assert "BERTIN Lina, moins d’un an" in seen
        assert "Parti" not in seen  # left in a split
        # The alert is the file's banner, above the tabs (not repeated in the summary).
        assert ("Interprète nécessaire" in html) is ("<html" in html)
        finances = "Reste à charge" in html and "610,00" in html
        assert finances is (role != "manager"), role


def test_the_time_in_phase_counts_from_creation_without_a_phase_change(
    make, browser_for, fixed_clock
):
    household = make.household()
    household.created_at = NOW - timedelta(days=12)
    db.session.commit()
    seen = glance(text_of(browser_for("manager").get(f"/households/{household.id}")))
    assert "À rencontrer depuis 12 jours" in seen
    assert "Dernier contact aucun" in seen and "Prochaine tâche aucune" in seen
    household.created_at = NOW - timedelta(hours=1)
    db.session.commit()
    seen = glance(text_of(browser_for("manager").get(f"/households/{household.id}")))
    assert "À rencontrer depuis aujourd’hui" in seen


@pytest.mark.parametrize(
    ("days", "shown"),
    [(1, "depuis 1 jour"), (44, "depuis 44 jours"), (45, "depuis 1 mois"),
     (400, "depuis 13 mois"), (800, "depuis 2 ans")],
)  # fmt: skip
def test_time_in_phase_wording(app_ctx, days, shown):
    from capintra.households.pages import time_since

    with app_ctx.test_request_context():
        today = date(2026, 6, 15)
        assert time_since(today - timedelta(days=days), today) == shown


def selected_phase(html: str) -> str | None:
    options = html[html.index('id="to_phase"') :].split("</select>")[0]
    found = re.findall(r'<option selected value="([^"]*)"', options)
    assert len(found) <= 1
    return found[0] if found else None


@pytest.mark.parametrize("phase", list(Phase))
def test_the_phase_form_proposes_the_next_phase(make, browser_for, phase):
    household = make.household(phase=phase)
    html = text_of(browser_for("officer").get(f"/households/{household.id}"))
    options = html[html.index('id="to_phase"') :].split("</select>")[0]
    assert f'value="{phase.value}"' not in options
    following = [p for p in Phase if p.rank == phase.rank + 1]
    if following:
        assert selected_phase(html) == following[0].value
    else:  # the last phase: nothing forward, no backward move chosen for the user
        assert selected_phase(html) == ""
    for earlier in (p for p in Phase if p.rank < phase.rank):  # still possible, marked
        assert f'value="{earlier.value}">{earlier.label} (retour, motif requis)<' in options


def test_from_the_last_phase_the_empty_choice_is_refused(make, browser_for):
    household = make.household(phase=Phase.CLOS)
    officer = browser_for("officer")
    data = {"to_phase": "", "version": household.version}
    response = officer.htmx("POST", f"/households/{household.id}/phase", "tab-content", data=data)
    assert response.status_code == 422
    assert "Choisissez la nouvelle étape." in text_of(response)
