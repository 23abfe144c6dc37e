"""The recent imports, on the dashboard of whoever imports (declared in feature.py)."""

from __future__ import annotations

from capintra.imports import queries

DASHBOARD_ROWS = 5


def recent_section() -> dict:
    return {"batches": queries.recent_batches(DASHBOARD_ROWS)}
