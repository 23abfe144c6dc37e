"""The throw-away feature's declaration: everything it adds, from its own folder."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from capintra.confidentiality import Confidential
from capintra.extensions import db
from capintra.features import HIDDEN, ORD, SEN, Audited, DashboardSection, Feature, RecordNamer
from capintra.text import lazy_gettext as _l
from capintra.web.pages import Tab
from tests.throwaway.visits.models import Visit
from tests.throwaway.visits.views import bp, visits_of


def example_visit(values) -> int:
    """<visit_id>: a shared visit of a household file (made by the households feature)."""
    visit = Visit(household_id=values["household_id"], visit_date=date(2026, 11, 5),
                  summary="Logement humide, chauffage en panne.")  # fmt: skip
    db.session.add(visit)
    db.session.flush()
    return visit.id


#: How the audit trail names a visit (never by its summary: it may be confidential).
VISIT_NAMER = RecordNamer(
    lambda ids: select(Visit.id, Visit.id).where(Visit.id.in_(ids)),
    lambda row: (_("visite n° %(id)s", id=row.id), None),
)


FEATURE = Feature(
    name="visits",
    blueprints=((bp, "/visits"),),
    models=(Visit,),
    audited=(
        Audited(
            Visit,
            _l("Visite à domicile"),
            {
                "household_id": (ORD, HIDDEN),
                "visit_date": (ORD, _l("Date de la visite")),
                "summary": (SEN, _l("Compte rendu")),
                "confidential": (ORD, _l("Confidentielle")),
            },
        ),
    ),
    confidential=(Confidential(Visit, shared_action="visit_shared"),),
    actions={"visit_shared": _l("Visite partagée")},
    tabs=(
        Tab(
            "household",
            "visits",
            _l("Visites"),
            85,
            "visits/_tab.html",
            lambda household, state: {"visits": visits_of(household.id)},
        ),
        # A tab for officers only: the others neither see it nor reach its URL.
        Tab(
            "household",
            "planning",
            _l("Planning des visites"),
            86,
            "visits/_tab.html",
            lambda household, state: {"visits": visits_of(household.id)},
            capability="household.social",
        ),
    ),  # fmt: skip
    dashboard_sections=(
        DashboardSection(
            "household.view", "visits/_dashboard.html", lambda: {"visits": visits_of()}
        ),
    ),
    route_params={"visit_id": example_visit},
    record_names={"throwaway_visit": VISIT_NAMER},
)
