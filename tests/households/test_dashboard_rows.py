"""Dashboards that name the household: every row says which file (name, reference kept on
one line, its alert) and links to the tab it is about; lists are sorted by urgency, show
their first 10 rows and say how many more; the manager's figures link to what they count;
the files without an officer are on every officer's dashboard."""

from __future__ import annotations

import re
from datetime import timedelta

from capintra import clock
from capintra.households.models import LetterChannel, Phase
from tests.households.helpers import statements_for, text_of

#: The application's day (Europe/Paris): a UTC date is yesterday's until 1 or 2 a.m.
TODAY = clock.today()


def test_a_task_row_names_the_file_with_its_alert_and_links_to_the_tasks_tab(make, browser_for):
    officer = make.user("officer")
    h = make.household(officer_id=officer.id, name="DURAND Hélène", alert_codes=["interpreter"])
    make.task(h, title="Relancer la CAF", assignee_id=officer.id, due_date=TODAY)
    page = text_of(browser_for(officer).get("/"))
    assert "DURAND Hélène" in page
    assert f'<span class="text-nowrap">{h.reference}</span>' in page
    assert "Alerte : Interprète nécessaire" in page
    assert f'href="/households/{h.id}/tasks"' in page


def test_letter_and_document_rows_link_to_their_tabs(make, browser_for):
    h = make.household(name="MARTIN Paul")
    make.letter(h, subject="Convocation", channel=LetterChannel.LRAR,
                letter_date=TODAY - timedelta(days=20))  # fmt: skip
    page = text_of(browser_for("assistant").get("/"))
    box = page[page.index('id="dash-letters-box"') :]
    assert "MARTIN Paul" in box and h.reference in box
    assert f'href="/households/{h.id}/letters"' in box
    assert "AR reçu le" in box


def test_tasks_are_grouped_by_urgency(make, browser_for):
    officer = make.user("officer")
    h = make.household(officer_id=officer.id)
    for title, due in (("Semaine", 3), ("Retard", -2), ("Jour", 0)):
        make.task(h, title=title, assignee_id=officer.id, due_date=TODAY + timedelta(days=due))
    page = text_of(browser_for(officer).get("/"))
    order = [page.index(s) for s in ("En retard", "Retard<", "Aujourd’hui", "Jour<",
                                       "Cette semaine", "Semaine<")]  # fmt: skip
    assert order == sorted(order)


def test_long_lists_show_ten_and_say_how_many_more(make, browser_for):
    officer = make.user("officer")
    h = make.household(officer_id=officer.id)
    for i in range(14):
        make.task(h, title=f"Tâche n{i:02d}", assignee_id=officer.id, due_date=TODAY)
    browser = browser_for(officer)
    page = text_of(browser.get("/"))
    box = page[page.index('id="dash-tasks-box"') :]
    assert len(set(re.findall(r"Tâche n\d\d", box))) == 10
    assert "et 4 autres" in box
    assert 'href="/?all=tasks#dash-tasks-box"' in box
    everything = text_of(browser.get("/?all=tasks"))
    assert len(set(re.findall(r"Tâche n\d\d", everything))) == 14
    assert "autres" not in everything[everything.index('id="dash-tasks-box"') :].split("</div>")[0]


def test_one_more_is_singular(make, browser_for):
    officer = make.user("officer")
    for _ in range(11):
        make.household(officer_id=officer.id, committee_flag=True)
    page = text_of(browser_for(officer).get("/"))
    assert "et 1 autre<" in page
    assert f'href="/households/?committee=1&amp;officer={officer.id}"' in page


def test_files_without_an_officer_are_on_every_officers_dashboard(make, browser_for):
    orphan = make.household(name="ORPHELIN Dossier", officer_id=None)
    owned = make.household(name="SUIVI Dossier", officer_id=make.user("officer").id)
    for officer in (make.user("officer"), make.user("officer")):
        page = text_of(browser_for(officer).get("/"))
        section = page[page.index("Dossiers sans référent") :]
        assert "ORPHELIN Dossier" in section and "SUIVI Dossier" not in section
    listed = text_of(browser_for("assistant").get("/households/?officer=none"))
    assert orphan.reference in listed and owned.reference not in listed
    assert '<option value="none" selected>Non attribué</option>' in listed


def test_the_managers_figures_link_to_the_list_they_count(make, browser_for):
    op = make.operation(name="Îlot Lien")
    for _ in range(2):
        make.household(operation_id=op.id, phase=Phase.DIAGNOSTIC)
    page = text_of(browser_for("manager").get("/"))
    link = f'href="/households/?operation={op.id}&amp;phase=diagnostic">2'
    assert link in page
    listed = text_of(browser_for("manager").get(f"/households/?operation={op.id}&phase=diagnostic"))
    assert "2 dossiers" in listed


def test_the_dashboard_costs_the_same_for_2_and_25_rows(make, browser_for):
    officer = make.user("officer")
    browser = browser_for(officer)

    def fill(n):
        for i in range(n):
            h = make.household(officer_id=officer.id if i % 2 else None, committee_flag=True,
                               alert_codes=["two_staff"])  # fmt: skip
            make.task(h, title=f"T{i}", assignee_id=officer.id, due_date=TODAY)
            make.letter(h, letter_date=TODAY - timedelta(days=30))

    fill(2)
    few = statements_for(browser, "/")
    fill(23)
    many = statements_for(browser, "/")
    assert len(many) == len(few), many
