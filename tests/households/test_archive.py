"""The restricted archive of a closed file (DESIGN §5): its relocation evidence — letters,
wishes and offers, relocations — is read by officers and the admin only, and changed by
nobody until the file is reopened. Expected statuses written by hand from DESIGN §1 and §5:
assistants and managers lose the tabs (404), officers and the admin keep them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from capintra.extensions import db
from capintra.households.models import Letter, Outcome, Phase
from capintra.relocation.demo import example_offer_id, example_relocation_id
from capintra.relocation.models import Offer

EVIDENCE_TABS = ("letters", "offers", "relocation")
LETTER = {"letter_date": "2026-06-01", "direction": "sent", "channel": "lrar",
          "tracking_number": "", "acknowledged_on": "", "delivery_outcome": "",
          "subject": "Convocation"}  # fmt: skip


def _closed(make):
    household = make.household(
        phase=Phase.CLOS, outcome=Outcome.RELOGE_DEFINITIVEMENT, closed_at=date(2025, 3, 14)
    )
    make.letter(household)
    offer_id = example_offer_id({"household_id": household.id})
    relocation_id = example_relocation_id({"household_id": household.id})
    db.session.commit()
    return household, offer_id, relocation_id


@pytest.mark.parametrize(
    ("role", "admin", "status"),
    [("assistant", False, 404), ("officer", False, 200), ("manager", False, 404),
     ("manager", True, 200)],
)  # fmt: skip
def test_a_closed_file_s_evidence_is_read_by_officers_and_the_admin_only(
    login_as, make, role, admin, status
):
    household, offer_id, relocation_id = _closed(make)
    browser = login_as(role, admin=admin)
    for tab in EVIDENCE_TABS:
        assert browser.get(f"/households/{household.id}/{tab}").status_code == status, tab
    summary = browser.get(f"/households/{household.id}").get_data(as_text=True)
    for tab in EVIDENCE_TABS:
        assert (f'href="/households/{household.id}/{tab}"' in summary) is (status == 200), tab
    if role != "manager":  # the edit forms' addresses (managers never edit a file)
        letter_id = db.session.scalar(select(Letter.id).where(Letter.household_id == household.id))
        expected = 200 if status == 200 and role == "officer" else status
        assert browser.get(f"/households/{household.id}/letters/{letter_id}").status_code == (
            expected
        )
    # the file itself stays visible to everyone who sees files
    assert browser.get(f"/households/{household.id}").status_code == 200


def test_an_open_file_s_evidence_is_read_as_before(login_as, make):
    household = make.household(phase=Phase.SUIVI)
    example_offer_id({"household_id": household.id})
    db.session.commit()
    for role in ("assistant", "manager"):
        browser = login_as(role)
        for tab in EVIDENCE_TABS:
            assert browser.get(f"/households/{household.id}/{tab}").status_code == 200, tab
        browser.post("/logout")


def test_nobody_changes_a_closed_file_s_evidence_until_it_is_reopened(login_as, make):
    household, offer_id, relocation_id = _closed(make)
    officer = login_as("officer")
    letters = db.select(func.count(Letter.id)).where(Letter.household_id == household.id)
    offers = db.select(func.count(Offer.id)).where(Offer.household_id == household.id)
    before = (db.session.scalar(letters), db.session.scalar(offers))

    base = f"/households/{household.id}"
    for tab, form in (("letters", "/letters\""), ("offers", "/offers\""),
                      ("relocation", "/relocations\"")):  # fmt: skip
        page = officer.get(f"{base}/{tab}").get_data(as_text=True)
        assert 'id="archived-evidence"' in page and f'action="{base}{form}' not in page, tab
    refused = officer.post(f"{base}/letters", LETTER)
    assert refused.status_code == 409
    assert "Ce dossier est clos" in refused.get_data(as_text=True)
    assert officer.post(f"{base}/offers", {"sent_on": "2026-11-02"}).status_code == 409
    assert officer.post(f"{base}/offers/{offer_id}/delete", {"version": 1}).status_code == 409
    assert officer.post(f"{base}/relocations/{relocation_id}", {"version": 1}).status_code == 409
    assert officer.post(f"{base}/wishes", {}).status_code == 409
    db.session.expire_all()
    assert (db.session.scalar(letters), db.session.scalar(offers)) == before

    # Reopened (its phase moved back, with the reason), the file is written to again.
    household = db.session.merge(household)
    moved = officer.post(
        f"{base}/phase",
        {"to_phase": "suivi", "reason": "Courrier du bailleur reçu après la clôture",
         "version": household.version},
    )  # fmt: skip
    assert moved.status_code == 303
    assert officer.post(f"{base}/letters", LETTER).status_code == 303
    assert db.session.scalar(letters) == before[0] + 1
