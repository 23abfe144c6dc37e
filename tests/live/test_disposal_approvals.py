"""Two admins approve the same disposal list from the same version at the same moment,
on the real server: never a 5xx; one approval goes through (303), the other is refused
(409); the list is approved once, by one of them, with one audit event."""

from __future__ import annotations

from sqlalchemy import select

from capintra.audit.models import AuditEvent
from capintra.extensions import db
from capintra.retention.models import DisposalList, DisposalStatus
from tests.live.client import together
from tests.live.conftest import LIVE

pytestmark = LIVE

ROUNDS = 4


def _draft() -> int:
    item = DisposalList()
    db.session.add(item)
    db.session.commit()
    return item.id


def test_parallel_approvals_of_one_list_give_one_success_and_one_409(live):
    first, second = live.signed_in("admin"), live.signed_in("admin")
    mark = live.mark()
    outcomes = []
    for n in range(ROUNDS):
        list_id = live.run(_draft)
        path = f"/admin/disposals/{list_id}/approve"
        posts = [
            lambda client=client: client.post(path, {"version": 1}) for client in (first, second)
        ]
        responses = together(posts)
        codes = sorted(r.status for r in responses)
        (saved,) = live.scalars(select(DisposalList).where(DisposalList.id == list_id))
        events = live.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_type == "disposal_list",
                AuditEvent.entity_id == list_id,
                AuditEvent.action == "update",
            )
        )
        problem = None
        if codes != [303, 409]:
            problem = f"round {n}: {codes}"
        elif saved.status is not DisposalStatus.APPROVED or saved.version != 2:
            problem = f"round {n}: {saved.status} v{saved.version}"
        elif len(events) != 1:
            problem = f"round {n}: {len(events)} approval events"
        outcomes.append((codes, problem))

    assert all(code < 500 for codes, _ in outcomes for code in codes), live.explain(mark)
    wrong = [problem for _, problem in outcomes if problem]
    assert not wrong, "\n".join(wrong) + "\n" + live.explain(mark)
