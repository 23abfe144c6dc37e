from tests.households.helpers import text_of


def test_history_lists_changes_with_their_author_not_consultations(login_as, make):
    assistant = make.user("assistant", full_name="Annie Saisie")
    household = make.household()
    browser = login_as(assistant)
    browser.get(f"/households/{household.id}")  # an opening: audit trail only
    response = browser.post(
        f"/households/{household.id}/letters",
        data={"letter_date": "2026-11-20", "direction": "sent", "channel": "lrar",
              "subject": "Convocation"},
    )  # fmt: skip
    assert response.status_code == 303
    history = text_of(browser.get(f"/households/{household.id}/history"))
    assert "<td>Annie Saisie</td>" in history
    assert "<td>Courrier</td>" in history
    assert "Ouverture du dossier" not in history
