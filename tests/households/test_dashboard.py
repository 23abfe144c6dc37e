from datetime import date, timedelta

from capintra.households.models import LetterChannel


def test_each_role_sees_its_dashboard(login_as, make):
    officer = make.user("officer")
    h = make.household(officer_id=officer.id, committee_flag=True)
    make.task(h, title="Relancer la CAF", assignee_id=officer.id, due_date=date.today())
    make.letter(
        h,
        subject="Convocation LRAR",
        channel=LetterChannel.LRAR,
        letter_date=date.today() - timedelta(days=20),
    )
    browser = login_as(officer)
    page = browser.get("/").get_data(as_text=True)
    assert "Relancer la CAF" in page
    assert h.reference in page
    browser.post("/logout")
    assistant_page = login_as("assistant").get("/").get_data(as_text=True)
    assert "Convocation LRAR" in assistant_page


def test_manager_dashboard_shows_progress(login_as, make):
    op = make.operation(name="Îlot Test")
    make.household(operation_id=op.id)
    page = login_as("manager").get("/").get_data(as_text=True)
    assert "Îlot Test" in page
    assert "Avancement du relogement" in page


def test_progress_counts_files_rehoused_or_closed(login_as, make):
    from capintra.households.models import Phase

    op = make.operation(name="Opération comptée")
    for phase in (Phase.A_RENCONTRER, Phase.RECHERCHE, Phase.RELOGE, Phase.SUIVI, Phase.CLOS):
        make.household(operation_id=op.id, phase=phase)
    page = login_as("manager").get("/").get_data(as_text=True)
    row = page[page.index("Opération comptée") :].split("</tr>")[0]
    assert 'value="3"' in row and "3/5" in row
