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

ROUTE_PARAMS = {
    "user_id": lambda: factories.user("officer").id,
    "op_id": lambda: factories.operation().id,
    "filename": lambda: "app.css",
}
