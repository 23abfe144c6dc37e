"""The rows' normalised text: the same value reads the same whatever the database gave."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from capintra.backup.checksums import normalise


class Colour(enum.Enum):
    RED = "rouge"


def test_the_same_value_normalises_the_same_way():
    paris = timezone(timedelta(hours=1))
    assert normalise(datetime(2026, 11, 25, 10, tzinfo=UTC)) == normalise(
        datetime(2026, 11, 25, 11, tzinfo=paris)
    )
    assert normalise(datetime(2026, 11, 25, 10, tzinfo=UTC)) == normalise(
        datetime(2026, 11, 25, 10)
    )
    assert normalise(Decimal("1.50")) == normalise(Decimal("1.5")) == "1.5"
    assert normalise({"b": 1, "a": [1, "é"]}) == normalise({"a": [1, "é"], "b": 1})
    assert normalise(True) == "t" and normalise(False) == "f" and normalise(1) == "1"
    assert normalise(Colour.RED) == "rouge"
    assert normalise(date(2026, 11, 25)) == "2026-11-25"
    assert normalise(b"\x00\xff") == normalise(memoryview(b"\x00\xff")) == "00ff"


def test_values_never_run_into_each_other():
    assert normalise(None) != normalise("\\N")
    assert normalise("a\tb") != normalise("a") + "\t" + normalise("b")
    assert normalise("a\nb") == "a\\nb"
