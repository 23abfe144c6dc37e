"""Two colleagues save the same record from the same version at the same moment, on the
real server: one save goes through (303), the other is refused (409) with the record as
it is now. Five record types, four rounds each."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from capintra.households.models import Household, Letter, Member, Note, Task
from tests import factories
from tests.live.client import together
from tests.live.conftest import LIVE

pytestmark = LIVE

ROUNDS_PER_KIND = 4


@pytest.fixture(scope="module")
def records(live):
    """One household with a member, a letter, a (confidential) note and a task."""

    def make():
        household = factories.household(name="CONCURRENT Famille")
        author = factories.user("officer")
        return {
            "household": household.id,
            "members": factories.member(household, last_name="DIALLO").id,
            "letters": factories.letter(household).id,
            "notes": factories.note(household, confidential=True, author=author).id,
            "tasks": factories.task(household).id,
        }

    return live.run(make)


#: kind: (model, the column a save changes, the form as the edit page posts it)
KINDS = {
    "household": (
        Household,
        "name",
        lambda text: {
            "name": text,
            "operation_id": None,  # filled in from the record
            "officer_id": "",
            "address": "1 rue de la Paix",
            "commune": "Saint-Étienne",
            "rehousing_right": "a_instruire",
        },
    ),
    "members": (
        Member,
        "first_name",
        lambda text: {"last_name": "DIALLO", "first_name": text, "relation": "enfant"},
    ),
    "letters": (
        Letter,
        "subject",
        lambda text: {
            "letter_date": "2026-11-02",
            "direction": "sent",
            "channel": "lrar",
            "subject": text,
        },
    ),
    "notes": (
        Note,
        "body",
        lambda text: {"kind": "entretien", "note_date": "2026-11-20", "body": text},
    ),
    "tasks": (
        Task,
        "title",
        lambda text: {"title": text, "due_date": "2026-12-01", "assignee_id": ""},
    ),
}


def test_two_same_version_saves_give_one_303_and_one_409(live, records):
    household_id = records["household"]
    operation_id = live.scalars(select(Household.operation_id).where(Household.id == household_id))[
        0
    ]
    # Two officers: both may edit every field of the five record types.
    first, second = live.signed_in("officer"), live.signed_in("officer")

    rounds = []  # (kind, round, statuses, what went wrong with the record)
    mark = live.mark()
    for n in range(ROUNDS_PER_KIND):
        for kind, (model, column, form) in KINDS.items():
            item_id = household_id if kind == "household" else records[kind]
            path = (
                f"/households/{household_id}/edit"
                if kind == "household"
                else f"/households/{household_id}/{kind}/{item_id}"
            )
            (version,) = live.scalars(select(model.version).where(model.id == item_id))
            texts = [f"Tour {n} {kind} par la première", f"Tour {n} {kind} par la seconde"]
            posts = []
            for client, text in zip((first, second), texts, strict=True):
                data = {**form(text), "version": version}
                if kind == "household":
                    data["operation_id"] = operation_id
                posts.append(lambda client=client, data=data: client.post(path, data))
            responses = together(posts)
            codes = [r.status for r in responses]

            (saved,) = live.scalars(select(model).where(model.id == item_id))
            problem = None
            if sorted(codes) == [303, 409]:
                winner = texts[codes.index(303)]
                if saved.version != version + 1 or getattr(saved, column) != winner:
                    problem = (
                        f"saved v{saved.version} {getattr(saved, column)!r}, expected "
                        f"v{version + 1} {winner!r}"
                    )
            rounds.append((kind, n, tuple(sorted(codes)), problem))

    wrong = [r for r in rounds if r[2] != (303, 409) or r[3]]
    by_kind = Counter((kind, codes) for kind, _, codes, _ in rounds)
    why = (
        f"{len(wrong)} of {len(rounds)} rounds were not one 303 and one 409:\n"
        + "\n".join(f"  {kind}: {codes} × {n}" for (kind, codes), n in sorted(by_kind.items()))
        + "".join(f"\n  {kind} round {n}: {problem}" for kind, n, _, problem in wrong if problem)
        + "\n"
        + live.explain(mark)
    )
    assert not wrong, why
    assert len(rounds) == ROUNDS_PER_KIND * len(KINDS) == 20
