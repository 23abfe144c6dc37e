"""The one confidentiality policy: items that may be confidential, and who sees them.

A feature declares what in it can be confidential (`Confidential(Note, ...)` in its
feature.py). For a reader without the rule's capability, a confidential item does not
exist: lists, counts, dashboards, search, history, the audit trail and downloads all
filter through `visible()` (SQL) or `may_see()` (a loaded object), and loaders answer
404. Nothing else in the code decides who sees a confidential item.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_login import current_user
from sqlalchemy import ColumnElement, true

from capintra.features import features
from capintra.security import user_can


@dataclass(frozen=True)
class Confidential:
    """`model`'s rows whose boolean column `column` is true are confidential: only holders
    of `capability` see them. `shared_action`: what the audit trail shows, to those who
    could not see the item, when it stops being confidential (its confidential past stays
    hidden)."""

    model: type
    column: str = "confidential"
    capability: str = "household.confidential"
    shared_action: str | None = None

    @property
    def entity_type(self) -> str:
        return self.model.__tablename__

    def hidden(self) -> ColumnElement[bool]:
        """SQL: the row is confidential."""
        return getattr(self.model, self.column).is_(True)

    def is_hidden(self, obj: Any) -> bool:
        return bool(getattr(obj, self.column, False))


def rules() -> list[Confidential]:
    """Every feature's declared confidential items."""
    return [rule for feature in features() for rule in feature.confidential]


def rule_for(model: type) -> Confidential | None:
    for rule in rules():
        if rule.model is model:
            return rule
    return None


def user_may_see_confidential(user: Any, model: type) -> bool:
    """Whether `user` sees `model`'s confidential rows (True when it has none)."""
    rule = rule_for(model)
    return rule is None or user_can(user, rule.capability)


def confidential_by_default(author: Any, model: type, shared: bool | None) -> bool:
    """Whether an item of `model` that `author` writes (a note, an upload) is confidential.

    The one rule (DESIGN §1): for those who see the model's confidential items (officers),
    confidential unless they share it (`shared` None: not said, so confidential); for
    anyone else, always shared, whatever was posted: nobody writes what they could not
    read back. A model without a `Confidential` rule is never confidential.
    """
    rule = rule_for(model)
    if rule is None or not user_can(author, rule.capability):
        return False
    return not shared


def visible(model: type) -> ColumnElement[bool]:
    """SQL filter: the rows of `model` the current user may see."""
    rule = rule_for(model)
    if rule is None or user_can(current_user, rule.capability):
        return true()
    return ~rule.hidden()


def may_see(obj: Any) -> bool:
    """Whether the current user may see this loaded object."""
    rule = rule_for(type(obj))
    return rule is None or user_can(current_user, rule.capability) or not rule.is_hidden(obj)


def hidden_rules() -> list[Confidential]:
    """The rules whose confidential items the current user may not see."""
    return [rule for rule in rules() if not user_can(current_user, rule.capability)]
