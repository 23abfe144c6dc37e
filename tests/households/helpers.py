"""Helpers for the household tests: SQL statement counting, audit events, counts."""

from __future__ import annotations

import re
from contextlib import contextmanager

from sqlalchemy import event, func, select

from capintra.audit.changes import kept_values
from capintra.audit.models import AuditEvent
from capintra.extensions import db

#: Statements the test harness adds around each request (the app's commits become
#: savepoints of the test's transaction): not the application's queries.
_HARNESS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@contextmanager
def count_statements():
    """The SQL statements sent to the database inside the block (harness ones left out)."""
    statements: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(_HARNESS):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before_cursor_execute)


def list_counts(statements: list[str]) -> list[str]:
    """The count statements of a page but the header's (its unread notifications: one
    per page, whatever the list)."""
    return [s for s in statements if "count(" in s.lower() and "from notification" not in s.lower()]


def statements_for(browser, path: str, **kwargs) -> list[str]:
    """The statements one GET request costs, after a warm-up request (caches, token),
    the page computed (not the sections and reports kept since: capintra.audit.changes)."""
    browser.get(path, **kwargs)
    kept_values().clear()
    with count_statements() as statements:
        response = browser.get(path, **kwargs)
    assert response.status_code == 200, (path, response.status_code)
    return statements


def audit_events(**where) -> list[AuditEvent]:
    query = select(AuditEvent).filter_by(**where).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


def count(model, *criteria) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*criteria))


def text_of(response) -> str:
    return response.get_data(as_text=True)


def form_errors(response) -> list[str]:
    """The field errors a form page shows, as (field id, message): for assertion messages."""
    return re.findall(
        r'id="([\w-]+)-errors" class="invalid-feedback[^"]*">([^<]*)<', text_of(response)
    )
