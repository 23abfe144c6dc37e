"""A sample import batch, for the generated audit tests (tests/audit/)."""

from __future__ import annotations

from capintra.imports.models import ImportBatch, ImportStatus
from tests import factories
from tests.model_samples import Sample, _committed, _set


def _batch():
    return _committed(
        ImportBatch(
            uploaded_by_id=factories.user("assistant").id,
            filename="suivi-occupation.csv",
            size_bytes=4321,
            checksum="0" * 64,
            status=ImportStatus.PREVIEW,
            rows=[{"n": 2, "occupant": "ÉLOI Cécile"}],
            warnings=[],
            counts={"rows": 1},
        )
    )


SAMPLES: dict[str, Sample] = {
    "import_batch": Sample(_batch, _set(status=ImportStatus.ABANDONED, size_bytes=4322)),
}
