"""The dashboard's list of supporting documents to delete applies the confidentiality
rule: a confidential document is not there for assistants and managers, not even as a
link to its file."""

from __future__ import annotations

import pytest

from capintra.documents.models import DocumentKind
from capintra.households.models import Phase
from tests.documents.samples import stored_document
from tests.households.helpers import text_of


@pytest.fixture
def supporting_documents(make):
    """Two files past diagnostic, each with a 'delete after use' document: one
    confidential, one shared."""
    officer = make.user("officer")
    secret = make.household(phase=Phase.RECHERCHE, officer_id=officer.id)
    shared = make.household(phase=Phase.RECHERCHE, officer_id=officer.id)
    for household, confidential in ((secret, True), (shared, False)):
        stored_document(
            household,
            kind=DocumentKind.IDENTITE if confidential else DocumentKind.RESSOURCES,
            confidential=confidential,
            delete_after_use=True,
            uploader=officer,
        )
    return officer, secret, shared


def test_the_officer_sees_both_documents_to_delete(supporting_documents, browser_for):
    officer, secret, shared = supporting_documents
    page = text_of(browser_for(officer).get("/"))
    assert f'href="/households/{secret.id}/documents"' in page
    assert f'href="/households/{shared.id}/documents"' in page
    assert DocumentKind.IDENTITE.label in page


def test_the_assistant_sees_only_the_shared_one(supporting_documents, browser_for):
    _officer, secret, shared = supporting_documents
    page = text_of(browser_for("assistant").get("/"))
    assert f'href="/households/{shared.id}/documents"' in page, "the list is there"
    assert f"/households/{secret.id}/" not in page
    assert DocumentKind.IDENTITE.label not in page


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_the_manager_sees_neither_confidential_document_nor_its_file(
    supporting_documents, browser_for, role
):
    _officer, secret, _shared = supporting_documents
    page = text_of(browser_for(role).get("/"))
    assert f"/households/{secret.id}/" not in page
    assert DocumentKind.IDENTITE.label not in page
