"""The follow-up committee: the flagged files by reference only (no name, no address,
nothing confidential), formal offers and the last offer's date, printable; the decision
recorded per file (422 empty, 409 stale, 200 htmx row, 303 without JavaScript)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from capintra.audit.models import AuditEvent
from capintra.extensions import db
from capintra.households.models import Household, Phase
from capintra.relocation.models import Channel, Offer
from tests import factories
from tests.households.helpers import count_statements, text_of


def _offer(household, **kw) -> Offer:
    values = {
        "household_id": household.id,
        "formal": True,
        "sent_on": date(2026, 9, 1),
        "channel": Channel.RECOMMANDE,
        "address": "12 rue Michelet",
        "commune": "Firminy",
    }
    values.update(kw)
    offer = Offer(**values)
    db.session.add(offer)
    db.session.commit()
    return offer


def _flagged(**kw) -> Household:
    return factories.household(
        name=kw.pop("name", "ZANZIBAR Hélène"),
        address=kw.pop("address", "7 impasse des Secrets"),
        phase=kw.pop("phase", Phase.RECHERCHE),
        committee_flag=True,
        committee_blocking_point=kw.pop("blocking_point", "Refus de toute proposition hors centre"),
        health_details=kw.pop("health_details", "Diabète sévère, suivi hebdomadaire"),
        **kw,
    )


def test_the_list_names_files_by_reference_only(app_ctx, browser_for):
    household = _flagged()
    _offer(household, sent_on=date(2026, 6, 3))
    _offer(household, sent_on=date(2026, 8, 20))
    _offer(household, formal=False, sent_on=date(2026, 10, 2))  # not formal: not counted
    deleted = _offer(household, sent_on=date(2026, 11, 5))
    deleted.soft_delete()
    db.session.commit()
    other = factories.household(name="NONFLAGUÉ Paul")

    for role in ("officer", "manager"):
        page = browser_for(role).get("/committee/")
        assert page.status_code == 200
        html = text_of(page)
        assert household.reference in html
        assert "Refus de toute proposition hors centre" in html
        assert "ZANZIBAR" not in html and "Hélène" not in html
        assert "impasse des Secrets" not in html
        assert "Diabète" not in html
        assert other.reference not in html
        row = html.split(f'id="committee-row-{household.id}"')[1].split("</tr>")[0]
        assert ">2<" in row  # formal offers: the two live formal ones
        assert "02/10/2026" in row  # the last live offer, formal or not
        assert "05/11/2026" not in row  # a deleted offer does not count
        assert "Recherche" in row or "recherche" in row


def test_print_version_has_references_and_no_names(app_ctx, browser_for):
    household = _flagged()
    page = browser_for("manager").get("/committee/print")
    assert page.status_code == 200
    html = text_of(page)
    assert household.reference in html and "ZANZIBAR" not in html
    assert "impasse des Secrets" not in html and "Diabète" not in html
    assert "css/print-committee.css" in html
    assert "<script" not in html and "style=" not in html
    assert 'href="/committee/print"' in text_of(browser_for("manager").get("/committee/"))


def test_only_officers_see_the_decision_form(app_ctx, browser_for):
    household = _flagged(committee_decision="Relancer le bailleur")
    manager = text_of(browser_for("manager").get("/committee/"))
    assert "Relancer le bailleur" in manager
    assert f"/committee/{household.id}/decision" not in manager
    officer = text_of(browser_for("officer").get("/committee/"))
    assert f"/committee/{household.id}/decision" in officer


def _post(browser, household, htmx=True, **data):
    path = f"/committee/{household.id}/decision"
    if htmx:
        return browser.htmx("POST", path, target=f"committee-row-{household.id}", data=data)
    return browser.post(path, data)


def test_an_empty_decision_is_refused_422(app_ctx, browser_for):
    household = _flagged()
    officer = browser_for("officer")
    response = _post(officer, household, committee_decision="   ", version=household.version)
    assert response.status_code == 422
    assert "Écrivez la décision du comité." in text_of(response)
    assert "<html" not in text_of(response)
    db.session.refresh(household)
    assert household.committee_decision == ""
    plain = _post(officer, household, htmx=False, committee_decision="", version=household.version)
    assert plain.status_code == 422 and "<html" in text_of(plain)


def test_a_stale_decision_is_refused_409_with_the_current_one(app_ctx, browser_for):
    household = _flagged()
    shown = household.version
    first, second = browser_for("officer"), browser_for("officer")
    ok = _post(first, household, committee_decision="Proposer un T3 à Firminy", version=shown)
    assert ok.status_code == 200, text_of(ok)
    stale = _post(second, household, committee_decision="Saisir le préfet", version=shown)
    assert stale.status_code == 409
    html = text_of(stale)
    assert "Saisir le préfet" in html  # the user's input is kept
    assert "Proposer un T3 à Firminy" in html  # beside the current decision
    db.session.refresh(household)
    assert household.committee_decision == "Proposer un T3 à Firminy"


def test_a_decision_redraws_the_row_and_is_audited(app_ctx, browser_for):
    household = _flagged()
    officer = browser_for("officer")
    response = _post(officer, household, committee_decision="Accompagnement renforcé",
                     version=household.version)  # fmt: skip
    assert response.status_code == 200
    html = text_of(response)
    assert "<html" not in html and html.lstrip().startswith("<tr")
    assert "Accompagnement renforcé" in html
    db.session.refresh(household)
    assert household.committee_decision == "Accompagnement renforcé"
    assert household.committee_flag is True
    event = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity_type == "household",
            AuditEvent.entity_id == household.id,
            AuditEvent.action == "update",
        )
    ).all()[-1]
    assert "committee_decision" in event.changes
    assert "Accompagnement" not in str(event.changes)  # a personal field: its name only


def test_unflagging_takes_the_file_off_the_list(app_ctx, browser_for):
    household = _flagged()
    officer = browser_for("officer")
    response = _post(officer, household, htmx=False, committee_decision="Dossier résolu",
                     unflag="y", version=household.version)  # fmt: skip
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/committee/")
    db.session.refresh(household)
    assert household.committee_flag is False
    assert household.committee_decision == "Dossier résolu"
    assert f'id="committee-row-{household.id}"' not in text_of(officer.get("/committee/"))
    # a decision posted afterwards on a file no longer listed: 409, nothing written
    again = _post(officer, household, committee_decision="Autre", version=household.version)
    assert again.status_code == 409
    assert "n’est plus inscrit au comité" in text_of(again)


def test_the_list_costs_the_same_queries_as_files_grow(app_ctx, browser_for):
    officer = browser_for("officer")
    _offer(_flagged())
    officer.get("/committee/")
    with count_statements() as few:
        assert officer.get("/committee/").status_code == 200
    for _ in range(6):
        household = _flagged()
        _offer(household)
        _offer(household, formal=False)
    with count_statements() as many:
        assert officer.get("/committee/").status_code == 200
    assert len(many) == len(few)


def test_the_list_comes_a_page_at_a_time_in_its_order(app_ctx, browser_for, monkeypatch):
    """Keyset pages (`after=`): every flagged file once, in the list's order, the count
    of all of them on each page, and a page costs the same statements as the first."""
    import re

    from capintra.committee import queries

    monkeypatch.setattr(queries, "COMMITTEE_PAGE", 3)
    references = sorted((h.ref_year, h.ref_number, h.reference) for h in
                        [_flagged() for _ in range(7)])  # fmt: skip
    officer = browser_for("officer")
    seen, url, statements, pages = [], "/committee/", set(), 0
    officer.get(url)
    while url:
        pages += 1
        with count_statements() as executed:
            html = officer.get(url).get_data(as_text=True)
        statements.add(len(executed))
        assert "7 dossiers" in html
        seen += [r for _y, _n, r in references if r in html]
        following = re.search(r'rel="next" href="([^"]+)"', html)
        url = following.group(1).replace("&amp;", "&") if following else None
    assert pages == 3
    assert seen == [r for _y, _n, r in references]
    assert len(statements) <= 2, statements  # the first page has no cursor to read
