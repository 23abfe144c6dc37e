"""The one door through which the append-only audit trail may change.

`audit_event` refuses every UPDATE and DELETE (DESIGN §2, issue 12): on PostgreSQL a
trigger raises unless the transaction-local setting `capintra.audit_maintenance` is
`on`; on SQLite triggers raise unless the transaction holds a row of
`audit_maintenance`. Both switches die with their transaction (commit or rollback), so
nothing left on by a crashed command can open the trail to anyone else.

Only two commands may open it, each in a transaction of its own, and each records its
own run as an event:
- `flask purge-access-log` (capintra/audit/purge.py): deletes access events older than
  12 months;
- the retention run (`flask anonymise-closed`): rewrites the personal values inside the
  events of the files it anonymises.
No view may use it; tests/audit/test_append_only.py checks that no route of the audit
trail writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from capintra.audit.models import AuditMaintenance
from capintra.extensions import db

#: PostgreSQL's transaction-local setting the trigger reads (migration 9d24885d3b73).
SETTING = "capintra.audit_maintenance"


class MaintenanceAlreadyOn(RuntimeError):
    """SQLite: a row of audit_maintenance was committed (it must never be)."""


@contextmanager
def audit_maintenance(session: Session | None = None) -> Iterator[None]:
    """Let the current transaction UPDATE or DELETE audit events, until the block ends.

    Use it in a command, inside the transaction it commits once afterwards::

        with audit_maintenance():
            db.session.execute(delete(AuditEvent).where(...))
        record_event("…", changes=…)   # the run itself, an ordinary insert
        db.session.commit()

    The session is flushed before the switch goes off, so ORM changes to events made in
    the block reach the database while it is on. Do not commit inside the block. On an
    error the switch is left as is: the caller rolls back, which ends it with the rest.
    """
    session = session if session is not None else db.session
    postgresql = session.get_bind().dialect.name == "postgresql"
    if postgresql:
        session.execute(text(f"SET LOCAL {SETTING} = 'on'"))
    else:
        if session.scalar(select(AuditMaintenance.id).limit(1)) is not None:
            raise MaintenanceAlreadyOn(
                "audit_maintenance holds a committed row: the trail is open to everyone; delete it"
            )
        session.execute(insert(AuditMaintenance).values(id=1))
    yield
    session.flush()
    if postgresql:
        session.execute(text(f"SET LOCAL {SETTING} = 'off'"))
    else:
        session.execute(delete(AuditMaintenance))
