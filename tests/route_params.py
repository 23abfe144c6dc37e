"""Values for the URL variables of the generated route tests (role matrix, CSRF, bad input).

Each feature declares the variables of its own routes in its folder
(`Feature(route_params=…)`, makers in `capintra/<feature>/demo.py`): a URL variable name,
as written in the route (`<int:user_id>` → "user_id"), maps to a function that creates
what the URL points at, inside the test's rolled-back transaction, and returns the value
to put in the URL. A function may take one argument: the values already chosen for the
variables to its left in the same URL (`{"household_id": 12}`), so a sub-object can
belong to its parent; reading a variable not chosen yet makes one through whichever
feature declares it. With two arguments it also gets the route.

Only test-only values stay here (TEST_PARAMS). A route whose variable nobody declares
fails the generated tests, with a message asking to declare it.
"""

from __future__ import annotations

from collections.abc import Callable

from capintra.features import EXTENSION_KEY, route_params

#: Variables of routes that belong to no feature (Flask's static files).
TEST_PARAMS: dict[str, Callable[..., object]] = {
    "filename": lambda: "app.css",
}


def params_of(app) -> dict[str, Callable[..., object]]:
    """The app's features' declarations, and the test-only values."""
    declared = route_params(app.extensions[EXTENSION_KEY])
    both = declared.keys() & TEST_PARAMS.keys()
    assert not both, f"declared by a feature and in tests/route_params.py: {sorted(both)}"
    return {**declared, **TEST_PARAMS}
