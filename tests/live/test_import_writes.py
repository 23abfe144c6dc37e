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

from capintra.buildings.models import Building, Unit
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


def test_the_same_file_uploaded_twice_and_committed_at_once_writes_its_buildings_once(live):
    """Two colleagues each upload the same file (two batches in preview) and validate them
    at the same moment: the building, its units and its households are written once —
    one commit writes them, the other finds them there (or is refused); never a 5xx."""

    def make():
        from capintra.buildings.importing import parse_file
        from capintra.imports import services

        factories.operation(name="Îlot Jumeau")
        pairs = []
        for n in range(ROUNDS):
            # Round 0 with two households (their reference numbers are unique), the others
            # only vacant units: nothing but the buildings themselves to collide on.
            occupants = [f"JUMEAU{n} Ana;Locataire;01/02/2015", f"JUMEAU{n} Léo;Locataire;"
                         "01/03/2016"] if n == 0 else [";Vacant;", ";Vacant;"]  # fmt: skip
            lines = [
                HEADERS,
                f"Îlot Jumeau;{n} rue Jumelle;Saint-Chamond;1;RDC;T2;{occupants[0]}",
                f"Îlot Jumeau;{n} rue Jumelle;Saint-Chamond;2;1er;T3;{occupants[1]}",
                f"Îlot Jumeau;{n} rue Jumelle;Saint-Chamond;3;2e;T3;;Vacant;",
            ]
            data = ("\r\n".join(lines) + "\r\n").encode()
            pairs.append([
                services.create_batch(
                    parse_file(data, f"jumeau-{n}.csv"), data=data, filename=f"jumeau-{n}.csv",
                    author=factories.user("assistant"),
                ).id
                for _ in range(2)
            ])  # fmt: skip
        return pairs

    first, second = live.signed_in("assistant"), live.signed_in("officer")
    mark = live.mark()
    results = []
    for n, batch_ids in enumerate(live.run(make)):
        versions = [
            live.scalars(select(ImportBatch.version).where(ImportBatch.id == batch_id))[0]
            for batch_id in batch_ids
        ]
        responses = together(
            [
                lambda c=c, b=b, v=v: c.post(f"/import/{b}/commit", {"version": v})
                for c, b, v in zip((first, second), batch_ids, versions, strict=True)
            ]
        )
        buildings = live.scalars(select(Building.id).where(Building.address == f"{n} rue Jumelle"))
        units = live.count(Unit, Unit.building_id.in_(buildings)) if buildings else 0
        households = live.count(Household, Household.name.like(f"JUMEAU{n} %"))
        codes = sorted(r.status for r in responses)
        results.append((codes, len(buildings), units, households))
    why = f"(statuses, buildings, units, households) per round: {results}\n"
    why += live.explain(mark)
    assert all(
        codes[0] == 303
        and set(codes) <= {303, 409}
        and tuple(written) == (1, 3, 2 if n == 0 else 0)
        for n, (codes, *written) in enumerate(results)
    ), why
    assert live.errors_since(mark) == {}, why
