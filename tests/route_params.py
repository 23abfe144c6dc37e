"""Values for the URL variables of the generated route tests (role matrix, CSRF, bad input).

Each entry maps a URL variable name, as written in the route (`<int:user_id>` →
"user_id"), to a function that creates what the URL points at, inside the test's
rolled-back transaction, and returns the value to put in the URL. A function may take
one argument: the values already chosen for the variables to its left in the same URL
(`{"household_id": 12}`), so a sub-object can belong to its parent.

A route whose variable is missing here fails the generated tests, with a message asking
to add it.
"""

from __future__ import annotations

from tests import factories


def _household_item(values: dict, route) -> int:
    """<item_id> of /households/<id>/<kind>/<item_id>: an item of that kind in that file."""
    from capintra.extensions import db

    household = db.session.get(_household_model(), values["household_id"])
    kind = route.rule.split("/")[3]
    makers = {
        "members": factories.member,
        "notes": lambda h: factories.note(h, confidential=False),
        "letters": factories.letter,
        "tasks": factories.task,
    }
    if kind not in makers:
        raise KeyError(f"{route}: add a factory for '{kind}' items in tests/route_params.py")
    return makers[kind](household).id


def _household_model():
    from capintra.households.models import Household

    return Household


def _document_id(values: dict) -> int:
    """A stored document: of the household in the same URL, if there is one."""
    from capintra.extensions import db
    from tests.documents.samples import stored_document

    household_id = values.get("household_id")
    owner = db.session.get(_household_model(), household_id) if household_id else None
    return stored_document(owner).id


ROUTE_PARAMS = {
    "household_id": lambda: factories.household().id,
    "item_id": _household_item,
    "document_id": _document_id,
    "user_id": lambda: factories.user("officer").id,
    "op_id": lambda: factories.operation().id,
    "filename": lambda: "app.css",
}
