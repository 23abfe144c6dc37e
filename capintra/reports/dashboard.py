"""The manager's dashboard section: the main relocation indicators per operation
(declared in feature.py)."""

from __future__ import annotations

from capintra import clock
from capintra.reports.queries import Filters
from capintra.reports.report import OperationLine, build_operations


def section() -> dict:
    lines: list[OperationLine] = build_operations(Filters(), clock.today())
    return {"operations": [line for line in lines if line.counts.concerned]}
