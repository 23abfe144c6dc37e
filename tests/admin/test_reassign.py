from sqlalchemy import select

from capintra.audit.models import AuditEvent
from capintra.extensions import db
from capintra.households.models import Household, Task


def test_admin_reassigns_an_officers_files_and_open_tasks(login_as, make):
    leaving, staying = make.user("officer"), make.user("officer")
    files = [make.household(officer_id=leaving.id) for _ in range(3)]
    other = make.household(officer_id=staying.id)
    open_task = make.task(files[0], assignee_id=leaving.id)
    done_task = make.task(files[1], assignee_id=leaving.id, done=True)
    admin = login_as("admin")

    page = admin.get(f"/admin/users/{leaving.id}/reassign")
    assert page.status_code == 200
    assert staying.display_name in page.get_data(as_text=True)

    response = admin.post(f"/admin/users/{leaving.id}/reassign", data={"to_officer_id": staying.id})
    assert response.status_code == 303
    db.session.expire_all()
    assert {db.session.get(Household, h.id).officer_id for h in files} == {staying.id}
    assert db.session.get(Household, other.id).officer_id == staying.id
    assert db.session.get(Task, open_task.id).assignee_id == staying.id
    assert db.session.get(Task, done_task.id).assignee_id == leaving.id
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity_type == "household", AuditEvent.action == "update"
        )
    ).all()
    assert {e.entity_id for e in events if "officer_id" in (e.changes or {})} >= {
        h.id for h in files
    }


def test_reassigning_to_a_non_officer_or_to_oneself_is_refused(login_as, make):
    officer, assistant = make.user("officer"), make.user("assistant")
    h = make.household(officer_id=officer.id)
    admin = login_as("admin")
    to_self = admin.post(f"/admin/users/{officer.id}/reassign", data={"to_officer_id": officer.id})
    assert to_self.status_code == 422  # not among the choices
    to_assistant = admin.post(
        f"/admin/users/{officer.id}/reassign", data={"to_officer_id": assistant.id}
    )
    assert to_assistant.status_code == 422
    db.session.expire_all()
    assert db.session.get(Household, h.id).officer_id == officer.id


def test_only_admins_reassign(login_as, make):
    officer = make.user("officer")
    manager = login_as("manager")
    assert manager.get(f"/admin/users/{officer.id}/reassign").status_code == 403
