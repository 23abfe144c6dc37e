"""Time travel: move the application's one clock (capintra.clock.now)."""

from __future__ import annotations

from datetime import datetime, timedelta

import capintra.clock


class TimeMachine:
    """The clock keeps running, shifted by `offset`; forward() moves it on."""

    def __init__(self, monkeypatch):
        self.offset = timedelta(0)
        system_now = capintra.clock.now
        monkeypatch.setattr(capintra.clock, "now", lambda: system_now() + self.offset)

    def forward(self, **delta) -> datetime:
        self.offset += timedelta(**delta)
        return capintra.clock.now()
