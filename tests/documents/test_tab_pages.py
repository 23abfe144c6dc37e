"""A record's documents tab a page at a time, by keyset (issue 13 item 4): the household
file's (confidential documents left out in SQL for who may not see them, before the page
is cut) and the building's."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from capintra.documents.models import Document, DocumentKind
from capintra.extensions import db
from capintra.households.models import Phase
from capintra.keyset import TAB_PAGE
from tests.buildings import make as buildings
from tests.paging import assert_flat_cost, pages_urls, statements_of, walk

N = 120


def _documents(owner, n: int, **kw) -> dict[int, bool]:
    """n documents, three uploaded at the same instant, every other one confidential
    (unless `confidential=False`): {id: confidential}."""
    start = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    shared_only = kw.pop("confidential", True) is False
    documents = [
        Document(
            owner_type=owner.__tablename__,
            owner_id=owner.id,
            kind=DocumentKind.AUTRE,
            title=f"Pièce {i}",
            confidential=i % 2 == 0 and not shared_only,
            original_name=f"piece-{i}.pdf",
            content_type="application/pdf",
            size=1000,
            checksum="0" * 64,
            storage_name=f"{owner.__tablename__}-{owner.id}-{i}",
            created_at=start + timedelta(hours=i // 3),
            **kw,
        )
        for i in range(n)
    ]
    db.session.add_all(documents)
    db.session.commit()
    return {d.id: d.confidential for d in documents}


def _ids(body: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr id="document-(\d+)"', body)]


def _newest_first(ids) -> list[int]:
    rows = db.session.query(Document.created_at, Document.id).filter(Document.id.in_(ids)).all()
    return [i for _at, i in sorted(rows, reverse=True)]


@pytest.mark.parametrize(
    ("role", "sees_confidential"), [("officer", True), ("assistant", False), ("manager", False)]
)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_the_file_documents_pages(make, browser_for, role, sees_confidential, htmx):
    household = make.household()
    documents = _documents(household, 2 * N)
    pages = walk(browser_for(role), f"/households/{household.id}/documents", _ids, htmx=htmx)
    expected = [i for i, hidden in documents.items() if sees_confidential or not hidden]
    sizes = [TAB_PAGE] * (len(expected) // TAB_PAGE) + [len(expected) % TAB_PAGE]
    assert [len(p) for p in pages] == sizes
    assert [i for page in pages for i in page] == _newest_first(expected)


def test_every_supporting_document_to_delete_is_listed_whatever_the_page(make, browser_for):
    household = make.household(phase=Phase.RECHERCHE)
    _documents(household, N, delete_after_use=True)
    body = (
        browser_for("officer").get(f"/households/{household.id}/documents").get_data(as_text=True)
    )
    box = body.split('id="documents-to-delete"', 1)[1].split("</ul>", 1)[0]
    assert box.count("<li>") == N
    assert len(_ids(body)) == TAB_PAGE


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_the_building_documents_pages(make, browser_for, htmx):
    building = buildings.building()
    documents = _documents(building, N, confidential=False)
    pages = walk(browser_for("assistant"), f"/buildings/{building.id}/documents", _ids, htmx=htmx)
    assert [len(p) for p in pages] == [TAB_PAGE, TAB_PAGE, N - 2 * TAB_PAGE]
    assert [i for page in pages for i in page] == _newest_first(documents)


@pytest.mark.parametrize("role", ["officer", "manager"])
def test_a_documents_page_costs_the_same_for_10_or_240(make, browser_for, role):
    browser = browser_for(role)
    small, big = make.household(), make.household()
    _documents(small, 10)
    _documents(big, 2 * N)
    assert_flat_cost(
        browser, f"/households/{small.id}/documents", f"/households/{big.id}/documents"
    )


def _incident_ids(body: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr id="incident-(\d+)">', body)]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_the_building_incidents_pages(make, browser_for, htmx):
    """(here beside the building's documents: the same tab mechanism on the same page)"""
    from capintra.buildings.models import BuildingIncident, IncidentKind

    building = buildings.building()
    incidents = [
        BuildingIncident(
            building_id=building.id,
            incident_date=datetime(2026, 1, 1).date() + timedelta(days=i // 3),
            kind=IncidentKind.VISITE,
            description=f"Visite {i}",
        )
        for i in range(N)
    ]
    db.session.add_all(incidents)
    db.session.commit()
    deleted = incidents[7]
    deleted.soft_delete()
    db.session.commit()
    url = f"/buildings/{building.id}/incidents"
    pages = walk(browser_for("assistant"), url, _incident_ids, htmx=htmx)
    assert [len(p) for p in pages] == [TAB_PAGE, TAB_PAGE, N - 1 - 2 * TAB_PAGE]
    expected = sorted(
        ((i.incident_date, i.id) for i in incidents if i is not deleted), reverse=True
    )
    assert [i for page in pages for i in page] == [i for _d, i in expected]
    # an incident edited beyond the first page comes with its form
    oldest = expected[-1][1]
    browser = browser_for("assistant")
    body = browser.get(f"/buildings/{building.id}/incidents/{oldest}").get_data(as_text=True)
    assert f'action="/buildings/{building.id}/incidents/{oldest}"' in body
    assert len({statements_of(browser, u) for u in pages_urls(browser, url)}) == 1
