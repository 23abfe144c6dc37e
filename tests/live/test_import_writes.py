"""Two colleagues validate the same import at the same moment, on the real server: one
commit goes through (303), the other is refused (409); the rows are written once, never
a 5xx. A file of the cap's 10,000 rows goes through the same server, every request within
a worker's timeout."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

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


BIG = 10_000


def test_a_10_000_row_file_imports_through_the_server_within_a_worker_s_timeout(live):
    """The cap's worth of rows, on the real server: the upload, the preview and the commit
    each answer well within gunicorn's 60 s worker timeout (the client gives up at 60 s),
    the rows written once, nothing logged."""
    live.run(lambda: factories.operation(name="Îlot Dix Mille"))
    lines = [HEADERS]
    for n in range(BIG):
        building, lot = divmod(n, 10)
        occupant, status, start = f"GRAND{n} Léa", "Locataire", "01/02/2015"
        if lot == 9:
            occupant, status, start = "", "Vacant", ""
        lines.append(f"Îlot Dix Mille;{building} rue Longue;Saint-Chamond;{lot + 1};1er;T2;"
                     f"{occupant};{status};{start}")  # fmt: skip
    data = ("\r\n".join(lines) + "\r\n").encode()
    client = live.signed_in("assistant")
    mark = live.mark()
    answers = []
    started = time.monotonic()
    upload = client.post("/import/", files={"file": ("dix-mille.csv", data, "text/csv")})
    answers.append(("upload", upload.status, round(time.monotonic() - started, 1)))
    assert upload.status == 303, f"{answers}\n{live.explain(mark)}"
    path = urlsplit(upload.location).path
    started = time.monotonic()
    preview = client.get(path)
    answers.append(("preview", preview.status, round(time.monotonic() - started, 1)))
    version = re.search(r'name="version" value="(\d+)"', preview.text).group(1)
    started = time.monotonic()
    committed = client.post(f"{path}/commit", {"version": version})
    answers.append(("commit", committed.status, round(time.monotonic() - started, 1)))
    why = f"{answers}\n{live.explain(mark)}"
    assert [a[1] for a in answers] == [303, 200, 303], why
    assert live.count(Household, Household.name.like("GRAND%")) == BIG - BIG // 10, why
    assert live.errors_since(mark) == {}, why
