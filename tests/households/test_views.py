"""The household file through its routes: opening is audited, inline add/edit/delete,
invalid input (422), stale saves (409), escaping, French formats."""

from __future__ import annotations

import re
from datetime import date

import pytest
from markupsafe import escape
from sqlalchemy import event, select

from capintra.extensions import db
from capintra.households import services
from capintra.households.models import Household, Letter, Member, Note, Relation, Task
from tests.buildings import make as buildings
from tests.households.helpers import audit_events, count, form_errors, text_of

PARTIAL = "tab-content"


def fresh(obj):
    """The object as the database holds it now (the requests ran in other sessions)."""
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def household_form(household, **changes) -> dict:
    """The household form as the edit page would post it."""
    data = {
        "name": household.name,
        "operation_id": household.operation_id,
        "officer_id": household.officer_id or "",
        "address": household.address,
        "commune": household.commune,
        "rehousing_right": household.rehousing_right.value,
        "version": household.version,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- opening a file -------------------------------------------------------------------


def test_opening_a_file_is_an_audit_event_once_per_visit(make, login_as, travel):
    household, other = make.household(), make.household()
    browser = login_as("manager")

    def opened():
        return len(audit_events(action="open", household_id=household.id))

    assert browser.get(f"/households/{household.id}").status_code == 200
    events = audit_events(action="open", household_id=household.id)
    assert len(events) == 1
    assert events[0].user_id == browser.user.id and events[0].entity_type == "household"
    # Tab after tab of the same file (partials or whole pages): the same visit.
    for path in ("", "/members", "/letters", "/journal", "/history"):
        response = browser.htmx("GET", f"/households/{household.id}{path}", PARTIAL)
        assert response.status_code == 200 and "<html" not in text_of(response)
    browser.get(f"/households/{household.id}/letters")
    browser.get(f"/households/{household.id}/edit")
    assert opened() == 1
    # Another file in between, or ten minutes later: a new opening.
    browser.get(f"/households/{other.id}")
    browser.get(f"/households/{household.id}/members")
    assert opened() == 2
    travel.forward(minutes=11)
    browser.get(f"/households/{household.id}", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert opened() == 3


def test_a_partial_alone_cannot_read_a_file_without_a_trace(make, login_as):
    """Request headers do not decide auditing: a partial asked for directly is an opening."""
    household = make.household()
    browser = login_as("assistant")
    response = browser.htmx("GET", f"/households/{household.id}", PARTIAL)
    assert response.status_code == 200
    assert len(audit_events(action="open", household_id=household.id)) == 1


def test_a_missing_or_deleted_file_is_404(make, login_as):
    household = make.household()
    household.soft_delete()
    db.session.commit()
    browser = login_as("officer")
    for path in (f"/households/{household.id}", "/households/999999", "/households/999999/journal"):
        assert browser.get(path).status_code == 404, path
    assert not audit_events(action="open", household_id=household.id)


def test_each_tab_is_a_url_and_a_partial(make, login_as):
    household = make.household(name="ABADIE Louise")
    browser = login_as("officer")
    page = text_of(browser.get(f"/households/{household.id}/tasks"))
    assert "<html" in page
    assert f'aria-current="page" href="/households/{household.id}/tasks"' in page
    partial = browser.htmx("GET", f"/households/{household.id}/tasks", PARTIAL)
    body = text_of(partial)
    assert "<html" not in body and "ABADIE Louise" not in body  # the header stays
    assert f'hx-get="/households/{household.id}/journal"' in body  # the tab bar


# --- creation -------------------------------------------------------------------------


def test_creating_a_file_redirects_to_it_with_a_new_reference(make, login_as):
    operation = make.operation()
    browser = login_as("assistant")
    response = browser.post(
        "/households/new", data={"name": "NGUYEN Van", "operation_id": operation.id,
                                 "rehousing_right": "a_instruire"},
    )  # fmt: skip
    assert response.status_code == 303
    created = db.session.scalars(select(Household).where(Household.name == "NGUYEN Van")).one()
    assert response.headers["Location"].endswith(f"/households/{created.id}")
    assert re.fullmatch(r"MEN-\d{4}-\d{4,}", created.reference)
    second = browser.post(
        "/households/new", data={"name": "NGUYEN Thi", "operation_id": operation.id,
                                 "rehousing_right": "a_instruire"},
    )  # fmt: skip
    assert second.status_code == 303
    other = db.session.scalars(select(Household).where(Household.name == "NGUYEN Thi")).one()
    assert other.reference != created.reference
    assert other.ref_number == created.ref_number + 1
    # htmx: the browser is sent to the new file by HX-Redirect.
    response = browser.htmx(
        "POST", "/households/new", "main",
        data={"name": "NGUYEN Lan", "operation_id": operation.id,
              "rehousing_right": "a_instruire"},
    )  # fmt: skip
    assert response.status_code == 204 and "/households/" in response.headers["HX-Redirect"]


def test_an_officer_creating_a_file_becomes_its_referent(make, login_as):
    operation = make.operation()
    officer = login_as("officer")
    form = text_of(officer.get("/households/new"))
    assert f'<option selected value="{officer.user.id}">' in form
    response = officer.post(
        "/households/new",
        data={"name": "ROUX Emma", "operation_id": operation.id, "officer_id": "",
              "rehousing_right": "oui"},
    )  # fmt: skip
    assert response.status_code == 303
    created = db.session.scalars(select(Household).where(Household.name == "ROUX Emma")).one()
    assert created.officer_id == officer.user.id


# --- inline add / edit / delete ----------------------------------------------------------


SUB_ITEMS = {
    "members": (
        Member,
        {"last_name": "DIALLO", "first_name": "Awa", "relation": "enfant",
         "birth_date": "2010-04-02"},
        {"first_name": "Aminata"},
        "members",
    ),
    "notes": (
        Note,
        {"kind": "appel", "note_date": "2026-11-20", "body": "Appel du bailleur", "shared": "y"},
        {"body": "Appel du bailleur social"},
        "journal",
    ),
    "letters": (
        Letter,
        {"letter_date": "2026-11-02", "direction": "sent", "channel": "lrar",
         "subject": "Convocation"},
        {"acknowledged_on": "2026-11-06"},
        "letters",
    ),
    "tasks": (
        Task,
        {"title": "Rappeler la CAF", "due_date": "2026-12-01", "assignee_id": ""},
        {"done": "y"},
        "tasks",
    ),
}  # fmt: skip


@pytest.mark.parametrize("kind", list(SUB_ITEMS))
def test_inline_add_edit_delete_with_htmx(make, login_as, kind):
    model, data, change, tab = SUB_ITEMS[kind]
    household = make.household()
    browser = login_as("assistant")
    base = f"/households/{household.id}/{kind}"
    response = browser.htmx("POST", base, PARTIAL, data=data)
    assert response.status_code == 200, text_of(response)
    assert response.headers.get("HX-Trigger") == "capintra:saved"
    assert "<html" not in text_of(response)
    (item,) = db.session.scalars(select(model).where(model.household_id == household.id))
    version = item.version
    first_text = next(v for k, v in data.items() if k in ("last_name", "body", "subject", "title"))
    assert first_text in text_of(response)
    # The add form comes back blank, ready for the next item.
    assert f'value="{first_text}"' not in text_of(response)
    assert f">{first_text}</textarea>" not in text_of(response)

    edit_form = browser.htmx("GET", f"{base}/{item.id}", PARTIAL)
    assert edit_form.status_code == 200
    assert f'action="{base}/{item.id}"' in text_of(edit_form)
    assert f'name="version" type="hidden" value="{version}"' in text_of(edit_form)

    response = browser.htmx(
        "POST", f"{base}/{item.id}", PARTIAL, data={**data, **change, "version": version}
    )
    assert response.status_code == 200, text_of(response)
    edited = fresh(item)
    assert edited.version == version + 1
    if kind == "tasks":
        assert edited.done is True and edited.done_at is not None
    elif kind == "letters":
        assert edited.acknowledged_on == date(2026, 11, 6)
    else:
        field, value = next(iter(change.items()))
        assert getattr(edited, field) == value and value in text_of(response)

    response = browser.htmx(
        "POST", f"{base}/{item.id}/delete", PARTIAL, data={"version": edited.version}
    )
    assert response.status_code == 200
    deleted = fresh(item)
    assert deleted is not None and deleted.deleted_at is not None  # kept, hidden
    assert f"{base}/{item.id}" not in text_of(browser.get(f"/households/{household.id}/{tab}"))
    assert browser.get(f"{base}/{item.id}").status_code == 404
    actions = [e.action for e in audit_events(entity_type=model.__tablename__, entity_id=item.id)]
    assert actions == ["create", "update", "delete"]


@pytest.mark.parametrize("kind", list(SUB_ITEMS))
def test_inline_forms_work_without_htmx(make, login_as, kind):
    model, data, _change, tab = SUB_ITEMS[kind]
    household = make.household()
    browser = login_as("officer")
    response = browser.post(f"/households/{household.id}/{kind}", data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/households/{household.id}/{tab}")
    assert count(model, model.household_id == household.id) == 1
    page = text_of(browser.get(response.headers["Location"]))
    assert "alert-success" in page  # the flash message


def test_an_item_of_another_file_is_404(make, login_as):
    mine, other = make.household(), make.household()
    member = make.member(other)
    note = make.note(other, confidential=False)
    browser = login_as("officer")
    assert browser.get(f"/households/{mine.id}/members/{member.id}").status_code == 404
    data = {"last_name": "PIRATE", "relation": "autre", "version": member.version}
    assert browser.post(f"/households/{mine.id}/members/{member.id}", data=data).status_code == 404
    delete = browser.post(f"/households/{mine.id}/notes/{note.id}/delete", data={"version": 1})
    assert delete.status_code == 404
    assert fresh(member).last_name == "DUPONT" and fresh(note).deleted_at is None


def test_the_manager_reads_but_cannot_write(make, login_as):
    household = make.household()
    member = make.member(household)
    browser = login_as("manager")
    page = text_of(browser.get(f"/households/{household.id}/members"))
    assert "DUPONT" in page and f"/members/{member.id}" not in page
    assert f'action="/households/{household.id}/members"' not in page  # no add form
    data = {"last_name": "X", "relation": "autre"}
    assert browser.post(f"/households/{household.id}/members", data=data).status_code == 403
    assert browser.post(f"/households/{household.id}/edit", data={}).status_code == 403
    assert browser.get("/households/new").status_code == 403
    assert count(Member, Member.household_id == household.id) == 1


# --- invalid input: 422, nothing written -------------------------------------------------

INVALID_SUB_ITEMS = [
    ("members", {"first_name": "Sans nom", "relation": "enfant"}, "last_name"),
    ("members", {"last_name": "NUL\x00", "relation": "enfant"}, "last_name"),
    ("members", {"last_name": "DIALLO", "relation": "pirate"}, "relation"),
    ("members", {"last_name": "DIALLO", "relation": "enfant", "birth_date": "02/04/2010"},
     "birth_date"),
    ("notes", {"kind": "appel", "note_date": "2026-11-20", "body": ""}, "body"),
    ("notes", {"kind": "appel", "note_date": "2026-11-20", "body": "   "}, "body"),
    ("notes", {"kind": "appel", "note_date": "2026-11-20", "body": "a\x00b"}, "body"),
    ("notes", {"kind": "appel", "note_date": "", "body": "Sans date"}, "note_date"),
    ("letters", {"letter_date": "2026-13-45", "direction": "sent", "channel": "lrar",
                 "subject": "Date impossible"}, "letter_date"),
    ("letters", {"letter_date": "demain", "direction": "sent", "channel": "lrar",
                 "subject": "Date en lettres"}, "letter_date"),
    ("letters", {"letter_date": "2026-11-02", "direction": "sent", "channel": "pigeon",
                 "subject": "Canal inconnu"}, "channel"),
    ("letters", {"letter_date": "2026-11-02", "direction": "sent", "channel": "lrar",
                 "subject": ""}, "subject"),
    ("tasks", {"title": "Sans échéance", "due_date": ""}, "due_date"),
    ("tasks", {"title": "x" * 201, "due_date": "2026-12-01"}, "title"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "data", "field"), INVALID_SUB_ITEMS)
def test_invalid_inline_input_is_422_with_its_message_and_nothing_written(
    make, login_as, kind, data, field
):
    model = SUB_ITEMS[kind][0]
    household = make.household()
    browser = login_as("officer")
    url = f"/households/{household.id}/{kind}"
    for response in (browser.post(url, data=data), browser.htmx("POST", url, PARTIAL, data=data)):
        body = text_of(response)
        assert response.status_code == 422
        assert f'id="{field}-errors"' in body, form_errors(response)
        assert re.search(rf'aria-invalid="true" class="form-\w+ is-invalid" id="{field}"', body)
    assert "<html" not in text_of(browser.htmx("POST", url, PARTIAL, data=data))
    assert count(model, model.household_id == household.id) == 0


def test_an_invalid_inline_edit_is_422_and_changes_nothing(make, login_as):
    household = make.household()
    member = make.member(household, first_name="Awa")
    browser = login_as("assistant")
    url = f"/households/{household.id}/members/{member.id}"
    data = {"last_name": "", "first_name": "Changée", "relation": "enfant", "version": 1}
    response = browser.htmx("POST", url, PARTIAL, data=data)
    assert response.status_code == 422 and 'id="last_name-errors"' in text_of(response)
    assert 'value="Changée"' in text_of(response)  # the input is kept
    assert fresh(member).first_name == "Awa" and fresh(member).version == member.version


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("arrears_cents", "12,345", "Montant invalide"),
        ("arrears_cents", "abc", "Montant invalide"),
        ("arrears_cents", "1 2 3,4,5", "Montant invalide"),
        ("arrears_cents", "NaN", "Montant invalide"),
        ("arrears_cents", "-Infinity", "Montant invalide"),
        ("tax_reference_income_cents", "1e12", "Montant invalide"),
        ("monthly_resources_cents", "12.345", "Montant invalide"),
        ("name", "", None),
        ("name", "KACI\x00", "Caractères de contrôle interdits"),
        ("address", "rue\x00", "Caractères de contrôle interdits"),
        ("email", "pas-un-courriel", None),
        ("years_in_home", "-3", None),
        ("privacy_notice_date", "31/02/2026", None),
        ("operation_id", "999999", None),
    ],
)
def test_an_invalid_household_form_is_422_and_changes_nothing(
    make, login_as, field, value, message
):
    household = make.household(name="KACI Aïcha", monthly_resources_cents=50000)
    browser = login_as("officer")
    response = browser.post(
        f"/households/{household.id}/edit", data=household_form(household, **{field: value})
    )
    body = text_of(response)
    assert response.status_code == 422
    assert f'id="{field}-errors"' in body
    if message:
        assert message in body
    saved = fresh(household)
    assert saved.version == household.version and saved.monthly_resources_cents == 50000
    assert saved.name == "KACI Aïcha"


def test_an_invalid_new_household_is_422_and_nothing_is_created(make, login_as):
    operation = make.operation()
    browser = login_as("assistant")
    before = count(Household)
    response = browser.post(
        "/households/new",
        data={"name": "", "operation_id": operation.id, "arrears_cents": "abc",
              "rehousing_right": "a_instruire"},
    )  # fmt: skip
    assert response.status_code == 422
    assert 'id="name-errors"' in text_of(response)
    assert 'id="arrears_cents-errors"' in text_of(response)
    assert 'value="abc"' in text_of(response)  # what was typed is kept
    assert count(Household) == before


def test_amounts_are_read_the_french_way_and_kept_in_cents(make, login_as):
    household = make.household()
    browser = login_as("officer")
    response = browser.post(
        f"/households/{household.id}/edit",
        data=household_form(
            household,
            monthly_resources_cents="1 234,56",
            tax_reference_income_cents="49,5",
            arrears_cents="1\u202f000,00 €",
        ),
    )
    assert response.status_code == 303, text_of(response)
    saved = fresh(household)
    assert saved.monthly_resources_cents == 123456
    assert saved.tax_reference_income_cents == 4950
    assert saved.arrears_cents == 100000
    assert isinstance(saved.monthly_resources_cents, int)
    form = text_of(browser.get(f"/households/{household.id}/edit"))
    assert 'value="1234,56"' in form and 'value="49,50"' in form


# --- stale saves: 409 with both versions --------------------------------------------------


def test_a_stale_household_edit_is_409_with_both_versions(make, browser_for):
    household = make.household(name="KACI Aïcha", monthly_resources_cents=50000)
    first, second = browser_for("officer"), browser_for("assistant")
    shown_version = household.version
    response = second.post(
        f"/households/{household.id}/edit",
        data=household_form(household, name="KACI-BENALI Aïcha", monthly_resources_cents="520"),
    )
    assert response.status_code == 303
    response = first.post(
        f"/households/{household.id}/edit",
        data=household_form(
            household, name="KACI Aïcha Épouse MARTIN", monthly_resources_cents="1 234,56",
            version=shown_version,
        ),
    )  # fmt: skip
    body = text_of(response)
    assert response.status_code == 409
    assert 'value="KACI Aïcha Épouse MARTIN"' in body  # what she typed
    assert 'value="1 234,56"' in body
    assert "Valeur actuelle" in body
    assert "<strong>KACI-BENALI Aïcha</strong>" in body  # what is saved now
    assert "<strong>520,00\xa0€</strong>" in body
    saved = fresh(household)
    assert saved.name == "KACI-BENALI Aïcha" and saved.monthly_resources_cents == 52000
    # The page carries the current version: saving again on it goes through.
    current = re.search(r'name="version" type="hidden" value="(\d+)"', body).group(1)
    assert int(current) == saved.version
    again = first.post(
        f"/households/{household.id}/edit",
        data=household_form(saved, name="KACI Aïcha Épouse MARTIN", version=current),
    )
    assert again.status_code == 303
    assert fresh(household).name == "KACI Aïcha Épouse MARTIN"


def test_a_save_overtaken_between_its_check_and_its_update_is_409(make, browser_for):
    """PostgreSQL, read committed: two saves of the same version both pass the check; the
    second UPDATE, run once the first has committed, finds no row of that version. Here
    the colleague's commit is slipped in just before the UPDATE, on the same database."""
    household = make.household(name="KACI Aïcha")
    officer = browser_for("officer")
    table = Household.__table__

    def colleague_commits_first(mapper, connection, target):
        connection.execute(
            table.update()
            .where(table.c.id == target.id)
            .values(name="KACI-BENALI Aïcha", version=table.c.version + 1)
        )

    event.listen(Household, "before_update", colleague_commits_first)
    try:
        response = officer.post(
            f"/households/{household.id}/edit",
            data=household_form(household, name="Mon nom", version=household.version),
        )
    finally:
        event.remove(Household, "before_update", colleague_commits_first)
    assert response.status_code == 409
    assert "a été modifié par quelqu" in text_of(response)
    assert fresh(household).name == "KACI Aïcha", "the whole save is rolled back"


@pytest.mark.parametrize("htmx", [True, False])
def test_a_stale_note_edit_is_409_in_the_tab_with_both_versions(make, browser_for, htmx):
    household = make.household()
    officer = make.user("officer")
    note = make.note(household, confidential=True, author=officer, body="Version d'origine")
    mine, theirs = browser_for(officer), browser_for("officer")
    url = f"/households/{household.id}/notes/{note.id}"
    data = {"kind": "entretien", "note_date": "2026-11-20", "version": note.version}
    assert theirs.post(url, data={**data, "body": "Version de ma collègue"}).status_code == 303
    mine_data = {**data, "body": "Ma version"}
    response = (
        mine.htmx("POST", url, PARTIAL, data=mine_data) if htmx else mine.post(url, data=mine_data)
    )
    body = text_of(response)
    assert response.status_code == 409
    assert ("<html" in body) is not htmx
    assert "Ma version</textarea>" in body
    assert "Valeur actuelle" in body and "<strong>Version de ma collègue</strong>" in body
    assert fresh(note).body == "Version de ma collègue"


def test_a_stale_member_edit_or_delete_is_409(make, browser_for):
    household = make.household()
    member = make.member(household, last_name="DIALLO", first_name="Awa")
    first, second = browser_for("assistant"), browser_for("officer")
    url = f"/households/{household.id}/members/{member.id}"
    data = {"last_name": "DIALLO", "relation": "enfant", "version": member.version}
    assert second.post(url, data={**data, "first_name": "Aminata"}).status_code == 303
    response = first.htmx("POST", url, PARTIAL, data={**data, "first_name": "Awa-Marie"})
    assert response.status_code == 409
    body = text_of(response)
    assert 'value="Awa-Marie"' in body and "<strong>Aminata</strong>" in body
    response = first.htmx("POST", f"{url}/delete", PARTIAL, data={"version": member.version})
    assert response.status_code == 409
    assert fresh(member).deleted_at is None and fresh(member).first_name == "Aminata"
    # The tab stays, as it is now, with the reason: not an error box in its place.
    body = text_of(response)
    assert "Composition familiale" in body and "DIALLO Aminata" in body
    assert "a été modifié par quelqu" in body


# --- escaping ------------------------------------------------------------------------------

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_html_typed_in_every_text_field_is_shown_escaped(make, browser_for):
    operation = make.operation()
    officer = browser_for("officer")
    text_fields = [
        "name", "address", "commune", "phone", "preferred_language", "rehousing_bearer",
        "caf_number", "other_benefits", "numero_unique", "partners_note", "health_details",
        "vulnerability_details", "committee_blocking_point", "committee_decision",
    ]  # fmt: skip
    short = ("phone", "preferred_language", "numero_unique", "caf_number")
    data = {f: "<script>x</script>" if f in short else f"{f} {XSS}" for f in text_fields}
    data["name"] = f"NOM {XSS}"
    data.update(operation_id=operation.id, rehousing_right="oui", committee_flag="y",
                officer_id=officer.user.id, numero_unique_renewal="2027-01-31")  # fmt: skip
    response = officer.post("/households/new", data=data)
    assert response.status_code == 303, form_errors(response)
    household = db.session.scalars(select(Household).where(Household.name == data["name"])).one()
    base = f"/households/{household.id}"
    member = {"last_name": f"MEMBRE {XSS}", "first_name": XSS, "relation": "enfant",
              "disability_need": XSS}  # fmt: skip
    posts = [
        (f"{base}/members", member),
        (f"{base}/notes", {"kind": "appel", "note_date": "2026-11-20", "body": XSS}),
        (f"{base}/notes", {"kind": "appel", "note_date": "2026-11-20", "body": XSS, "shared": "y"}),
        (f"{base}/letters", {"letter_date": "2026-01-02", "direction": "sent", "channel": "lrar",
                             "subject": XSS}),
        (f"{base}/tasks", {"title": XSS, "due_date": "2026-11-20",
                           "assignee_id": officer.user.id}),
    ]  # fmt: skip
    for url, item in posts:
        response = officer.post(url, data=item)
        assert response.status_code == 303, (url, text_of(response))
    phase = {"to_phase": "diagnostic", "reason": XSS, "version": fresh(household).version}
    assert officer.post(f"{base}/phase", data=phase).status_code == 303
    (split_member,) = db.session.scalars(select(Member).where(Member.household_id == household.id))
    response = officer.post(
        f"{base}/split", data={"member_id": split_member.id, "version": split_member.version}
    )
    assert response.status_code == 303
    paths = ["/", "/households/", "/households/?q=nom", f"{base}/edit", base]
    paths += [f"{base}/{tab}" for tab in ("members", "letters", "journal", "tasks", "history")]
    paths += [response.headers["Location"]]  # the file born of the split
    shown = 0
    for who in (officer, browser_for("assistant"), browser_for("manager")):
        for path in paths:
            page = who.get(path)
            html = text_of(page)
            assert page.status_code in (200, 403), path
            assert "<script>alert" not in html and "<script>x" not in html, path
            assert "<img src=x" not in html, path
            shown += html.count("&lt;script&gt;")
    assert shown > 40
    escaped = str(escape(XSS))
    where_shown = {
        base: ["NOM " + escaped, "health_details " + escaped, "partners_note " + escaped],
        f"{base}/members": [str(escape(f"MEMBRE {XSS}".upper()))],  # NOM shown in capitals
        f"{base}/journal": [escaped],
        f"{base}/letters": [escaped],
        f"{base}/tasks": [escaped],
        f"{base}/history": [escaped],  # the phase change's reason
        "/households/?q=nom": ["NOM " + escaped, "address " + escaped],
        f"{base}/edit": [f'value="NOM {escaped}"'],
    }
    for path, needles in where_shown.items():
        html = text_of(officer.get(path))
        for needle in needles:
            assert needle in html, (path, needle)


# --- French formats ------------------------------------------------------------------------


def test_amounts_and_dates_are_shown_the_french_way(make, login_as):
    household = make.household(
        monthly_resources_cents=123456, privacy_notice_date=date(2026, 11, 25)
    )
    buildings.period(household_obj=household, rent_cents=65000, charges_cents=8050, apl_cents=21000)
    make.member(household, birth_date=date(1984, 3, 7), relation=Relation.CHEF)
    make.letter(household, letter_date=date(2026, 1, 5))
    browser = login_as("assistant")  # managers see no individual finances
    summary = text_of(browser.get(f"/households/{household.id}"))
    assert "1\u202f234,56\xa0€" in summary  # resources, Babel's narrow no-break space
    assert "520,50\xa0€" in summary  # remaining charge 650 + 80,50 − 210
    assert "42,2\u202f%" in summary  # 520,50 / 1 234,56, a narrow no-break space before %
    assert "25/11/2026" in summary
    assert "07/03/1984" in text_of(browser.get(f"/households/{household.id}/members"))
    assert "05/01/2026" in text_of(browser.get(f"/households/{household.id}/letters"))


def test_an_assistant_gives_a_task_to_herself_and_sees_it_on_her_dashboard(make, login_as):
    household = make.household()
    manager = make.user("manager", full_name="Manon Responsable")
    assistant = login_as("assistant", full_name="Alice Assistante")
    tab = text_of(assistant.get(f"/households/{household.id}/tasks"))
    assert f'<option selected value="{assistant.user.id}">Alice Assistante</option>' in tab
    assert "Manon Responsable" not in tab  # managers do not take tasks
    due = services.today().isoformat()
    data = {"title": "Relancer le syndic", "due_date": due, "assignee_id": assistant.user.id}
    assert assistant.post(f"/households/{household.id}/tasks", data=data).status_code == 303
    (task,) = db.session.scalars(select(Task).where(Task.household_id == household.id))
    assert task.assignee_id == assistant.user.id
    assert "Relancer le syndic" in text_of(assistant.get("/"))
    refused = dict(data, assignee_id=manager.id)
    assert assistant.post(f"/households/{household.id}/tasks", data=refused).status_code == 422


def test_a_done_task_keeps_the_date_it_was_done(make, login_as):
    household = make.household()
    task = make.task(household)
    browser = login_as("officer")
    url = f"/households/{household.id}/tasks/{task.id}"
    data = {"title": task.title, "due_date": "2026-11-30", "done": "y", "assignee_id": ""}
    assert browser.post(url, data=dict(data, version=1)).status_code == 303
    done_at = fresh(task).done_at
    assert done_at is not None
    renamed = dict(data, title="Rappeler le ménage (fait)", version=2)
    assert browser.post(url, data=renamed).status_code == 303
    assert fresh(task).done_at == done_at
    reopened = {k: v for k, v in renamed.items() if k != "done"} | {"version": 3}
    assert browser.post(url, data=reopened).status_code == 303
    assert fresh(task).done is False and fresh(task).done_at is None


def test_members_are_listed_head_first_then_partner_children_and_those_who_left(make, login_as):
    household = make.household()
    make.member(household, last_name="AÏEULE", first_name="Rose", relation=Relation.ASCENDANT)
    make.member(household, last_name="CADET", first_name="Léo", relation=Relation.ENFANT,
                birth_date=date(2015, 1, 1))  # fmt: skip
    make.member(household, last_name="AÎNÉE", first_name="Zoé", relation=Relation.ENFANT,
                birth_date=date(2005, 1, 1), left_at=date(2026, 1, 1))  # fmt: skip
    make.member(household, last_name="CONJOINT", first_name="Ali", relation=Relation.CONJOINT)
    make.member(household, last_name="CHEF", first_name="Nora", relation=Relation.CHEF)
    make.member(household, last_name="AUTRE", first_name="Max", relation=Relation.AUTRE)
    page = text_of(login_as("manager").get(f"/households/{household.id}/members"))
    names = re.findall(r"<td>([A-ZÀ-Ý]+) \w+", page)
    assert names == ["CHEF", "CONJOINT", "CADET", "AÏEULE", "AUTRE", "AÎNÉE"]


def test_an_inline_save_says_so_in_the_page_s_live_region(login_as, make):
    """With htmx the tab is swapped in place; the message rides along out of band into
    the page's message region (aria-live), as role="status", like a whole page's."""
    household = make.household()
    browser = login_as("assistant")
    response = browser.htmx(
        "POST", f"/households/{household.id}/letters", "tab-content",
        {"letter_date": "2026-11-02", "direction": "sent", "channel": "simple",
         "subject": "Convocation"},
    )  # fmt: skip
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    body = response.get_data(as_text=True)
    oob = body.split('<div id="flashes" aria-live="polite" hx-swap-oob="innerHTML">', 1)
    assert len(oob) == 2, "no out-of-band message region"
    assert '<div class="alert alert-success" role="status">Courrier enregistré.</div>' in oob[1]
    # Shown once: the next page has no leftover message.
    page = browser.get(f"/households/{household.id}/letters").get_data(as_text=True)
    assert "Courrier enregistré." not in page
