"""The officers' dashboard: access requests not answered yet, with their one-month
deadline (days left, or days late). Every officer sees every open request: a request is
the team's legal deadline, and a file without an assigned officer must not hide one."""

from __future__ import annotations

from flask import request

from capintra import clock
from capintra.subject_access import queries

ROWS, ALL = 10, 200


def section() -> dict:
    size = ALL if request.args.get("all") == "access_requests" else ROWS
    rows = queries.open_requests(size + 1)
    return {"rows": rows[:size], "more": len(rows) > size, "today": clock.today()}
