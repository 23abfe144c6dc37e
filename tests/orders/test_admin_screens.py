"""The admin's screens of the orders' reference data, through the real client: contracts,
lots (amounts typed the French way), amendments, price items and revisions, signing
delegations and deputies; 422 on bad input with nothing written, 409 on a stale version
or a refused rule, 303 on creation."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from capintra.extensions import db
from capintra.orders.models import (
    Amendment,
    Contract,
    DelegationDeputy,
    Lot,
    PriceItem,
    PriceVersion,
    SigningDelegation,
)
from tests import factories
from tests.households.helpers import text_of
from tests.orders import make
from tests.organisations import make as orgs


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def fresh(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def contract_form(**values) -> dict:
    data = {"reference": "AC-2026-01", "title": "Accompagnement social des ménages",
            "notified_on": "2026-02-14", "start_date": "2026-03-01", "end_date": "2029-02-28",
            "renewals": "", "payment_days": "60", "vat_exempt": "y",
            "vat_rate": "2000"}  # fmt: skip
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def test_a_contract_is_created_refused_when_invalid_and_goes_to_its_page(browser_for):
    admin = browser_for("admin")
    before = count(Contract)
    bad = admin.post("/admin/contracts/new", data=contract_form(reference=" ",
                                                                end_date="2026-01-01"))  # fmt: skip
    assert bad.status_code == 422
    page = text_of(bad)
    assert "Indiquez la référence du marché." in page and "La fin précède le début." in page
    late = admin.post("/admin/contracts/new", data=contract_form(payment_days="90"))
    assert late.status_code == 422 and "maximum légal" in text_of(late)
    assert count(Contract) == before

    made = admin.post("/admin/contracts/new", data=contract_form())
    assert made.status_code == 303
    contract = db.session.scalars(select(Contract).where(Contract.reference == "AC-2026-01")).one()
    assert made.headers["Location"].endswith(f"/admin/contracts/{contract.id}")
    assert contract.vat_exempt and contract.vat_rate_bp == 0 and contract.payment_days == 60
    page = text_of(admin.get(f"/admin/contracts/{contract.id}"))
    assert "TVA non applicable, art. 261-7-1° CGI" in page and "01/03/2026" in page

    twin = admin.post("/admin/contracts/new", data=contract_form(title="Autre"))
    assert twin.status_code == 409 and "déjà la référence" in text_of(twin)
    assert count(Contract) == before + 1

    htmx = admin.post("/admin/contracts/new", data=contract_form(reference="AC-2026-02"),
                      headers={"HX-Request": "true"})  # fmt: skip
    assert htmx.headers["HX-Redirect"].startswith("/admin/contracts/")


def test_a_stale_contract_edit_answers_409_and_keeps_the_other_change(browser_for):
    contract = make.contract(title="Titre d’origine")
    first, second = browser_for("admin"), browser_for("admin")
    url = f"/admin/contracts/{contract.id}/edit"
    data = contract_form(
        reference=contract.reference,
        start_date="2026-01-01",
        end_date="2028-12-31",
        vat_exempt=None,
        version=str(contract.version),
    )
    ok = first.post(url, data={**data, "title": "Titre de la première"})
    assert ok.status_code == 303
    stale = second.post(url, data={**data, "title": "Titre de la seconde"})
    assert stale.status_code == 409
    assert "Titre de la première" in text_of(stale)  # the current value, shown
    assert fresh(contract).title == "Titre de la première"


def test_a_lot_takes_its_provider_from_the_directory_and_french_amounts(browser_for):
    contract = make.contract()
    provider = orgs.organisation(name="Habitat et Insertion Loire")
    admin = browser_for("admin")
    url = f"/admin/contracts/{contract.id}/lots/new"
    form = {"number": "1", "title": "Diagnostic social", "provider_id": str(provider.id),
            "minimum_cents": "50 000", "maximum_cents": "400 000,50"}  # fmt: skip

    assert "Habitat et Insertion Loire" in text_of(admin.get(url))
    for bad, message in [
        ({"maximum_cents": "40 000"}, "inférieur au minimum"),
        ({"maximum_cents": "12,345"}, "deux décimales au plus"),
        ({"maximum_cents": "douze"}, "Montant invalide"),
        ({"minimum_cents": "-1"}, "négatif"),
        ({"provider_id": ""}, "Choisissez le titulaire"),
    ]:
        refused = admin.post(url, data={**form, **bad})
        assert refused.status_code == 422, bad
        assert message in text_of(refused), bad
    assert count(Lot) == 0

    made = admin.post(url, data=form)
    assert made.status_code == 303
    lot = db.session.scalars(select(Lot)).one()
    assert (lot.minimum_cents, lot.maximum_cents) == (50_000_00, 400_000_50)
    assert type(lot.maximum_cents) is int
    assert "400\u202f000,50\xa0€" in text_of(admin.get(f"/admin/contracts/{contract.id}"))

    twin = admin.post(url, data={**form, "title": "Doublon"})
    assert twin.status_code == 409 and "déjà un lot n° 1" in text_of(twin)

    edit = admin.post(f"/admin/lots/{lot.id}/edit",
                      data={**form, "maximum_cents": "450 000", "version": "0"})  # fmt: skip
    assert edit.status_code == 409  # stale: the version shown was not the current one
    assert fresh(lot).maximum_cents == 400_000_50


def test_an_amendment_raises_the_maximum_in_force_from_its_date(browser_for):
    lot = make.lot(maximum_cents=400_000_00)
    admin = browser_for("admin")
    url = f"/admin/lots/{lot.id}/amendments/new"
    form = {"reference": "Avenant n° 1", "signed_on": "2026-06-15",
            "new_maximum_cents": "460 000", "reason": "Relogements supplémentaires"}  # fmt: skip
    assert admin.post(url, data={**form, "new_maximum_cents": ""}).status_code == 422
    assert count(Amendment) == 0
    made = admin.post(url, data=form)
    assert made.status_code == 303
    assert made.headers["Location"].endswith(f"/admin/contracts/{lot.contract_id}")
    amendment = db.session.scalars(select(Amendment)).one()
    assert amendment.new_maximum_cents == 460_000_00
    page = text_of(admin.get(f"/admin/contracts/{lot.contract_id}"))
    assert "Avenant n° 1" in page and "460\u202f000,00\xa0€" in page


def test_price_items_and_revisions_one_price_per_day(browser_for):
    lot = make.lot()
    admin = browser_for("admin")
    made = admin.post(f"/admin/lots/{lot.id}/prices/new", data={
        "code": "DIAG", "label": "Diagnostic social", "unit": "menage",
        "unit_price_cents": "450", "valid_from": "2025-03-01"})  # fmt: skip
    assert made.status_code == 303
    item = db.session.scalars(select(PriceItem)).one()
    assert [v.unit_price_cents for v in db.session.scalars(select(PriceVersion))] == [450_00]

    url = f"/admin/prices/{item.id}/versions/new"
    assert admin.post(url, data={"unit_price_cents": "464,40"}).status_code == 422
    same_day = admin.post(url, data={"unit_price_cents": "464,40", "valid_from": "2025-03-01"})
    assert same_day.status_code == 409 and "déjà en vigueur" in text_of(same_day)
    assert admin.post(url, data={"unit_price_cents": "464,40",
                                 "valid_from": "2026-01-01"}).status_code == 303  # fmt: skip
    page = text_of(admin.get(f"/admin/contracts/{lot.contract_id}"))
    assert "450,00\xa0€ à partir du 01/03/2025" in page
    assert "464,40\xa0€ à partir du 01/01/2026" in page


def test_delegations_and_deputies(browser_for):
    holder = factories.user("manager", full_name="Jérôme Faure")
    stand_in = factories.user("manager", full_name="Nadia Benali")
    officer = factories.user("officer")
    covered = factories.operation(name="Îlot Gambetta")
    admin = browser_for("admin")
    form = {"user_id": str(holder.id), "operation_ids": [str(covered.id)],
            "maximum_cents": "20 000", "start_date": "2026-01-01", "end_date": "",
            "act_reference": "Décision 2026-015"}  # fmt: skip

    assert admin.post("/admin/delegations/new",
                      data={**form, "operation_ids": []}).status_code == 422  # fmt: skip
    officer_holds = admin.post("/admin/delegations/new", data={**form, "user_id": str(officer.id)})
    assert officer_holds.status_code == 422  # only managers are offered
    assert count(SigningDelegation) == 0

    made = admin.post("/admin/delegations/new", data=form)
    assert made.status_code == 303
    delegation = db.session.scalars(select(SigningDelegation)).one()
    assert made.headers["Location"].endswith(f"/admin/delegations/{delegation.id}/edit")
    assert delegation.maximum_cents == 20_000_00 and delegation.end_date is None
    page = text_of(admin.get("/admin/delegations/"))
    assert "Jérôme Faure" in page and "Îlot Gambetta" in page and "20\u202f000,00\xa0€" in page

    edit = f"/admin/delegations/{delegation.id}/edit"
    assert (
        admin.post(
            edit,
            data={
                **form,
                "all_operations": "y",
                "operation_ids": [],
                "version": str(delegation.version),
            },
        ).status_code
        == 303
    )
    assert fresh(delegation).all_operations
    stale = admin.post(edit, data={**form, "version": "1"})
    assert stale.status_code == 409 and fresh(delegation).all_operations

    deputies = f"/admin/delegations/{delegation.id}/deputies/new"
    deputy = {"user_id": str(stand_in.id), "start_date": "2026-08-01", "end_date": "2026-08-31"}
    assert admin.post(deputies, data={**deputy, "user_id": str(holder.id)}).status_code == 422
    assert admin.post(deputies, data={**deputy, "end_date": "2026-07-01"}).status_code == 422
    assert count(DelegationDeputy) == 0
    assert admin.post(deputies, data=deputy).status_code == 303
    page = text_of(admin.get(edit))
    assert "Nadia Benali du 01/08/2026 au 31/08/2026" in page
    assert db.session.scalars(select(DelegationDeputy)).one().start_date == date(2026, 8, 1)


def test_the_details_printed_on_orders_are_filled_in_then_edited(browser_for):
    from capintra.orders.models import OrderIssuer

    admin = browser_for("admin")
    form = {"name": "Cap Aménagement Loire", "address": "10 rue Gambetta, 42000 Saint-Étienne",
            "siret": "732 829 320 00074", "signatory_name": "Marc Vidal",
            "signatory_title": "Directeur général"}  # fmt: skip
    bad = admin.post("/admin/order-issuer", data={**form, "siret": "732 829 320 00075"})
    assert bad.status_code == 422 and "SIRET n’est pas valide" in text_of(bad)
    assert count(OrderIssuer) == 0
    made = admin.post("/admin/order-issuer", data=form)
    assert made.status_code == 303
    issuer = db.session.scalars(select(OrderIssuer)).one()
    assert issuer.siret == "73282932000074"

    edited = admin.post("/admin/order-issuer", data={**form, "signatory_title": "Directrice",
                                                     "version": str(issuer.version)})  # fmt: skip
    assert edited.status_code == 303 and fresh(issuer).signatory_title == "Directrice"
    stale = admin.post("/admin/order-issuer", data={**form, "version": "1"})
    assert stale.status_code == 409 and fresh(issuer).signatory_title == "Directrice"
    assert count(OrderIssuer) == 1
