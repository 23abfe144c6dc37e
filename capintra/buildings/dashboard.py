"""The buildings' dashboard section (declared in feature.py)."""

from __future__ import annotations

from capintra.buildings import queries
from capintra.clock import today


def late_section() -> dict:
    rows, more = queries.late_buildings(today())
    return {"rows": rows, "more": more}
