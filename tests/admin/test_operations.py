"""Operations: list, create, edit, with the version check."""

from __future__ import annotations

from sqlalchemy import select

from capintra.admin.models import Operation
from capintra.extensions import db


def operation_form(**changes) -> dict:
    return {
        "name": "Îlot Gambetta",
        "communes": ["Saint-Chamond"],
        "procedures": ["ilot", "rhi_thirori"],
        "concession_ref": "CPA-2020-02",
        "funders": "ANRU",
        "priority_area": "y",
        "start_date": "2020-01-01",
        "end_date": "2032-12-31",
        **changes,
    }


def test_create_and_list(login_as):
    admin = login_as("admin")
    response = admin.post("/admin/operations/new", operation_form())
    assert response.status_code == 303
    op = db.session.scalar(select(Operation).where(Operation.name == "Îlot Gambetta"))
    assert op.communes == ["Saint-Chamond"] and op.priority_area
    page = admin.get("/admin/operations/").get_data(as_text=True)
    assert "Îlot Gambetta" in page and "01/01/2020" in page


def test_create_refusals(login_as, make):
    admin = login_as("admin")
    make.operation(name="Îlot Gambetta")
    for changes in (
        {"name": "Îlot Gambetta"},  # taken
        {"name": ""},
        {"communes": ["Paris"]},
        {"procedures": ["nope"]},
        {"end_date": "2019-12-31"},
        {"start_date": "31/01/2020"},
    ):
        response = admin.post(
            "/admin/operations/new", operation_form(**{"name": "Autre", **changes})
        )
        assert response.status_code == 422, changes


def test_edit_and_stale_edit(login_as, make):
    admin = login_as("admin")
    op = make.operation(name="ORI Rive-de-Gier", funders="Anah")
    shown = op.version
    response = admin.post(
        f"/admin/operations/{op.id}/edit",
        operation_form(name="ORI Rive-de-Gier", funders="Anah, Région", version=shown),
    )
    assert response.status_code == 303
    stale = admin.post(
        f"/admin/operations/{op.id}/edit",
        operation_form(name="ORI Rive-de-Gier", funders="Ce que je tape", version=shown),
    )
    assert stale.status_code == 409
    body = stale.get_data(as_text=True)
    assert 'value="Ce que je tape"' in body and "Anah, Région" in body
    db.session.expire_all()
    assert db.session.get(Operation, op.id).funders == "Anah, Région"
