"""The orders' demo data (seed-demo): two providers, the framework contract with two lots
and their price schedules, an amendment, a price revision this year, the demo managers'
delegations — and the admin sees them on the screens."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from capintra.admin.models import Operation
from capintra.auth.models import User
from capintra.extensions import db
from capintra.orders import queries
from capintra.orders.models import Contract, PriceItem, SigningDelegation
from capintra.organisations.models import OrganisationKind
from tests import factories
from tests.conftest import login
from tests.households.helpers import text_of
from tests.test_seed import TODAY, demo  # noqa: F401 (the seed-demo fixture)


def test_the_demo_contract_lots_prices_and_delegations(demo, client):  # noqa: F811
    contract = db.session.scalars(
        select(Contract).where(Contract.title == "Accompagnement social des ménages")
    ).one()
    assert contract.vat_exempt and contract.in_force(TODAY)
    lots = queries.contract_lots(contract)
    assert [lot.number for lot in lots] == [1, 2]
    assert {lot.provider.kind for lot in lots} == {OrganisationKind.PRESTATAIRE}
    assert len({lot.provider_id for lot in lots}) == 2
    assert all(lot.provider.siret for lot in lots)
    # an amendment raised lot 1's maximum
    assert queries.lot_maximum_on(lots[0], TODAY) == 460_000_00 > lots[0].maximum_cents

    prices = {}
    for item in db.session.scalars(select(PriceItem)):
        before = queries.price_in_force(item.id, date(TODAY.year - 1, 12, 31))
        now = queries.price_in_force(item.id, TODAY)
        prices[item.code] = (before.unit_price_cents, now.unit_price_cents)
    assert prices == {"DIAG": (450_00, 464_40), "RELOG": (1_200_00, 1_238_40),
                      "ASR": (180_00, 185_76)}  # fmt: skip

    manager = db.session.scalars(select(User).where(User.username == "jerome.faure")).one()
    admin = db.session.scalars(select(User).where(User.username == "helene.roux")).one()
    gambetta = db.session.scalars(select(Operation).where(Operation.name == "Îlot Gambetta")).one()
    firminy = db.session.scalars(
        select(Operation).where(Operation.name == "Centre-ville Firminy")
    ).one()
    own = queries.covering_delegation(manager.id, gambetta.id, 15_000_00, TODAY)
    assert own is not None and own.on_behalf_of_id is None
    assert queries.covering_delegation(manager.id, gambetta.id, 25_000_00, TODAY) is None
    assert queries.covering_delegation(manager.id, firminy.id, 100_00, TODAY) is None
    # in August, Jérôme signs for Hélène, on any operation, up to her maximum
    august = date(TODAY.year, 8, 15)
    deputy = queries.covering_delegation(manager.id, firminy.id, 50_000_00, august)
    assert deputy is not None and deputy.on_behalf_of_id == admin.id
    assert queries.covering_delegation(admin.id, firminy.id, 100_000_00, TODAY) is not None
    assert db.session.scalars(select(SigningDelegation)).all()

    admin.password_hash = factories._hash(factories.PASSWORD)  # the demo's is random
    db.session.commit()
    browser = login(client, admin)
    page = text_of(browser.get(f"/admin/contracts/{contract.id}"))
    assert "Diagnostic social" in page and "464,40\xa0€ à partir du 01/01/2026" in page
    assert "Habitat et Insertion Loire" in page
    delegations = text_of(browser.get("/admin/delegations/"))
    assert "Jérôme Faure" in delegations and "Hélène Roux" in delegations
