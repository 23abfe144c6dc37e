"""The application's one clock.

Every "now" in capintra — column defaults, session timeouts, login locks, audit
timestamps — comes from `now()` (through `capintra.models.utcnow`), looked up at call
time. Tests travel in time by replacing this one function (tests/clock.py); nothing else
reads the system time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in Europe/Paris (a UTC date is yesterday's until 1 or 2 a.m.)."""
    return now().astimezone(PARIS).date()
