"""The relocation report's profile bands are computed in SQL (reports.queries
.profile_counts): they must band every household as the Python rules of
capintra.reports.figures do, at their edges (a birthday on the day, a 29 February,
an income at a ceiling, beyond six persons, no members, no head)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capintra.extensions import db
from capintra.households.models import Employment, Relation
from capintra.reports import figures
from capintra.reports.queries import Filters, age_cutoff, profile_counts
from tests import factories

ON = date(2026, 11, 25)
LEAP_DAY = date(2028, 2, 29)


def _file(op, persons: int, birth: date | None, income: int | None, head: bool = True):
    household = factories.household(op.id, tax_reference_income_cents=income)
    for n in range(persons):
        relation = Relation.CHEF if head and n == 0 else Relation.ENFANT
        factories.member(household, relation=relation, birth_date=birth if n == 0 else None,
                         employment=Employment.SALARIE if n == 0 and head else None)  # fmt: skip
    return persons, (birth if head and persons else None), income


def _expected(files, on):
    composition, ages, resources = Counter(), Counter(), Counter()
    for persons, birth, income in files:
        composition[figures.size_band(persons)] += 1
        ages[figures.age_band(birth, on) or "unknown"] += 1
        resources[figures.resource_band(income, persons)] += 1
    return composition, ages, resources


def _counted(operation_id, on):
    composition, ages, resources = Counter(), Counter(), Counter()
    for p in profile_counts(Filters(operation_id=operation_id), on):
        composition[figures.size_band(p.persons)] += p.households
        ages[p.age_band] += p.households
        resources[p.resource_band] += p.households
    return composition, ages, resources


@pytest.mark.parametrize("on", [ON, LEAP_DAY])
def test_the_bands_at_their_edges(app_ctx, on):
    op = factories.operation()
    files = [_file(op, 0, None, None), _file(op, 3, None, 100, head=False)]
    for _code, lowest in figures.AGE_BANDS:
        cutoff = age_cutoff(lowest, on)
        files.append(_file(op, 1, cutoff, None))  # exactly `lowest` today
        files.append(_file(op, 1, date.fromordinal(cutoff.toordinal() + 1), None))  # a day short
    files.append(_file(op, 1, date(2000, 2, 29), None))  # born on a 29 February
    for persons in (1, 2, 6, 7, 9):
        plai, plus = figures.ceilings_for(persons)
        for income in (plai * 100, plai * 100 + 1, plus * 100, plus * 100 + 1):
            files.append(_file(op, persons, date(1980, 5, 1), income))
    db.session.commit()
    assert _counted(op.id, on) == _expected(files, on)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    profile=st.tuples(
        st.integers(0, 9),
        st.one_of(st.none(), st.dates(date(1920, 1, 1), date(2026, 12, 31))),
        st.one_of(st.none(), st.integers(0, 10_000_000)),
    ),
    on=st.dates(date(2024, 1, 1), date(2030, 12, 31)),
)
def test_any_profile_is_banded_as_in_python(app_ctx, profile, on):
    op = factories.operation()
    files = [_file(op, *profile)]
    db.session.commit()
    assert _counted(op.id, on) == _expected(files, on)
