"""The manager's dashboard section: the main relocation indicators per operation
(declared in feature.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from capintra.admin.models import Operation
from capintra.reports import queries
from capintra.reports.queries import Progress


@dataclass(frozen=True)
class DashboardLine:
    operation: Operation
    counts: Progress
    #: The latest target vacancy date of its buildings.
    target: date | None


def section() -> dict:
    """The operations with households concerned: four statements whatever the number
    of households (the full report's `build_operations` places every household in its
    building and loads every building: seconds at 50,000 files)."""
    progress = queries.progress_by_operation()
    targets = queries.latest_targets()
    lines = [
        DashboardLine(op, progress[op.id], targets.get(op.id))
        for op in queries.operations()
        if op.id in progress and progress[op.id].concerned
    ]
    return {"operations": lines}
