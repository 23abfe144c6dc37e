"""The household file's « Souhaits et propositions » tab: officers write wishes and offers
inline (htmx and plain posts), everyone else reads; managers never see rent or charges;
the formal-offer count and each offer's waiting time; stale, invalid and hostile posts."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from capintra import clock
from capintra.extensions import db
from capintra.organisations.models import Organisation, OrganisationKind
from capintra.relocation import services
from capintra.relocation.models import Answer, Channel, Offer, RefusalReason, Wishes
from tests.conftest import login


@pytest.fixture
def browser_for(app_ctx, make):
    def _browser(who="officer"):
        user = make.user(who) if isinstance(who, str) else who
        return login(app_ctx.test_client(), user)

    return _browser


def _offer(household, **kw) -> Offer:
    values = {
        "household_id": household.id,
        "formal": True,
        "sent_on": date(2026, 9, 1),
        "channel": Channel.RECOMMANDE,
        "address": "12 rue Michelet",
        "commune": "Firminy",
        "rent_cents": 42_350,
        "charges_cents": 6_125,
    }
    values.update(kw)
    offer = Offer(**values)
    db.session.add(offer)
    db.session.commit()
    return offer


def _offer_post(**kw) -> dict:
    data = {
        "formal": "y",
        "sent_on": "2026-10-01",
        "channel": "recommande",
        "answer_deadline": "2026-10-11",
        "address": "4 rue Paul Bert",
        "commune": "Saint-Étienne",
        "unit_type": "t3",
        "surface_dm2": "62,5",
        "financing": "plus",
        "year_built": "1998",
        "rent_cents": "412,30",
        "charges_cents": "58",
        "answer": "en_attente",
    }
    data.update(kw)
    return data


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _url(household, rest: str = "") -> str:
    return f"/households/{household.id}{rest}"


# --- officers write ----------------------------------------------------------------------


def test_officer_records_and_edits_wishes(make, browser_for):
    household = make.household()
    officer = browser_for("officer")
    html = officer.get(_url(household, "/offers")).get_data(as_text=True)
    assert "Aucun souhait enregistré." in html and "Saisir les souhaits" in html

    response = officer.post(
        _url(household, "/wishes"),
        {"communes": "Firminy, Saint-Chamond", "unit_type": "t3", "max_rent_cents": "450",
         "max_floor": "2", "lift_required": "y", "note": "Près de l’école"},
    )  # fmt: skip
    assert response.status_code == 303
    wishes = db.session.scalar(select(Wishes).where(Wishes.household_id == household.id))
    assert wishes.max_rent_cents == 45_000 and wishes.max_floor == 2 and wishes.lift_required
    html = officer.get(_url(household, "/offers")).get_data(as_text=True)
    assert "Firminy, Saint-Chamond" in html and "450,00" in html

    # edit, through htmx: the tab comes back with the HX-Trigger
    form = officer.htmx("GET", _url(household, "/wishes"), "tab-content")
    assert form.status_code == 200 and "<html" not in form.get_data(as_text=True)
    response = officer.htmx(
        "POST", _url(household, "/wishes"), "tab-content",
        {"version": str(wishes.version), "communes": "Firminy", "unit_type": "t2"},
    )  # fmt: skip
    assert response.status_code == 200 and response.headers["HX-Trigger"] == "capintra:saved"
    db.session.refresh(wishes)
    assert wishes.communes == "Firminy" and wishes.max_rent_cents is None
    assert _count(Wishes) == 1


def test_officer_adds_edits_and_deletes_an_offer(make, browser_for):
    household = make.household()
    landlord = Organisation(name="Loire Habitat", kind=OrganisationKind.BAILLEUR)
    db.session.add(landlord)
    db.session.commit()
    officer = browser_for("officer")
    data = _offer_post(landlord_id=str(landlord.id))
    response = officer.post(_url(household, "/offers"), data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    offer = db.session.scalar(select(Offer).where(Offer.household_id == household.id))
    assert offer.rent_cents == 41_230 and offer.charges_cents == 5_800
    assert offer.landlord_id == landlord.id
    assert offer.surface_dm2 == 6_250 and offer.answer is Answer.EN_ATTENTE and offer.formal

    # refused, with a reason from the list
    response = officer.htmx(
        "POST", _url(household, f"/offers/{offer.id}"), "tab-content",
        _offer_post(version=str(offer.version), answer="refusee", answered_on="2026-10-05",
                    refusal_reason="loyer", refusal_note="Charges trop lourdes"),
    )  # fmt: skip
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    # the address bar leaves the edit form's URL (a reload would reopen the form)
    assert response.headers["HX-Replace-Url"] == _url(household, "/offers")
    db.session.refresh(offer)
    assert offer.answer is Answer.REFUSEE and offer.refusal_reason is RefusalReason.LOYER
    html = response.get_data(as_text=True)
    assert "Loyer trop élevé" in html and "répondu en 4 jours" in html

    # deleted: htmx asked once (hx-confirm), so no confirmation page
    response = officer.htmx(
        "POST", _url(household, f"/offers/{offer.id}/delete"), "tab-content",
        {"version": str(offer.version)},
    )  # fmt: skip
    assert response.status_code == 200
    db.session.refresh(offer)
    assert offer.deleted_at is not None
    assert "Aucune proposition." in response.get_data(as_text=True)


def test_a_plain_delete_asks_first(make, browser_for):
    household = make.household()
    offer = _offer(household)
    officer = browser_for("officer")
    response = officer.post(_url(household, f"/offers/{offer.id}/delete"), {"version": "1"})
    assert response.status_code == 200 and "Supprimer la proposition du 01/09/2026" in (
        response.get_data(as_text=True)
    )
    db.session.refresh(offer)
    assert offer.deleted_at is None
    response = officer.post(
        _url(household, f"/offers/{offer.id}/delete"), {"version": "1", "confirmed": "1"}
    )
    assert response.status_code == 303
    db.session.refresh(offer)
    assert offer.deleted_at is not None


# --- who may write -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["assistant", "manager", "admin"])
def test_others_read_but_may_not_write(role, make, browser_for):
    household = make.household()
    offer = _offer(household)
    browser = browser_for(role)
    html = browser.get(_url(household, "/offers")).get_data(as_text=True)
    assert "12 rue Michelet" in html
    assert "Enregistrer une proposition" not in html and "Saisir les souhaits" not in html
    posts = {
        "/wishes": {"communes": "Lyon"},
        "/offers": _offer_post(),
        f"/offers/{offer.id}": _offer_post(version="1", address="ailleurs"),
        f"/offers/{offer.id}/delete": {"version": "1", "confirmed": "1"},
    }
    for path, data in posts.items():
        assert browser.post(_url(household, path), data).status_code == 403, path
    assert browser.get(_url(household, "/wishes")).status_code == 403
    db.session.refresh(offer)
    assert offer.address == "12 rue Michelet" and offer.deleted_at is None
    assert _count(Offer) == 1 and _count(Wishes) == 0


def test_managers_see_no_rent_or_charges_on_the_tab_nor_in_the_history(make, browser_for):
    household = make.household()
    officer = browser_for("officer")
    data = _offer_post(rent_cents="423,50", charges_cents="61,25")
    officer.post(_url(household, "/offers"), data)
    officer.post(_url(household, "/wishes"), {"communes": "Firminy", "max_rent_cents": "487"})
    offer = db.session.scalar(select(Offer).where(Offer.household_id == household.id))
    assert offer.rent_cents == 42_350

    seen = officer.get(_url(household, "/offers")).get_data(as_text=True)
    assert "423,50" in seen and "61,25" in seen and "487,00" in seen
    assert "Loyer + charges" in seen and "Loyer maximum" in seen
    officer.post(_url(household, "/wishes"), {"version": "1", "communes": "Firminy",
                                              "max_rent_cents": "499"})  # fmt: skip
    officer.post(_url(household, f"/offers/{offer.id}"),
                 {**data, "version": "1", "rent_cents": "430"})  # fmt: skip
    history = officer.get(_url(household, "/history")).get_data(as_text=True)
    assert "Loyer maximum" in history and "Loyer" in history

    for role in ("manager", "admin"):
        manager = browser_for(role)
        for tab in ("/offers", "/history"):
            html = manager.get(_url(household, tab)).get_data(as_text=True)
            for secret in ("423,50", "430,00", "61,25", "487,00", "499,00", "Loyer", "Charges"):
                assert secret not in html, (role, tab, secret)
        html = manager.get(_url(household, "/offers")).get_data(as_text=True)
        assert "4 rue Paul Bert" in html  # everything else stays visible


# --- counts and waiting times ------------------------------------------------------------


def test_formal_count_and_waiting_days(make, browser_for):
    today = clock.today()
    household = make.household()
    # answered in 14 days with a 9-day deadline: late
    _offer(household, sent_on=date(2026, 9, 1), answer_deadline=date(2026, 9, 10),
           answer=Answer.REFUSEE, answered_on=date(2026, 9, 15),
           refusal_reason=RefusalReason.ETAT)  # fmt: skip
    # pending for 10 days, deadline passed 3 days ago: late
    pending = _offer(household, formal=False, sent_on=today - timedelta(days=10),
                     answer_deadline=today - timedelta(days=3))  # fmt: skip
    # pending for 2 days, deadline ahead: not late
    fresh = _offer(household, formal=False, sent_on=today - timedelta(days=2),
                   answer_deadline=today + timedelta(days=8))  # fmt: skip
    assert services.waiting(pending, today) == services.Waiting(10, False, True)
    assert services.waiting(fresh, today) == services.Waiting(2, False, False)

    html = browser_for("manager").get(_url(household, "/offers")).get_data(as_text=True)
    assert "1 proposition formelle sur 2 demandées par la loi" in html
    assert "3 propositions en tout" in html
    rows = re.findall(r'<tr id="offer-\d+">.*?</tr>', html, re.S)
    waits = [
        re.sub(r"\s+", " ", re.search(r'class="waiting">(.*?)</td>', r, re.S)[1]) for r in rows
    ]
    # newest first
    assert "en attente depuis 2 jours" in waits[0] and "en retard" not in waits[0]
    assert "en attente depuis 10 jours" in waits[1] and "en retard" in waits[1]
    assert "répondu en 14 jours" in waits[2] and "en retard" in waits[2]


# --- stale and invalid -------------------------------------------------------------------


def test_a_stale_edit_answers_409_and_writes_nothing(make, browser_for):
    household = make.household()
    offer = _offer(household)
    first, second = browser_for("officer"), browser_for("officer")
    assert first.post(_url(household, f"/offers/{offer.id}"),
                      _offer_post(version="1", address="1 rue A")).status_code == 303  # fmt: skip
    response = second.post(
        _url(household, f"/offers/{offer.id}"), _offer_post(version="1", address="2 rue B")
    )
    assert response.status_code == 409
    assert "Modifié par quelqu’un d’autre" in response.get_data(as_text=True)
    db.session.refresh(offer)
    assert offer.address == "1 rue A" and offer.version == 2

    # a stale delete too
    response = second.post(
        _url(household, f"/offers/{offer.id}/delete"), {"version": "1", "confirmed": "1"}
    )
    assert response.status_code == 409
    db.session.refresh(offer)
    assert offer.deleted_at is None

    # and stale wishes
    first.post(_url(household, "/wishes"), {"communes": "Firminy"})
    first.post(_url(household, "/wishes"), {"version": "1", "communes": "Lyon"})
    response = second.post(_url(household, "/wishes"), {"version": "1", "communes": "Paris"})
    assert response.status_code == 409
    wishes = db.session.scalar(select(Wishes))
    assert wishes.communes == "Lyon"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rent_cents": "-12"}, "Un montant ne peut pas être négatif."),
        ({"charges_cents": "-1,50"}, "Un montant ne peut pas être négatif."),
        ({"answer_deadline": "2026-09-20"}, "L’échéance de réponse ne peut pas précéder l’envoi."),
        ({"answer": "refusee", "refusal_reason": "trop_moche"},
         "Choix inconnu : choisissez dans la liste."),
        ({"answer": "refusee"}, "Choisissez le motif du refus."),
        ({"sent_on": ""}, "Indiquez la date d’envoi de la proposition."),
        ({"channel": "pigeon"}, "Choix inconnu : choisissez dans la liste."),
    ],
)  # fmt: skip
def test_bad_offers_answer_422_with_the_message_and_write_nothing(data, message, make, browser_for):
    household = make.household()
    officer = browser_for("officer")
    response = officer.htmx("POST", _url(household, "/offers"), "tab-content", _offer_post(**data))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(Offer) == 0

    offer = _offer(household)
    response = officer.post(_url(household, f"/offers/{offer.id}"),
                            _offer_post(version="1", **data))  # fmt: skip
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    db.session.refresh(offer)
    assert offer.version == 1 and offer.rent_cents == 42_350


def test_bad_wishes_answer_422(make, browser_for):
    household = make.household()
    officer = browser_for("officer")
    for data, message in (
        ({"communes": "Firminy", "max_rent_cents": "-400"}, "Un montant ne peut pas être négatif."),
        ({}, "Indiquez au moins une commune souhaitée."),
        (
            {"communes": "Firminy", "unit_type": "chateau"},
            "Choix inconnu : choisissez dans la liste.",
        ),
    ):
        response = officer.post(_url(household, "/wishes"), data)
        assert response.status_code == 422 and message in response.get_data(as_text=True), data
    assert _count(Wishes) == 0


def test_an_offer_of_another_file_is_not_found(make, browser_for):
    mine, other = make.household(), make.household()
    offer = _offer(other)
    officer = browser_for("officer")
    assert officer.get(_url(mine, f"/offers/{offer.id}")).status_code == 404
    response = officer.post(_url(mine, f"/offers/{offer.id}/delete"),
                            {"version": "1", "confirmed": "1"})  # fmt: skip
    assert response.status_code == 404


def _select(html: str, name: str) -> str:
    return html.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]


def test_landlord_lists_offer_landlords_and_keep_an_older_choice(make, browser_for):
    household = make.household()
    caf = Organisation(name="CAF de la Loire", kind=OrganisationKind.CAF)
    opac = Organisation(name="Loire Habitat", kind=OrganisationKind.BAILLEUR)
    action = Organisation(name="Action Logement", kind=OrganisationKind.RESERVATAIRE)
    db.session.add_all([caf, opac, action])
    db.session.commit()
    officer = browser_for("officer")
    html = officer.get(_url(household, "/offers")).get_data(as_text=True)
    landlords, holders = _select(html, "landlord_id"), _select(html, "reservation_holder_id")
    assert "Loire Habitat" in landlords and "CAF de la Loire" not in landlords
    assert "Action Logement" not in landlords
    assert "Action Logement" in holders and "CAF de la Loire" not in holders
    # an offer recorded before with the CAF as its landlord keeps it on its edit form
    offer = _offer(household, landlord_id=caf.id)
    edit = officer.get(_url(household, f"/offers/{offer.id}")).get_data(as_text=True)
    assert "CAF de la Loire" in _select(edit, "landlord_id")
