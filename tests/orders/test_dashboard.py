"""The manager's dashboard starts with the orders awaiting *their* approval: submitted
orders one of their delegations covers today (operation, amount, dates), never one they
drafted or submitted; lot consumption follows. Assistants see orders to notify."""

from __future__ import annotations

from tests import factories
from tests.orders import make
from tests.orders.steps import signed_in


def _dashboard(app, user) -> str:
    return signed_in(app, user).get("/").get_data(as_text=True)


def _section(html: str, title: str) -> str:
    start = html.index(title)
    return html[start : html.index("</section>", start)]


def test_a_manager_sees_the_submitted_orders_their_delegation_covers(app_ctx, calendar):
    m = make.market()
    covered = make.order_in("soumis", m)
    too_big = make.order_in("soumis", m, [(m.follow, "20")])  # 24 000 € > 20 000 €
    own = make.order_in("soumis", m, by=m.approver)
    make.order_in("approuve", m)
    # a manager whose delegation covers the first operation only
    narrow = factories.user("manager")
    make.delegation(narrow, operations=[m.operation])
    other = make.market(approver=m.approver, operation=factories.operation(name="Ailleurs"))
    other_operation = make.order_in("soumis", other)

    section = _section(_dashboard(app_ctx, m.approver), "Bons de commande à approuver")
    assert f"n° provisoire {covered.id}<" in section
    assert f"n° provisoire {other_operation.id}<" in section  # all operations
    for hidden in (too_big, own):
        assert f"n° provisoire {hidden.id}<" not in section
    section = _section(_dashboard(app_ctx, narrow), "Bons de commande à approuver")
    assert f"n° provisoire {covered.id}<" in section
    assert f"n° provisoire {other_operation.id}<" not in section
    html = _dashboard(app_ctx, m.approver)
    assert html.index("Bons de commande à approuver") < html.index("Consommation des lots")


def test_another_manager_without_delegation_sees_none(app_ctx, calendar):
    m = make.market()
    make.order_in("soumis", m)
    stranger = factories.user("manager")
    section = _section(_dashboard(app_ctx, stranger), "Bons de commande à approuver")
    assert "Aucun bon en attente de votre approbation." in section


def test_the_assistant_sees_orders_to_notify(app_ctx, calendar):
    m = make.market()
    approved = make.order_in("approuve", m)
    section = _section(_dashboard(app_ctx, m.drafter), "Bons approuvés à notifier")
    assert approved.number in section
