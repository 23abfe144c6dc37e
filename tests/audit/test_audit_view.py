"""The audit trail as a manager and as an admin reads it (DESIGN §1: managers see the
trail without events about confidential content)."""

from capintra.extensions import db
from tests.conftest import login


def _as(app_ctx, user):
    return login(app_ctx.test_client(), user)


def test_managers_never_learn_of_health_data_or_confidential_notes(app_ctx, make):
    officer = make.user("officer")
    household = make.household(officer_id=officer.id)
    note = make.note(household, confidential=False, author=officer, body="Visite faite")
    writer = _as(app_ctx, officer)
    version = household.version
    edit = writer.post(
        f"/households/{household.id}/edit",
        data={"version": version, "name": household.name, "operation_id": household.operation_id,
              "rehousing_right": "a_instruire", "health_details": "Diabète sévère",
              "address": "1 rue Neuve"},
    )  # fmt: skip
    assert edit.status_code == 303, edit.get_data(as_text=True)[:2000]
    # The shared note becomes confidential: its whole past vanishes for managers.
    made_secret = writer.post(
        f"/households/{household.id}/notes/{note.id}",
        data={"version": note.version, "kind": "entretien", "note_date": "2026-11-20",
              "body": "Visite faite"},
    )  # fmt: skip
    assert made_secret.status_code == 303

    manager_page = _as(app_ctx, make.user("manager")).get("/audit/").get_data(as_text=True)
    assert "Adresse" in manager_page  # the control: the ordinary change is there
    assert "Santé" not in manager_page and "health_details" not in manager_page
    assert "<td>Note · " not in manager_page

    admin_page = _as(app_ctx, make.user("admin")).get("/audit/").get_data(as_text=True)
    assert "Santé" in admin_page
    assert (
        f'<td>Note · <a href="/households/{household.id}">{household.reference}</a>' in admin_page
    )
    assert "Diabète" not in admin_page  # values of sensitive fields are never kept


def test_every_audited_column_has_a_french_label():
    """History and audit views name fields in French: a new column needs its label (or
    HIDDEN, for bookkeeping never shown)."""
    from capintra import FEATURES
    from capintra.audit.classification import collect
    from capintra.features import load

    tables = collect(load(FEATURES)).tables.values()
    missing = [f"{t.name}.{column}" for t in tables for column in sorted(t.unlabelled)]
    assert missing == [], "no French label in their feature's Audited(...)"


def test_an_explicit_event_with_a_bare_value_is_shown(app_ctx, make):
    """An order's cancellation records its reason as a bare value, not (old, new): the
    trail and its export showed a 500 for any reason but a two-letter one."""
    from capintra.audit.service import record_event

    record_event(
        "order_cancel",
        entity_type="purchase_order",
        entity_id=1,
        changes={"status": ["brouillon", "annule"], "reason": "Doublon du bon 12"},
    )
    db.session.commit()
    browser = login(app_ctx.test_client(), make.user("admin"))
    for path in ("/audit/", "/audit/export.csv"):
        response = browser.get(path)
        assert response.status_code == 200, path
        assert "Doublon du bon 12" in response.get_data(as_text=True), path
