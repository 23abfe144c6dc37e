"""Domain errors: a business rule refuses the action (DESIGN §4).

Services raise them; `capintra.web.errors` turns them into the 409 page or htmx box.
They belong to the core so that services never import the web layer.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _


class DomainError(Exception):
    """A business rule refuses the action: 409 with the reason and the current state."""

    status = 409

    def __init__(self, message: str, obj: Any = None):
        super().__init__(message)
        self.message = message
        self.obj = obj


class IllegalTransition(DomainError):
    pass


class InvalidInput(DomainError):
    """A value the form could not judge alone (a date before the order's, a missing
    reason): the form again with the message on `field` when given, 422, nothing
    written."""

    status = 422

    def __init__(self, message: str, obj: Any = None, field: str | None = None):
        super().__init__(message, obj)
        self.field = field


class StaleVersion(DomainError):
    """The record changed since the form was shown."""

    def __init__(self, obj: Any):
        super().__init__(
            _(
                "Ce dossier a été modifié par quelqu’un d’autre pendant que vous le lisiez. "
                "Vos saisies sont affichées à côté des valeurs actuelles : reprenez-les puis "
                "enregistrez à nouveau."
            ),
            obj,
        )


def check_version(obj: Any, submitted: Any) -> None:
    """Compare the version the form carried with the record's (raises StaleVersion)."""
    try:
        shown = int(submitted)
    except (TypeError, ValueError):
        raise StaleVersion(obj) from None
    if shown != obj.version:
        raise StaleVersion(obj)
