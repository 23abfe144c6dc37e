"""Demo data of the retention run: some closed demo files are closed long ago, so that
`flask anonymise-closed --dry-run` lists files past retention (two past the 5 years of
the relocation evidence, two past the 2 years of the social notes); and a disposal
list for the route tests."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from capintra import clock
from capintra.demo import DemoContext
from capintra.extensions import db
from capintra.households.models import Household, Phase
from capintra.retention.models import DisposalList
from capintra.retention.services import add_years

#: Years before today the first closed demo files were closed (one per file).
CLOSED_YEARS_AGO = (7, 6, 3, 2)


def load(context: DemoContext) -> None:
    if context.households <= 0:
        return
    today = context.today or clock.today()
    ids = list(
        db.session.scalars(
            select(Household.id)
            .where(Household.phase == Phase.CLOS, Household.deleted_at.is_(None))
            .order_by(Household.id)
            .limit(len(CLOSED_YEARS_AGO))
        )
    )
    for household_id, years in zip(ids, CLOSED_YEARS_AGO, strict=False):
        closed: date = add_years(today, -years).replace(day=1)
        db.session.execute(
            update(Household)
            .where(Household.id == household_id)
            .values(closed_at=closed)
            .execution_options(synchronize_session=False)
        )
    if ids:
        context.echo(f"Conservation : {len(ids)} dossiers clos anciennement.")


def example_disposal_list_id() -> int:
    """An empty draft list, flushed."""
    item = DisposalList()
    db.session.add(item)
    db.session.flush()
    return item.id
