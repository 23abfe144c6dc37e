"""A sample of the directory's model, for the generated audit tests (tests/audit/)."""

from __future__ import annotations

from tests.model_samples import Sample, _set
from tests.organisations import make

SAMPLES: dict[str, Sample] = {
    "organisation": Sample(make.organisation, _set(name="Syndic Forez", address="2 place")),
}
