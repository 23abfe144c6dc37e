"""Two colleagues validate the same import at the same moment, on the real server: one
commit goes through (303), the other is refused (409); the rows are written once, never
a 5xx."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from capintra.households.models import Household
from capintra.imports.models import ImportBatch, ImportStatus
from tests import factories
from tests.live.client import together
from tests.live.conftest import LIVE

pytestmark = LIVE

ROUNDS = 3
HEADERS = "Opération;Adresse;Commune;Lot;Étage;Type;Occupant;Statut d'occupation;Date d'entrée"


@pytest.fixture(scope="module")
def batches(live):
    """Per round, a batch in preview: two households and a vacant unit in a new building."""

    def make():
        from capintra.buildings.importing import parse_file
        from capintra.imports import services

        operation = factories.operation(name="Îlot Simultané")
        author = factories.user("assistant")
        made = []
        for n in range(ROUNDS):
            lines = [
                HEADERS,
                f"Îlot Simultané;{n} rue Double;Saint-Chamond;1;RDC;T2;CONCUR{n} Ana;Locataire;"
                "01/02/2015",
                f"Îlot Simultané;{n} rue Double;Saint-Chamond;2;1er;T3;CONCUR{n} Léo;Locataire;"
                "01/03/2016",
                f"Îlot Simultané;{n} rue Double;Saint-Chamond;3;2e;T3;;Vacant;",
            ]
            data = ("\r\n".join(lines) + "\r\n").encode()
            batch = services.create_batch(
                parse_file(data, f"double-{n}.csv"), data=data, filename=f"double-{n}.csv",
                author=author,
            )  # fmt: skip
            assert batch.error_count == 0 and operation.id
            made.append(batch.id)
        return made

    return live.run(make)


def test_two_same_version_commits_give_one_303_and_one_409(live, batches):
    first, second = live.signed_in("assistant"), live.signed_in("officer")
    mark = live.mark()
    results = []
    for n, batch_id in enumerate(batches):
        (version,) = live.scalars(select(ImportBatch.version).where(ImportBatch.id == batch_id))
        path = f"/import/{batch_id}/commit"
        responses = together(
            [lambda c=c: c.post(path, {"version": version}) for c in (first, second)]
        )
        (batch,) = live.scalars(select(ImportBatch).where(ImportBatch.id == batch_id))
        written = live.count(Household, Household.name.like(f"CONCUR{n} %"))
        results.append((sorted(r.status for r in responses), batch.status, written))
    why = f"{results}\n{live.explain(mark)}"
    assert all(
        codes == [303, 409] and status is ImportStatus.COMMITTED and written == 2
        for codes, status, written in results
    ), why
    assert live.errors_since(mark) == {}, why
