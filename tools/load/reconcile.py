"""What the load test checks after the run: the writes the simulated users counted
against the database's own counts, the order numbers without gaps, and the latency
percentiles. Pure functions over the locust tally and row counts (unit-tested in
tests/tools/test_load_reconcile.py); the counts read with one SQL statement per write.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

#: kind of write → (label, SQL counting the rows that kind adds). Each statement counts
#: rows nothing else touches during the run, so its growth is what the users wrote.
WRITES: dict[str, tuple[str, str]] = {
    "household": ("household files created", "SELECT count(*) FROM household"),
    "letter": ("letters recorded", "SELECT count(*) FROM letter"),
    "unit": ("units created", "SELECT count(*) FROM unit"),
    "note": ("journal notes written", "SELECT count(*) FROM note"),
    "offer": ("housing offers recorded", "SELECT count(*) FROM relocation_offer"),
    "order": ("orders drafted", "SELECT count(*) FROM purchase_order"),
    "order_line": ("order lines added", "SELECT count(*) FROM purchase_order_line"),
    "order_submit": (
        "orders submitted",
        "SELECT count(*) FROM purchase_order WHERE submitted_by_id IS NOT NULL",
    ),
    "order_approve": (
        "orders approved (numbered)",
        "SELECT count(*) FROM purchase_order WHERE number IS NOT NULL",
    ),
}


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Latency:
    count: int
    p50: float | None
    p95: float | None
    max: float | None

    @classmethod
    def of(cls, values: list[float]) -> Latency:
        return cls(
            len(values),
            percentile(values, 0.5),
            percentile(values, 0.95),
            max(values) if values else None,
        )


@dataclass
class Tally:
    """What locust's users counted (tools/load/locustfile.py writes it as JSON)."""

    users: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    errors: int = 0
    server_errors: int = 0
    conflicts: int = 0
    #: writes sent whose answer never came (the run stopped them mid-request)
    unfinished: int = 0
    writes: dict[str, int] = field(default_factory=dict)
    #: request name → (kind "page"/"fragment"/"post", response times in ms)
    times: dict[str, tuple[str, list[float]]] = field(default_factory=dict)
    #: the same, for the requests made while the team was still signing in
    ramp: dict[str, tuple[str, list[float]]] = field(default_factory=dict)
    failures: list[tuple[str, int]] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Tally:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            users=data["users"],
            requests=data["requests"],
            errors=data["errors"],
            server_errors=data["server_errors"],
            conflicts=data["conflicts"],
            unfinished=data["unfinished"],
            writes=data["writes"],
            times={name: (kind, times) for name, (kind, times) in data["times"].items()},
            ramp={name: (kind, times) for name, (kind, times) in data.get("ramp", {}).items()},
            failures=[tuple(f) for f in data["failures"]],
        )

    def latency(self, kind: str) -> Latency:
        """Of the measured run (everyone signed in)."""
        return Latency.of([t for k, times in self.times.values() if k == kind for t in times])

    def measured_requests(self) -> int:
        return sum(len(times) for _k, times in self.times.values())

    def ramp_latency(self) -> Latency:
        """Of every request made while the team was signing in."""
        return Latency.of([t for _k, times in self.ramp.values() for t in times])

    def slowest(self, n: int) -> list[tuple[str, str, Latency]]:
        rows = [(name, kind, Latency.of(times)) for name, (kind, times) in self.times.items()]
        rows.sort(key=lambda row: -(row[2].p95 or 0))
        return rows[:n]

    def users_by_role(self) -> str:
        return ", ".join(f"{n} {role}" for role, n in sorted(self.users.items()))

    def writes_total(self) -> int:
        return sum(self.writes.values())


@dataclass(frozen=True)
class Outcome:
    kind: str
    label: str
    expected: int
    found: int

    @property
    def lost(self) -> int:
        return max(0, self.expected - self.found)

    @property
    def duplicated(self) -> int:
        return max(0, self.found - self.expected)


def compare(tally: Tally, before: Mapping[str, int], after: Mapping[str, int]) -> list[Outcome]:
    """Per kind of write: what the users were told succeeded, and the rows added."""
    return [
        Outcome(kind, label, tally.writes.get(kind, 0), after[kind] - before[kind])
        for kind, (label, _sql) in WRITES.items()
    ]


def number_gaps(numbers: list[tuple[int, int]], counters: Mapping[int, int]) -> list[str]:
    """Problems with the orders' numbers (year, sequence): each year's sequences must be
    1…n, each once, and the year's counter must stand at n."""
    problems = []
    by_year: dict[int, list[int]] = {}
    for year, seq in numbers:
        by_year.setdefault(year, []).append(seq)
    for year, seqs in sorted(by_year.items()):
        seen = sorted(seqs)
        if len(set(seen)) != len(seen):
            twice = sorted({s for s in seen if seen.count(s) > 1})
            problems.append(f"{year} : numéros en double {twice[:10]}")
        missing = sorted(set(range(1, max(seen) + 1)) - set(seen))
        if missing:
            problems.append(f"{year} : numéros manquants {missing[:10]}")
        if counters.get(year) != max(seen):
            problems.append(f"{year} : compteur à {counters.get(year)}, dernier numéro {max(seen)}")
    return problems


# --- reading the database -------------------------------------------------------------------


def snapshot_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {kind: conn.exec_driver_sql(sql).scalar() for kind, (_l, sql) in WRITES.items()}


def gaps_in_numbers(engine) -> list[str]:
    with engine.connect() as conn:
        numbers = conn.exec_driver_sql(
            "SELECT number_year, number_seq FROM purchase_order WHERE number IS NOT NULL"
        ).all()
        counters = dict(
            conn.exec_driver_sql('SELECT year, "last" FROM purchase_order_counter').all()
        )
    return number_gaps([tuple(row) for row in numbers], counters)
