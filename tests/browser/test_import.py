"""The import in a real browser: the upload page and the preview of the shared sample
(one row in error, warnings) pass axe-core and do not scroll sideways, at 1366 and 390 px;
a file chosen and read gives its preview."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import factories
from tests.browser.conftest import BROWSER, sign_in
from tests.browser.test_foundation import assert_accessible

pytestmark = BROWSER

SAMPLE = Path(__file__).parent.parent / "buildings" / "data" / "suivi-occupation.csv"
WIDE = "document.documentElement.scrollWidth"


def _a_batch(live_server) -> int:
    """The sample in preview, one date made impossible (an error row to show)."""

    def make():
        from capintra.admin.models import Operation
        from capintra.buildings.importing import parse_file
        from capintra.extensions import db
        from capintra.imports import services

        for name in ("OPAH-RU Saint-Étienne Centre", "Îlot Gambetta", "ORI Rive-de-Gier",
                     "Centre-ville Firminy"):  # fmt: skip
            if db.session.scalar(db.select(Operation).where(Operation.name == name)) is None:
                factories.operation(name=name)
        data = SAMPLE.read_bytes().replace(b"20/09/2011", b"31/02/2011")
        batch = services.create_batch(
            parse_file(data, "suivi-occupation.csv"), data=data,
            filename="suivi-occupation.csv", author=factories.user("assistant"),
        )  # fmt: skip
        assert batch.error_count == 1
        return batch.id

    return live_server.run(make)


@pytest.mark.parametrize("width", [1366, 390])
def test_the_import_pages_pass_axe_without_sideways_scrolling(live_server, page, width):
    batch_id = _a_batch(live_server)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, *live_server.make_user("assistant"))
    for path in ("/import/", f"/import/{batch_id}"):
        page.goto(live_server.url(path))
        scroll = page.evaluate(WIDE)
        assert scroll <= width, f"{path}: {scroll} px wide at {width} px"
        assert_accessible(page, f"{path} at {width} px")


def test_a_file_chosen_and_read_gives_its_preview(live_server, page):
    _a_batch(live_server)  # the operations
    sign_in(page, live_server, *live_server.make_user("officer"))
    page.goto(live_server.url("/import/"))
    page.get_by_label("Tableau à importer").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Lire le fichier").click()
    page.get_by_role("button", name="Valider l’import").wait_for()
    assert page.locator("#count-households").inner_text() == "30"
    assert page.locator('tr[id^="row-"]').count() == 43
