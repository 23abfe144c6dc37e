"""placeholder: the append-only trigger's bypass (SET LOCAL capintra.audit_maintenance = 'on').

The real context manager (issue 12, item 2) sets the transaction-local setting that lets
the PostgreSQL trigger accept an UPDATE or DELETE on audit_event; only the commands that
may change the trail (purge-access-log, the retention run) enter it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def audit_maintenance() -> Iterator[None]:
    """placeholder: the append-only trigger's bypass
    (SET LOCAL capintra.audit_maintenance = 'on')"""
    yield
