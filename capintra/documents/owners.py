"""Records that may own documents: declared by their feature (`Feature.document_owners`).

The documents package names no feature: it asks the owner's declaration who may reach a
document through its owner (`load` answers 404 when the user may not reach the record).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort

from capintra.features import declared


@dataclass(frozen=True)
class DocumentOwner:
    """`model`'s records own documents; `load(id)` returns the record the current user
    may reach, or aborts 404. `variable`: the URL variable of the owner's id in its
    routes (`household_id`), for the generated route tests."""

    model: type
    load: Callable[[int], Any]
    variable: str

    @property
    def owner_type(self) -> str:
        return self.model.__tablename__


def owner_of(owner_type: str, owner_id: int) -> Any:
    """The record owning a document, if the current user may reach it; else 404."""
    for owner in declared("document_owners"):
        if owner.owner_type == owner_type:
            return owner.load(owner_id)
    abort(404)
