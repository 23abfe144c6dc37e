"""The household list: active search (case- and accent-insensitive, on both databases),
filters, sort, keyset pagination, and the htmx fragment."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text, update

from capintra.extensions import db
from capintra.households.models import Household, Phase, Relation
from capintra.households.search import TERM_ALPHABET, normalise, prefix_upper_bound
from tests.households.helpers import text_of

REFERENCE = re.compile(r'<td class="reference">(MEN-\d{4}-\d{4,})</td>')
NEXT = re.compile(r'<a [^>]*rel="next" href="([^"]+)"')


def references(response) -> list[str]:
    assert response.status_code == 200
    return REFERENCE.findall(text_of(response))


def found(browser, q: str, **filters) -> set[str]:
    return set(references(browser.get("/households/", query_string={"q": q, **filters})))


@pytest.fixture
def households(make):
    op_a, op_b = make.operation(name="OPAH-RU Saint-Étienne Centre"), make.operation()
    officer = make.user("officer")
    h = {
        "helene": make.household(
            operation_id=op_a.id,
            name="ÉLOI Hélène",
            address="12 rue Désirée Gambetta",
            officer_id=officer.id,
        ),
        "celik": make.household(
            operation_id=op_b.id,
            name="ÇELIK Ayşe",
            address="3 place Jean Jaurès",
            phase=Phase.DIAGNOSTIC,
            committee_flag=True,
        ),
        "martin": make.household(
            operation_id=op_a.id, name="MARTIN Paul", address="7 rue Gambetta"
        ),
        "martinez": make.household(
            operation_id=op_b.id, name="MARTINEZ Œdipe", address="1 cours Fauriel"
        ),
    }
    make.member(h["martin"], last_name="MARTIN", first_name="Jérôme", relation=Relation.ENFANT)
    return h


def test_normalise_removes_case_accents_ligatures_and_punctuation():
    assert normalise("Hélène ÇELIK") == "helene celik"
    assert normalise("Œdipe l'Æther") == "oedipe l aether"
    assert normalise("MEN-2026-0042") == "men 2026 0042"
    assert normalise("  ") == ""


SEARCHES = [
    ("helene", {"helene"}),
    ("HÉLÈNE", {"helene"}),
    ("Hélène", {"helene"}),
    ("CELIK", {"celik"}),
    ("çelik", {"celik"}),
    ("ayse", {"celik"}),
    ("jerome", {"martin"}),  # a member's first name
    ("oedipe", {"martinez"}),
    ("désirée", {"helene"}),  # the address
    ("jaures", {"celik"}),
    ("hel", {"helene"}),  # a prefix
    ("mart", {"martin", "martinez"}),
    ("martin", {"martin", "martinez"}),
    ("martin jer", {"martin"}),  # several words narrow
    ("gambetta", {"helene", "martin"}),
    ("gambetta eloi", {"helene"}),
    ("rue martinez", {"martinez"}),  # "rue" is a stop word: ignored
    ("zzz", set()),
]


def test_search_is_case_and_accent_insensitive(login_as, households):
    browser = login_as("assistant")
    for q, expected in SEARCHES:
        assert found(browser, q) == {households[key].reference for key in expected}, q


def test_search_by_reference_whole_or_in_part(login_as, households):
    browser = login_as("manager")
    target = households["celik"]
    assert found(browser, target.reference) == {target.reference}
    assert found(browser, target.reference.lower()) == {target.reference}
    number = target.reference.rsplit("-", 1)[1]
    assert target.reference in found(browser, number)
    assert target.reference in found(browser, number[:-1])


def test_words_ending_in_z_or_9_are_found(make, login_as):
    """Their prefix range needs the next character: it must stay alphanumeric."""
    sanchez = make.household(name="SÁNCHEZ Luz")
    sanchez.reference = "MEN-2031-0009"
    db.session.commit()
    browser = login_as("manager")
    for q in ("sanchez", "luz", "SANCHEZ LUZ", "0009", "men-2031-0009", "2031-0009"):
        assert found(browser, q) == {"MEN-2031-0009"}, q


@pytest.mark.parametrize(
    ("prefix", "bound"),
    [("hel", "hem"), ("sanchez", "sanchf"), ("luz", "lv"), ("0009", "000a"), ("ab9", "aba"),
     ("a", "b"), ("9", "a"), ("az", "b"), ("zz", None)],
)  # fmt: skip
def test_the_prefix_bound_stays_alphanumeric(prefix, bound):
    assert prefix_upper_bound(prefix) == bound


@given(
    prefix=st.text(alphabet=TERM_ALPHABET, min_size=1, max_size=4),
    word=st.text(alphabet=TERM_ALPHABET, min_size=0, max_size=6),
)
def test_the_prefix_range_holds_exactly_the_words_with_that_prefix(prefix, word):
    bound = prefix_upper_bound(prefix)
    in_range = prefix <= word and (bound is None or word < bound)
    assert in_range == word.startswith(prefix)


def test_the_prefix_range_holds_under_a_french_collation(app_ctx):
    """A production PostgreSQL is likely created with a French collation, where "{" or ":"
    are ignored when comparing: the range must hold there too."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("collations: PostgreSQL only")
    collation = db.session.scalar(
        text("SELECT collname FROM pg_collation WHERE collname IN ('fr-x-icu', 'fr_FR.utf8')")
    )
    if collation is None:
        pytest.skip("no French collation on this server")
    check = text(
        f'SELECT CAST(:w AS text) COLLATE "{collation}" >= :p '
        f'AND CAST(:w AS text) COLLATE "{collation}" < :b'
    )
    for prefix, word in [("sanchez", "sanchez"), ("luz", "luz"), ("0009", "0009"),
                         ("gonz", "gonzalez"), ("ab9", "ab9z"), ("hel", "helene")]:  # fmt: skip
        assert db.session.scalar(check, {"w": word, "p": prefix, "b": prefix_upper_bound(prefix)})
    assert not db.session.scalar(check, {"w": "sanchf", "p": "sanchez", "b": "sanchf"})


def test_nothing_found_says_so(login_as, households):
    page = text_of(login_as("manager").get("/households/?q=introuvable"))
    assert "Aucun dossier ne correspond." in page


def test_the_search_key_follows_edits(make, browser_for, households):
    officer = browser_for("officer")
    martin = households["martin"]
    member = martin_member(martin)
    response = officer.post(
        f"/households/{martin.id}/members/{member.id}",
        data={"last_name": "MARTIN", "first_name": "Jérémie", "relation": "enfant",
              "version": member.version},
    )  # fmt: skip
    assert response.status_code == 303
    assert found(officer, "jeremie") == {martin.reference}
    assert found(officer, "jerome") == set()
    db.session.refresh(member)
    response = officer.post(
        f"/households/{martin.id}/members/{member.id}/delete",
        data={"version": member.version, "confirmed": "1"},
    )
    assert response.status_code == 303
    assert found(officer, "jeremie") == set()
    # The household's own name, changed through its form.
    db.session.refresh(martin)
    response = officer.post(
        f"/households/{martin.id}/edit",
        data={"name": "BÉRAUD Zoé", "operation_id": martin.operation_id,
              "rehousing_right": "a_instruire", "version": martin.version},
    )  # fmt: skip
    assert response.status_code == 303
    assert found(officer, "zoe beraud") == {martin.reference}
    assert found(officer, "paul") == set()


def martin_member(household):
    from capintra.households.models import Member

    return db.session.scalars(db.select(Member).where(Member.household_id == household.id)).one()


def test_filters(login_as, households):
    browser = login_as("officer")
    h = households
    op_a = h["helene"].operation_id
    assert found(browser, "", operation=op_a) == {h["helene"].reference, h["martin"].reference}
    assert found(browser, "", phase="diagnostic") == {h["celik"].reference}
    assert found(browser, "", officer=h["helene"].officer_id) == {h["helene"].reference}
    assert found(browser, "", committee="1") == {h["celik"].reference}
    assert found(browser, "mart", operation=op_a) == {h["martin"].reference}
    # Unknown values are ignored rather than failing.
    everything = {x.reference for x in h.values()}
    assert everything <= found(browser, "", phase="nimporte", operation="x", sort="'; DROP")


def test_sorts(login_as, households):
    browser = login_as("officer")
    ours = {x.reference for x in households.values()}

    def order(sort):
        return [r for r in references(browser.get(f"/households/?sort={sort}")) if r in ours]

    h = households
    by_name = [h["celik"], h["helene"], h["martin"], h["martinez"]]  # Ç sorts as C, É as E
    assert order("nom") == [x.reference for x in by_name]
    assert order("reference") == sorted(ours)
    db.session.execute(
        update(Household)
        .where(Household.id == h["martin"].id)
        .values(updated_at=datetime(2030, 1, 1, tzinfo=UTC))
    )
    db.session.commit()
    assert order("recent")[0] == h["martin"].reference


def walk(browser, url: str) -> list[str]:
    """Every reference of a listing, following the "next" links (keyset pages)."""
    seen, pages = [], 0
    while url:
        response = browser.get(url)
        seen += references(response)
        match = NEXT.search(text_of(response))
        url = html.unescape(match.group(1)) if match else None
        pages += 1
        assert pages < 50
    return seen


@pytest.mark.parametrize("sort", ["nom", "reference", "recent"])
def test_keyset_pages_have_no_duplicates_nor_gaps(make, login_as, sort):
    """45 files (page size 20), many with the same name and the same update time."""
    operation = make.operation()
    created = [
        make.household(operation_id=operation.id, name=f"LEGRAND {'AB'[i % 2]}") for i in range(45)
    ]
    same_time = datetime(2026, 6, 1, tzinfo=UTC)
    db.session.execute(
        update(Household)
        .where(Household.id.in_([h.id for h in created[::3]]))
        .values(updated_at=same_time)
    )
    db.session.commit()
    browser = login_as("manager")
    url = f"/households/?operation={operation.id}&sort={sort}"
    seen = walk(browser, url)
    assert len(seen) == len(set(seen)) == 45
    assert set(seen) == {h.reference for h in created}
    first_page = references(browser.get(url))
    assert len(first_page) == 20
    if sort == "nom":
        names = {h.reference: h.sort_name for h in created}
        assert [names[r] for r in seen] == sorted(names[r] for r in seen)
    if sort == "reference":
        assert seen == sorted(seen)
    # The URL carries the filters and the sort from page to page.
    next_url = html.unescape(NEXT.search(text_of(browser.get(url))).group(1))
    assert f"operation={operation.id}" in next_url and "after=" in next_url
    assert sort == "nom" or f"sort={sort}" in next_url
    # a search, in each order (by name: the search-term index; else: the files' own)
    searched = walk(browser, f"{url}&q=legrand")
    assert len(searched) == len(set(searched)) == 45


def test_reference_order_is_numeric_past_9999(make, login_as):
    operation = make.operation()
    made = {}
    for number in (10000, 9999, 2):
        household = make.household(operation_id=operation.id)
        db.session.execute(
            update(Household)
            .where(Household.id == household.id)
            .values(ref_year=2031, ref_number=number, reference=f"MEN-2031-{number:04d}")
        )
        made[number] = household
    db.session.commit()
    browser = login_as("manager")
    seen = walk(browser, f"/households/?operation={operation.id}&sort=reference")
    assert seen == ["MEN-2031-0002", "MEN-2031-9999", "MEN-2031-10000"]


def test_an_htmx_search_gets_the_results_fragment_only(login_as, households):
    browser = login_as("assistant")
    response = browser.htmx("GET", "/households/?q=helene", "household-results")
    body = text_of(response)
    assert response.status_code == 200
    assert "<html" not in body and "<form" not in body and "<nav aria-label" in body
    assert households["helene"].reference in body
    assert households["martin"].reference not in body
    assert "HX-Request" in response.headers.get("Vary", "")
    # An htmx request aimed elsewhere, and boosted navigation, get the whole page.
    for headers in (
        {"HX-Request": "true"},
        {"HX-Request": "true", "HX-Boosted": "true", "HX-Target": "household-results"},
        {},
    ):
        page = text_of(browser.get("/households/?q=helene", headers=headers))
        assert "<html" in page and 'id="household-results"' in page, headers
        assert households["helene"].reference in page
        assert 'value="helene"' in page  # the search box keeps the query


def test_the_next_page_link_is_an_htmx_link_that_pushes_the_url(make, login_as):
    operation = make.operation()
    for _ in range(21):
        make.household(operation_id=operation.id)
    page = text_of(login_as("manager").get(f"/households/?operation={operation.id}"))
    link = re.search(r'<a [^>]*rel="next"[^>]*>', page).group(0)
    assert 'hx-target="#household-results"' in link and 'hx-push-url="true"' in link


def test_one_letter_and_stop_words_do_not_narrow_and_the_longest_word_drives():
    from capintra.households.search import household_terms, query_words

    assert query_words("h") == []
    assert query_words("MEN-2026-0042") == ["0042", "2026"]  # the year matches many
    assert query_words("rue de la Paix martin") == ["martin", "paix"]
    assert "men" not in household_terms("MEN-2026-0042", "", "12 rue de la Paix", [])
    assert normalise("Yılmaz Øster Strauß Łukasz") == "yilmaz oster strauss lukasz"


def test_a_change_outside_the_search_key_does_not_rewrite_it(make, login_as, app_ctx):
    from sqlalchemy import event

    from capintra.extensions import db

    household = make.household()
    officer = login_as("officer")
    statements: list[str] = []

    def watch(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", watch)
    try:
        moved = officer.post(
            f"/households/{household.id}/phase",
            data={"version": household.version, "to_phase": "diagnostic"},
        )
    finally:
        event.remove(db.engine, "before_cursor_execute", watch)
    assert moved.status_code == 303
    assert any("UPDATE household " in s for s in statements)  # the control
    assert not any("household_search_term" in s for s in statements)
