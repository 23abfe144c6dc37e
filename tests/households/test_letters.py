"""Letters that hold up as evidence (DESIGN §2 Letter): the date rules, refused with a
French message through the real add and edit routes; the LRAR number kept as printed;
the delivery outcome; the acknowledgement reminder that knows an unclaimed LRAR."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from capintra import clock
from capintra.extensions import db
from capintra.households import queries
from capintra.households.models import DeliveryOutcome, Letter, LetterChannel, LetterDirection
from tests.forms import ENGLISH, field_errors

TODAY = clock.today()
GOOD = {"letter_date": "2026-06-01", "direction": "sent", "channel": "lrar",
        "tracking_number": "", "acknowledged_on": "", "delivery_outcome": "",
        "subject": "Convocation"}  # fmt: skip


def _iso(day: date) -> str:
    return day.isoformat()


REFUSED = [
    # (what is posted over GOOD, the field refused, words of its message)
    ({"letter_date": _iso(TODAY + timedelta(days=1))}, "letter_date", "Date dans le futur"),
    ({"letter_date": "1989-12-31"}, "letter_date", "à partir du 01/01/1990"),
    ({"acknowledged_on": _iso(TODAY + timedelta(days=1))}, "acknowledged_on", "Date dans le futur"),
    ({"letter_date": "1990-01-01", "acknowledged_on": "1989-12-31"}, "acknowledged_on",
     "à partir du 01/01/1990"),
    ({"acknowledged_on": "2026-05-31"}, "acknowledged_on", "ne peut précéder la date du courrier"),
    ({"channel": "simple", "acknowledged_on": "2026-06-03"}, "acknowledged_on",
     "qu’une LRAR ou une remise en main propre"),
    ({"channel": "email", "acknowledged_on": "2026-06-03"}, "acknowledged_on",
     "qu’une LRAR ou une remise en main propre"),
    ({"channel": "main_propre", "tracking_number": "1A 234 567 8901 2"}, "tracking_number",
     "ne concerne qu’une LRAR"),
    ({"tracking_number": "1A<script>"}, "tracking_number", "lettres, chiffres et espaces"),
    ({"direction": "received", "delivery_outcome": "npai"}, "delivery_outcome",
     "envoyé par la poste"),
    ({"channel": "email", "delivery_outcome": "distribue"}, "delivery_outcome",
     "envoyé par la poste"),
    ({"channel": "simple", "delivery_outcome": "non_reclame"}, "delivery_outcome",
     "Seule une LRAR"),
]  # fmt: skip


def _letters(household) -> list[Letter]:
    return list(db.session.scalars(select(Letter).where(Letter.household_id == household.id)))


@pytest.mark.parametrize(("posted", "field", "words"), REFUSED, ids=[r[1] for r in REFUSED])
@pytest.mark.parametrize("route", ["add", "edit"])
def test_every_date_rule_is_refused_with_a_french_message(
    login_as, make, posted, field, words, route
):
    household = make.household()
    letter = make.letter(household, letter_date=date(2026, 6, 1))
    url = f"/households/{household.id}/letters"
    data = {**GOOD, **posted}
    if route == "edit":
        url, data = f"{url}/{letter.id}", {**data, "version": letter.version}
    browser = login_as("assistant")
    for response in (browser.post(url, data), browser.htmx("POST", url, "tab-content", data)):
        assert response.status_code == 422
        message = field_errors(response.get_data(as_text=True), field)
        assert words in message, message
        assert not ENGLISH.search(message)
    db.session.expire_all()
    (kept,) = _letters(household)
    assert (kept.version, kept.subject) == (letter.version, letter.subject)


@pytest.mark.parametrize(
    "posted",
    [
        {"letter_date": _iso(TODAY), "acknowledged_on": _iso(TODAY)},  # today is not the future
        {"letter_date": "1990-01-01", "acknowledged_on": "1990-01-01"},
        {"channel": "main_propre", "acknowledged_on": "2026-06-01"},  # the same day
        {"channel": "simple", "delivery_outcome": "npai"},
        {"direction": "received", "channel": "lrar", "tracking_number": "1A 000 000 0000 1"},
        {"acknowledged_on": "2026-06-04", "delivery_outcome": "distribue"},
    ],
)
def test_letters_within_the_rules_are_kept(login_as, make, posted):
    household = make.household()
    response = login_as("officer").post(f"/households/{household.id}/letters", {**GOOD, **posted})
    assert response.status_code == 303
    (letter,) = _letters(household)
    if "delivery_outcome" in posted:
        assert letter.delivery_outcome is DeliveryOutcome(posted["delivery_outcome"])


def test_the_tracking_number_is_kept_as_printed(login_as, make):
    household = make.household()
    letter = make.letter(household)
    browser = login_as("assistant")
    url = f"/households/{household.id}/letters"
    browser.post(url, {**GOOD, "tracking_number": "  1A 234 567 8901 2 "})
    browser.post(f"{url}/{letter.id}", {**GOOD, "tracking_number": "1a-234  567.89",
                                         "version": letter.version})  # fmt: skip
    db.session.expire_all()
    numbers = {item.id: item.tracking_number for item in _letters(household)}
    assert numbers[letter.id] == "1a-234  567.89"
    assert set(numbers.values()) == {"1A 234 567 8901 2", "1a-234  567.89"}
    page = browser.get(url).get_data(as_text=True)
    assert "1A 234 567 8901 2" in page and "Numéro de recommandé" in page


# --- the reminder: sent LRAR without acknowledgement for 15 days ----------------------------


def _sent_lrar(household, days_ago: int, **kw) -> Letter:
    from tests import factories

    return factories.letter(
        household, letter_date=TODAY - timedelta(days=days_ago), channel=LetterChannel.LRAR,
        direction=LetterDirection.SENT, **kw,
    )  # fmt: skip


@pytest.mark.parametrize("outcome", list(DeliveryOutcome))
def test_a_letter_with_an_outcome_is_no_longer_awaiting(app_ctx, make, outcome):
    household = make.household()
    waiting = _sent_lrar(household, 20, subject="Toujours en attente")
    answered = _sent_lrar(household, 20, delivery_outcome=outcome)
    found = queries.letters_awaiting_acknowledgement(TODAY)
    assert [letter.id for letter in found] == [waiting.id]
    assert not answered.awaits_acknowledgement and waiting.awaits_acknowledgement


def test_the_reminder_waits_fifteen_days_and_skips_acknowledged_letters(app_ctx, make):
    household = make.household()
    recent = _sent_lrar(household, 14)
    due = _sent_lrar(household, 15)
    _sent_lrar(household, 30, acknowledged_on=TODAY - timedelta(days=25))
    found = [letter.id for letter in queries.letters_awaiting_acknowledgement(TODAY)]
    assert found == [due.id] and recent.id not in found


def test_an_unclaimed_letter_reads_as_a_fact_in_the_tab(login_as, make):
    household = make.household()
    _sent_lrar(household, 20, delivery_outcome=DeliveryOutcome.NON_RECLAME)
    page = login_as("manager").get(f"/households/{household.id}/letters").get_data(as_text=True)
    assert "Avisé non réclamé" in page and "en attente" not in page
